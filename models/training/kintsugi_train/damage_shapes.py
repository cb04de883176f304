"""The kinds of old-photo damage, each drawn as one layer into an empty canvas (damage.py mixes and paints them).

Each generator `_kind(rng, h, w)` returns a layer: (alpha HxW float32 in [0,1], colour HxWx3 float32 or
(3,) float32). The shapes imitate real scanned prints (see ../shared/data/real-damage): long thin light
scratches, branching white cracks with flaked paper along them, dust and hairs, tinted stains, torn
paper-white edges, fold lines and handwriting/stamped text. The small noise, blur and colour helpers here
are shared with damage.py's ageing and scanning effects.
"""
from __future__ import annotations

import math

import cv2
import numpy as np

_FONTS = [
    cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_COMPLEX,
    cv2.FONT_HERSHEY_TRIPLEX, cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, cv2.FONT_HERSHEY_SCRIPT_COMPLEX,
    cv2.FONT_HERSHEY_PLAIN,
]
_WORDS = ["1952", "Mom", "Paris", "summer 48", "Anna & Karl", "No. 17", "PROOF", "love", "12.VII.1939",
          "Studio Foto", "Berlin", "to Rosa", "x", "Grandpa", "1961", "Kodak", "A-7", "SAMPLE"]


# ----------------------------------------------------------------------------------------------- helpers

def _smooth_noise(rng: np.random.Generator, h: int, w: int, scale: float) -> np.ndarray:
    """Low-frequency noise in [0, 1]: random grid of ~scale-pixel cells, bicubically upsampled."""
    gh, gw = max(2, int(h / scale) + 2), max(2, int(w / scale) + 2)
    g = rng.random((gh, gw)).astype(np.float32)
    n = cv2.resize(g, (w, h), interpolation=cv2.INTER_CUBIC)
    n -= n.min()
    return n / max(float(n.max()), 1e-6)


def _soften(a: np.ndarray, sigma: float) -> np.ndarray:
    if sigma <= 0.05:
        return a
    return cv2.GaussianBlur(a, (0, 0), sigma)


def _light_colour(rng: np.random.Generator) -> np.ndarray:
    """Paper white / emulsion-lost white, slightly warm or grey."""
    v = rng.uniform(0.82, 1.0)
    warm = rng.uniform(0.0, 0.06)
    return np.array([v, v - warm * 0.5, v - warm], np.float32).clip(0, 1)


def _dark_colour(rng: np.random.Generator) -> np.ndarray:
    v = rng.uniform(0.0, 0.25)
    return np.array([v, v * rng.uniform(0.85, 1.0), v * rng.uniform(0.7, 1.0)], np.float32)


def _bezier(p0, p1, p2, n):
    t = np.linspace(0, 1, n)[:, None]
    return (1 - t) ** 2 * p0 + 2 * (1 - t) * t * p1 + t ** 2 * p2


# A layer is (alpha HxW float32 in [0,1], colour HxWx3 float32 or (3,) float32).

def _scratch(rng, h, w):
    """Long, thin, near-straight streak, light (mostly) or dark, soft-edged and partly transparent."""
    diag = math.hypot(h, w)
    length = rng.uniform(0.3, 1.3) * diag
    ang = rng.uniform(0, math.pi) if rng.random() < 0.5 else rng.normal(math.pi / 2, 0.25)
    cx, cy = rng.uniform(0, w), rng.uniform(0, h)
    d = np.array([math.cos(ang), math.sin(ang)])
    p0 = np.array([cx, cy]) - d * length / 2
    p2 = np.array([cx, cy]) + d * length / 2
    bend = rng.normal(0, 0.04) * length
    p1 = (p0 + p2) / 2 + np.array([-d[1], d[0]]) * bend
    pts = _bezier(p0, p1, p2, max(8, int(length / 4)))
    pts += rng.normal(0, 0.35, pts.shape)  # a little wobble
    thick = int(rng.choice([1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 6]))
    canvas = np.zeros((h, w), np.uint8)
    cv2.polylines(canvas, [np.round(pts * 16).astype(np.int32)], False, 255, thick, cv2.LINE_AA, shift=4)
    a = canvas.astype(np.float32) / 255.0
    a = _soften(a, rng.uniform(0.2, 0.7))
    # Opacity varies along the scratch; some stretches fade out entirely.
    along = _smooth_noise(rng, h, w, rng.uniform(20, 80))
    opacity = rng.uniform(0.55, 1.0) * np.clip(along * 1.6 - rng.uniform(0.0, 0.4), 0, 1)
    colour = _light_colour(rng) if rng.random() < 0.8 else _dark_colour(rng)
    return a * opacity, colour


