#!/usr/bin/env python3
"""Synthetic identity documents, whole, in a scene: for end-to-end tests and the accuracy benchmark.

Renders a TD3 passport data page, a TD1 ID card (front: portrait and printed data, no zone; back:
the 3-line zone) or a TD2 card, each with a visual zone (printed names, dates, number, a drawn and
obviously synthetic head as the portrait, security print behind) and the machine readable zone in
OCR-B at the ICAO pitch (2.54 mm), then places it in a scene:

    scan    flat, small margin, rotation <= 1 degree                              (PNG, or --ext jpg)
    phone   on a desk, perspective, rotation <= 10 degrees, blur, noise, uneven light, JPEG 60-85
    hard    zone characters 10-12 px high, strong blur, glare, rotation <= 15 degrees, JPEG 60-75

Zone content comes from mrzdata.py's name, number and country generators with correct ICAO check
digits; glyphs, security print and degradations are generate.py's (imported, not copied).

Per document OUT/NAME.json (label) and OUT/NAME.jpg|png (TD1: NAME-front.* and NAME-back.*).
The label: format, lines, fields (documentNumber, surname, givenNames, nationality, issuingCountry,
dateOfBirth, dateOfExpiry as YYYY-MM-DD, sex M/F/X, personalNumber), valid (check digits hold),
condition, mrzSide, images {front, back}, quads {side: document corners TL, TR, BR, BL in image
pixels}, mrzQuads {side: the zone's ink box corners}, mrzCharHeightPx, glareOnZone.
Scenes without a document (--no-document N): label {"document": false, "kind": desk|texture|face}.

Modes:
    documents.py --out D --seed 9001 --per-cell 40 --no-document 30 --variant eval   (balanced set)
    documents.py --out D --fixture NAME --format TD3 --surname ... --break-check-digit  (one document)
    documents.py --out D --spec FILE.json   (a list of fixture objects with the same keys as the flags)

Everything is deterministic from --seed (document i is seeded by (seed, i), independent of --workers).
"""
import argparse
import datetime as dt
import json
import math
import os
import random
import sys
import time
from multiprocessing import Pool

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate  # noqa: E402
import mrzdata  # noqa: E402

FORMATS = ["TD1", "TD2", "TD3"]
CONDITIONS = ["scan", "phone", "hard"]
# ICAO 9303 / ISO 7810 sizes in mm
SIZE_MM = {"TD1": (85.6, 53.98), "TD2": (105.0, 74.0), "TD3": (125.0, 88.0)}
PITCH_MM = 2.54          # 10 characters per inch
LINE_MM = 4.23           # 6 lines per inch
BOTTOM_MM = {"TD1": 3.6, "TD2": 4.2, "TD3": 4.8}  # bottom edge to the last line's baseline
SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SANS_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
SERIF = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
SERIF_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"
CONDENSED = "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf"
COUNTRY_NAMES = {
    "LTU": "LIETUVOS RESPUBLIKA / REPUBLIC OF LITHUANIA", "UTO": "UTOPIA", "D<<": "BUNDESREPUBLIK DEUTSCHLAND",
    "FRA": "REPUBLIQUE FRANCAISE", "GBR": "UNITED KINGDOM", "USA": "UNITED STATES OF AMERICA",
    "NLD": "KONINKRIJK DER NEDERLANDEN", "ITA": "REPUBBLICA ITALIANA", "ESP": "REINO DE ESPANA",
    "POL": "RZECZPOSPOLITA POLSKA", "LVA": "LATVIJAS REPUBLIKA", "EST": "EESTI VABARIIK",
}
MONTHS = "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split()


# ---------------------------------------------------------------- zone content

def name_field(surname, given, length):
    """ICAO 9303 name field: SURNAME<<GIVEN<NAMES, components joined by '<', cut at the field end."""
    sur = mrzdata.translit(surname)
    giv = mrzdata.translit(given) if given else ""
    full = sur + ("<<" + giv if giv else "")
    if len(full) > length:
        full = full[:length].rstrip("<")
    return (full + "<" * length)[:length]


def split_name(field):
    """(surname, given names) as printed in the zone: components separated by single spaces."""
    f = field.rstrip("<")
    sur, _, giv = f.partition("<<")
    norm = lambda s: " ".join(p for p in s.split("<") if p)  # noqa: E731
    return norm(sur), norm(giv)


def yymmdd(d):
    return "%02d%02d%02d" % (d.year % 100, d.month, d.day)


def build_zone(fmt, c):
    """Zone lines for content c: code, issuing, nationality, surname, given, number, dob, expiry (dates),
    sex (M F X <), optional (personal number / optional data, may be '')."""
    cd = mrzdata.check_digit
    sex = c["sex"] if c["sex"] in "MF<" else ("X" if c["sex"] == "X" else "<")
    num = c["number"]
    dob, exp = yymmdd(c["dob"]), yymmdd(c["expiry"])
    code = (c["code"] + "<")[:2]
    if fmt == "TD3":
        l1 = code + c["issuing"] + name_field(c["surname"], c["given"], 39)
        n9 = (num + "<" * 9)[:9]
        pn = (c["optional"] + "<" * 14)[:14]
        pn_cd = "<" if pn == "<" * 14 else cd(pn)
        a, b, e, d = n9 + cd(n9), dob + cd(dob), exp + cd(exp), pn + pn_cd
        l2 = a + c["nationality"] + b + sex + e + d + cd(a + b + e + d)
        return [l1, l2]
    if fmt == "TD2":
        l1 = code + c["issuing"] + name_field(c["surname"], c["given"], 31)
        if len(num) > 9:
            a = num[:9] + "<"
            opt = (num[9:] + cd(num) + "<" + c["optional"] + "<" * 7)[:7]
        else:
            n9 = (num + "<" * 9)[:9]
            a = n9 + cd(n9)
            opt = (c["optional"] + "<" * 7)[:7]
        b, e = dob + cd(dob), exp + cd(exp)
        l2 = a + c["nationality"] + b + sex + e + opt + cd(a + b + e + opt)
        return [l1, l2]
    # TD1
    if len(num) > 9:
        f1 = num[:9] + "<" + (num[9:] + cd(num) + "<" + c["optional"] + "<" * 15)[:15]
    else:
        n9 = (num + "<" * 9)[:9]
        f1 = n9 + cd(n9) + (c["optional"] + "<" * 15)[:15]
    l1 = code + c["issuing"] + f1
    l2 = dob + cd(dob) + sex + exp + cd(exp) + c["nationality"] + "<" * 11
    l2 = l2 + cd(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])
    l3 = name_field(c["surname"], c["given"], 30)
    return [l1, l2, l3]


