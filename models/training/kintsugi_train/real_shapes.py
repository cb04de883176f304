"""Damage built from REAL artefact shapes, so the detector learns what real dust, hair and dirt look like.

Two sources in ../shared/data/real-shapes (read from there, never copied into the project):
- dustyscans/*.json: 12,137 hand-drawn polygons of real film artefacts (Dust, Dirt, Short hair, Long hair,
  Scratch) on 35 mm scans about 4968 px wide (scan-08..10 are at 2/3 of that scale: the authors say to
  multiply by 1.5). Rasterised here at random scale, rotation and polarity.
- film-artefact-sprites/<kind>/*.png: 400x400 RGBA sprites (white damage with alpha) of the FILM-R damage
  simulator's artefact library, composited at random scale, rotation and polarity.

Polarity is per photo, as it is on a real scan: dust is bright on prints made from dusty negatives and dark
on scans of dusty prints or slides. Layers use damage.py's convention: (alpha HxW float32, colour).
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from .damage_shapes import _smooth_noise

SHAPES = (Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "real-shapes").resolve()
# Width of the dustyscans frames (scan-01..07). The crops we paint on are photos a detector sees at up to
# ~1024 px across, so an artefact is drawn at ~ crop_width / SCAN_WIDTH of its scan size (with spread).
SCAN_WIDTH = 4968.0
SPRITE_KINDS = ["dirt", "dots", "hair", "hair-short", "lint", "scratches", "smut", "spots", "sprinkles"]


@lru_cache(maxsize=1)
def dusty_polygons() -> dict[str, list[np.ndarray]]:
    """label -> polygons (float32 Nx2, centred on their own centroid, in scan-01..07 pixel units)."""
    out: dict[str, list[np.ndarray]] = {}
    folder = SHAPES / "dustyscans"
    for f in sorted(folder.glob("scan-*.json")):
        k = int(f.stem.split("-")[1])
        scale = 1.5 if k >= 8 else 1.0
        for item in json.loads(f.read_text()).values():
            pts = np.array([[p["x"], p["y"]] for p in item["points"]], np.float32) * scale
            if len(pts) < 2:
                continue
            pts -= pts.mean(0)
            out.setdefault(item["label"]["name"], []).append(pts)
    if not out:
        raise FileNotFoundError(f"{folder}: no dustyscans polygons (is ../shared/data beside the project?)")
    return out


@lru_cache(maxsize=1)
def sprite_paths() -> dict[str, list[Path]]:
    root = SHAPES / "film-artefact-sprites"
    out = {k: sorted((root / k).glob("*.png")) for k in SPRITE_KINDS}
    return {k: v for k, v in out.items() if v}


@lru_cache(maxsize=512)
def _sprite_alpha(path: str) -> np.ndarray:
    """The sprite's alpha, cropped to its bounding box (uint8)."""
    im = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    a = im[..., 3] if im.ndim == 3 and im.shape[2] == 4 else (im if im.ndim == 2 else im.max(axis=2))
    ys, xs = np.nonzero(a > 8)
    if len(ys) == 0:
        return np.zeros((1, 1), np.uint8)
    return np.ascontiguousarray(a[ys.min():ys.max() + 1, xs.min():xs.max() + 1])


# Label mix: the dustyscans counts (7,631 dust, 2,700 dirt, 1,341 short hair, 399 long hair, 66 scratch)
# flattened a little so hairs and scratches, the shapes that are hard to tell from picture lines, are seen.
_LABEL_P = {"Dust": 0.45, "Dirt": 0.22, "Short hair": 0.18, "Long hair": 0.10, "Scratch": 0.05}


def _polarity_colour(rng: np.random.Generator, bright: bool) -> np.ndarray:
    if bright:
        v = rng.uniform(0.8, 1.0)
        return np.array([v, v, v - rng.uniform(0, 0.05)], np.float32).clip(0, 1)
    v = rng.uniform(0.0, 0.18)
    return np.array([v, v, v], np.float32)


