#!/usr/bin/env python3
"""Train the CRNN-CTC MRZ line recogniser on line crops written by generate.py, then export to ONNX.

    python train.py --data DATA/train --val DATA/val --out OUT --minutes 35

The learning-rate schedule follows --steps when given (bit-for-bit reproducible on one machine),
otherwise the elapsed fraction of --minutes (so the run ends on time on a loaded machine).
"""
import argparse
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import ALPHABET, CRNN, HEIGHT, greedy_decode, write_meta  # noqa: E402


PREPROCESSING = {
    "preprocessing": [
        "Input: the document image rectified so that the MRZ lines are horizontal (residual tilt <= 2 deg; "
        "the model was trained with |tilt| mostly < 1 deg), grayscale (e.g. 0.299 R + 0.587 G + 0.114 B), "
        "dark ink on light paper (do not invert).",
        "Cut ONE line: the axis-aligned box of that line's ink (cap top to baseline, first to last "
        "character) plus a vertical margin of about 0.25 x character height on each side (trained 0.05-0.6) "
        "and a horizontal margin of about 0.5 x character pitch on each side (trained 0.05-1.8). Parts of "
        "the neighbouring lines inside the margin are fine. Replicate the edge pixels if the box leaves "
        "the image.",
        "Resize (stretch, no aspect-ratio preservation, no padding) the crop to exactly 32 rows x 512 "
        "columns: area averaging when shrinking, bilinear when enlarging.",
        "value = pixel / 255.0 as float32, NCHW [1, 1, 32, 512]. No mean/std: the graph normalises "
        "contrast itself.",
        "Output [1, 128, 38] log-probabilities: greedy decoding = argmax per step, merge repeats, drop "
        "blank (index 0); class k >= 1 is alphabet[k-1]. Better: CTC decoding constrained to the line "
        "length of the format (30 / 36 / 44).",
        "Upside-down lines are not recognised (garbage, low confidence): if no format validates, "
        "retry the zone rotated by 180 degrees.",
    ],
    "trained_character_height_px": "10-40 px in the source image before resizing",
}


def load(dirname):
    imgs = np.load(os.path.join(dirname, "images.npy"), mmap_mode="r")
    rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(dirname, "labels.tsv"))]
    return np.ascontiguousarray(imgs), rows


def encode(texts):
    tg = [ALPHABET.index(c) + 1 for t in texts for c in t]
    return torch.tensor(tg, dtype=torch.long), torch.tensor([len(t) for t in texts], dtype=torch.long)


def augment(x, g):
    """Cheap on-the-fly augmentation on a uint8 batch [B,32,W] -> float [B,1,32,W] (pixel/255)."""
    x = x.float() / 255.0
    b = x.shape[0]
    # random horizontal shift by up to +-6 px (replicate edge), keeps labels
    out = torch.empty_like(x)
    shifts = torch.randint(-6, 7, (b,), generator=g).tolist()
    for i, s in enumerate(shifts):
        if s > 0:
            out[i, :, s:] = x[i, :, :-s]
            out[i, :, :s] = x[i, :, :1]
        elif s < 0:
            out[i, :, :s] = x[i, :, -s:]
            out[i, :, s:] = x[i, :, -1:]
        else:
            out[i] = x[i]
    # gamma jitter
    gam = torch.exp(torch.randn(b, 1, 1, generator=g) * 0.15)
    out = out.clamp(0, 1) ** gam
    return out.unsqueeze(1)


def shuffle(weights, g):
    """Epoch order: a permutation, or weighted sampling with replacement when --cond-weights differ."""
    if bool((weights == weights[0]).all()):
        return torch.randperm(len(weights), generator=g)
    return torch.multinomial(weights, len(weights), replacement=True, generator=g)


def evaluate(model, imgs, rows, bs=128):
    model.eval()
    ok, n = 0, 0
    with torch.no_grad():
        for i in range(0, len(rows), bs):
            x = torch.from_numpy(imgs[i:i + bs]).float().div(255.0).unsqueeze(1)
            pred = greedy_decode(model(x))
            for p, r in zip(pred, rows[i:i + bs]):
                ok += p == r[4]
                n += 1
    model.train()
    return ok / max(n, 1)


class ExportCRNN(nn.Module):
    """Batch-1, static-shape view of CRNN for export: explicit zero LSTM state and constant reshapes, so the
    graph has no Shape/Gather/Expand/Concat (plain ops for tract)."""

    def __init__(self, m, width):
        super().__init__()
        self.m = m
        self.t = width // 4
        hs = m.rnn.hidden_size
        self.register_buffer("h0", torch.zeros(2, 1, hs))
        self.register_buffer("c0", torch.zeros(2, 1, hs))

    def forward(self, x):
        m = self.m
        mu = x.mean(dim=(2, 3), keepdim=True)
        v = ((x - mu) * (x - mu)).mean(dim=(2, 3), keepdim=True)
        x = (x - mu) / torch.sqrt(v + 1e-4)
        f = m.cnn(x)
        f = f.reshape(1, -1, self.t).permute(0, 2, 1)
        y, _ = m.rnn(f, (self.h0, self.c0))
        return torch.log_softmax(m.fc(y), dim=-1)