# position of each check digit that --break-check-digit can break: (line, column)
CHECK_POS = {
    "TD3": {"number": (1, 9), "dob": (1, 19), "expiry": (1, 27), "composite": (1, 43)},
    "TD2": {"number": (1, 9), "dob": (1, 19), "expiry": (1, 27), "composite": (1, 35)},
    "TD1": {"number": (0, 14), "dob": (1, 6), "expiry": (1, 14), "composite": (1, 29)},
}


def break_check_digit(fmt, lines, which):
    li, col = CHECK_POS[fmt][which]
    ch = lines[li][col]
    if not ch.isdigit():  # a long document number has '<' there: break the composite instead
        return break_check_digit(fmt, lines, "composite")
    s = lines[li]
    lines = list(lines)
    lines[li] = s[:col] + str((int(ch) + 1) % 10) + s[col + 1:]
    return lines


def parse_date(s, kind, today):
    """YYMMDD -> YYYY-MM-DD: a birth date is never after today, an expiry is always 20xx."""
    if not s.isdigit():
        return None
    yy, mm, dd = int(s[:2]), int(s[2:4]), int(s[4:6])
    year = 2000 + yy
    if kind == "dob" and year > today.year:
        year -= 100
    try:
        d = dt.date(year, mm, dd)
    except ValueError:
        return None
    if kind == "dob" and d > today:
        d = dt.date(year - 100, mm, dd)
    return d.isoformat()


def parse_zone(lines, today=None):
    """Fields of a zone as read (the same rules as the label): None when the lines are no zone."""
    today = today or dt.date.today()
    fmt = {(3, 30): "TD1", (2, 36): "TD2", (2, 44): "TD3"}.get((len(lines), len(lines[0]) if lines else 0))
    if fmt is None or any(len(x) != len(lines[0]) for x in lines):
        return None
    sexmap = {"M": "M", "F": "F"}
    if fmt in ("TD3", "TD2"):
        l1, l2 = lines
        sur, giv = split_name(l1[5:])
        num = l2[0:9]
        opt = l2[28:42] if fmt == "TD3" else l2[28:35]
        if fmt == "TD2" and l2[9] == "<" and opt.strip("<"):
            ext = opt.split("<")[0]
            num = num + ext[:-1]
        f = dict(documentNumber=num.rstrip("<").replace("<", ""), surname=sur, givenNames=giv,
                 nationality=l2[10:13], issuingCountry=l1[2:5], dateOfBirth=parse_date(l2[13:19], "dob", today),
                 dateOfExpiry=parse_date(l2[21:27], "exp", today), sex=sexmap.get(l2[20], "X"),
                 personalNumber=(opt.strip("<") or None) if fmt == "TD3" else None)
    else:
        l1, l2, l3 = lines
        sur, giv = split_name(l3)
        num = l1[5:14]
        opt = l1[15:30]
        if l1[14] == "<" and opt.strip("<"):
            num = num + opt.split("<")[0][:-1]
            opt = "<".join(opt.split("<")[1:])
        f = dict(documentNumber=num.rstrip("<").replace("<", ""), surname=sur, givenNames=giv,
                 nationality=l2[15:18], issuingCountry=l1[2:5], dateOfBirth=parse_date(l2[0:6], "dob", today),
                 dateOfExpiry=parse_date(l2[8:14], "exp", today), sex=sexmap.get(l2[7], "X"),
                 personalNumber=opt.strip("<") or None)
    return {"format": fmt, "valid": mrzdata.validate(fmt, lines), "fields": f}


def random_content(rng, fmt):
    iss = mrzdata.rand_country(rng)
    nat = iss if rng.random() < 0.8 else mrzdata.rand_country(rng)
    sur = mrzdata.rand_surname(rng).replace("<", " ")
    giv = mrzdata.rand_given(rng).replace("<", " ")
    long_num = fmt != "TD3" and rng.random() < 0.06
    num = mrzdata.rand_docnum(rng, rng.randint(10, 12) if long_num else 9).rstrip("<")
    if len(num) < 6:
        num = num + "".join(rng.choice("0123456789") for _ in range(6 - len(num)))
    dob = dt.date(1935, 1, 1) + dt.timedelta(days=rng.randint(0, 73 * 365))
    exp = dt.date(2001, 1, 1) + dt.timedelta(days=rng.randint(0, 44 * 365))
    opt = mrzdata.rand_optional(rng, 14 if fmt == "TD3" else (7 if fmt == "TD2" else 15)).rstrip("<")
    if long_num:
        opt = ""
    code = {"TD3": rng.choice(["P<", "P<", "P<", "PD", "PO"]), "TD2": rng.choice(["I<", "ID", "IR", "AC"]),
            "TD1": rng.choice(["I<", "ID", "ID", "IR", "IP"])}[fmt]
    return dict(code=code, issuing=iss, nationality=nat, surname=sur, given=giv, number=num, dob=dob,
                expiry=exp, sex=mrzdata.rand_sex(rng), optional=opt)


# ---------------------------------------------------------------- drawing the document

class Doc:
    """A document side drawn at `ppmm` pixels per mm: RGB float image + alpha (card corners)."""

    def __init__(self, fmt, ppmm):
        self.fmt, self.ppmm = fmt, ppmm
        w, h = SIZE_MM[fmt]
        self.w, self.h = int(round(w * ppmm)), int(round(h * ppmm))

    def px(self, mm):
        return mm * self.ppmm


def font(path, mm, ppmm):
    return ImageFont.truetype(path, max(6, int(round(mm * ppmm))))


def paper(rng, nprng, d, variant):
    """Security-print paper: generate.py's background families, lightened and tinted."""
    gray = generate.background(rng, nprng, d.h, d.w, "clean", variant, d.px(2.5))
    gray = 238 + (gray - float(gray.mean())) * rng.uniform(0.35, 0.6)
    tint = np.array([rng.uniform(0.9, 1.0), rng.uniform(0.9, 1.0), rng.uniform(0.88, 1.0)], np.float32)
    img = gray[:, :, None] * tint[None, None, :]
    # coloured guilloche band across the page (a second ink)
    band = np.zeros((d.h, d.w), np.uint8)
    xs = np.arange(0, d.w + 8, 2, dtype=np.float32)
    lam, amp = d.px(rng.uniform(8, 20)), d.px(rng.uniform(1.5, 5))
    y0 = d.px(rng.uniform(5, SIZE_MM[d.fmt][1] * 0.6))
    for k in range(rng.randint(6, 14)):
        ys = y0 + k * d.px(0.8) + amp * np.sin(2 * np.pi * xs / lam + k * 0.35)
        cv2.polylines(band, [np.stack([xs, ys], 1).astype(np.int32)], False, 255, max(1, int(d.px(0.08))), cv2.LINE_AA)
    col = np.array([rng.uniform(120, 230), rng.uniform(140, 230), rng.uniform(150, 240)], np.float32)
    a = band.astype(np.float32)[:, :, None] / 255.0 * rng.uniform(0.15, 0.35)
    img = img * (1 - a) + col[None, None, :] * a
    return np.clip(img, 0, 255)


