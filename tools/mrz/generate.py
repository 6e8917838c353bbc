#!/usr/bin/env python3
"""Synthetic MRZ data: valid TD1/TD2/TD3 zones rendered in OCR-B and degraded like scans and phone photos.

Line mode (default) writes LINE crops, as a line finder would cut them, normalised to 32 x W grayscale:
    OUT/images.npy   uint8 [N, 32, W]   (dark text on light background, as captured)
    OUT/labels.tsv   index \t format \t condition \t line_no \t text \t flags (glare,motion,grey or -)
    OUT/png/*.png    only with --png
Zone mode (--zones) writes whole-zone images and ground truth for end-to-end evaluation:
    OUT/zone_000000.png + OUT/zone_000000.json  {format, lines, condition, line_quads, char_height_px, ...}

Everything is deterministic from --seed (each zone i is seeded by (seed, i), independent of --workers).
--variant eval switches to other background families and degradation parameters (hold-out set).
"""
import argparse
import json
import math
import os
import random
import sys
from multiprocessing import Pool

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mrzdata  # noqa: E402

FONT_DIR = "/usr/share/fonts/opentype/ocr-b"
FONTS = ["OCRB.otf", "OCRBS.otf"]  # upright faces only
DISTRACTOR_FONTS = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
                    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"]
CONDITIONS = ["clean", "phone", "hard"]

_glyph_cache = {}


def glyphs(font_file, size):
    key = (font_file, size)
    if key in _glyph_cache:
        return _glyph_cache[key]
    font = ImageFont.truetype(os.path.join(FONT_DIR, font_file), size)
    adv = font.getlength("A")
    top = font.getbbox("H")[1]
    base = font.getbbox("H")[3]
    cellw = int(math.ceil(adv)) + 4
    cellh = int(base + size * 0.2)
    g = {}
    for ch in mrzdata.ALPHABET:
        im = Image.new("L", (cellw, cellh), 0)
        ImageDraw.Draw(im).text((2, 0), ch, fill=255, font=font)
        g[ch] = np.asarray(im, dtype=np.float32) / 255.0
    res = (g, adv, top, base, cellw, cellh)
    _glyph_cache[key] = res
    return res


def distractor_text(rng):
    words = ["REPUBLIC", "PASSPORT", "IDENTITY", "CARD", "NAME", "SURNAME", "Given names", "Nationality",
             "Date of birth", "Sex", "Date of expiry", "Signature", "Authority", "Nom", "Prenoms", "12 MAR 1985",
             "Place of birth", "Lieu de naissance", "Holder", "DOCUMENT", "No.", "Issued", "2031", "KIND"]
    return " ".join(rng.choice(words) for _ in range(rng.randint(2, 6)))


# ---------------------------------------------------------------- rendering of the ink (hi-res)