def export_onnx(model, path, width):
    model.eval()
    x = torch.zeros(1, 1, HEIGHT, width)
    wrapped = ExportCRNN(model, width).eval()
    with torch.no_grad():
        assert torch.allclose(wrapped(x), model(x), atol=1e-5)
    torch.onnx.export(wrapped, (x,), path, opset_version=13, dynamo=False, input_names=["image"],
                      output_names=["logprobs"], do_constant_folding=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True, nargs="+")
    ap.add_argument("--val", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--minutes", type=float, default=35.0)
    ap.add_argument("--steps", type=int, default=0, help="fixed number of steps (overrides --minutes schedule)")
    ap.add_argument("--width", type=int, default=512, help="input width (export only; training uses the data's)")
    ap.add_argument("--cond-weights", default="clean=1,phone=1,hard=1", help="sampling weight per condition")
    ap.add_argument("--threads", type=int, default=1, help="1 is faster than 2 when another job loads the CPU")
    ap.add_argument("--eval-every", type=int, default=1000)
    ap.add_argument("--log-every", type=int, default=100)
    ap.add_argument("--bf16", type=int, default=1, help="bfloat16 autocast for the forward pass (AVX512-BF16 CPUs)")
    ap.add_argument("--init", default="", help="checkpoint to continue from")
    ap.add_argument("--export", default="", help="only export this checkpoint to OUT/mrz-line.onnx + .json")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    np.random.seed(args.seed)
    g = torch.Generator().manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    if args.export:
        model = CRNN()
        model.load_state_dict(torch.load(args.export))
        export_onnx(model, os.path.join(args.out, "mrz-line.onnx"), args.width)
        write_meta(os.path.join(args.out, "mrz-line.json"), args.width, PREPROCESSING)
        print("exported", os.path.join(args.out, "mrz-line.onnx"))
        return

    # data directories that do not exist yet (still being generated) are picked up when they appear
    cw = {k: float(v) for k, v in (kv.split("=") for kv in args.cond_weights.split(","))}
    pending = list(args.data)
    loaded = []

    def refresh():
        for d in list(pending):
            if os.path.exists(os.path.join(d, "labels.tsv")):
                loaded.append(load(d))
                pending.remove(d)
                print("loaded", d, len(loaded[-1][1]), "lines", flush=True)
        imgs = np.concatenate([p[0] for p in loaded]) if len(loaded) > 1 else loaded[0][0]
        rows = [r for p in loaded for r in p[1]]
        w = torch.tensor([cw.get(r[2], 1.0) for r in rows], dtype=torch.double)
        return torch.from_numpy(imgs), [r[4] for r in rows], w

    while not any(os.path.exists(os.path.join(d, "labels.tsv")) for d in pending):
        time.sleep(5)
    timgs, texts, weights = refresh()
    width = timgs.shape[2]
    vimgs, vrows = load(args.val)
    print("train lines %d, val lines %d, width %d" % (len(texts), len(vrows), width), flush=True)

    model = CRNN()
    if args.init:
        model.load_state_dict(torch.load(args.init))
    nparam = sum(p.numel() for p in model.parameters())
    print("parameters %d (%.2f MB float32)" % (nparam, nparam * 4 / 1e6), flush=True)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    ctc = nn.CTCLoss(blank=0, zero_infinity=True)

    t0 = time.time()
    budget = args.minutes * 60
    step, best, ema = 0, -1.0, None
    perm = shuffle(weights, g)
    pos = 0
    warm = 300
    log = open(os.path.join(args.out, "train.log"), "a")
    while True:
        frac = step / args.steps if args.steps else (time.time() - t0) / budget
        if frac >= 1.0:
            break
        lr = args.lr * min(1.0, (step + 1) / warm) * (0.5 * (1 + np.cos(np.pi * min(frac, 1.0))) * 0.97 + 0.03)
        for pg in opt.param_groups:
            pg["lr"] = lr
        if pos + args.batch > len(texts):
            if pending:
                timgs, texts, weights = refresh()
            perm = shuffle(weights, g)
            pos = 0
        idx = perm[pos:pos + args.batch]
        pos += args.batch
        x = augment(timgs[idx], g)
        tg, tl = encode([texts[i] for i in idx.tolist()])
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bool(args.bf16)):
            logp = model(x)
        logp = logp.float().permute(1, 0, 2)  # T, N, C
        il = torch.full((logp.shape[1],), logp.shape[0], dtype=torch.long)
        loss = ctc(logp, tg, il, tl)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        step += 1
        ema = loss.item() if ema is None else 0.98 * ema + 0.02 * loss.item()
        if step % args.log_every == 0:
            msg = "step %d  %.1f min  lr %.2e  loss %.4f" % (step, (time.time() - t0) / 60, lr, ema)
            print(msg, flush=True)
            log.write(msg + "\n")
            log.flush()
        if step % args.eval_every == 0:
            if pending and any(os.path.exists(os.path.join(d, "labels.tsv")) for d in pending):
                timgs, texts, weights = refresh()
                perm = shuffle(weights, g)
                pos = 0
            acc = evaluate(model, vimgs, vrows)
            msg = "  val exact-line %.4f" % acc
            print(msg, flush=True)
            log.write(msg + "\n")
            torch.save(model.state_dict(), os.path.join(args.out, "last.pt"))
            if acc >= best:
                best = acc
                torch.save(model.state_dict(), os.path.join(args.out, "best.pt"))
    acc = evaluate(model, vimgs, vrows)
    torch.save(model.state_dict(), os.path.join(args.out, "last.pt"))
    if acc >= best:
        best = acc
        torch.save(model.state_dict(), os.path.join(args.out, "best.pt"))
    msg = "done: %d steps in %.1f min, final val %.4f, best val %.4f" % (step, (time.time() - t0) / 60, acc, best)
    print(msg, flush=True)
    log.write(msg + "\n")
    model.load_state_dict(torch.load(os.path.join(args.out, "best.pt")))
    export_onnx(model, os.path.join(args.out, "mrz-line.onnx"), width)
    write_meta(os.path.join(args.out, "mrz-line.json"), width, PREPROCESSING)
    print("exported", os.path.join(args.out, "mrz-line.onnx"))


if __name__ == "__main__":
    main()