def portrait(rng, d, box, big=False):
    """A drawn head and shoulders (obviously synthetic) inside box (x0, y0, x1, y1) in px."""
    x0, y0, x1, y1 = [int(v) for v in box]
    w, h = x1 - x0, y1 - y0
    im = Image.new("RGB", (w, h))
    dr = ImageDraw.Draw(im)
    top = tuple(int(rng.uniform(150, 215)) for _ in range(3))
    for yy in range(h):  # vertical gradient backdrop
        f = yy / max(1, h - 1)
        dr.line([(0, yy), (w, yy)], fill=tuple(int(c * (1 - 0.15 * f)) for c in top))
    t = rng.random()  # skin tone from light to dark
    skin = tuple(int(a + (b - a) * t + rng.uniform(-8, 8)) for a, b in [(240, 95), (205, 60), (180, 40)])
    hair = tuple(int(rng.uniform(20, 110)) for _ in range(3))
    cloth = tuple(int(rng.uniform(30, 140)) for _ in range(3))
    cx = w * rng.uniform(0.46, 0.54)
    hw, hh = w * rng.uniform(0.22, 0.27), h * rng.uniform(0.24, 0.29)
    hy = h * rng.uniform(0.36, 0.42)
    dr.ellipse([cx - w * 0.48, h * 0.78, cx + w * 0.48, h * 1.35], fill=cloth)          # shoulders
    dr.rectangle([cx - hw * 0.42, hy + hh * 0.6, cx + hw * 0.42, h * 0.85], fill=skin)   # neck
    dr.ellipse([cx - hw * 1.08, hy - hh * 1.12, cx + hw * 1.08, hy + hh * 0.3], fill=hair)  # hair
    dr.ellipse([cx - hw, hy - hh, cx + hw, hy + hh], fill=skin)                          # head
    ey = hy - hh * 0.12
    for sx in (-1, 1):  # eyes, brows
        ex = cx + sx * hw * 0.42
        dr.ellipse([ex - hw * 0.13, ey - hh * 0.06, ex + hw * 0.13, ey + hh * 0.06], fill=(245, 245, 245))
        dr.ellipse([ex - hw * 0.06, ey - hh * 0.055, ex + hw * 0.06, ey + hh * 0.055], fill=(40, 30, 25))
        dr.line([ex - hw * 0.18, ey - hh * 0.2, ex + hw * 0.18, ey - hh * 0.22], fill=hair, width=max(1, int(hh * 0.05)))
    dr.line([cx, ey + hh * 0.05, cx - hw * 0.08, hy + hh * 0.3, cx + hw * 0.05, hy + hh * 0.32],
            fill=tuple(int(c * 0.75) for c in skin), width=max(1, int(hh * 0.03)))      # nose
    dr.arc([cx - hw * 0.35, hy + hh * 0.3, cx + hw * 0.35, hy + hh * 0.62], 20, 160, fill=(120, 50, 50),
           width=max(1, int(hh * 0.04)))                                                 # mouth
    return np.asarray(im, np.float32)


# A photo to print as the portrait instead of the drawn head (fixtures for the face checks):
# (path, crop box in the photo's pixels). Set by make_fixture from a spec's "portrait".
PORTRAIT_PHOTO = None


def photo_portrait(box):
    """The photo in PORTRAIT_PHOTO, cropped, fitted to box and printed: grey, a little flat and warm."""
    path, crop = PORTRAIT_PHOTO
    x0, y0, x1, y1 = [int(v) for v in box]
    w, h = x1 - x0, y1 - y0
    cx0, cy0, cx1, cy1 = crop
    cw = cx1 - cx0  # widen or heighten the crop to the box's proportions around its centre
    ch = cw * h / w
    cy = (cy0 + cy1) / 2
    photo = Image.open(path).convert("L").crop((int(cx0), int(cy - ch / 2), int(cx1), int(cy + ch / 2)))
    grey = np.asarray(photo.resize((w, h), Image.LANCZOS), np.float32)
    grey = 30 + grey * (200 / 255)
    return np.stack([grey * 1.02, grey, grey * 0.95], axis=-1)


def text(dr, xy, s, f, fill):
    dr.text(xy, s, font=f, fill=fill)


def printed_date(d, style):
    if style == 0:
        return "%02d %s %04d" % (d.day, MONTHS[d.month - 1], d.year)
    if style == 1:
        return "%02d.%02d.%04d" % (d.day, d.month, d.year)
    return d.isoformat()