def render_ink(rng, lines, variant):
    font_file = rng.choice(FONTS)
    size = rng.randint(36, 52)
    g, adv, top, base, cellw, cellh = glyphs(font_file, size)
    n = len(lines[0])
    pitch = adv * rng.uniform(0.96, 1.04)
    lsp = pitch * rng.uniform(1.4, 1.95)
    cap = base - top
    mx = int(pitch * rng.uniform(1.5, 4.0)) + 4
    my = int(lsp * rng.uniform(1.2, 2.2)) + 4
    W = int(mx * 2 + pitch * n + cellw)
    Hh = int(my * 2 + lsp * (len(lines) - 1) + cellh)
    ink = np.zeros((Hh, W), np.float32)
    quads = []
    jx, jy = rng.uniform(0.0, 0.03) * pitch, rng.uniform(0.0, 0.02) * pitch
    for k, line in enumerate(lines):
        y0 = my + k * lsp + rng.gauss(0, 0.02 * pitch)
        xs = []
        for i, ch in enumerate(line):
            x = mx + i * pitch + rng.gauss(0, jx)
            y = y0 + rng.gauss(0, jy)
            xi, yi = int(round(x)), int(round(y))
            m = g[ch]
            sub = ink[yi:yi + cellh, xi:xi + cellw]
            np.maximum(sub, m[:sub.shape[0], :sub.shape[1]], out=sub)
            xs.append(x)
        # ink box of the line: left of first char to right of last char, cap top to baseline
        xl = xs[0] + 2 + 0.06 * adv
        xr = xs[-1] + 2 + adv * 0.94
        yt, yb = y0 + top, y0 + base
        quads.append([[xl, yt], [xr, yt], [xr, yb], [xl, yb]])
    # other printed text above / below the zone (what a line finder might catch an edge of)
    if rng.random() < 0.35:
        im = Image.new("L", (W, Hh), 0)
        d = ImageDraw.Draw(im)
        f = ImageFont.truetype(rng.choice(DISTRACTOR_FONTS), int(size * rng.uniform(0.6, 1.1)))
        if rng.random() < 0.7:
            d.text((mx + rng.uniform(-pitch, 5 * pitch), my - lsp * rng.uniform(0.85, 1.3) + top),
                   distractor_text(rng), fill=255, font=f)
        if rng.random() < 0.3:
            d.text((mx + rng.uniform(-pitch, 5 * pitch), my + lsp * (len(lines) - 1) + base + lsp * rng.uniform(0.3, 0.7)),
                   distractor_text(rng), fill=255, font=f)
        ink = np.maximum(ink, np.asarray(im, np.float32) / 255.0)
    # print bleed / thin print
    r = rng.random()
    if r < 0.2:
        ink = cv2.dilate(ink, np.ones((3, 3), np.uint8), iterations=1)
    elif r < 0.3:
        ink = cv2.erode(ink, np.ones((2, 2), np.uint8), iterations=1)
    elif r < 0.5:
        s = rng.uniform(0.8, 2.0)
        ink = cv2.GaussianBlur(ink, (0, 0), s)
        ink = np.clip((ink - rng.uniform(0.2, 0.45)) * rng.uniform(2.0, 3.5), 0, 1)
    return ink, np.array(quads, np.float64), cap, pitch


# ---------------------------------------------------------------- backgrounds (capture resolution)

def value_noise(nprng, h, w, cells):
    gh, gw = max(2, int(h / cells) + 2), max(2, int(w / cells) + 2)
    g = nprng.standard_normal((gh, gw)).astype(np.float32)
    return cv2.resize(g, (w, h), interpolation=cv2.INTER_CUBIC)