def real_artefacts(rng: np.random.Generator, h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    """Many real dust/dirt/hair/scratch polygons scattered over the crop, one polarity: a dusty scan."""
    polys = dusty_polygons()
    labels = [k for k in _LABEL_P if k in polys]
    p = np.array([_LABEL_P[k] for k in labels])
    p /= p.sum()
    # The crop stands for a scan seen at `scan_px` across: smaller means smaller artefacts.
    scan_px = rng.uniform(400, 2200)
    base = scan_px / SCAN_WIDTH
    canvas = np.zeros((h, w), np.float32)
    n = int(rng.integers(2, 8 + int(h * w / 3000)))
    ss = 4  # supersampling for anti-aliased thin shapes
    for _ in range(n):
        lab = labels[int(rng.choice(len(labels), p=p))]
        pts = polys[lab][int(rng.integers(len(polys[lab])))]
        s = base * math.exp(rng.normal(0, 0.35))
        ang = rng.uniform(0, 2 * math.pi)
        rot = np.array([[math.cos(ang), -math.sin(ang)], [math.sin(ang), math.cos(ang)]], np.float32)
        q = (pts @ rot.T) * s + np.array([rng.uniform(0, w), rng.uniform(0, h)], np.float32)
        ext = q.max(0) - q.min(0)
        if max(ext) < 0.6:  # smaller than a pixel after scaling: a speck of 1 px at most
            q = q.mean(0, keepdims=True) + (q - q.mean(0)) * (0.6 / max(float(max(ext)), 1e-3))
        # rasterise in a small supersampled window around the shape, then paste (a full-size canvas per
        # shape made training 5x slower)
        x0, y0 = int(math.floor(q[:, 0].min())) - 2, int(math.floor(q[:, 1].min())) - 2
        x1, y1 = int(math.ceil(q[:, 0].max())) + 3, int(math.ceil(q[:, 1].max())) + 3
        cx0, cy0, cx1, cy1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
        if cx1 <= cx0 or cy1 <= cy0:
            continue
        layer = np.zeros(((y1 - y0) * ss, (x1 - x0) * ss), np.uint8)
        qi = np.round((q - np.array([x0, y0], np.float32)) * ss * 16).astype(np.int32)
        cv2.fillPoly(layer, [qi], 255, cv2.LINE_AA, shift=4)
        # hairs are drawn as thin closed outlines by the annotators; keep at least ~1 px of stroke
        if "hair" in lab.lower() or lab == "Scratch":
            cv2.polylines(layer, [qi], True, 255, max(1, int(ss * rng.uniform(0.5, 1.2))), cv2.LINE_AA, shift=4)
        small = cv2.resize(layer, (x1 - x0, y1 - y0), interpolation=cv2.INTER_AREA).astype(np.float32) / 255
        win = canvas[cy0:cy1, cx0:cx1]
        np.maximum(win, small[cy0 - y0:cy1 - y0, cx0 - x0:cx1 - x0], out=win)
    a = canvas * rng.uniform(0.35, 1.0)  # faint specks too: real dust on a slide is often half-transparent
    if rng.random() < 0.5:
        a = cv2.GaussianBlur(a, (0, 0), rng.uniform(0.3, 0.8))  # scan blur
    return a, _polarity_colour(rng, rng.random() < 0.5)


def sprites(rng: np.random.Generator, h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    """A few FILM-R artefact sprites (dirt, hair, lint, scratches, spots...) composited over the crop."""
    kinds = sprite_paths()
    names = sorted(kinds)
    canvas = np.zeros((h, w), np.float32)
    for _ in range(int(rng.integers(1, 6))):
        kind = names[int(rng.integers(len(names)))]
        a = _sprite_alpha(str(kinds[kind][int(rng.integers(len(kinds[kind])))])).astype(np.float32) / 255
        # Sprite sizes: specks small, hairs and scratches up to a large part of the crop.
        big = kind in ("hair", "scratches", "lint")
        target = min(h, w) * (rng.uniform(0.15, 0.9) if big else rng.uniform(0.02, 0.15))
        s = target / max(a.shape)
        nh, nw = max(1, int(round(a.shape[0] * s))), max(1, int(round(a.shape[1] * s)))
        a = cv2.resize(a, (nw, nh), interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
        pad = int(math.ceil(math.hypot(nh, nw) / 2)) + 1
        big_a = np.zeros((nh + 2 * pad, nw + 2 * pad), np.float32)
        big_a[pad:pad + nh, pad:pad + nw] = a
        M = cv2.getRotationMatrix2D((big_a.shape[1] / 2, big_a.shape[0] / 2), rng.uniform(0, 360), 1.0)
        big_a = cv2.warpAffine(big_a, M, (big_a.shape[1], big_a.shape[0]))
        y0, x0 = int(rng.integers(-big_a.shape[0] // 2, h)), int(rng.integers(-big_a.shape[1] // 2, w))
        ys, xs = max(0, y0), max(0, x0)
        ye, xe = min(h, y0 + big_a.shape[0]), min(w, x0 + big_a.shape[1])
        if ye <= ys or xe <= xs:
            continue
        canvas[ys:ye, xs:xe] = np.maximum(canvas[ys:ye, xs:xe], big_a[ys - y0:ye - y0, xs - x0:xe - x0])
    a = np.clip(canvas * rng.uniform(0.75, 1.1), 0, 1)
    return a, _polarity_colour(rng, rng.random() < 0.6)


# ------------------------------------------------------------------------------------------ hard negatives
# Picture content that the shipped detector marked on real scans (cards/detect-damage-unet.md): white
# clothing, lettering on signs, specular highlights, thin bright natural lines (hair strands, wires, rigging,
# sails, window frames). Painted into the clean photo BEFORE ageing, so they are toned, faded and scanned
# like the rest of the picture, and never labelled.

_SIGN_WORDS = ["CAFE", "HOTEL", "BAKERY", "Main St", "1923", "OPEN", "GROCERY", "No 7", "STATION", "BAR",
               "PHARMACY", "Co. Ltd", "TAILOR", "POST", "A & B", "SHOES"]


def _bright_garment(rng, img):
    """A large bright region with soft shading and fold lines, a smooth outline: a white shirt or collar."""
    h, w = img.shape[:2]
    cx, cy = rng.uniform(0.1, 0.9) * w, rng.uniform(0.1, 0.9) * h
    k = int(rng.integers(6, 12))
    angs = np.sort(rng.uniform(0, 2 * math.pi, k))
    r = min(h, w) * rng.uniform(0.08, 0.35) * rng.uniform(0.5, 1.3, k)
    poly = np.stack([cx + r * np.cos(angs), cy + r * np.sin(angs)], 1)
    m = np.zeros((h, w), np.uint8)
    cv2.fillPoly(m, [np.round(poly * 16).astype(np.int32)], 255, cv2.LINE_AA, shift=4)
    a = cv2.GaussianBlur(m.astype(np.float32) / 255, (0, 0), rng.uniform(0.7, 2.0))[..., None]
    g = rng.uniform(0.85, 1.0)
    shade = 1 - 0.18 * cv2.GaussianBlur(rng.random((h, w)).astype(np.float32), (0, 0), min(h, w) / 12)
    folds = np.zeros((h, w), np.float32)
    for _ in range(int(rng.integers(1, 5))):
        p0 = np.array([cx, cy]) + rng.normal(0, r.mean() * 0.5, 2)
        d = rng.normal(0, 1, 2)
        d /= np.linalg.norm(d) + 1e-6
        p1 = p0 + d * r.mean() * rng.uniform(0.3, 1.0)
        cv2.line(folds, tuple(np.round(p0).astype(int)), tuple(np.round(p1).astype(int)), 1.0, int(rng.integers(1, 4)))
    shade = shade - 0.2 * cv2.GaussianBlur(folds, (0, 0), rng.uniform(1.0, 2.5))
    tint = np.array([g, g * rng.uniform(0.96, 1.0), g * rng.uniform(0.9, 1.0)], np.float32)
    cloth = shade[..., None] * tint
    return img * (1 - a) + a * cloth


def _sign(rng, img):
    """A sign or label: a flat panel with lettering in a contrasting colour (content, not handwriting)."""
    h, w = img.shape[:2]
    s = " ".join(_SIGN_WORDS[i] for i in rng.integers(len(_SIGN_WORDS), size=int(rng.integers(1, 3))))
    font = [cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_COMPLEX, cv2.FONT_HERSHEY_TRIPLEX][int(rng.integers(4))]
    scale = rng.uniform(0.3, 1.4) * min(h, w) / 200
    thick = int(rng.integers(1, 4))
    (tw, th), base = cv2.getTextSize(s, font, scale, thick)
    x = int(rng.uniform(0, max(1, w - tw)))
    y = int(rng.uniform(th + 2, max(th + 3, h - base)))
    out = img.copy()
    light_text = rng.random() < 0.6
    if rng.random() < 0.7:  # panel behind the text
        pc = rng.uniform(0.05, 0.35, 3) if light_text else rng.uniform(0.6, 0.9, 3)
        cv2.rectangle(out, (x - 4, y - th - 4), (x + tw + 4, y + base + 2), tuple(float(c) for c in pc), -1)
    tc = rng.uniform(0.85, 1.0, 3) if light_text else rng.uniform(0.0, 0.2, 3)
    canvas = np.zeros((h, w), np.uint8)
    cv2.putText(canvas, s, (x, y), font, scale, 255, thick, cv2.LINE_AA)
    a = cv2.GaussianBlur(canvas.astype(np.float32) / 255, (0, 0), 0.5)[..., None]
    return out * (1 - a) + a * tc.astype(np.float32)


def _highlights(rng, img):
    """Specular glints: small soft bright spots where the picture is already bright-ish (eyes, metal, glass)."""
    h, w = img.shape[:2]
    canvas = np.zeros((h, w), np.float32)
    for _ in range(int(rng.integers(1, 8))):
        x, y = int(rng.integers(w)), int(rng.integers(h))
        cv2.circle(canvas, (x, y), int(rng.integers(1, 4)), 1.0, -1)
    a = cv2.GaussianBlur(canvas, (0, 0), rng.uniform(1.0, 2.5))
    a = np.clip(a / max(float(a.max()), 1e-6), 0, 1)[..., None] * rng.uniform(0.6, 1.0)
    return img * (1 - a) + a * rng.uniform(0.9, 1.0)


def _natural_lines(rng, img):
    """Thin lines that belong to the picture: wires, ropes and rigging (long, straight or sagging, continuous,
    dark or light, up to a few pixels thick: the mooring rope and masts of bopbtl-old/f), hair strands and
    window frames -- in the picture's own tones or light like a lit rope, blurred like the picture."""
    h, w = img.shape[:2]
    out = img.copy()
    for _ in range(int(rng.integers(1, 6))):
        canvas = np.zeros((h, w), np.uint8)
        p0 = np.array([rng.uniform(-0.1, 1.1) * w, rng.uniform(-0.1, 1.1) * h])
        p2 = np.array([rng.uniform(-0.1, 1.1) * w, rng.uniform(-0.1, 1.1) * h])
        sag = rng.normal(0, 0.08) * np.linalg.norm(p2 - p0)
        mid = (p0 + p2) / 2 + np.array([0.0, abs(sag)])
        t = np.linspace(0, 1, 60)[:, None]
        pts = (1 - t) ** 2 * p0 + 2 * (1 - t) * t * mid + t ** 2 * p2
        cv2.polylines(canvas, [np.round(pts * 16).astype(np.int32)], False, 255, int(rng.choice([1, 1, 2, 2, 3, 4])),
                      cv2.LINE_AA, shift=4)
        a = cv2.GaussianBlur(canvas.astype(np.float32) / 255, (0, 0), rng.uniform(0.4, 1.0))[..., None]
        a = a * rng.uniform(0.5, 1.0)
        local = cv2.GaussianBlur(out, (0, 0), 6)
        r = rng.random()
        if r < 0.4:
            colour = np.clip(local * rng.uniform(1.3, 1.8), 0, 0.95)
        elif r < 0.6:  # a lit rope or mast: much lighter, but in the picture's own hue (a near-white line is
            # what a crack or a scratch looks like: teaching those as clean cost the cream cracks of a sepia print)
            colour = np.clip(local * rng.uniform(1.8, 2.4), 0, 0.85)
        else:
            colour = local * rng.uniform(0.1, 0.5)
        out = out * (1 - a) + a * colour
    return out


def _frame_corner(rng, img):
    """The edge of the film frame or slide mount: a dark (or light) border with rounded corners, as scanned
    slides show it; the shipped detector marked such a corner as a blotch."""
    h, w = img.shape[:2]
    out = img.copy()
    r = rng.uniform(0.05, 0.3) * min(h, w)
    inset = [int(rng.uniform(0, 0.08) * w) if rng.random() < 0.6 else -1 for _ in range(4)]
    x0, y0 = max(inset[0], 0), max(inset[1], 0)
    x1, y1 = w - 1 - max(inset[2], 0), h - 1 - max(inset[3], 0)
    inside = np.zeros((h, w), np.uint8)
    cv2.rectangle(inside, (int(x0 + r), y0), (int(x1 - r), y1), 255, -1)
    cv2.rectangle(inside, (x0, int(y0 + r)), (x1, int(y1 - r)), 255, -1)
    for cx, cy in [(x0 + r, y0 + r), (x1 - r, y0 + r), (x0 + r, y1 - r), (x1 - r, y1 - r)]:
        cv2.circle(inside, (int(cx), int(cy)), int(r), 255, -1, cv2.LINE_AA)
    a = 1 - cv2.GaussianBlur(inside.astype(np.float32) / 255, (0, 0), rng.uniform(0.5, 2.0))[..., None]
    colour = rng.uniform(0.0, 0.12) if rng.random() < 0.75 else rng.uniform(0.85, 1.0)
    return out * (1 - a) + a * colour


def _rigging(rng, img):
    """A ship's rigging or a fence of wires: several thin straight lines fanning out from one point (a masthead),
    with a thicker vertical mast, dark or lit -- bopbtl-old/f, where the shipped detector marked every rope."""
    h, w = img.shape[:2]
    out = img.copy()
    top = np.array([rng.uniform(0.1, 0.9) * w, rng.uniform(-0.2, 0.5) * h])
    local = cv2.GaussianBlur(out, (0, 0), 6)
    lit = rng.random() < 0.5
    for k in range(int(rng.integers(3, 10))):
        canvas = np.zeros((h, w), np.uint8)
        if k == 0:  # the mast
            end = top + np.array([rng.normal(0, 0.05) * w, h * rng.uniform(0.6, 1.2)])
            thick = int(rng.integers(3, 7))
        else:
            end = np.array([top[0] + rng.uniform(-0.8, 0.8) * w, top[1] + h * rng.uniform(0.3, 1.2)])
            thick = int(rng.choice([1, 1, 1, 2]))
        cv2.line(canvas, tuple(np.round(top * 16).astype(int)), tuple(np.round(end * 16).astype(int)), 255, thick,
                 cv2.LINE_AA, shift=4)
        a = cv2.GaussianBlur(canvas.astype(np.float32) / 255, (0, 0), rng.uniform(0.4, 0.9))[..., None]
        a = a * rng.uniform(0.5, 1.0)
        # lit ropes keep the picture's hue (a near-white straight line is what a film scratch looks like)
        colour = np.clip(local * rng.uniform(1.2, 1.6), 0, 0.9) if lit and k else local * rng.uniform(0.1, 0.5)
        out = out * (1 - a) + a * colour
    return out


def _grass(rng, img):
    """A clump of grass or reeds: many short thin blades, lighter or darker than the ground, rising from a band."""
    h, w = img.shape[:2]
    out = img.copy()
    canvas = np.zeros((h, w), np.uint8)
    y0 = rng.uniform(0.3, 1.0) * h
    x0, x1 = sorted(rng.uniform(0, w, 2))
    x1 = max(x1, x0 + 0.2 * w)
    for _ in range(int(rng.integers(15, 80))):
        base = np.array([rng.uniform(x0, x1), y0 + rng.normal(0, 0.05 * h)])
        length = rng.uniform(0.03, 0.2) * h
        ang = -math.pi / 2 + rng.normal(0, 0.35)
        tip = base + length * np.array([math.cos(ang), math.sin(ang)])
        mid = (base + tip) / 2 + rng.normal(0, length * 0.1, 2)
        pts = np.array([_bez_pt(base, mid, tip, t) for t in np.linspace(0, 1, 12)])
        cv2.polylines(canvas, [np.round(pts * 16).astype(np.int32)], False, 255, int(rng.choice([1, 1, 2])),
                      cv2.LINE_AA, shift=4)
    a = cv2.GaussianBlur(canvas.astype(np.float32) / 255, (0, 0), rng.uniform(0.4, 0.8))[..., None]
    a = a * rng.uniform(0.4, 0.9)
    local = cv2.GaussianBlur(out, (0, 0), 5)
    colour = np.clip(local * rng.uniform(1.3, 1.9), 0, 0.95) if rng.random() < 0.6 else local * rng.uniform(0.2, 0.6)
    return out * (1 - a) + a * colour


def _bez_pt(p0, p1, p2, t):
    return (1 - t) ** 2 * p0 + 2 * (1 - t) * t * p1 + t ** 2 * p2


def _colour_grain(rng, img):
    """The coloured starch grains of an autochrome (bopbtl-old/e): dense 1-2 px dots of saturated red, green
    and blue-violet over the whole picture -- picture structure, not dust."""
    h, w = img.shape[:2]
    n = int(h * w * rng.uniform(0.002, 0.02))
    canvas = np.zeros((h, w, 3), np.float32)
    ys, xs = rng.integers(0, h, n), rng.integers(0, w, n)
    palette = np.array([[0.9, 0.25, 0.2], [0.3, 0.8, 0.3], [0.45, 0.35, 0.95]], np.float32)
    canvas[ys, xs] = palette[rng.integers(0, 3, n)] - 0.5
    canvas = cv2.GaussianBlur(canvas, (0, 0), rng.uniform(0.5, 1.0)) * rng.uniform(0.6, 1.5)
    return img + canvas * (0.3 + 0.7 * img.mean(axis=2, keepdims=True))


_NEGATIVES = [(_frame_corner, 0.15), (_bright_garment, 0.35), (_sign, 0.25), (_highlights, 0.3), (_natural_lines, 0.55),
              (_rigging, 0.25), (_grass, 0.25), (_colour_grain, 0.1)]


def hard_negatives(rng: np.random.Generator, img: np.ndarray) -> np.ndarray:
    """The clean photo with some unlabelled, damage-like picture content painted in (see above)."""
    out = img.astype(np.float32)
    for fn, p in _NEGATIVES:
        if rng.random() < p:
            out = fn(rng, out)
    return np.clip(out, 0, 1).astype(np.float32)


def flakes(rng: np.random.Generator, h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    """Emulsion flaked off inside the picture (iopaint-old_photo's torn patch): angular, jagged paper-white
    patches, often with short cracks running out of their corners. Labelled whole by the caller."""
    canvas = np.zeros((h, w), np.uint8)
    for _ in range(int(rng.integers(1, 4))):
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        r = min(h, w) * rng.uniform(0.02, 0.15)
        k = int(rng.integers(5, 14))
        angs = np.sort(rng.uniform(0, 2 * math.pi, k))
        rad = r * rng.uniform(0.25, 1.4, k) ** 1.5  # spiky: some vertices far out
        poly = np.stack([cx + rad * np.cos(angs), cy + rad * np.sin(angs)], 1)
        poly += rng.normal(0, r * 0.05, poly.shape)
        cv2.fillPoly(canvas, [np.round(poly * 16).astype(np.int32)], 255, cv2.LINE_AA, shift=4)
        for j in np.argsort(-rad)[: int(rng.integers(0, 4))]:  # cracks out of the sharpest corners
            p = poly[j].copy()
            a = angs[j] + rng.normal(0, 0.4)
            pts = [p.copy()]
            for _ in range(int(rng.integers(5, 30))):
                a += rng.normal(0, 0.3)
                p = p + rng.uniform(2, 5) * np.array([math.cos(a), math.sin(a)])
                pts.append(p.copy())
            cv2.polylines(canvas, [np.round(np.array(pts) * 16).astype(np.int32)], False, 255,
                          int(rng.integers(1, 3)), cv2.LINE_AA, shift=4)
    a = cv2.GaussianBlur(canvas.astype(np.float32) / 255, (0, 0), rng.uniform(0.3, 0.7))
    v = rng.uniform(0.85, 1.0)
    warm = rng.uniform(0.0, 0.08)
    return a, np.array([v, v - warm * 0.5, v - warm], np.float32).clip(0, 1)


def crazing(rng: np.random.Generator, h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    """Crazed emulsion (bopbtl-scratched/d): a dense network of fine cracks over part of the print, cells 8-50 px
    across with jagged walls, most walls 1 px, some open, a few flakes where walls meet. Built as the borders of a
    warped nearest-seed partition inside a smooth region. Labelled like any crack (visible change)."""
    cell = rng.uniform(8, 50)
    n = max(4, int(h * w / cell ** 2))
    seeds = np.full((h, w), 255, np.uint8)
    seeds[rng.integers(0, h, n), rng.integers(0, w, n)] = 0
    _, labels = cv2.distanceTransformWithLabels(seeds, cv2.DIST_L2, 5, labelType=cv2.DIST_LABEL_PIXEL)
    # jagged walls: look the partition up through a smooth random warp plus a finer one
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    amp = cell * rng.uniform(0.15, 0.4)
    wx = (_smooth_noise(rng, h, w, cell) - 0.5) * 2 * amp + (_smooth_noise(rng, h, w, 3) - 0.5) * 1.5
    wy = (_smooth_noise(rng, h, w, cell) - 0.5) * 2 * amp + (_smooth_noise(rng, h, w, 3) - 0.5) * 1.5
    lab = cv2.remap(labels.astype(np.float32), xx + wx, yy + wy, cv2.INTER_NEAREST, borderMode=cv2.BORDER_REFLECT)
    wall = np.zeros((h, w), bool)
    wall[:, 1:] |= lab[:, 1:] != lab[:, :-1]
    wall[1:, :] |= lab[1:, :] != lab[:-1, :]
    canvas = wall.astype(np.uint8) * 255
    if rng.random() < 0.35:  # wider walls on some prints
        canvas = cv2.dilate(canvas, np.ones((2, 2), np.uint8))
    # where on the print: a smooth region covering 20-100 % of the crop, and open walls inside it
    region = _smooth_noise(rng, h, w, rng.uniform(40, 160)) > rng.uniform(0.0, 0.6)
    open_walls = _smooth_noise(rng, h, w, cell * 0.8) > rng.uniform(0.15, 0.45)
    canvas = np.where(region & open_walls, canvas, 0).astype(np.uint8)
    for _ in range(int(rng.integers(0, 6))):  # flakes at a few places along the walls
        ys, xs = np.nonzero(canvas)
        if len(ys) == 0:
            break
        i = int(rng.integers(len(ys)))
        r = rng.uniform(1.5, 5)
        k = int(rng.integers(5, 9))
        angs = np.sort(rng.uniform(0, 2 * math.pi, k))
        rad = r * rng.uniform(0.4, 1.3, k)
        poly = np.stack([xs[i] + rad * np.cos(angs), ys[i] + rad * np.sin(angs)], 1)
        cv2.fillPoly(canvas, [np.round(poly * 16).astype(np.int32)], 255, cv2.LINE_AA, shift=4)
    a = cv2.GaussianBlur(canvas.astype(np.float32) / 255, (0, 0), rng.uniform(0.3, 0.6))
    a = np.clip(a * rng.uniform(1.0, 1.6), 0, 1) * rng.uniform(0.4, 1.0)
    v = rng.uniform(0.8, 1.0)
    warm = rng.uniform(0.0, 0.1)
    return a.astype(np.float32), np.array([v, v - warm * 0.5, v - warm], np.float32).clip(0, 1)
