"""CRNN-CTC MRZ line recogniser: 1x1x32xW grayscale (pixel/255, white=1) -> [N, T=W/4, 38] log-probabilities."""
import json

import torch
import torch.nn as nn

ALPHABET = "<0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
CLASSES = ["<blank>"] + list(ALPHABET)  # index 0 = CTC blank, 1 = '<', 2..11 = '0'..'9', 12..37 = 'A'..'Z'
HEIGHT = 32
WIDTH = 512


def cbr(i, o, stride=1):
    return [nn.Conv2d(i, o, 3, stride=stride, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU(inplace=True)]


class CRNN(nn.Module):
    def __init__(self, ch=(16, 32, 64, 96, 96), hidden=80, n_classes=38):
        super().__init__()
        a, b, c, d, e = ch
        self.cnn = nn.Sequential(
            *cbr(1, a, stride=2),                  # 16 x W/2
            *cbr(a, b, stride=2),                  # 8 x W/4
            *cbr(b, c), nn.MaxPool2d((2, 1)),      # 4 x W/4
            *cbr(c, d), nn.MaxPool2d((2, 1)),      # 2 x W/4
            *cbr(d, e),
        )
        self.rnn = nn.LSTM(e * 2, hidden, bidirectional=True, batch_first=True)
        self.drop = nn.Dropout(0.1)
        self.fc = nn.Linear(2 * hidden, n_classes)

    def forward(self, x):
        # per-image contrast normalisation inside the graph (robust to grey print, contrast loss, exposure)
        m = x.mean(dim=(2, 3), keepdim=True)
        v = ((x - m) * (x - m)).mean(dim=(2, 3), keepdim=True)
        x = (x - m) / torch.sqrt(v + 1e-4)
        f = self.cnn(x)                          # N, C, 2, T
        n, c, h, t = f.shape
        f = f.reshape(n, c * h, t).permute(0, 2, 1)  # N, T, C*2
        y, _ = self.rnn(f)
        y = self.fc(self.drop(y))
        return torch.log_softmax(y, dim=-1)     # N, T, 38


def greedy_decode(logp):
    """logp: [N, T, C] tensor or array -> list of strings (collapse repeats, drop blanks)."""
    idx = logp.argmax(-1)
    out = []
    for row in idx.tolist():
        s, prev = [], 0
        for k in row:
            if k != prev and k != 0:
                s.append(ALPHABET[k - 1])
            prev = k
        out.append("".join(s))
    return out


def meta(width=WIDTH):
    return {
        "name": "mrz-line",
        "task": "ICAO 9303 MRZ single-line recognition (CRNN + CTC)",
        "input": {"name": "image", "shape": [1, 1, HEIGHT, width], "dtype": "float32",
                  "layout": "NCHW, one grayscale line crop stretched to exactly H x W",
                  "normalisation": "value = pixel / 255.0 (0 = black ink, 1 = white paper); no mean/std, the model "
                                   "normalises contrast itself",
                  "polarity": "dark text on light background"},
        "output": {"name": "logprobs", "shape": [1, width // 4, len(CLASSES)], "dtype": "float32",
                   "meaning": "log_softmax over classes per time step (left to right)", "blank_index": 0},
        "classes": CLASSES,
        "alphabet": ALPHABET,
        "line_lengths": {"TD1": 30, "TD2": 36, "TD3": 44},
    }


def write_meta(path, width=WIDTH, extra=None):
    d = meta(width)
    if extra:
        d.update(extra)
    with open(path, "w") as f:
        json.dump(d, f, indent=2)


def constrained_decode(logp, length):
    """Best CTC path that emits exactly `length` labels (max-product / Viterbi over alignments).

    logp: numpy [T, C] log-probabilities (C = 38, blank = 0). Returns (text, score) or (None, -inf)
    when T is too short. State (n, last): n labels emitted so far, `last` = class of the previous frame
    (0 = blank). At frame t with class c: blank keeps n; c == last continues the same label; any other
    non-blank c starts label n+1 (so a repeated character needs a blank between its two frames).
    """
    import numpy as np
    T, C = logp.shape
    NEG = -1e30
    L = length
    score = np.full((L + 1, C), NEG)
    score[0, 0] = 0.0  # virtual start: "previous frame was blank"
    back = np.zeros((T, L + 1, C, 2), dtype=np.int16)  # (prev n, prev last)
    ar = np.arange(C)
    for t in range(T):
        new = np.full((L + 1, C), NEG)
        nb = np.zeros((L + 1, C, 2), dtype=np.int16)
        # blank: from any last at same n
        best_last = score.argmax(1)
        new[:, 0] = score[np.arange(L + 1), best_last] + logp[t, 0]
        nb[:, 0, 0] = np.arange(L + 1)
        nb[:, 0, 1] = best_last
        # continue same label (c != 0, last == c, same n)
        cont = score[:, 1:]
        # start new label from n-1, best last != c
        prev = score[:-1]                     # [L, C]
        o = np.argsort(prev, axis=1)
        a1, a2 = o[:, -1], o[:, -2]
        m1 = prev[np.arange(L), a1][:, None]
        m2 = prev[np.arange(L), a2][:, None]
        use2 = (a1[:, None] == ar[None, 1:])
        start = np.where(use2, m2, m1)        # [L, C-1]
        start_last = np.where(use2, a2[:, None], a1[:, None])
        cand_cont = cont[1:]                  # n >= 1
        take_start = start > cand_cont
        new[1:, 1:] = np.where(take_start, start, cand_cont) + logp[t, 1:]
        nb[1:, 1:, 0] = np.where(take_start, np.arange(L)[:, None], np.arange(1, L + 1)[:, None])
        nb[1:, 1:, 1] = np.where(take_start, start_last, ar[None, 1:])
        new[0, 1:] = NEG
        score = new
        back[t] = nb
    last = int(score[L].argmax())
    best = float(score[L, last])
    if best <= NEG / 2:
        return None, float("-inf")
    n, out = L, []
    for t in range(T - 1, -1, -1):
        pn, pl = back[t, n, last]
        if last != 0 and (pn != n):
            out.append(ALPHABET[last - 1])
        n, last = int(pn), int(pl)
    return "".join(reversed(out)), best