def draw_visual(rng, d, img, c, side, fmt):
    """The printed (visual) zone of one side, onto img (float RGB), in place via PIL."""
    pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    dr = ImageDraw.Draw(pil)
    P = d.ppmm
    lab_col = tuple(int(v) for v in (rng.uniform(40, 90), rng.uniform(50, 90), rng.uniform(80, 130)))
    val_col = tuple(int(rng.uniform(10, 45)) for _ in range(3))
    small = {"TD1": 1.25, "TD2": 1.45, "TD3": 1.6}[fmt]
    big = {"TD1": 2.3, "TD2": 2.6, "TD3": 2.9}[fmt]
    lf = font(rng.choice([SANS, CONDENSED]), small, P)
    vf = font(rng.choice([SANS_BOLD, SERIF_BOLD, SANS]), big, P)
    hf = font(rng.choice([SERIF_BOLD, SANS_BOLD]), {"TD1": 2.4, "TD2": 2.8, "TD3": 3.2}[fmt], P)
    W, H = SIZE_MM[fmt]
    style = rng.randint(0, 2)
    country = COUNTRY_NAMES.get(c["issuing"], "ISSUING STATE " + c["issuing"].replace("<", ""))
    kind = {"TD3": "PASSPORT / PASSEPORT", "TD2": "IDENTITY CARD / CARTE D'IDENTITE",
            "TD1": "IDENTITY CARD / CARTE D'IDENTITE"}[fmt]
    code = c["code"].replace("<", "")
    if side == "back":
        y = 4.0
        rows = [("Place of birth / Lieu de naissance", "SYNTHETIC CITY"),
                ("Date of issue / Date de delivrance",
                 printed_date(dt.date(c["expiry"].year - 10, c["expiry"].month, min(c["expiry"].day, 28)), style)),
                ("Authority / Autorite", "MIGRATION DEPARTMENT"),
                ("Personal no. / No personnel", c["optional"] or "-")]
        for lab, val in rows:
            text(dr, (P * 4.5, P * y), lab, lf, lab_col)
            text(dr, (P * 4.5, P * (y + small * 1.25)), val, vf, val_col)
            y += small * 1.25 + big * 1.35
        # a 2-D code block (drawn modules, no content) at the right
        n = 21
        s = 1.0
        x0, y0 = W - 4.5 - n * s * 0.9, 4.0
        for i in range(n):
            for j in range(n):
                if rng.random() < 0.5:
                    dr.rectangle([P * (x0 + i * s * 0.9), P * (y0 + j * s * 0.9),
                                  P * (x0 + (i + 1) * s * 0.9), P * (y0 + (j + 1) * s * 0.9)], fill=val_col)
        pil_out = np.asarray(pil, np.float32)
        return pil_out
    # front
    text(dr, (P * 5, P * 2.2), country, hf, lab_col)
    text(dr, (P * 5, P * (2.4 + {"TD1": 2.8, "TD2": 3.3, "TD3": 3.8}[fmt])), kind, lf, lab_col)
    if fmt == "TD3":
        pb = (6.0, 15.0, 38.0, 57.0)
        fx, fy, fyend = 42.0, 14.0, 62.0
    elif fmt == "TD2":
        pb = (5.0, 13.0, 31.0, 47.0)
        fx, fy, fyend = 35.0, 12.5, 52.0
    else:
        pb = (3.5, 10.0, 25.5, 39.0)
        fx, fy, fyend = 28.5, 9.5, 47.0
    box = [P * v for v in pb]
    img2 = np.asarray(pil, np.float32).copy()
    x0, y0, x1, y1 = [int(v) for v in box]
    img2[y0:y1, x0:x1] = portrait(rng, d, box)  # drawn even when replaced, so the rest stays the same
    if PORTRAIT_PHOTO:
        img2[y0:y1, x0:x1] = photo_portrait(box)
    pil = Image.fromarray(np.clip(img2, 0, 255).astype(np.uint8))
    dr = ImageDraw.Draw(pil)
    dob, exp = printed_date(c["dob"], style), printed_date(c["expiry"], style)
    sex = {"M": "M", "F": "F"}.get(c["sex"], "X")
    nat_name = c["nationality"].replace("<", "")
    rows = [[("Type", code), ("Code", c["issuing"].replace("<", "")), ("Document no.", c["number"])],
            [("Surname / Nom", c["surname"])], [("Given names / Prenoms", c["given"] or "-")],
            [("Nationality / Nationalite", nat_name)], [("Date of birth", dob), ("Sex", sex)],
            [("Date of expiry / Date d'expiration", exp)]]
    if fmt == "TD3":
        rows.insert(5, [("Place of birth", "SYNTHETIC CITY"), ("Authority", "MIGRATION DEPT")])
    step = (fyend - fy) / len(rows)
    for k, row in enumerate(rows):
        x = fx
        colw = (W - 4 - fx) / len(row)
        for lab, val in row:
            y = fy + k * step
            text(dr, (P * x, P * y), lab, lf, lab_col)
            s = val
            while vf.getlength(s) > P * (colw - 1.5) and len(s) > 3:
                s = s[:-1]
            text(dr, (P * x, P * (y + small * 1.2)), s, vf, val_col)
            x += colw
    # signature scribble
    sx0, sy0 = P * (W * 0.7), P * (fyend + 0.5 if fmt != "TD3" else fyend - 2)
    pts = [(sx0 + P * i * 0.6, sy0 + P * 1.2 * math.sin(i * rng.uniform(0.8, 1.6)) + P * rng.uniform(-0.4, 0.4))
           for i in range(18)]
    dr.line(pts, fill=(20, 30, 90), width=max(1, int(P * 0.25)))
    return np.asarray(pil, np.float32)


def draw_mrz(rng, d, img, lines, fmt):
    """The zone in OCR-B at the ICAO pitch onto img; returns the ink box quad (TL TR BR BL) in px."""
    P = d.ppmm
    pitch = PITCH_MM * P * rng.uniform(0.99, 1.01)
    font_file = rng.choice(generate.FONTS)
    size = max(8, int(round(pitch / 0.723 * rng.uniform(0.92, 0.98))))
    g, adv, top, base, cellw, cellh = generate.glyphs(font_file, size)
    n = len(lines[0])
    x0 = (d.w - pitch * (n - 1) - adv) / 2 + rng.uniform(-0.5, 0.5) * P
    lsp = LINE_MM * P * rng.uniform(0.97, 1.03)
    base_last = d.h - BOTTOM_MM[fmt] * P
    ink = np.zeros((d.h, d.w), np.float32)
    ytop = base_last - lsp * (len(lines) - 1) - base
    for k, line in enumerate(lines):
        y = ytop + k * lsp
        for i, ch in enumerate(line):
            xi, yi = int(round(x0 + i * pitch)), int(round(y))
            sub = ink[yi:yi + cellh, xi:xi + cellw]
            m = g[ch]
            np.maximum(sub, m[:sub.shape[0], :sub.shape[1]], out=sub)
    # clear zone: the security print is lighter behind the zone
    zt, zb = int(ytop + top - lsp * 0.5), int(base_last + lsp * 0.45)
    clear = np.zeros((d.h, d.w), np.float32)
    clear[max(0, zt):min(d.h, zb), :] = 1
    clear = cv2.GaussianBlur(clear, (0, 0), P * 0.8)[:, :, None] * rng.uniform(0.4, 0.8)
    img = img * (1 - clear) + 240 * clear
    ink_col = np.array([rng.uniform(10, 50)] * 3, np.float32)
    a = ink[:, :, None] * rng.uniform(0.9, 1.0)
    img = img * (1 - a) + ink_col[None, None, :] * a
    xl, xr = x0 + 2 + 0.06 * adv, x0 + (n - 1) * pitch + 2 + 0.94 * adv
    yt, yb = ytop + top, base_last
    return img, np.array([[xl, yt], [xr, yt], [xr, yb], [xl, yb]], np.float64), (base - top)


