#!/usr/bin/env python3
"""Evaluate the MRZ line recogniser on a hold-out set of line crops (generate.py --variant eval, other seed).

    python evaluate.py --data DATA/eval --onnx ../../models/mrz/mrz-line.onnx [--torch run/best.pt]

Greedy CTC decoding; prints line exact-match rate and character error rate per format x condition
(markdown table). With --torch it also checks that the ONNX output equals the PyTorch output
(max abs diff of the log-probabilities) and lists the ONNX operators.
"""
import argparse
import os
import sys
from collections import defaultdict

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import ALPHABET, greedy_decode  # noqa: E402

# operators the Rust side's runtime (tract) handles; the graph must use only these
TRACT_OK = {"Conv", "Relu", "MaxPool", "BatchNormalization", "LSTM", "Transpose", "Reshape", "MatMul", "Gemm",
            "Add", "Sub", "Mul", "Div", "Sqrt", "ReduceMean", "Softmax", "LogSoftmax", "Squeeze", "Unsqueeze",
            "Gather", "Concat", "Shape", "Constant", "Slice", "Identity", "Cast", "Pow", "ConstantOfShape"}


def levenshtein(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def run_onnx(path, imgs):
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    inp = sess.get_inputs()[0].name
    out = []
    import time
    t0 = time.time()
    for i in range(len(imgs)):
        x = imgs[i:i + 1].astype(np.float32)[:, None] / 255.0
        out.append(sess.run(None, {inp: x})[0])
    print("onnxruntime, 1 thread: %.2f ms per line (machine shared with other jobs)" % ((time.time() - t0) * 1000 / len(imgs)))
    return np.concatenate(out)


def report(preds, rows, title):

    stats = defaultdict(lambda: [0, 0, 0, 0])  # lines, exact, edit distance, chars
    errors = []
    for p, r in zip(preds, rows):
        fmt, cond, gt = r[1], r[2], r[4]
        d = levenshtein(p, gt)
        for key in [(fmt, cond), ("all", cond), (fmt, "all"), ("all", "all")]:
            s = stats[key]
            s[0] += 1
            s[1] += p == gt
            s[2] += d
            s[3] += len(gt)
        flags = r[5] if len(r) > 5 else "-"
        for fl in ["glare", "motion", "grey"]:
            key = ("flag", cond, fl if fl in flags.split(",") else "no-" + fl)
            s = stats[key]
            s[0] += 1
            s[1] += p == gt
            s[2] += d
            s[3] += len(gt)
        if p != gt:
            errors.append((fmt, cond, gt, p))
    conds = ["clean", "phone", "hard", "all"]
    lines = ["**%s**" % title, "", "| format | " + " | ".join("%s: exact / CER" % c for c in conds) + " |",
             "|---|" + "---|" * len(conds)]
    for fmt in ["TD1", "TD2", "TD3", "all"]:
        cells = []
        for c in conds:
            s = stats[(fmt, c)]
            cells.append("%.2f %% / %.3f %% (n=%d)" % (100 * s[1] / max(s[0], 1), 100 * s[2] / max(s[3], 1), s[0]))
        lines.append("| %s | %s |" % (fmt, " | ".join(cells)))
    lines.append("")
    lines.append("| condition | degradation | lines | exact | CER |")
    lines.append("|---|---|---|---|---|")
    for c in conds[:3]:
        for fl in ["glare", "no-glare", "motion", "grey"]:
            s = stats[("flag", c, fl)]
            if s[0]:
                lines.append("| %s | %s | %d | %.2f %% | %.3f %% |" % (c, fl, s[0], 100 * s[1] / s[0], 100 * s[2] / max(s[3], 1)))
    table = "\n".join(lines)
    print(table, flush=True)
    return table, errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--onnx", default="")
    ap.add_argument("--torch", default="", help="checkpoint (.pt); evaluated with PyTorch if no --onnx")
    ap.add_argument("--errors", type=int, default=0, help="print this many misread lines")
    ap.add_argument("--constrained", action="store_true", help="also decode constrained to the line length")
    ap.add_argument("--markdown", default="", help="also write the table to this file")
    args = ap.parse_args()

    imgs = np.load(os.path.join(args.data, "images.npy"))
    rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(args.data, "labels.tsv"))]
    tl = None
    if args.torch:
        import torch
        from model import CRNN
        torch.set_num_threads(1)
        m = CRNN()
        m.load_state_dict(torch.load(args.torch))
        m.eval()
        with torch.no_grad():
            tl = np.concatenate([m(torch.from_numpy(imgs[i:i + 64]).float().div(255).unsqueeze(1)).numpy()
                                 for i in range(0, len(imgs), 64)])
    if args.onnx:
        import onnx
        g = onnx.load(args.onnx)
        ops = sorted({n.op_type for n in g.graph.node})
        print("onnx opset", [o.version for o in g.opset_import], "ops", ops)
        bad = [o for o in ops if o not in TRACT_OK]
        print("ops outside the tract list:", bad or "none")
        print("input", [(i.name, [d.dim_value for d in i.type.tensor_type.shape.dim]) for i in g.graph.input])
        print("output", [(o.name, [d.dim_value for d in o.type.tensor_type.shape.dim]) for o in g.graph.output])
        lp = run_onnx(args.onnx, imgs)
        if tl is not None:
            print("max |onnx - torch| over %d lines: %.3g" % (len(imgs), float(np.abs(lp - tl).max())))
            same = sum(a == b for a, b in zip(greedy_decode(lp), greedy_decode(tl)))
            print("identical greedy decodes: %d / %d" % (same, len(imgs)))
    else:
        lp = tl
    preds = greedy_decode(lp)
    table, errors = report(preds, rows, "greedy CTC decoding")
    if args.constrained:
        from model import constrained_decode
        cpreds = [constrained_decode(lp[i], len(r[4]))[0] or "" for i, r in enumerate(rows)]
        t2, errors = report(cpreds, rows, "CTC decoding constrained to the format's line length")
        table += "\n\n" + t2
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(table + "\n")
    for e in errors[:args.errors]:
        print("%s %-5s gt   %s\n           pred %s" % e)


if __name__ == "__main__":
    main()
