"""Synthetic ageing of clean photos for the tone-restoration network (kintsugi_train/tone.py).

`age_train` makes the training pairs; `age_heldout` is the measuring recipe (eval_tone.py) and `age_unseen` a
second measuring recipe that no training recipe shares a family with (see their docstrings). Each returns
(aged, target, target with the sepia kept, is mono) for a clean float HxWx3 photo in [0,1].
"""
from __future__ import annotations

import math

import cv2
import numpy as np

from .damage import _post, _smooth_noise, _soften, _stain, _uneven_tone
from .tone import LUMA

# ------------------------------------------------------------------------------------------------- ageing

def to_luma(img: np.ndarray) -> np.ndarray:
    g = img.astype(np.float32) @ np.array(LUMA, np.float32)
    return np.repeat(g[..., None], 3, 2)


_CASTS = {  # multiplicative colour of a cast (which dye faded or which stain yellowed)
    "yellow": (1.0, 0.95, 0.7), "magenta": (1.0, 0.78, 0.95), "cyan": (0.75, 0.95, 1.0),
    "red": (1.0, 0.8, 0.72), "green": (0.85, 1.0, 0.85), "blue": (0.82, 0.88, 1.0),
}


def _radial_vignette(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    cy, cx = rng.uniform(0.3, 0.7) * h, rng.uniform(0.3, 0.7) * w
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    r = np.sqrt(((yy - cy) / h) ** 2 + ((xx - cx) / w) ** 2) / 0.75
    return (np.clip(r, 0, 1.5) ** rng.uniform(1.5, 3.0)).astype(np.float32)


def _see_through_stains(rng: np.random.Generator, img: np.ndarray, n: int, max_alpha: float) -> np.ndarray:
    """damage._stain layers scaled to be see-through (the picture shows through: tone, not a hole)."""
    h, w = img.shape[:2]
    out = img
    for _ in range(n):
        a, colour = _stain(rng, h, w)
        if a.max() > max_alpha:
            a = a * (max_alpha / float(a.max()))
        a = a.astype(np.float32)[..., None]
        out = out * (1 - a) + a * colour.astype(np.float32)
    return out.astype(np.float32)


def _density(x: np.ndarray) -> np.ndarray:
    return -np.log10(np.clip(x, 1e-3, 1.0))


def _density_fade(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    """Fading as loss of dye density: each channel keeps a share of its density (the dyes fade at different
    rates) and gains a base fog; often one channel fogs more (blue: yellowed base, green: magenta shift)."""
    kept = np.clip(rng.uniform(0.3, 1.0) + rng.normal(0, 0.15, 3), 0.25, 1.05)
    fog = np.clip(rng.uniform(0.0, 0.15) + rng.normal(0, 0.04, 3), 0.0, 0.3)
    if rng.random() < 0.6:
        fog[int(rng.choice(3, p=[0.2, 0.2, 0.6]))] += rng.uniform(0.0, 0.15)
    return np.power(10.0, -(_density(x) * kept + fog)).astype(np.float32)


def _gradient_fade(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    """A linear ramp across the print at a random angle, fading towards a warm paper colour."""
    h, w = x.shape[:2]
    ang = rng.uniform(0, 2 * math.pi)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    t = np.clip(((xx / w - 0.5) * math.cos(ang) + (yy / h - 0.5) * math.sin(ang)) / 1.42 + rng.uniform(0.3, 0.7), 0, 1)
    s = (rng.uniform(0.05, 0.45) * t)[..., None].astype(np.float32)
    paper = np.array([rng.uniform(0.85, 1.0), rng.uniform(0.8, 0.95), rng.uniform(0.6, 0.85)], np.float32)
    return (x + s * (paper - x)).astype(np.float32)


def age_train(rng: np.random.Generator, clean: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """One training pair from a clean float HxWx3 photo: (aged, target, target with sepia kept, is mono).

    Colour photos keep their colour (target = clean); 45 % become grey or sepia/other-toned prints whose target is
    the neutral grey photo (kept-sepia target: the clean toned print). 8 % stay clean apart from grain (the net
    must leave a good photo alone)."""
    h, w = clean.shape[:2]
    r = rng.random()
    if r < 0.08:
        return _post(rng, clean), clean, clean, False
    mono = False
    target = keep = clean
    x = clean
    kind = rng.random()
    if kind < 0.17:
        x = target = keep = to_luma(clean)
        mono = True
    elif kind < 0.45:
        g = to_luma(clean)
        if rng.random() < 0.4:  # toned silver: each channel absorbs a share of the image's density, on tinted paper
            absorb = np.array([rng.uniform(0.45, 0.85), rng.uniform(0.7, 0.98), 1.0], np.float32)
            if rng.random() < 0.15:  # cold (selenium, blue) toning
                absorb = absorb[::-1].copy()
            paper = np.array([1.0, rng.uniform(0.9, 1.0), rng.uniform(0.75, 1.0)], np.float32)
            x = keep = (paper * np.power(10.0, -_density(g) * absorb)).astype(np.float32)
        else:
            if rng.random() < 0.85:  # brown sepia
                tone = np.array([1.0, rng.uniform(0.75, 0.94), rng.uniform(0.45, 0.82)], np.float32)
            else:  # selenium / cyanotype-like cold toning
                tone = np.array([rng.uniform(0.55, 0.85), rng.uniform(0.75, 0.95), 1.0], np.float32)
            fog = rng.uniform(0.0, 0.12)
            x = keep = (g * tone + (1 - tone) * fog).astype(np.float32)
        target = g
        mono = True
    # -- global: saturation and dye loss, casts, contrast and black level; fading either as loss of dye density
    # (how real prints fade) or as levels and gamma
    if not mono and rng.random() < 0.5:
        x = x + np.float32(rng.uniform(0.1, 0.6)) * (to_luma(x) - x)
    density = rng.random() < 0.5
    if density:
        x = _density_fade(rng, x)
    elif rng.random() < 0.85:
        lo = rng.uniform(0.0, 0.25) + rng.normal(0, 0.03, 3)
        hi = rng.uniform(0.65, 1.0) + rng.normal(0, 0.04, 3)
        gamma = np.exp(rng.normal(0, 0.2) + rng.normal(0, 0.1, 3))
        lo, hi = np.clip(lo, 0, 0.4), np.clip(hi, lo + 0.3, 1.05)
        lo, hi, gamma = lo.astype(np.float32), hi.astype(np.float32), gamma.astype(np.float32)
        x = lo + (hi - lo) * np.power(np.clip(x, 0, 1), gamma)
    if rng.random() < 0.6:
        cast = np.array(list(_CASTS.values())[int(rng.integers(len(_CASTS)))], np.float32)
        s = np.float32(rng.uniform(0.2, 1.0))
        x = x * (1 - s * (1 - cast))
        if rng.random() < 0.5:  # yellowed paper: highlights pulled towards the cast colour
            x = x + np.float32(rng.uniform(0.0, 0.25)) * x * (cast * np.float32(rng.uniform(0.85, 1.0)) - x)
    # -- spatially varying: uneven toning, vignettes, see-through stains
    if density and rng.random() < 0.5:  # yellowed paper veil or flare
        paper = np.array([rng.uniform(0.9, 1.0), rng.uniform(0.82, 0.97), rng.uniform(0.5, 0.9)], np.float32)
        x = x + np.float32(rng.uniform(0.02, 0.25)) * (paper - x)
    if rng.random() < 0.3:  # one side faded more than the other (light-struck, or stored half exposed)
        x = _gradient_fade(rng, x)
    if rng.random() < 0.35:
        x = _uneven_tone(rng, x)
    if rng.random() < 0.25:
        v = _smooth_noise(rng, h, w, max(h, w) / 2)[..., None]
        x = x * (1 - 0.3 * v) + 0.3 * v * np.float32(rng.uniform(0.5, 0.95))
    if rng.random() < 0.3:
        v = _radial_vignette(rng, h, w)[..., None]
        x = x * (1 - np.float32(rng.uniform(0.1, 0.5)) * v)
    if rng.random() < 0.35:
        x = _see_through_stains(rng, x, int(rng.integers(1, 4)), rng.uniform(0.25, 0.6))
    if rng.random() < 0.2:
        x = _soften(x.astype(np.float32), rng.uniform(0.3, 0.9))
    x = _post(rng, np.clip(x, 0, 1).astype(np.float32))
    return x, target.astype(np.float32), keep.astype(np.float32), mono


def age_heldout(rng: np.random.Generator, clean: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """The measuring recipe of issue 15's bars (eval_tone.py; never used for training pairs): fading as loss of dye
    density per channel, base fog, yellowed paper veil, a light-struck gradient across the print, an off-centre
    vignette, see-through stains, grain and JPEG. 40 % are grey or density-toned prints (target: the neutral grey
    photo; kept-sepia target: the clean toned print). `age_train` draws its fading from the same physical family
    (dye density) with its own ranges; `age_unseen` shares no family with training."""
    h, w = clean.shape[:2]
    x = target = keep = clean.astype(np.float32)
    mono = False
    kind = rng.random()
    if kind < 0.15:
        x = target = keep = to_luma(clean)
        mono = True
    elif kind < 0.4:
        g = to_luma(clean)
        dens = _density(g)
        absorb = np.array([rng.uniform(0.55, 0.75), rng.uniform(0.8, 0.95), 1.0], np.float32)  # brown image silver
        paper = np.array([1.0, rng.uniform(0.93, 1.0), rng.uniform(0.8, 0.95)], np.float32)
        x = keep = (paper * np.power(10.0, -dens * absorb)).astype(np.float32)
        target = g
        mono = True
    dens = _density(x)
    keep_c = np.clip(rng.uniform(0.45, 0.95) + rng.normal(0, 0.12, 3), 0.3, 1.0)  # dye left per channel
    fog = np.clip(rng.uniform(0.0, 0.12) + rng.normal(0, 0.03, 3), 0, 0.25)
    fog[2] += rng.uniform(0.0, 0.12)  # yellow stain in the base: blue light absorbed
    x = np.power(10.0, -(dens * keep_c + fog))
    if rng.random() < 0.5:  # veil of yellowed paper / flare
        paper = np.array([0.95, 0.9, rng.uniform(0.6, 0.85)], np.float32)
        x = x + rng.uniform(0.03, 0.2) * (paper - x)
    if rng.random() < 0.4:  # light-struck side: fading stronger towards one edge
        ang = rng.uniform(0, 2 * math.pi)
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        t = ((xx / w - 0.5) * math.cos(ang) + (yy / h - 0.5) * math.sin(ang) + 0.71) / 1.42
        s = rng.uniform(0.1, 0.4) * t[..., None]
        x = x + s * (np.array([0.92, 0.88, 0.75], np.float32) - x)
    if rng.random() < 0.4:
        v = _radial_vignette(rng, h, w)[..., None]
        x = x * (1 - rng.uniform(0.15, 0.45) * v) + rng.uniform(0.0, 0.05) * v
    if rng.random() < 0.35:
        x = _see_through_stains(rng, x, int(rng.integers(1, 3)), rng.uniform(0.2, 0.5))
    x = _post(rng, np.clip(x, 0, 1).astype(np.float32))
    return x, target.astype(np.float32), keep.astype(np.float32), mono


def age_unseen(rng: np.random.Generator, clean: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """A second measuring recipe built from families no training recipe draws from, for checking that what the
    network learned carries over: loss of maximum density as a soft shoulder (D' = Dmax tanh(D / Dmax) per
    channel, the shadows turned to a coloured grey), a yellow stain that grows in the highlights, mottled fading
    (the shoulder varies smoothly across the print), screen-blend flare, and toned prints as a three-point duotone
    of the grey photo (dark, midtone and paper colours). 40 % are toned prints (target: the neutral grey photo)."""
    h, w = clean.shape[:2]
    x = target = keep = clean.astype(np.float32)
    mono = False
    if rng.random() < 0.4:
        g = to_luma(clean)
        dark = np.array([rng.uniform(0.05, 0.2), rng.uniform(0.03, 0.15), rng.uniform(0.03, 0.18)], np.float32)
        mid = np.array([rng.uniform(0.45, 0.6), rng.uniform(0.35, 0.5), rng.uniform(0.25, 0.5)], np.float32)
        paper = np.array([rng.uniform(0.88, 1.0), rng.uniform(0.84, 0.97), rng.uniform(0.7, 0.92)], np.float32)
        t = g[..., :1]
        lo = dark + (mid - dark) * np.clip(t * 2, 0, 1)
        x = keep = np.where(t < 0.5, lo, mid + (paper - mid) * np.clip(t * 2 - 1, 0, 1)).astype(np.float32)
        target = g
        mono = True
    dens = _density(x)
    dmax = rng.uniform(0.35, 1.3) * np.exp(rng.normal(0, 0.2, 3))
    mottle = 1.0 + rng.uniform(0.0, 0.35) * (_smooth_noise(rng, h, w, max(h, w) * 0.4)[..., None] - 0.5)
    dm = (dmax * mottle).astype(np.float32)
    dens = dm * np.tanh(dens / dm)
    if rng.random() < 0.6:  # yellow stain, strongest where the print is lightest
        dens[..., 2] += rng.uniform(0.05, 0.3) * np.exp(-3.0 * dens[..., 2])
    x = np.power(10.0, -dens)
    if rng.random() < 0.5:  # flare: a screen blend with a warm light
        c = np.array([rng.uniform(0.1, 0.3), rng.uniform(0.08, 0.25), rng.uniform(0.0, 0.15)], np.float32)
        x = 1 - (1 - x) * (1 - c)
    x = _post(rng, np.clip(x, 0, 1).astype(np.float32))
    return x, target.astype(np.float32), keep.astype(np.float32), mono


# ------------------------------------------------------------------------------------------------- data

def random_pair(rng: np.random.Generator, photo: np.ndarray, work: int) -> tuple[np.ndarray, ...]:
    """Random crop (30-100 % of the area, any aspect), flip, resize to work x work, then age_train."""
    h, w = photo.shape[:2]
    area = rng.uniform(0.3, 1.0) * h * w
    aspect = math.exp(rng.uniform(-0.5, 0.5))
    ch = int(min(h, max(32, round(math.sqrt(area / aspect)))))
    cw = int(min(w, max(32, round(math.sqrt(area * aspect)))))
    y, x = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))
    crop = photo[y:y + ch, x:x + cw]
    if rng.random() < 0.5:
        crop = crop[:, ::-1]
    crop = cv2.resize(np.ascontiguousarray(crop), (work, work), interpolation=cv2.INTER_AREA)
    clean = crop.astype(np.float32) / 255.0 if crop.dtype == np.uint8 else crop.astype(np.float32)
    return age_train(rng, clean)