def render_side(rng, nprng, fmt, ppmm, c, lines, side, variant):
    """(rgb float, alpha float, mrz quad or None, cap height px) of one side at ppmm."""
    d = Doc(fmt, ppmm)
    img = paper(rng, nprng, d, variant)
    img = draw_visual(rng, d, img, c, side, fmt)
    quad, cap = None, None
    has_zone = (fmt != "TD1") or side == "back"
    if has_zone:
        img, quad, cap = draw_mrz(rng, d, img, lines, fmt)
    alpha = np.zeros((d.h, d.w), np.uint8)
    r = int(round((3.18 if fmt != "TD3" else 0.8) * ppmm))
    cv2.rectangle(alpha, (r, 0), (d.w - 1 - r, d.h - 1), 255, -1)
    cv2.rectangle(alpha, (0, r), (d.w - 1, d.h - 1 - r), 255, -1)
    for cx, cy in [(r, r), (d.w - 1 - r, r), (r, d.h - 1 - r), (d.w - 1 - r, d.h - 1 - r)]:
        cv2.circle(alpha, (cx, cy), r, 255, -1, cv2.LINE_AA)
    return img, alpha.astype(np.float32) / 255.0, quad, cap


# ---------------------------------------------------------------- scenes

def desk(rng, nprng, h, w):
    """A table top: wood grain, cloth weave, laminate or stone, with a soft light falloff."""
    kind = rng.choice(["wood", "wood", "cloth", "laminate", "stone"])
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "wood":
        base = np.array([rng.uniform(90, 170), rng.uniform(55, 110), rng.uniform(25, 70)], np.float32)
        # grain: stripes across u, wavering slowly along v (noise stretched along the grain)
        ang = rng.uniform(0, math.pi)
        u = xx * math.cos(ang) + yy * math.sin(ang)
        n = max(h, w)
        along = cv2.resize(nprng.standard_normal((3, 40)).astype(np.float32), (n * 2, n * 2),
                           interpolation=cv2.INTER_CUBIC)
        M = cv2.getRotationMatrix2D((n, n), -math.degrees(ang), 1.0)
        M[:, 2] -= [n - w / 2, n - h / 2]
        warp = cv2.warpAffine(along, M, (w, h), borderMode=cv2.BORDER_REFLECT) * rng.uniform(8, 25)
        period = rng.uniform(10, 28)
        grain = np.sin((u + warp) * 2 * np.pi / period) * 0.5 + 0.5
        grain = grain ** rng.uniform(2, 5)  # thin dark late-wood lines
        fine = cv2.GaussianBlur(nprng.standard_normal((h, w)).astype(np.float32), (0, 0), 1.0)
        f = 1.0 - 0.18 * grain + 0.03 * fine + generate.value_noise(nprng, h, w, 300) * 0.05
        img = base[None, None, :] * f[:, :, None]
    elif kind == "cloth":
        base = np.array([rng.uniform(40, 200) for _ in range(3)], np.float32)
        per = rng.uniform(3, 7)
        weave = (np.sin(xx * 2 * np.pi / per) * np.sin(yy * 2 * np.pi / per)) * 0.08
        img = base[None, None, :] * (1 + weave + generate.value_noise(nprng, h, w, 40) * 0.05)[:, :, None]
    elif kind == "laminate":
        base = np.array([rng.uniform(120, 230) for _ in range(3)], np.float32)
        img = base[None, None, :] * (1 + generate.value_noise(nprng, h, w, 150) * 0.04)[:, :, None]
    else:
        base = np.array([rng.uniform(80, 200)] * 3, np.float32) * np.array([1, rng.uniform(0.92, 1.05), rng.uniform(0.9, 1.05)])
        speck = cv2.GaussianBlur(nprng.standard_normal((h, w)).astype(np.float32), (0, 0), 1.2) * 0.25
        img = base[None, None, :] * (1 + speck + generate.value_noise(nprng, h, w, 80) * 0.05)[:, :, None]
    img = img + nprng.standard_normal(img.shape).astype(np.float32) * 2
    # clutter without text: a pen, a coin
    for _ in range(rng.randint(0, 2)):
        if rng.random() < 0.5:
            p0 = (int(rng.uniform(0, w)), int(rng.uniform(0, h)))
            a = rng.uniform(0, math.pi)
            L = rng.uniform(0.2, 0.4) * max(h, w)
            p1 = (int(p0[0] + L * math.cos(a)), int(p0[1] + L * math.sin(a)))
            col = tuple(float(rng.uniform(10, 200)) for _ in range(3))
            cv2.line(img, p0, p1, col, max(3, int(0.012 * max(h, w))), cv2.LINE_AA)
        else:
            cen = (int(rng.uniform(0, w)), int(rng.uniform(0, h)))
            col = tuple(float(v) for v in (rng.uniform(150, 200), rng.uniform(120, 170), rng.uniform(50, 100)))
            cv2.circle(img, cen, int(0.03 * max(h, w)), col, -1, cv2.LINE_AA)
    return np.clip(img, 0, 255)


def scanner_bed(rng, nprng, h, w):
    v = rng.uniform(238, 252)
    img = np.full((h, w, 3), v, np.float32) + nprng.standard_normal((h, w, 1)).astype(np.float32) * 0.8
    return img


def scene_params(rng, cond, fmt, cap_mm):
    """Document scale (px per mm), canvas size, rotation and perspective for the condition."""
    W, H = SIZE_MM[fmt]
    if cond == "scan":
        doc_w = rng.uniform(1050, 1250) if fmt != "TD3" else rng.uniform(1150, 1300)
        ppmm = doc_w / W
        m = rng.uniform(0.025, 0.05)
        cw, ch = int(doc_w * (1 + 2 * m)), int(H * ppmm + doc_w * 2 * m)
        rot, persp = max(-1.0, min(1.0, rng.gauss(0, 0.4))), 0.0
    elif cond == "phone":
        cw = rng.choice([1280, 1440, 1600])
        ch = int(cw * rng.choice([0.75, 0.75, 0.5625]))
        frac = rng.uniform(0.55, 0.8)
        ppmm = cw * frac / W
        if H * ppmm > ch * 0.8:
            ppmm = ch * 0.8 / H
        rot, persp = rng.uniform(-10, 10), rng.uniform(0.0, 0.06)
    else:
        cap_px = rng.uniform(10, 12)
        ppmm = cap_px / cap_mm
        frac = rng.uniform(0.55, 0.75)
        cw = int(W * ppmm / frac)
        ch = int(cw * 0.75)
        rot, persp = rng.uniform(-15, 15), rng.uniform(0.02, 0.07)
    if cond != "scan":  # the turned, tilted document must fit: phone shrinks it, hard widens the canvas
        ca, sa = abs(math.cos(math.radians(rot))), abs(math.sin(math.radians(rot)))
        bw = (W * ca + H * sa) * ppmm * (1 + 2 * persp)
        bh = (W * sa + H * ca) * ppmm * (1 + 2 * persp)
        if cond == "phone":
            ppmm *= min(1.0, cw * 0.92 / bw, ch * 0.92 / bh)
        else:
            cw, ch = int(max(cw, bw * 1.1)), int(max(ch, bh * 1.1))
    return ppmm, cw, ch, rot, persp