def background(rng, nprng, h, w, cond, variant, char_h):
    base = rng.uniform(200, 248) if cond == "clean" else rng.uniform(165, 245)
    bg = np.full((h, w), base, np.float32)
    # low-frequency tint / texture
    bg += value_noise(nprng, h, w, rng.uniform(3, 12) * char_h) * rng.uniform(0, 14)
    if variant == "train":
        # guilloche: families of sine waves
        if rng.random() < 0.65:
            img = np.zeros((h, w), np.uint8)
            nfam = rng.randint(1, 3)
            for _ in range(nfam):
                lam = rng.uniform(1.5, 8) * char_h
                amp = rng.uniform(0.2, 1.5) * char_h
                step = rng.uniform(0.25, 1.0) * char_h
                ph = rng.uniform(0, 6.3)
                dph = rng.uniform(0, 0.6)
                xs = np.arange(0, w + 8, 3, dtype=np.float32)
                y = -amp
                k = 0
                while y < h + amp:
                    ys = y + amp * np.sin(2 * np.pi * xs / lam + ph + k * dph)
                    pts = np.stack([xs, ys], 1).astype(np.int32)
                    cv2.polylines(img, [pts], False, 255, 1, cv2.LINE_AA)
                    y += step
                    k += 1
            bg -= img.astype(np.float32) / 255.0 * rng.uniform(10, 55)
        if rng.random() < 0.4:
            bg += cv2.GaussianBlur(nprng.standard_normal((h, w)).astype(np.float32), (0, 0), rng.uniform(0.6, 1.5)) * rng.uniform(2, 8)
    else:
        # eval variant: rosettes (epicycles) and fibre streaks, other parameters
        if rng.random() < 0.7:
            img = np.zeros((h, w), np.uint8)
            for _ in range(rng.randint(1, 4)):
                cx, cy = rng.uniform(0, w), rng.uniform(0, h)
                R = rng.uniform(2, 12) * char_h
                r2 = R * rng.uniform(0.1, 0.5)
                kf = rng.randint(5, 23)
                t = np.linspace(0, 2 * np.pi, 2000, dtype=np.float32)
                for j in range(rng.randint(4, 12)):
                    s = 1 + 0.06 * j
                    xs = cx + s * (R * np.cos(t) + r2 * np.cos(kf * t))
                    ys = cy + s * (R * np.sin(t) + r2 * np.sin(kf * t)) * rng.uniform(0.5, 1.0)
                    cv2.polylines(img, [np.stack([xs, ys], 1).astype(np.int32)], True, 255, 1, cv2.LINE_AA)
            bg -= img.astype(np.float32) / 255.0 * rng.uniform(8, 45)
        if rng.random() < 0.5:
            fib = nprng.standard_normal((h, w)).astype(np.float32)
            ang = rng.uniform(0, 180)
            L = rng.randint(5, 15)
            k = np.zeros((L, L), np.float32)
            k[L // 2, :] = 1.0 / L
            M = cv2.getRotationMatrix2D((L / 2 - 0.5, L / 2 - 0.5), ang, 1.0)
            k = cv2.warpAffine(k, M, (L, L))
            bg += cv2.filter2D(fib, -1, k) * rng.uniform(4, 14)
        if rng.random() < 0.3:
            # fine cross hatching
            yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
            per = rng.uniform(0.3, 0.8) * char_h
            bg -= ((np.sin((xx + yy) * 2 * np.pi / per) > 0.8) * rng.uniform(5, 20)).astype(np.float32)
    # linear gradient
    gx, gy = rng.uniform(-1, 1), rng.uniform(-1, 1)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    bg += ((xx / max(w, 1) - 0.5) * gx + (yy / max(h, 1) - 0.5) * gy) * rng.uniform(0, 30)
    return bg


# ---------------------------------------------------------------- photo degradations

def motion_kernel(rng, length):
    L = max(3, int(round(length)) | 1)
    k = np.zeros((L, L), np.float32)
    k[L // 2, :] = 1.0
    M = cv2.getRotationMatrix2D((L / 2 - 0.5, L / 2 - 0.5), rng.uniform(0, 180), 1.0)
    k = cv2.warpAffine(k, M, (L, L))
    return k / max(k.sum(), 1e-6)


def disk_kernel(r):
    R = int(math.ceil(r))
    yy, xx = np.mgrid[-R:R + 1, -R:R + 1]
    k = ((xx * xx + yy * yy) <= r * r + 0.5).astype(np.float32)
    k = cv2.GaussianBlur(k, (0, 0), 0.5)
    return k / k.sum()


def degrade(rng, nprng, img, cond, variant, char_h, flags=None, jpeg=True, glare_out=None):
    """Degrades a grayscale float image like a capture. jpeg=False skips the JPEG step (the caller
    encodes); glare_out, a list, receives each glare spot as (cx, cy, sx, sy, angle, strength).
    Neither option changes the random draws, so existing sets stay identical."""
    flags = [] if flags is None else flags
    h, w = img.shape
    P = {
        "clean": dict(light=0.05, glare=0.0, blur=(0.0, 0.5), motion=0.0, noise=(0.5, 3), contrast=(0.85, 1.0),
                      jpeg=(85, 98), jpeg_p=0.6),
        "phone": dict(light=0.35, glare=0.3, blur=(0.2, 1.1), motion=0.25, noise=(2, 9), contrast=(0.6, 1.0),
                      jpeg=(60, 92), jpeg_p=1.0),
        "hard": dict(light=0.5, glare=0.55, blur=(0.7, 1.3), motion=0.35, noise=(4, 14), contrast=(0.55, 0.95),
                     jpeg=(55, 80), jpeg_p=1.0),
    }[cond]
    if variant == "eval":
        P = dict(P)
        P["jpeg"] = {"clean": (88, 96), "phone": (60, 85), "hard": (60, 75)}[cond]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    # uneven light: smooth multiplicative field + vignette
    if P["light"] > 0:
        f = 1 + value_noise(nprng, h, w, rng.uniform(4, 15) * char_h) * rng.uniform(0, P["light"]) * 0.5
        cx, cy = rng.uniform(-0.3, 1.3) * w, rng.uniform(-0.3, 1.3) * h
        d = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2) / max(w, h)
        f *= 1 - rng.uniform(0, P["light"]) * d
        img = img * np.clip(f, 0.3, 1.4)
    # glare spots
    if rng.random() < P["glare"]:
        flags.append("glare")
        for _ in range(rng.randint(1, 2)):
            cx, cy = rng.uniform(0, w), rng.uniform(0, h)
            sx = rng.uniform(0.7, 4.0) * char_h
            sy = sx * (rng.uniform(0.3, 1.0) if variant == "eval" else rng.uniform(0.7, 1.3))
            a = rng.uniform(0, math.pi)
            xr = (xx - cx) * math.cos(a) + (yy - cy) * math.sin(a)
            yr = -(xx - cx) * math.sin(a) + (yy - cy) * math.cos(a)
            gsp = np.exp(-(xr ** 2 / (2 * sx * sx) + yr ** 2 / (2 * sy * sy)))
            strength = rng.uniform(0.3, 0.8 if cond == "phone" else 0.85)
            if glare_out is not None:
                glare_out.append((cx, cy, sx, sy, a, strength))
            img = img + (265 - img) * gsp * strength
    # contrast loss
    c = rng.uniform(*P["contrast"])
    m = float(img.mean())
    img = m + (img - m) * c
    # blur
    sigma = rng.uniform(*P["blur"])
    if rng.random() < P["motion"]:
        img = cv2.filter2D(img, -1, motion_kernel(rng, rng.uniform(2, 4.5 if cond == "hard" else 3.5)))
        sigma *= 0.5
        flags.append("motion")
    elif variant == "eval" and rng.random() < 0.3 and cond != "clean":
        img = cv2.filter2D(img, -1, disk_kernel(sigma * 1.3 + 0.3))
        sigma = 0
    if sigma > 0.15:
        img = cv2.GaussianBlur(img, (0, 0), sigma)
    # sensor noise (signal-dependent part + gaussian)
    ns = rng.uniform(*P["noise"])
    noise = nprng.standard_normal((h, w)).astype(np.float32) * ns
    if rng.random() < 0.3:
        noise = cv2.GaussianBlur(noise, (0, 0), 0.7) * 1.6
    img = img + noise
    img = np.clip(img, 0, 255).astype(np.uint8)
    if jpeg and rng.random() < P["jpeg_p"]:
        q = rng.randint(*P["jpeg"])
        ok, enc = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, q])
        img = cv2.imdecode(enc, cv2.IMREAD_GRAYSCALE)
    return img


