#!/usr/bin/env python3
"""Summarises tools/face/benchmark.sh's pairs: distances of same-person and different-person
document-vs-selfie pairs on the calibration split (passport pages, TD3) and the test split (ID
cards, TD1), the rates at kycd's thresholds (kycd_domain::face_check) and the timings."""
import json, re, sys

MATCH, MISMATCH = 0.50, 0.60
rows, whole = [], None
for line in open(sys.argv[1]):
    e = json.loads(line)
    if "whole_ms" in e:
        whole = e
    else:
        rows.append(e)
rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(sys.argv[2]).read())


def describe(split, name):
    same = [r for r in split if r["same"]]
    diff = [r for r in split if not r["same"]]
    sd = sorted(r["distance"] for r in same if r["distance"] is not None)
    dd = sorted(r["distance"] for r in diff if r["distance"] is not None)
    tm = sum(r["status"] == "FACE_MATCH" for r in same)
    grey_same = sum(r["status"] == "AUTO_UNVERIFIABLE" for r in same)
    fm = sum(r["status"] == "FACE_MATCH" for r in diff)
    grey_diff = sum(r["status"] == "AUTO_UNVERIFIABLE" for r in diff)
    compared = [r for r in same if r["distance"] is not None]
    print(f"| {name} | {len(same)} ({len(compared)} with both faces found) | {len(diff)} | {sd[0]:.3f}–{sd[-1]:.3f} | "
          f"{dd[0]:.3f}–{dd[-1]:.3f} | {tm}/{len(same)} ({100 * tm / max(1, len(same)):.1f} %); "
          f"{tm}/{len(compared)} of those compared | {grey_same} | {fm}/{len(diff)} | {grey_diff} |")


print("| split | same-person pairs | different-person pairs | same distances | different distances | "
      "true matches | same → person | false matches | different → person |")
print("|---|---|---|---|---|---|---|---|---|")
describe([r for r in rows if r["kind"].startswith("TD3")], "calibration (TD3 pages)")
describe([r for r in rows if r["kind"].startswith("TD1")], "test (TD1 cards)")
docs = {r["document"]: r["portraitFound"] for r in rows}
selfies = {r["selfie"]: r["selfieFound"] for r in rows}
print(f"selfie faces found: {sum(selfies.values())}/{len(selfies)} photos "
      f"(not found: {', '.join(sorted(k for k, v in selfies.items() if not v))})")
for cond in ("scan", "phone"):
    same = [r for r in rows if r["same"] and r["distance"] is not None and r["kind"].endswith(cond)]
    if same:
        ds = sorted(r["distance"] for r in same)
        print(f"same-person distances, {cond}: {ds[0]:.3f}–{ds[-1]:.3f}, "
              f"{sum(r['status'] == 'FACE_MATCH' for r in same)}/{len(same)} matched")
print(f"\nportraits found: {sum(docs.values())}/{len(docs)} documents")
others = {}
for r in rows:
    others.setdefault(r["status"], 0)
    others[r["status"]] += 1
print(f"statuses: {others}")
face_ms = sorted(r["ms"] for r in rows)
print(f"face stage (decode both, find both, compare): p50 {face_ms[len(face_ms) // 2]:.0f} ms, "
      f"max {face_ms[-1]:.0f} ms over {len(face_ms)} pairs")
if whole:
    w = whole["whole_ms"]
    print(f"whole analysis (document + faces): p50 {w['p50']:.0f} ms, p90 {w['p90']:.0f} ms, max {w['max']:.0f} ms (n={w['n']})")
if rss:
    print(f"peak RSS of the benchmark process: {int(rss.group(1)) / 1024:.0f} MB")