def _crack_paths(rng, h, w, start=None):
    """Branching random walks: a list of point arrays."""
    paths = []
    if start is None:
        if rng.random() < 0.5:  # start on a border, walk inwards
            side = rng.integers(4)
            pos = [(rng.uniform(0, w), 0.0), (rng.uniform(0, w), h - 1.0), (0.0, rng.uniform(0, h)),
                   (w - 1.0, rng.uniform(0, h))][side]
            ang = [math.pi / 2, -math.pi / 2, 0.0, math.pi][side] + rng.normal(0, 0.5)
        else:
            pos = (rng.uniform(0, w), rng.uniform(0, h))
            ang = rng.uniform(0, 2 * math.pi)
    else:
        pos, ang = start
    stack = [(np.array(pos, np.float64), ang, int(rng.integers(25, 160)), 0)]
    while stack and len(paths) < 12:
        p, a, n, depth = stack.pop()
        pts = [p.copy()]
        heading = a
        for _ in range(n):
            heading += rng.normal(0, 0.12)
            if rng.random() < 0.15:  # a kink: paper cracks in straight-ish runs with sudden turns
                heading += rng.normal(0, 0.7)
            heading = 0.85 * heading + 0.15 * a  # stays roughly on course
            step = rng.uniform(2.0, 6.0)
            p = p + step * np.array([math.cos(heading), math.sin(heading)])
            pts.append(p.copy())
            if not (-10 < p[0] < w + 10 and -10 < p[1] < h + 10):
                break
            if depth < 3 and rng.random() < 0.03:
                stack.append((p.copy(), heading + rng.choice([-1, 1]) * rng.uniform(0.4, 1.3),
                              int(rng.integers(8, max(10, n // 2))), depth + 1))
        paths.append(np.array(pts))
    return paths


def _crack(rng, h, w):
    """Jagged branching crack: the emulsion split, so it shows as white (sometimes dark) lines, with
    flakes of lost emulsion along the main line on some cracks."""
    canvas = np.zeros((h, w), np.uint8)
    paths = _crack_paths(rng, h, w)
    base = int(rng.choice([1, 1, 1, 2, 2, 3]))
    for i, pts in enumerate(paths):
        t = base if i == 0 else max(1, base - 1)
        q = np.round(pts * 16).astype(np.int32)
        for j in range(len(q) - 1):  # width wanders along the crack
            if rng.random() < 0.2:
                t = int(np.clip(t + rng.choice([-1, 1]), 1, base + 1))
            cv2.line(canvas, tuple(q[j]), tuple(q[j + 1]), 255, t, cv2.LINE_AA, shift=4)
    if rng.random() < 0.45:  # flaked emulsion: small jagged polygons hugging the crack
        main = paths[0]
        for _ in range(int(rng.integers(1, 8))):
            c = main[rng.integers(len(main))]
            r = rng.uniform(2, 9)
            k = int(rng.integers(5, 10))
            angs = np.sort(rng.uniform(0, 2 * math.pi, k))
            rad = r * rng.uniform(0.4, 1.3, k)
            poly = np.stack([c[0] + rad * np.cos(angs), c[1] + rad * np.sin(angs)], 1)
            cv2.fillPoly(canvas, [np.round(poly * 16).astype(np.int32)], 255, cv2.LINE_AA, shift=4)
    a = _soften(canvas.astype(np.float32) / 255.0, rng.uniform(0.2, 0.6))
    a *= rng.uniform(0.6, 1.0) * np.clip(0.5 + _smooth_noise(rng, h, w, rng.uniform(20, 60)), 0, 1)
    colour = _light_colour(rng) if rng.random() < 0.85 else _dark_colour(rng)
    return a, colour


def _relief(rng, h, w):
    """A raised crack or crease: no colour of its own, the emulsion's torn edge catches the light on one side and
    shades the other (bopbtl-scratched/d's cracks across the faces, c's crease: a bright hairline with a dark one
    beside it, 10-100 levels from smooth skin). Returns a signed shading map s; the photo becomes photo x (1 + s)."""
    canvas = np.zeros((h, w), np.uint8)
    if rng.random() < 0.7:
        paths = _crack_paths(rng, h, w)
    else:  # a crease: nearly straight across the print
        ang = rng.uniform(0, math.pi)
        c = np.array([rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h])
        d = np.array([math.cos(ang), math.sin(ang)])
        L = math.hypot(h, w)
        paths = [np.stack([c + d * t for t in np.linspace(-L, L, 120)]) + rng.normal(0, 0.5, (120, 2))]
    for pts in paths:
        cv2.polylines(canvas, [np.round(pts * 16).astype(np.int32)], False, 255, 1, cv2.LINE_AA, shift=4)
    light = _soften(canvas.astype(np.float32) / 255.0, rng.uniform(0.3, 0.7))
    toward = rng.uniform(0, 2 * math.pi)  # where the light comes from; the shadow falls 1-2 px the other way
    off = rng.uniform(1.0, 2.0)
    M = np.float32([[1, 0, off * math.cos(toward)], [0, 1, off * math.sin(toward)]])
    shadow = cv2.warpAffine(light, M, (w, h))
    along = np.clip(0.5 + _smooth_noise(rng, h, w, rng.uniform(15, 50)), 0, 1)
    # always some shadow: a lit line with none is what a lit rope looks like (real_shapes._natural_lines, a negative)
    return (rng.uniform(0.25, 0.8) * light - rng.uniform(0.1, 0.45) * shadow) * along


def _dust(rng, h, w):
    """Dust specks and short hairs, white or black."""
    canvas = np.zeros((h, w), np.uint8)
    area = h * w
    for _ in range(int(rng.integers(3, 12 + area // 4000))):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        if rng.random() < 0.8:
            r = rng.uniform(0.6, 2.8)
            cv2.circle(canvas, (int(x * 16), int(y * 16)), int(r * 16), 255, -1, cv2.LINE_AA, shift=4)
        else:  # hair
            L = rng.uniform(6, 30)
            a0 = rng.uniform(0, 2 * math.pi)
            p0 = np.array([x, y])
            p2 = p0 + L * np.array([math.cos(a0), math.sin(a0)])
            p1 = (p0 + p2) / 2 + rng.normal(0, L * 0.3, 2)
            pts = _bezier(p0, p1, p2, 12)
            cv2.polylines(canvas, [np.round(pts * 16).astype(np.int32)], False, 255, 1, cv2.LINE_AA, shift=4)
    a = _soften(canvas.astype(np.float32) / 255.0, rng.uniform(0.2, 0.5)) * rng.uniform(0.7, 1.0)
    colour = _light_colour(rng) if rng.random() < 0.6 else _dark_colour(rng)
    return a, colour


def _blob_alpha(rng, h, w, size):
    """Irregular soft blob around a random centre, about `size` pixels across."""
    cx, cy = rng.uniform(0, w), rng.uniform(0, h)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    sx, sy = size * rng.uniform(0.5, 1.0), size * rng.uniform(0.5, 1.0)
    d = ((xx - cx) / sx) ** 2 + ((yy - cy) / sy) ** 2
    n = _smooth_noise(rng, h, w, max(4.0, size / 3))
    field = 1.0 - d + (n - 0.5) * 1.2
    return field


# (tint, brown). Foxing, water and bleach marks; no flat dark-brown stains at all, and brown ones only
# see-through: an opaque brown blotch is indistinguishable from sepia hair, a dark coat or a curtain, and
# labelling it taught the detector to mark those on real scans (see cards/detect-damage-unet.md).
_STAIN_TINTS = [((0.55, 0.40, 0.20), True), ((0.75, 0.62, 0.35), False), ((0.90, 0.85, 0.70), False),
                ((0.6, 0.5, 0.45), True), ((0.95, 0.92, 0.85), False)]


def _stain(rng, h, w):
    """Tinted stain or blotch: soft edged, often with a darker tide-line rim (water stain)."""
    size = rng.uniform(0.08, 0.4) * min(h, w) + 6
    field = _blob_alpha(rng, h, w, size)
    edge = rng.uniform(0.03, 0.15)  # a stain has an edge: that is what tells it from uneven toning
    a = np.clip(field / edge, 0, 1)
    if rng.random() < 0.85:  # tide line
        rim = np.exp(-((field - 0.05) / 0.06) ** 2)
        a = np.clip(a * rng.uniform(0.4, 0.8) + rim * 0.6, 0, 1)
    a = _soften(a.astype(np.float32), 1.0) * rng.uniform(0.5, 0.9)
    tint, brown = _STAIN_TINTS[int(rng.integers(len(_STAIN_TINTS)))]
    colour = np.array(tint, np.float32) * rng.uniform(0.85, 1.1)
    if brown and a.max() > 0.45:  # brown stains stay see-through: never labelled (damage.STAIN_OPAQUE)
        a = a * (0.45 / float(a.max()))
    return a, colour.clip(0, 1)


def _tear(rng, h, w):
    """Torn or missing paper from a border or corner: irregular paper-white region."""
    canvas = np.zeros((h, w), np.uint8)
    depth = rng.uniform(0.04, 0.22) * min(h, w) + 3
    if rng.random() < 0.5:  # corner
        cx, cy = [(0, 0), (w, 0), (0, h), (w, h)][rng.integers(4)]
        k = 24
        angs = np.linspace(0, math.pi / 2, k)
        r = depth * 1.6 * (1 + np.cumsum(rng.normal(0, 0.08, k)))
        sx, sy = (1 if cx == 0 else -1), (1 if cy == 0 else -1)
        pts = np.stack([cx + sx * r * np.cos(angs), cy + sy * r * np.sin(angs)], 1)
        poly = np.vstack([[cx, cy], pts])
    else:  # along part of one side
        side = rng.integers(4)
        L = w if side < 2 else h
        a0, a1 = sorted(rng.uniform(0, L, 2))
        a1 = max(a1, a0 + 0.15 * L)
        t = np.linspace(a0, a1, 40)
        env = np.sin(np.linspace(0, math.pi, 40)) ** 0.5
        dep = depth * env * (1 + np.cumsum(rng.normal(0, 0.12, 40)).clip(-0.8, 1.5))
        dep = np.abs(dep + rng.normal(0, 1.2, 40))
        if side == 0:
            pts = np.stack([t, dep], 1)
        elif side == 1:
            pts = np.stack([t, h - 1 - dep], 1)
        elif side == 2:
            pts = np.stack([dep, t], 1)
        else:
            pts = np.stack([w - 1 - dep, t], 1)
        poly = pts
    cv2.fillPoly(canvas, [np.round(poly * 16).astype(np.int32)], 255, cv2.LINE_AA, shift=4)
    a = _soften(canvas.astype(np.float32) / 255.0, 0.5)
    colour = _light_colour(rng) if rng.random() < 0.85 else np.array([0.08, 0.08, 0.08], np.float32)
    return a, colour


def _fold(rng, h, w):
    """Fold line: a straight crease across the print, light line with cracking along it."""
    ang = rng.choice([0.0, math.pi / 2]) + rng.normal(0, 0.05)
    cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h
    d = np.array([math.cos(ang), math.sin(ang)])
    L = 2 * math.hypot(h, w)
    pts = np.stack([np.array([cx, cy]) + d * s for s in np.linspace(-L / 2, L / 2, 200)])
    pts += rng.normal(0, 0.6, pts.shape)
    canvas = np.zeros((h, w), np.uint8)
    cv2.polylines(canvas, [np.round(pts * 16).astype(np.int32)], False, 255,
                  int(rng.integers(1, 4)), cv2.LINE_AA, shift=4)
    a = canvas.astype(np.float32) / 255.0
    along = _smooth_noise(rng, h, w, rng.uniform(15, 50))
    a = _soften(a, 0.5) * np.clip(0.4 + along, 0, 1) * rng.uniform(0.6, 1.0)
    return a, _light_colour(rng)


def _text(rng, h, w):
    """Handwriting or stamped text over the picture."""
    canvas = np.zeros((h, w), np.uint8)
    s = " ".join(_WORDS[i] for i in rng.integers(len(_WORDS), size=int(rng.integers(1, 3))))
    font = _FONTS[rng.integers(len(_FONTS))]
    scale = rng.uniform(0.4, 1.6) * min(h, w) / 200
    thick = int(rng.integers(1, 4))
    (tw, th), _ = cv2.getTextSize(s, font, scale, thick)
    x = int(rng.uniform(-0.1 * tw, max(1, w - 0.8 * tw)))
    y = int(rng.uniform(th, max(th + 1, h)))
    cv2.putText(canvas, s, (x, y), font, scale, 255, thick, cv2.LINE_AA)
    if rng.random() < 0.4:  # slanted
        M = cv2.getRotationMatrix2D((w / 2, h / 2), rng.uniform(-30, 30), 1.0)
        canvas = cv2.warpAffine(canvas, M, (w, h))
    a = canvas.astype(np.float32) / 255.0 * rng.uniform(0.7, 1.0)
    inks = [(0.05, 0.05, 0.08), (0.1, 0.15, 0.55), (0.6, 0.1, 0.1), (0.95, 0.95, 0.95), (0.2, 0.2, 0.2)]
    return a, np.array(inks[rng.integers(len(inks))], np.float32)