def place(rng, W, H, cw, ch, rot, persp, margin_px):
    """Destination corners (TL TR BR BL) of a W x H document rotated and tilted inside cw x ch."""
    for _ in range(50):
        ca, sa = math.cos(math.radians(rot)), math.sin(math.radians(rot))
        pts = []
        for x, y in [(-W / 2, -H / 2), (W / 2, -H / 2), (W / 2, H / 2), (-W / 2, H / 2)]:
            x += rng.uniform(-1, 1) * persp * W
            y += rng.uniform(-1, 1) * persp * H
            pts.append([ca * x - sa * y, sa * x + ca * y])
        pts = np.array(pts, np.float64)
        lo, hi = pts.min(0), pts.max(0)
        span = hi - lo
        if span[0] > cw - 2 * margin_px or span[1] > ch - 2 * margin_px:
            rot *= 0.8
            persp *= 0.8
            continue
        ox = rng.uniform(margin_px - lo[0], cw - margin_px - hi[0])
        oy = rng.uniform(margin_px - lo[1], ch - margin_px - hi[1])
        return pts + np.array([ox, oy])
    raise RuntimeError("document does not fit the canvas")


def to_luma_chroma(img):
    y = img[:, :, 0] * 0.299 + img[:, :, 1] * 0.587 + img[:, :, 2] * 0.114
    return y, img[:, :, 2] - y, img[:, :, 0] - y


def from_luma_chroma(y0, y1, cb, cr, cond):
    """Recombine degraded luma y1 with the original chroma (scaled by the light change, washed out by glare)."""
    s = 0.0 if cond == "scan" else 1.0
    y1 = y1.astype(np.float32)
    ratio = cv2.GaussianBlur(y1.astype(np.float32), (0, 0), 3) / np.maximum(cv2.GaussianBlur(y0, (0, 0), 3), 8)
    ratio = np.clip(ratio, 0.3, 1.5) * np.clip((262 - y1) / 45.0, 0, 1)
    if s:
        cb, cr = cv2.GaussianBlur(cb, (0, 0), 1.2), cv2.GaussianBlur(cr, (0, 0), 1.2)
    cb, cr = cb * ratio, cr * ratio
    y = y1.astype(np.float32)
    b, r = y + cb, y + cr
    g = (y - 0.299 * r - 0.114 * b) / 0.587
    return np.clip(np.stack([r, g, b], 2), 0, 255).astype(np.uint8)


def capture(rng, nprng, side_img, alpha, zone_quad, cap_doc_px, cond, variant, fmt, ppmm_doc, scene):
    """Puts one rendered side into a scene; returns (rgb uint8, doc quad, zone quad, zone cap px, glare flags)."""
    ppmm, cw, ch, rot, persp = scene
    H0, W0 = alpha.shape
    # pre-shrink to the target scale with area averaging, then warp (no aliasing at small scales)
    s = ppmm / ppmm_doc
    if s < 0.95:
        nw, nh = max(8, int(round(W0 * s))), max(8, int(round(H0 * s)))
        side_img = cv2.resize(side_img, (nw, nh), interpolation=cv2.INTER_AREA)
        alpha = cv2.resize(alpha, (nw, nh), interpolation=cv2.INTER_AREA)
    h, w = alpha.shape
    sx, sy = w / W0, h / H0
    margin = 0.01 * cw if cond == "scan" else 0.03 * cw
    dst = place(rng, w, h, cw, ch, rot, persp, margin)
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    M = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    bg = scanner_bed(rng, nprng, ch, cw) if cond == "scan" else desk(rng, nprng, ch, cw)
    warped = cv2.warpPerspective(side_img, M, (cw, ch), flags=cv2.INTER_LINEAR, borderValue=0)
    a = cv2.warpPerspective(alpha, M, (cw, ch), flags=cv2.INTER_LINEAR, borderValue=0)
    if cond != "scan":  # soft shadow under the document
        off = np.float32([[1, 0, rng.uniform(-0.01, 0.02) * cw], [0, 1, rng.uniform(0.0, 0.02) * cw]])
        sh = cv2.warpAffine(a, off, (cw, ch))
        sh = cv2.GaussianBlur(sh, (0, 0), 0.01 * cw + 1) * rng.uniform(0.2, 0.5)
        bg = bg * (1 - sh[:, :, None])
    else:  # the edge of the page catches a little shadow on a scanner
        edge = cv2.GaussianBlur(a, (0, 0), 1.5) - a
        bg = bg * (1 - np.clip(edge, 0, 1)[:, :, None] * 0.5)
    img = bg * (1 - a[:, :, None]) + warped * a[:, :, None]
    zq, cap = None, None
    if zone_quad is not None:
        zq = cv2.perspectiveTransform((zone_quad * np.array([sx, sy])).reshape(-1, 1, 2), M.astype(np.float64)).reshape(4, 2)
        cap = cap_doc_px * s * math.sqrt(abs(np.linalg.det(M[:2, :2]))) if s < 0.95 else cap_doc_px * math.sqrt(abs(np.linalg.det(M[:2, :2])))
    char_h = cap if cap else ppmm * 2.44
    y0, cb, cr = to_luma_chroma(img)
    glare = []
    dcond = {"scan": "clean", "phone": "phone", "hard": "hard"}[cond]
    y1 = generate.degrade(rng, nprng, y0.copy(), dcond, variant, char_h, [], jpeg=False, glare_out=glare)
    out = from_luma_chroma(y0, y1, cb, cr, cond)
    glare_on_zone = False
    if zq is not None and glare:
        # strength of the glare at sample points over the zone
        u = np.linspace(0, 1, 24)
        v = np.linspace(0, 1, 6)
        P = []
        for a_ in u:
            for b_ in v:
                top = zq[0] + (zq[1] - zq[0]) * a_
                bot = zq[3] + (zq[2] - zq[3]) * a_
                P.append(top + (bot - top) * b_)
        P = np.array(P)
        worst = 0.0
        for gx, gy, gsx, gsy, ang, st in glare:
            dx, dy = P[:, 0] - gx, P[:, 1] - gy
            xr = dx * math.cos(ang) + dy * math.sin(ang)
            yr = -dx * math.sin(ang) + dy * math.cos(ang)
            worst = max(worst, float((np.exp(-(xr ** 2 / (2 * gsx * gsx) + yr ** 2 / (2 * gsy * gsy))) * st).max()))
        glare_on_zone = worst > 0.5
    return out, dst, zq, cap, bool(glare), glare_on_zone


