#!/usr/bin/env python3
"""Accuracy and speed of MRZ readers on generated documents (documents.py), written to docs/accuracy.md.

Readers, each run on the same images:
    kycd          `KYCD analyze --front F [--back B] --json`, one process per document; latency = the sum
                  of its timingsMs (process start excluded), peak RSS of that process (wait4).
    passporteye   passporteye.read_mrz(image) in one long-lived worker process (its imports load once,
                  as in a service); latency = wall time of the call(s), peak RSS of the worker.
    tesseract     the tesseract CLI on the image (whitelist A-Z 0-9 <, default page segmentation), the
                  2 or 3 consecutive lines that look like a zone picked from its output and parsed with
                  the same check-digit rules as the labels (documents.parse_zone / mrzdata.validate);
                  latency = wall time of the process, peak RSS of the process.
For a two-sided card the non-kycd readers are given the front, then the back unless the front gave a
valid zone (as kycd looks at the back when the front holds no zone); when neither is valid the back's
zone is kept if it has one; their latency counts both calls.

    benchmark.py --data SET --results RUN --readers kycd,passporteye,tesseract --kycd target/release/kycd \
                 --md docs/accuracy.md --json docs/accuracy.json
Per-reader raw results go to RUN/READER.jsonl; a reader whose file exists is not run again unless
--rerun; the report is made from every file present (a reader without results is listed as not run).
"""
import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import documents  # noqa: E402
import mrzdata  # noqa: E402

KEY_FIELDS = ["documentNumber", "surname", "givenNames", "nationality", "dateOfBirth", "dateOfExpiry", "sex"]
READERS = ["kycd", "passporteye", "tesseract"]
TIMEOUT_S = 120


# ---------------------------------------------------------------- running a child and measuring it