# ---------------------------------------------------------------- one zone, captured

def capture_zone(rng, nprng, lines, cond, variant, zone_mode=False):
    ink, quads, cap, pitch = render_ink(rng, lines, variant)
    # target character (cap) height in the captured image
    if cond == "clean":
        ch = rng.uniform(16, 40)
    elif cond == "phone":
        ch = rng.uniform(13, 30)
    else:
        ch = rng.uniform(10, 12.5)
    s = ch / cap
    small = cv2.resize(ink, (max(8, int(ink.shape[1] * s)), max(8, int(ink.shape[0] * s))), interpolation=cv2.INTER_AREA)
    sx = small.shape[1] / ink.shape[1]
    sy = small.shape[0] / ink.shape[0]
    q = quads * np.array([sx, sy])
    h, w = small.shape
    # rotation + perspective of the zone in the photo
    if cond == "clean":
        rot, persp = rng.gauss(0, 0.5), 0.0
    elif cond == "phone":
        rot, persp = rng.uniform(-6, 6), rng.uniform(0.0, 0.05)
    else:
        rot, persp = rng.uniform(-10, 10), rng.uniform(0.02, 0.08)
    if zone_mode and cond == "hard":
        rot = rng.uniform(-15, 15)
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    ca, sa = math.cos(math.radians(rot)), math.sin(math.radians(rot))
    c0 = np.array([w / 2, h / 2])
    dst = []
    for p in src:
        v = p - c0
        v = np.array([ca * v[0] - sa * v[1], sa * v[0] + ca * v[1]])
        v += np.array([rng.uniform(-1, 1) * persp * w, rng.uniform(-1, 1) * persp * h * 2])
        dst.append(v)
    dst = np.float32(dst)
    dst -= dst.min(0)
    pad = 4
    dst += pad
    Wc, Hc = int(dst[:, 0].max()) + pad, int(dst[:, 1].max()) + pad
    Hm = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(small, Hm, (Wc, Hc), flags=cv2.INTER_LINEAR, borderValue=0)
    qw = cv2.perspectiveTransform(q.reshape(-1, 1, 2).astype(np.float64), Hm).reshape(-1, 4, 2)
    bg = background(rng, nprng, Hc, Wc, cond, variant, ch)
    ink_level = rng.uniform(0, 70) if rng.random() > 0.12 else rng.uniform(70, 125)  # sometimes grey print
    opacity = rng.uniform(0.85, 1.0)
    m = np.clip(warped * opacity, 0, 1)
    img = bg * (1 - m) + ink_level * m
    # security overlay over the text (faint stripes) sometimes
    if rng.random() < 0.1:
        ov = np.zeros_like(img)
        for _ in range(rng.randint(1, 4)):
            y = rng.uniform(0, Hc)
            cv2.line(ov, (0, int(y)), (Wc, int(y + rng.uniform(-Hc, Hc))), 1.0, max(1, int(ch * rng.uniform(0.1, 0.5))), cv2.LINE_AA)
        img = img * (1 - ov * rng.uniform(0.05, 0.2))
    flags = []
    img = degrade(rng, nprng, img, cond, variant, ch, flags)
    if ink_level >= 70:
        flags.append("grey")
    return img, qw, ch, flags