def encode(img_rgb, path, cond, rng, quality=None):
    bgr = cv2.cvtColor(img_rgb, cv2.COLOR_RGB2BGR)
    if path.endswith(".png"):
        cv2.imwrite(path, bgr, [cv2.IMWRITE_PNG_COMPRESSION, 6])
        return None
    if quality is None:
        quality = {"scan": (88, 95), "phone": (60, 85), "hard": (60, 75)}[cond]
        quality = rng.randint(*quality)
    cv2.imwrite(path, bgr, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    return int(quality)


def r2(q):
    return None if q is None else [[round(float(x), 1), round(float(y), 1)] for x, y in q]


def make_document(out, name, rng, nprng, fmt, cond, variant, content, broken=None, ext="auto", quality=None,
                  width=None):
    """Renders one document (both sides for TD1), writes images + label; returns the label."""
    lines = build_zone(fmt, content)
    if broken:
        lines = break_check_digit(fmt, lines, broken)
    cap_mm = PITCH_MM / 0.723 * 0.95 * 0.73
    sides = ["front", "back"] if fmt == "TD1" else ["front"]
    mrz_side = "back" if fmt == "TD1" else "front"
    if ext == "auto":
        ext = "png" if cond == "scan" else "jpg"
    label = {"document": True, "format": fmt, "lines": lines, "valid": mrzdata.validate(fmt, lines),
             "brokenCheckDigit": broken, "condition": cond, "variant": variant, "mrzSide": mrz_side,
             "images": {}, "quads": {}, "mrzQuads": {}, "mrzCharHeightPx": None, "glare": {}, "glareOnZone": False,
             "jpegQuality": {}}
    parsed = parse_zone(lines, dt.date(2026, 1, 1))
    f = parsed["fields"]
    f["dateOfBirth"], f["dateOfExpiry"] = content["dob"].isoformat(), content["expiry"].isoformat()
    label["fields"] = f
    for side in sides:
        scene = scene_params(rng, cond, fmt, cap_mm)
        if width:  # an explicit output width (fixtures): scale the scene to it
            ppmm, cw, ch, rot, persp = scene
            k = width / cw
            scene = (ppmm * k, int(width), int(ch * k), rot, persp)
        ppmm = scene[0]
        ppmm_doc = max(8.0, min(20.0, ppmm * 1.3))
        img, alpha, zq, cap = render_side(rng, nprng, fmt, ppmm_doc, content, lines, side, variant)
        rgb, quad, zq2, cap2, glare, goz = capture(rng, nprng, img, alpha, zq, cap, cond, variant, fmt, ppmm_doc, scene)
        fname = name + ("-" + side if fmt == "TD1" else "") + "." + ext
        label["jpegQuality"][side] = encode(rgb, os.path.join(out, fname), cond, rng, quality)
        label["images"][side] = fname
        label["quads"][side] = r2(quad)
        label["glare"][side] = glare
        if zq2 is not None:
            label["mrzQuads"][side] = r2(zq2)
            label["mrzCharHeightPx"] = round(float(cap2), 2)
            label["glareOnZone"] = goz
        label.setdefault("size", {})[side] = [int(rgb.shape[1]), int(rgb.shape[0])]
    with open(os.path.join(out, name + ".json"), "w") as fh:
        json.dump(label, fh, indent=1)
    return label


def face_drawing(rng, nprng, h, w):
    wall = np.array([rng.uniform(150, 240) for _ in range(3)], np.float32)
    img = wall[None, None, :] * (1 + generate.value_noise(nprng, h, w, 200) * 0.05)[:, :, None]
    bw = int(w * rng.uniform(0.4, 0.6))
    bh = int(min(h * 0.95, bw * 1.3))
    x0, y0 = int((w - bw) / 2 + rng.uniform(-0.1, 0.1) * w), h - bh
    x0 = max(0, min(w - bw, x0))
    img[y0:y0 + bh, x0:x0 + bw] = portrait(rng, None, (x0, y0, x0 + bw, y0 + bh))
    return img


def texture_scene(rng, nprng, h, w):
    img = np.zeros((h, w, 3), np.float32)
    for c in range(3):
        img[:, :, c] = 128 + generate.value_noise(nprng, h, w, rng.uniform(30, 200)) * rng.uniform(20, 50)
    for _ in range(rng.randint(3, 12)):
        col = tuple(float(rng.uniform(0, 255)) for _ in range(3))
        x, y = int(rng.uniform(0, w)), int(rng.uniform(0, h))
        k = rng.random()
        if k < 0.4:
            cv2.circle(img, (x, y), int(rng.uniform(0.02, 0.15) * w), col, -1, cv2.LINE_AA)
        elif k < 0.8:
            cv2.rectangle(img, (x, y), (x + int(rng.uniform(0.05, 0.3) * w), y + int(rng.uniform(0.05, 0.3) * h)), col, -1)
        else:
            cv2.line(img, (x, y), (int(rng.uniform(0, w)), int(rng.uniform(0, h))), col, int(rng.uniform(2, 10)), cv2.LINE_AA)
    return np.clip(img + nprng.standard_normal(img.shape).astype(np.float32) * 3, 0, 255)


def make_nodoc(out, name, rng, nprng, kind, variant, ext="jpg", quality=None, width=None):
    w = int(width or rng.choice([1280, 1440, 1600]))
    h = int(w * 0.75)
    img = {"desk": lambda: desk(rng, nprng, h, w), "texture": lambda: texture_scene(rng, nprng, h, w),
           "face": lambda: face_drawing(rng, nprng, h, w)}[kind]()
    y0, cb, cr = to_luma_chroma(img)
    y1 = generate.degrade(rng, nprng, y0.copy(), "phone", variant, 20.0, [], jpeg=False)
    rgb = from_luma_chroma(y0, y1, cb, cr, "phone")
    fname = name + "." + ext
    q = encode(rgb, os.path.join(out, fname), "phone", rng, quality)
    label = {"document": False, "kind": kind, "condition": "phone", "variant": variant, "images": {"front": fname},
             "size": {"front": [w, h]}, "jpegQuality": {"front": q}}
    with open(os.path.join(out, name + ".json"), "w") as fh:
        json.dump(label, fh, indent=1)
    return label


# ---------------------------------------------------------------- drivers

def sample_rngs(seed, i):
    return random.Random("documents:%d:%d" % (seed, i)), np.random.default_rng([seed, i, 0xD0C])


def work(task):
    i, a = task
    cv2.setNumThreads(1)
    rng, nprng = sample_rngs(a["seed"], i)
    cells = [(f, c) for f in a["formats"] for c in a["conditions"]]
    n_docs = len(cells) * a["per_cell"]
    if i < n_docs:
        fmt, cond = cells[i % len(cells)]
        content = random_content(rng, fmt)
        broken = rng.choice(["number", "dob", "expiry", "composite"]) if rng.random() < a["invalid_p"] else None
        make_document(a["out"], "doc_%05d" % i, rng, nprng, fmt, cond, a["variant"], content, broken, a["ext"])
    else:
        kind = ["desk", "texture", "face"][(i - n_docs) % 3]
        make_nodoc(a["out"], "nodoc_%05d" % i, rng, nprng, kind, a["variant"])
    return i


def fixture_content(spec):
    d = lambda s: dt.date.fromisoformat(s)  # noqa: E731
    fmt = spec.get("format", "TD3")
    return dict(code=spec.get("code") or ("P<" if fmt == "TD3" else "ID"), issuing=spec.get("country", "UTO"),
                nationality=spec.get("nationality") or spec.get("country", "UTO"), surname=spec["surname"],
                given=spec.get("given", ""), number=spec["number"], dob=d(spec["dob"]), expiry=d(spec["expiry"]),
                sex=spec.get("sex", "<"), optional=spec.get("personal_number", "") or "")


def make_fixture(out, spec):
    global PORTRAIT_PHOTO
    PORTRAIT_PHOTO = (spec["portrait"], spec["portrait_crop"]) if spec.get("portrait") else None
    seed = int(spec.get("seed", 1))
    rng, nprng = sample_rngs(seed, 0)
    ext = spec.get("ext", "jpg")
    if spec.get("no_document"):
        return make_nodoc(out, spec["fixture"], rng, nprng, spec["no_document"], spec.get("variant", "eval"), ext,
                          spec.get("quality"), spec.get("width"))
    fmt = spec.get("format", "TD3")
    return make_document(out, spec["fixture"], rng, nprng, fmt, spec.get("condition", "scan"),
                         spec.get("variant", "eval"), fixture_content(spec), spec.get("break_check_digit"), ext,
                         spec.get("quality"), spec.get("width"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=9001)
    ap.add_argument("--per-cell", type=int, default=40, help="documents per format x condition")
    ap.add_argument("--no-document", type=int, default=30, help="scenes without a document")
    ap.add_argument("--formats", default="TD1,TD2,TD3")
    ap.add_argument("--conditions", default="scan,phone,hard")
    ap.add_argument("--variant", choices=["train", "eval"], default="eval")
    ap.add_argument("--invalid-p", type=float, default=0.08, help="share of zones with one check digit broken")
    ap.add_argument("--ext", choices=["auto", "jpg", "png"], default="auto", help="auto: PNG for scans, else JPEG")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--spec", help="JSON file: a list of fixture objects (keys as the fixture flags, '_' for '-')")
    g = ap.add_argument_group("one fixture")
    g.add_argument("--fixture", help="name of one document to render with the content below")
    g.add_argument("--format", choices=FORMATS, default="TD3")
    g.add_argument("--condition", choices=CONDITIONS, default="scan")
    g.add_argument("--code", help="document code (default P< for TD3, ID otherwise)")
    g.add_argument("--country", default="UTO", help="issuing state")
    g.add_argument("--nationality")
    g.add_argument("--surname")
    g.add_argument("--given", default="")
    g.add_argument("--number")
    g.add_argument("--dob", help="YYYY-MM-DD")
    g.add_argument("--expiry", help="YYYY-MM-DD (20xx)")
    g.add_argument("--sex", default="<", choices=["M", "F", "X", "<"])
    g.add_argument("--personal-number", default="")
    g.add_argument("--break-check-digit", nargs="?", const="number", choices=["number", "dob", "expiry", "composite"])
    g.add_argument("--no-document-scene", choices=["desk", "texture", "face"], help="a fixture without a document")
    g.add_argument("--width", type=int, help="output width in px (fixtures)")
    g.add_argument("--quality", type=int, help="JPEG quality (fixtures)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    t0 = time.time()
    if args.spec or args.fixture:
        if args.spec:
            with open(args.spec) as fh:
                specs = json.load(fh)
        else:
            specs = [{"fixture": args.fixture, "format": args.format, "condition": args.condition, "code": args.code,
                      "country": args.country, "nationality": args.nationality, "surname": args.surname,
                      "given": args.given, "number": args.number, "dob": args.dob, "expiry": args.expiry,
                      "sex": args.sex, "personal_number": args.personal_number,
                      "break_check_digit": args.break_check_digit, "no_document": args.no_document_scene,
                      "seed": args.seed, "variant": args.variant, "width": args.width, "quality": args.quality,
                      "ext": "jpg" if args.ext == "auto" else args.ext}]
        for spec in specs:
            label = make_fixture(args.out, spec)
            print(spec["fixture"], json.dumps(label.get("lines")), "valid" if label.get("valid") else "")
        print("%.1f s" % (time.time() - t0))
        return
    a = {"out": args.out, "seed": args.seed, "per_cell": args.per_cell, "formats": args.formats.split(","),
         "conditions": args.conditions.split(","), "variant": args.variant, "invalid_p": args.invalid_p,
         "ext": args.ext}
    n = len(a["formats"]) * len(a["conditions"]) * args.per_cell + args.no_document
    with Pool(args.workers) as pool:
        done = sum(1 for _ in pool.imap_unordered(work, [(i, a) for i in range(n)], chunksize=4))
    took = time.time() - t0
    with open(os.path.join(args.out, "_set.json"), "w") as fh:
        json.dump({"seed": args.seed, "variant": args.variant, "perCell": args.per_cell, "noDocument": args.no_document,
                   "invalidP": args.invalid_p, "formats": a["formats"], "conditions": a["conditions"],
                   "generation": "%d samples in %.0f s with %d workers" % (done, took, args.workers)}, fh, indent=1)
    print("wrote %d samples to %s in %.1f s" % (done, args.out, took))


if __name__ == "__main__":
    main()