def run_measured(args, timeout=TIMEOUT_S, stdin_data=None):
    """(returncode, stdout, stderr, wall ms, peak RSS KB) of one child process."""
    t0 = time.perf_counter()
    p = subprocess.Popen(args, stdin=subprocess.PIPE if stdin_data is not None else subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = [], []
    ts = [threading.Thread(target=lambda s, b: b.append(s.read()), args=(p.stdout, out)),
          threading.Thread(target=lambda s, b: b.append(s.read()), args=(p.stderr, err))]
    for t in ts:
        t.start()
    if stdin_data is not None:
        p.stdin.write(stdin_data)
        p.stdin.close()
    timer = threading.Timer(timeout, p.kill)
    timer.start()
    _, status, ru = os.wait4(p.pid, 0)
    timer.cancel()
    wall = (time.perf_counter() - t0) * 1000
    p.returncode = os.waitstatus_to_exitcode(status)
    for t in ts:
        t.join()
    return p.returncode, out[0].decode("utf-8", "replace"), err[0].decode("utf-8", "replace"), wall, ru.ru_maxrss


# ---------------------------------------------------------------- readers

def check_kycd(binary):
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        sys.exit("benchmark: %s is not an executable kycd binary (build it: cargo build --release --locked)" % binary)
    rc, out, err, _, _ = run_measured([binary, "analyze", "--help"], timeout=30)
    if rc != 0 or "--front" not in out + err:
        sys.exit("benchmark: %s has no `analyze` command (`%s analyze --help` exited %d: %s). The kycd column needs "
                 "a kycd with `kycd analyze --front F [--back B] --json` (issue 16 point 4); point --kycd at one, "
                 "or leave kycd out of --readers." % (binary, binary, rc, (err or out).strip()[:300]))


def norm_fields(f):
    if not f:
        return None
    g = {}
    for k in KEY_FIELDS + ["issuingCountry", "personalNumber"]:
        v = f.get(k)
        if v is None:
            g[k] = None
            continue
        v = str(v).upper()
        if k in ("surname", "givenNames"):
            v = " ".join(v.replace("<", " ").split())
        elif k in ("documentNumber", "nationality", "issuingCountry", "personalNumber"):
            v = v.replace("<", "").replace(" ", "")
        elif k == "sex":
            v = v if v in ("M", "F") else "X"
        g[k] = v
    return g


def read_kycd(binary, images):
    args = [binary, "analyze", "--front", images[0]] + (["--back", images[1]] if len(images) > 1 else []) + ["--json"]
    rc, out, err, wall, rss = run_measured(args)
    rec = {"wallMs": wall, "rssKb": rss, "zone": None, "valid": None, "fields": None, "error": None}
    if rc != 0:
        rec["error"] = "exit %d: %s" % (rc, (err or out).strip()[:300])
        return rec
    try:
        j = json.loads(out)
    except ValueError as e:
        rec["error"] = "not JSON: %s: %s" % (e, out[:200])
        return rec
    d = j.get("document") or {}
    timings = j.get("timingsMs") or d.get("timingsMs") or {}
    rec["latencyMs"] = float(sum(v for v in timings.values() if isinstance(v, (int, float))))
    rec["timingsMs"] = timings
    rec["found"] = d.get("found")
    rec["autoDocument"] = j.get("autoDocument")
    m = d.get("mrz")
    if m:
        rec["zone"] = m.get("lines")
        # kycd's claim: check digits hold AND it decided automatically. AUTO_UNVERIFIABLE (a
        # character it was unsure of, e.g. in the name, which has no check digit) hands the zone to a
        # person: not an acceptance.
        rec["valid"] = bool(m.get("valid")) and j.get("autoDocument") != "AUTO_UNVERIFIABLE"
        rec["checkDigitsHold"] = bool(m.get("valid"))
        rec["fields"] = norm_fields(m)
    return rec


def tesseract_zone(text):
    """The consecutive lines of tesseract's output that look most like a zone, fitted to the format."""
    cand = []
    for raw in text.splitlines():
        s = re.sub(r"[^A-Z0-9<]", "", raw.upper())
        if len(s) >= 20:
            cand.append(s)
        else:
            cand.append(None)
    best = None
    for fmt, n, L in (("TD1", 3, 30), ("TD2", 2, 36), ("TD3", 2, 44)):
        for i in range(len(cand) - n + 1):
            grp = cand[i:i + n]
            if any(g is None for g in grp):
                continue
            err = sum(abs(len(g) - L) for g in grp)
            if err > n * 4 or not any("<" in g for g in grp):
                continue
            lines = [(g + "<" * L)[:L] for g in grp]
            score = (mrzdata.validate(fmt, lines), -err)
            if best is None or score > best[0]:
                best = (score, lines)
    return best[1] if best else None


def read_tesseract_image(path):
    args = ["tesseract", path, "stdout", "-c", "tessedit_char_whitelist=ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"]
    rc, out, err, wall, rss = run_measured(args)
    lines = tesseract_zone(out) if rc == 0 else None
    return lines, wall, rss, (None if rc == 0 else err.strip()[:200])


def zone_result(lines, valid=None):
    p = documents.parse_zone(lines, dt.date.today()) if lines else None
    if p is None:
        return None, None, None
    return lines, (p["valid"] if valid is None else bool(valid)), norm_fields(p["fields"])


def read_other(reader, images, pe):
    rec = {"latencyMs": 0.0, "rssKb": 0, "zone": None, "valid": None, "fields": None, "error": None, "calls": 0}
    first = None
    for path in images:
        if reader == "tesseract":
            lines, wall, rss, error = read_tesseract_image(path)
            rec["rssKb"] = max(rec["rssKb"], rss)
            res = zone_result(lines)
        else:
            r = pe.read(path)
            wall, error = r["ms"], r.get("error")
            res = zone_result(r["lines"], r["valid"]) if r["lines"] else (None, None, None)
        rec["latencyMs"] += wall
        rec["calls"] += 1
        rec["error"] = rec["error"] or error
        if res[0] is not None:
            first = res  # a valid zone ends the search; else the later image's zone (a card's back) wins
            if res[1]:
                break
    if first:
        rec["zone"], rec["valid"], rec["fields"] = first
    rec["wallMs"] = rec["latencyMs"]
    return rec


class PassportEyeWorker:
    """passporteye in one child process: paths in, readings out (JSON lines)."""

    def __init__(self, python):
        self.p = subprocess.Popen([python, os.path.abspath(__file__), "--worker"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True, bufsize=1)

    def read(self, path):
        self.p.stdin.write(json.dumps({"path": path}) + "\n")
        self.p.stdin.flush()
        return json.loads(self.p.stdout.readline())

    def close(self):
        self.p.stdin.write(json.dumps({"quit": True}) + "\n")
        self.p.stdin.flush()
        r = json.loads(self.p.stdout.readline())
        self.p.wait()
        return r["rssKb"]


def passporteye_single_rss(data, labels):
    """Peak RSS of a fresh PassportEye process reading the set's largest image once (KB)."""
    paths = [p for lab in labels for p in images_of(data, lab)]
    biggest = max(paths, key=lambda p: os.path.getsize(p))
    pe = PassportEyeWorker(sys.executable)
    pe.read(biggest)
    return pe.close(), os.path.basename(biggest)


def worker():
    import warnings
    warnings.filterwarnings("ignore")
    from passporteye import read_mrz
    for line in sys.stdin:
        req = json.loads(line)
        if req.get("quit"):
            print(json.dumps({"rssKb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}), flush=True)
            return
        t0 = time.perf_counter()
        out = {"lines": None, "valid": None}
        try:
            m = read_mrz(req["path"])
            if m is not None:
                d = m.to_dict()
                out["lines"] = [x for x in (d.get("raw_text") or "").split("\n") if x]
                out["valid"] = bool(d.get("valid"))
                out["type"] = d.get("mrz_type")
        except Exception as e:  # noqa: BLE001 - a reader's crash is a result, not the end of the run
            out["error"] = "%s: %s" % (type(e).__name__, e)
        out["ms"] = (time.perf_counter() - t0) * 1000
        print(json.dumps(out), flush=True)


# ---------------------------------------------------------------- the run

def load_set(data):
    labels = []
    for f in sorted(os.listdir(data)):
        if f.endswith(".json") and not f.startswith("_"):
            with open(os.path.join(data, f)) as fh:
                lab = json.load(fh)
            lab["name"] = f[:-5]
            labels.append(lab)
    return labels


def images_of(data, lab):
    im = lab["images"]
    return [os.path.join(data, im[s]) for s in ("front", "back") if s in im]


def run_reader(reader, labels, data, out_path, args):
    pe = PassportEyeWorker(sys.executable) if reader == "passporteye" else None
    if reader == "kycd":
        check_kycd(args.kycd)
    t0 = time.time()
    with open(out_path + ".part", "w") as fh:
        for k, lab in enumerate(labels):
            imgs = images_of(data, lab)
            rec = read_kycd(args.kycd, imgs) if reader == "kycd" else read_other(reader, imgs, pe)
            rec["name"] = lab["name"]
            fh.write(json.dumps(rec) + "\n")
            fh.flush()
            if (k + 1) % 25 == 0:
                print("  %s: %d/%d (%.0f s)" % (reader, k + 1, len(labels), time.time() - t0), flush=True)
        if pe:
            fh.write(json.dumps({"workerRssKb": pe.close()}) + "\n")
    os.replace(out_path + ".part", out_path)
    print("%s: %d samples in %.0f s" % (reader, len(labels), time.time() - t0), flush=True)


def pct(a, b):
    return None if b == 0 else 100.0 * a / b


def quantile(xs, q):
    if not xs:
        return None
    xs = sorted(xs)
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def score(labels, recs):
    """Per-sample outcomes of one reader."""
    by = {r["name"]: r for r in recs if "name" in r}
    rows = []
    for lab in labels:
        r = by.get(lab["name"])
        if r is None:
            continue
        o = {"name": lab["name"], "document": lab.get("document", True), "latencyMs": r.get("latencyMs"),
             "rssKb": r.get("rssKb"), "error": r.get("error"), "zoneReported": r.get("zone") is not None,
             "claimedValid": bool(r.get("valid"))}
        if o["document"]:
            truth = norm_fields(lab["fields"])
            f = r.get("fields") or {}
            o.update(format=lab["format"], condition=lab["condition"], truthValid=lab["valid"],
                     glareOnZone=lab.get("glareOnZone", False),
                     exact=r.get("zone") == lab["lines"],
                     wrongFields=[k for k in KEY_FIELDS if f.get(k) != truth[k]] if r.get("zone") else KEY_FIELDS)
            o["fieldsRight"] = bool(r.get("zone")) and not o["wrongFields"]
            z = r.get("zone") or []
            o["fillerMisread"] = (len(z) == len(lab["lines"]) and not o["exact"] and any(
                len(a) == len(b) and any(t == "<" and c != "<" for t, c in zip(a, b)) for a, b in zip(lab["lines"], z)))
            # a false accept: reported valid although a key field is wrong or the zone's check digits fail
            o["falseAccept"] = o["claimedValid"] and (bool(o["wrongFields"]) or not lab["valid"])
            o["validWrongName"] = o["claimedValid"] and any(k in o["wrongFields"] for k in ("surname", "givenNames"))
        else:
            o["falseAccept"] = o["zoneReported"]
        rows.append(o)
    return rows


def cell_stats(rows):
    n = len(rows)
    lat = [r["latencyMs"] for r in rows if r["latencyMs"] is not None]
    return {"n": n, "exact": sum(r["exact"] for r in rows), "fieldsRight": sum(r["fieldsRight"] for r in rows),
            "unread": sum(not r["zoneReported"] for r in rows), "falseAccepts": sum(r["falseAccept"] for r in rows),
            "validWrongName": sum(r["validWrongName"] for r in rows),
            "invalidZones": sum(not r["truthValid"] for r in rows),
            "invalidCaught": sum((not r["truthValid"]) and r["zoneReported"] and not r["claimedValid"] for r in rows),
            "errors": sum(bool(r["error"]) for r in rows),
            "p50Ms": quantile(lat, 0.5), "p95Ms": quantile(lat, 0.95)}


def summarise(labels, results):
    out = {}
    for reader, recs in results.items():
        rows = score(labels, recs)
        docs = [r for r in rows if r["document"]]
        nodoc = [r for r in rows if not r["document"]]
        cells = {}
        for fmt in documents.FORMATS:
            for cond in documents.CONDITIONS:
                sel = [r for r in docs if r["format"] == fmt and r["condition"] == cond]
                if sel:
                    cells["%s %s" % (fmt, cond)] = cell_stats(sel)
        for cond in documents.CONDITIONS:
            sel = [r for r in docs if r["condition"] == cond]
            if sel:
                cells["all %s" % cond] = cell_stats(sel)
        sel = [r for r in docs if r["condition"] == "hard" and not r["glareOnZone"]]
        if sel:
            cells["all hard, glare off the zone"] = cell_stats(sel)
        if docs:
            cells["all documents"] = cell_stats(docs)
        rss = [r["rssKb"] for r in rows if r["rssKb"]]
        worker_rss = [x["workerRssKb"] for x in recs if "workerRssKb" in x]
        single = [x["singleImageRssKb"] for x in recs if "singleImageRssKb" in x]
        lat = [r["latencyMs"] for r in rows if r["latencyMs"] is not None]
        out[reader] = {
            "cells": cells,
            "fillerMisread": sum(r.get("fillerMisread", False) for r in docs),
            "zonesRead": sum(r["zoneReported"] for r in docs),
            "zonesWrong": sum(r["zoneReported"] and not r["exact"] for r in docs),
            "noDocument": {"n": len(nodoc), "zonesReported": sum(r["zoneReported"] for r in nodoc),
                           "validZonesReported": sum(r["zoneReported"] and r["claimedValid"] for r in nodoc),
                           "p50Ms": quantile([r["latencyMs"] for r in nodoc if r["latencyMs"] is not None], 0.5)},
            "falseAcceptsTotal": sum(r["falseAccept"] for r in rows),
            "validWrongNameTotal": sum(r.get("validWrongName", False) for r in rows),
            "p50Ms": quantile(lat, 0.5), "p95Ms": quantile(lat, 0.95),
            "peakRssMb": (max(single + rss) / 1024.0) if (rss or single) else None,
            "workerRssAfterRunMb": (max(worker_rss) / 1024.0) if worker_rss else None,
            "rssNote": ("a fresh process reading the set's largest image (imports included)" if single
                        else "per process, the largest over the documents"),
            "samples": rows,
        }
    return out


# ---------------------------------------------------------------- the report

def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=30).stdout.strip()
    except Exception:  # noqa: BLE001
        return ""


def environment(args):
    cpu = sh("lscpu | sed -n 's/^Model name: *//p'")
    mem = sh("free -g | awk '/Mem:/{print $2\" GB\"}'")
    osr = sh(". /etc/os-release && echo $PRETTY_NAME")
    try:
        import importlib.metadata as md
        pe = md.version("passporteye")
    except Exception:  # noqa: BLE001
        pe = "not installed"
    kv = sh("%s --version" % args.kycd) if args.kycd and os.path.exists(args.kycd) else ""
    rev = sh("git -C %s rev-parse --short HEAD" % os.path.dirname(os.path.abspath(__file__)))
    return {"date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "cpu": cpu,
            "cores": os.cpu_count(), "memory": mem, "os": osr, "python": platform.python_version(),
            "passporteye": pe, "tesseract": sh("tesseract --version 2>&1 | head -1"),
            "tesseractData": sh("dpkg-query -W -f='${Version}' tesseract-ocr-eng 2>/dev/null"),
            "kycd": kv or "(see --kycd)", "gitRevision": rev, "load": sh("cat /proc/loadavg")}


def fmt_pct(a, n):
    return "–" if n == 0 else "%.1f %%" % (100.0 * a / n)


def fmt_ms(x):
    return "–" if x is None else ("%.0f" % x)


def write_md(path, summary, env, meta, labels):
    L = []
    w = L.append
    w("# Accuracy and speed of the MRZ reading")
    w("")
    w("Measured by `scripts/bench-accuracy` on documents generated by `tools/mrz/documents.py` that the training "
      "never saw (seed %s, the `%s` security-print and degradation variant; the line recogniser was trained on "
      "seeds 1 and 2 and evaluated on 777 and 4242). kycd, PassportEye and Tesseract read the same images. "
      "Generated with the command below on %s." % (meta["seed"], meta["variant"], env["date"]))
    w("")
    w("```sh")
    w(meta["command"])
    w("```")
    w("")
    ndoc = sum(1 for lab in labels if lab.get("document", True))
    n_bad = sum(1 for lab in labels if lab.get("document", True) and not lab["valid"])
    w("The set: %d documents (%s per format × condition; %d with one check digit broken, which a reader must "
      "report as invalid) and %d scenes without a document (a desk, a textured scene, a drawn face). "
      "Conditions: **scan** — flat, small margin, rotation ≤ 1°, PNG; **phone** — on a desk, perspective, rotation "
      "≤ 10°, blur, noise, uneven light, JPEG 60–85; **hard** — zone characters 10–12 px high, strong blur, glare, "
      "rotation ≤ 15°, JPEG 60–75. TD1 cards are two images (front without the zone, back with it)."
      % (ndoc, meta["perCell"], n_bad, len(labels) - ndoc))
    w("")
    w("Definitions. *Zone exact*: every line equals the truth. *Key fields right*: document number, surname, given "
      "names, nationality, date of birth, date of expiry and sex all equal the truth. *Unread*: no zone reported "
      "(for a reader a right answer when the image cannot be read). *False accept*: a reading reported valid while a "
      "key field is wrong or the zone's check digits fail, or any zone reported on an image without a document. "
      "*Valid, wrong name*: reported valid with the surname or given names wrong (names carry no check digit). "
      "For kycd, *reported valid* means the check digits hold and it decided automatically: a zone it returns as "
      "`AUTO_UNVERIFIABLE` (a character it is unsure of, say in the name) goes to a person and is not an acceptance. "
      "Latency: kycd — the sum of its `timingsMs` (process start excluded); PassportEye — wall time of "
      "`read_mrz` in a warm process; Tesseract — wall time of the `tesseract` process. Peak RSS: kycd and "
      "Tesseract per process (the largest over the documents), PassportEye a fresh process reading the largest image.")
    w("")
    w("## Targets (issue 16)")
    w("")
    w("Zone exact ≥ 99 % on scans, ≥ 95 % on phone photos, ≥ 80 % on hard (where glare does not wash out the zone); "
      "0 false accepts and 0 zones reported valid with a wrong field; p50 ≤ 300 ms per document on 2 cores; "
      "peak RSS ≤ 250 MB.")
    w("")
    w("## Summary")
    w("")
    w("| reader | zone exact: scan | phone | hard | hard, glare off the zone | key fields right: all | false accepts | "
      "valid, wrong name | no-document images with a zone | p50 ms | p95 ms | peak RSS MB |")
    w("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for reader in READERS:
        s = summary.get(reader)
        if s is None:
            w("| %s | not run | | | | | | | | | | |" % reader)
            continue
        c = s["cells"]
        g = lambda k, m="exact": fmt_pct(c[k][m], c[k]["n"]) if k in c else "–"  # noqa: E731
        nd = s["noDocument"]
        w("| %s | %s | %s | %s | %s | %s | %d | %d | %d / %d | %s | %s | %s |" % (
            reader, g("all scan"), g("all phone"), g("all hard"), g("all hard, glare off the zone"),
            g("all documents", "fieldsRight"), s["falseAcceptsTotal"], s["validWrongNameTotal"],
            nd["zonesReported"], nd["n"], fmt_ms(s["p50Ms"]), fmt_ms(s["p95Ms"]),
            "–" if s["peakRssMb"] is None else "%.0f" % s["peakRssMb"]))
    w("")
    pe = summary.get("passporteye")
    if pe and pe.get("workerRssAfterRunMb"):
        w("PassportEye's peak RSS above is that of a fresh process reading the largest image once (its imports "
          "alone take about 160 MB); the one worker process that read every image of the run grew to %.0f MB."
          % pe["workerRssAfterRunMb"])
        w("")
    if meta.get("notes") and os.path.exists(meta["notes"]):
        with open(meta["notes"]) as fh:
            w(fh.read().strip())
        w("")
    for reader in READERS:
        s = summary.get(reader)
        w("## %s" % reader)
        w("")
        if s is None:
            w("Not run in this measurement%s." % (
                ": the kycd binary had no `analyze` command yet; run `scripts/bench-accuracy --kycd PATH` with one"
                if reader == "kycd" else ""))
            w("")
            continue
        w("| format × condition | n | zone exact | key fields right | unread | false accepts | valid, wrong name | "
          "broken check digit caught | p50 ms | p95 ms |")
        w("|---|---|---|---|---|---|---|---|---|---|")
        for k, c in s["cells"].items():
            bold = "**%s**" % k if k.startswith("all") else k
            w("| %s | %d | %s | %s | %s | %d | %d | %d / %d | %s | %s |" % (
                bold, c["n"], fmt_pct(c["exact"], c["n"]), fmt_pct(c["fieldsRight"], c["n"]),
                fmt_pct(c["unread"], c["n"]), c["falseAccepts"], c["validWrongName"], c["invalidCaught"],
                c["invalidZones"], fmt_ms(c["p50Ms"]), fmt_ms(c["p95Ms"])))
        nd = s["noDocument"]
        w("| no document | %d | | | | %d | | | %s | |" % (nd["n"], nd["zonesReported"], fmt_ms(nd["p50Ms"])))
        w("")
        w("Of the %d zones it reported on documents, %d were not exact; in %d of those a filler `<` was read as "
          "another character." % (s["zonesRead"], s["zonesWrong"], s["fillerMisread"]))
        w("")
        errs = [r for r in s["samples"] if r["error"]]
        if errs:
            w("%d samples ended with an error (first: `%s`: %s)." % (len(errs), errs[0]["name"],
                                                                     errs[0]["error"][:160].replace("|", "/")))
            w("")
    w("## Machine and versions")
    w("")
    for k in ["date", "cpu", "cores", "memory", "os", "load", "python", "passporteye", "tesseract", "tesseractData",
              "kycd", "gitRevision"]:
        w("- %s: %s" % (k, env.get(k)))
    w("- generation: %s" % meta.get("generation", "–"))
    w("")
    w("The machine was shared with other builds while this ran, so latencies are upper bounds of an idle machine. "
      "Raw per-sample outcomes: `docs/accuracy.json`.")
    w("")
    with open(path, "w") as fh:
        fh.write("\n".join(L))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--data", help="a set made by documents.py")
    ap.add_argument("--results", help="directory for the per-reader raw results")
    ap.add_argument("--readers", default=",".join(READERS))
    ap.add_argument("--kycd", default="target/release/kycd")
    ap.add_argument("--rerun", action="store_true")
    ap.add_argument("--limit", type=int, help="only the first N samples (a quick try)")
    ap.add_argument("--md", default="docs/accuracy.md")
    ap.add_argument("--json", default="docs/accuracy.json")
    ap.add_argument("--command", default="", help="the command line to quote in the report")
    ap.add_argument("--generation", default="", help="how long generating the set took (quoted in the report)")
    ap.add_argument("--notes", help="a Markdown file of observations to include after the summary")
    args = ap.parse_args()
    if args.worker:
        return worker()
    if not args.data or not args.results:
        ap.error("--data and --results are required")
    labels = load_set(args.data)
    if args.limit:
        labels = labels[:args.limit]
    if not labels:
        sys.exit("benchmark: no labels in %s" % args.data)
    os.makedirs(args.results, exist_ok=True)
    wanted = [r for r in args.readers.split(",") if r]
    for r in wanted:
        if r not in READERS:
            sys.exit("benchmark: unknown reader %s (known: %s)" % (r, ", ".join(READERS)))
    if "tesseract" in wanted and not shutil.which("tesseract"):
        sys.exit("benchmark: tesseract is not installed (apt-get install tesseract-ocr)")
    for r in wanted:
        path = os.path.join(args.results, r + ".jsonl")
        if os.path.exists(path) and not args.rerun:
            print("%s: results exist (%s), not run again" % (r, path))
            continue
        run_reader(r, labels, args.data, path, args)
    results = {}
    for r in READERS:
        path = os.path.join(args.results, r + ".jsonl")
        if os.path.exists(path):
            with open(path) as fh:
                results[r] = [json.loads(x) for x in fh if x.strip()]
            if r == "passporteye" and not any("singleImageRssKb" in x for x in results[r]):
                kb, name = passporteye_single_rss(args.data, labels)
                rec = {"singleImageRssKb": kb, "singleImage": name}
                results[r].append(rec)
                with open(path, "a") as fh:
                    fh.write(json.dumps(rec) + "\n")
    summary = summarise(labels, results)
    docs_labels = [lab for lab in labels if lab.get("document", True)]
    meta = {"seed": sorted({lab.get("seed", "?") for lab in labels} - {"?"}) or args.data,
            "variant": (docs_labels[0].get("variant") if docs_labels else "?"),
            "perCell": round(len(docs_labels) / 9) if docs_labels else 0,
            "invalidP": (sum(not lab["valid"] for lab in docs_labels) / len(docs_labels)) if docs_labels else 0,
            "command": args.command or " ".join(sys.argv), "generation": args.generation, "notes": args.notes}
    set_meta = os.path.join(args.data, "_set.json")
    if os.path.exists(set_meta):
        with open(set_meta) as fh:
            meta.update(json.load(fh))
    env = environment(args)
    os.makedirs(os.path.dirname(os.path.abspath(args.md)), exist_ok=True)
    write_md(args.md, summary, env, meta, labels)
    with open(args.json, "w") as fh:
        json.dump({"environment": env, "meta": meta, "readers": summary}, fh, separators=(",", ":"))
    print("wrote %s and %s" % (args.md, args.json))
    for reader, s in summary.items():
        c = s["cells"]
        print("%-12s" % reader, " ".join("%s %s" % (k.split()[1], fmt_pct(c[k]["exact"], c[k]["n"]))
                                       for k in ("all scan", "all phone", "all hard") if k in c),
              "| FA", s["falseAcceptsTotal"], "| p50", fmt_ms(s["p50Ms"]), "ms")


if __name__ == "__main__":
    main()