# ---------------------------------------------------------------- line crops as a line finder cuts them

def crop_line(rng, img, quad, n_chars, cond, W, H=32):
    tl, tr, br, bl = quad
    ang = 0.5 * (math.atan2(tr[1] - tl[1], tr[0] - tl[0]) + math.atan2(br[1] - bl[1], br[0] - bl[0]))
    # residual rotation error of the line finder (mostly small, at most 2 degrees)
    eps = min(2.0, abs(rng.gauss(0, 0.35 if cond == "clean" else 0.7))) * rng.choice([-1, 1])
    est = ang + math.radians(eps)
    c = quad.mean(0)
    ca, sa = math.cos(-est), math.sin(-est)
    R = np.array([[ca, -sa], [sa, ca]])
    pr = (quad - c) @ R.T
    hgt = 0.5 * (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr))
    length = 0.5 * (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl))
    pitch = length / max(1, n_chars - 0.1)
    x0, x1 = pr[:, 0].min(), pr[:, 0].max()
    y0, y1 = pr[:, 1].min(), pr[:, 1].max()
    # vertical slack, horizontal slack (a line finder's box is never exact)
    y0 -= rng.uniform(0.05, 0.6) * hgt
    y1 += rng.uniform(0.05, 0.6) * hgt
    x0 -= rng.uniform(0.05, 1.8) * pitch
    x1 += rng.uniform(0.05, 1.8) * pitch
    shear = max(-0.12, min(0.12, rng.gauss(0, 0.04)))
    # intermediate crop at capture resolution
    cw = max(8, int(round(x1 - x0)))
    chh = max(4, int(round(y1 - y0)))
    # affine: crop pixel (u, v) -> rotated-frame point -> image point
    A = np.array([[(x1 - x0) / cw, shear * (y1 - y0) / chh, x0 - shear * (y1 - y0) / 2],
                  [0, (y1 - y0) / chh, y0]])
    Rinv = np.array([[ca, sa], [-sa, ca]])  # rotated frame -> image (relative to c)
    M = np.zeros((2, 3))
    M[:, :2] = Rinv @ A[:, :2]
    M[:, 2] = Rinv @ A[:, 2] + c
    crop = cv2.warpAffine(img, M, (cw, chh), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                          borderMode=cv2.BORDER_REPLICATE)
    interp = cv2.INTER_AREA if (cw > W and rng.random() < 0.6) else rng.choice([cv2.INTER_LINEAR, cv2.INTER_CUBIC, cv2.INTER_LINEAR])
    out = cv2.resize(crop, (W, H), interpolation=interp)
    return out


# ---------------------------------------------------------------- drivers

def zone_rngs(seed, i):
    rng = random.Random(seed * 1000003 + i * 7919 + 17)
    nprng = np.random.default_rng([seed, i])
    return rng, nprng


def pick(rng, i, args):
    if args.balanced:
        fmt = ["TD1", "TD2", "TD3"][i % 3]
        cond = CONDITIONS[(i // 3) % 3]
    else:
        fmt = rng.choice(["TD1", "TD2", "TD3"])
        cond = rng.choices(CONDITIONS, weights=[25, 45, 30])[0]
    return fmt, cond


def work_lines(task):
    i, args = task
    cv2.setNumThreads(1)
    rng, nprng = zone_rngs(args.seed, i)
    fmt, cond = pick(rng, i, args)
    if args.specimens and i < len(mrzdata.SPECIMENS) * 3:
        fmt, lines = mrzdata.SPECIMENS[i % len(mrzdata.SPECIMENS)]
    else:
        fmt, lines = mrzdata.make_zone(rng, fmt, random_p=args.random_p, specimen_p=args.specimen_p)
    img, quads, ch, flags = capture_zone(rng, nprng, lines, cond, args.variant)
    out = []
    for k, (line, q) in enumerate(zip(lines, quads)):
        crop = crop_line(rng, img, q, len(line), cond, args.width)
        out.append((crop, fmt, cond, k, line, ",".join(flags) or "-"))
    return out


def work_zone(task):
    i, args = task
    cv2.setNumThreads(1)
    rng, nprng = zone_rngs(args.seed, i)
    fmt, cond = pick(rng, i, args)
    if args.specimens and i < len(mrzdata.SPECIMENS) * 3:
        fmt, lines = mrzdata.SPECIMENS[i % len(mrzdata.SPECIMENS)]
    else:
        fmt, lines = mrzdata.make_zone(rng, fmt, random_p=0.0, specimen_p=args.specimen_p)
    img, quads, ch, flags = capture_zone(rng, nprng, lines, cond, args.variant, zone_mode=True)
    name = "zone_%06d" % i
    cv2.imwrite(os.path.join(args.out, name + ".png"), img)
    gt = {"image": name + ".png", "format": fmt, "lines": lines, "condition": cond, "variant": args.variant,
          "seed": args.seed, "valid": mrzdata.validate(fmt, lines), "char_height_px": round(ch, 2), "flags": flags,
          "line_quads": [[[round(float(x), 2), round(float(y), 2)] for x, y in q] for q in quads]}
    with open(os.path.join(args.out, name + ".json"), "w") as f:
        json.dump(gt, f, indent=1)
    return 1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-n", "--num", type=int, default=1000, help="number of zones (each gives 2 or 3 lines)")
    ap.add_argument("--start", type=int, default=0, help="first zone index (to extend a set)")
    ap.add_argument("--width", type=int, default=512)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--variant", choices=["train", "eval"], default="train")
    ap.add_argument("--balanced", action="store_true", help="cycle formats x conditions evenly (evaluation sets)")
    ap.add_argument("--specimens", action="store_true", help="start with the ICAO specimen zones")
    ap.add_argument("--random-p", type=float, default=0.06, help="share of unstructured random lines")
    ap.add_argument("--specimen-p", type=float, default=0.01)
    ap.add_argument("--zones", action="store_true", help="write whole-zone images + JSON instead of line crops")
    ap.add_argument("--png", action="store_true", help="also write each line crop as PNG")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    tasks = [(i, args) for i in range(args.start, args.start + args.num)]
    with Pool(args.workers) as pool:
        if args.zones:
            n = sum(pool.imap(work_zone, tasks, chunksize=16))
            print("wrote %d zones to %s" % (n, args.out))
            return
        imgs, rows = [], []
        for res in pool.imap(work_lines, tasks, chunksize=32):
            for crop, fmt, cond, k, line, fl in res:
                rows.append((len(rows), fmt, cond, k, line, fl))
                imgs.append(crop)
    arr = np.stack(imgs).astype(np.uint8)
    np.save(os.path.join(args.out, "images.npy"), arr)
    with open(os.path.join(args.out, "labels.tsv"), "w") as f:
        for r in rows:
            f.write("%d\t%s\t%s\t%d\t%s\t%s\n" % r)
    if args.png:
        os.makedirs(os.path.join(args.out, "png"), exist_ok=True)
        for (idx, fmt, cond, k, line, fl), im in zip(rows, imgs):
            cv2.imwrite(os.path.join(args.out, "png", "%07d.png" % idx), im)
    print("wrote %d lines (%s) to %s" % (len(rows), arr.shape, args.out))


if __name__ == "__main__":
    main()
