"""Synthetic old-photo damage painted into clean photos, with the exact mask of what it changed.

The damage detector learns from these pairs and the inpainting families train on `damage_mask`, so the
shapes imitate what real scanned prints show (see ../shared/data/real-damage): long thin light scratches,
branching white cracks with flaked paper along them, dust, tinted stains, torn paper-white edges, fold
lines and handwriting/stamped text (each kind is drawn in damage_shapes.py; this module mixes them, ages
the photo and labels what changed). Everything is drawn from a numpy Generator, so a seed reproduces
the same damage exactly.

Public API:
  damage_mask(rng, h, w) -> uint8 HxW in {0, 1}
  paint_damage(rng, img) -> (damaged float32 HxWx3 in [0, 1], mask uint8 HxW in {0, 1})
  age_photo(rng, img)    -> img aged (sepia/grayscale, faded, blurred); no mask change
"""
from __future__ import annotations

import math

import cv2
import numpy as np

# The layer generators and the small helpers ageing and scanning share (tone.py imports some from here too).
from .damage_shapes import (_crack, _dark_colour, _dust, _fold, _light_colour, _relief, _scratch, _smooth_noise,
                            _soften, _stain, _tear, _text)

# A pixel counts as damaged when some channel moved by more than this (about 13/255): below it, a change
# drowns in the film grain and JPEG noise added afterwards and nobody could see (or label) it.
VISIBLE_DELTA = 0.05

# A stain is labelled damage only where it hides more than half of the picture (alpha above this). Where the
# picture shows through, a stain is tonal damage -- the job of colour correction, not a hole to inpaint, which
# would throw away the detail still visible through it -- and labelling it taught the detector to mark sepia
# faces, hair and dresses on real scans as "stain" (cards/detect-damage-unet.md). Translucent stains are still
# painted, unlabelled, like the ageing.
STAIN_OPAQUE = 0.5

# Layer flag for damage labelled whole wherever it covers (alpha > 0.5), visible change or not: missing paper
# is a hole to fill even where it happens to match the picture (realistic synthesis only).
WHOLE = "whole"
# A layer that shades the photo instead of covering it: (s, None, RELIEF) makes it photo x (1 + s).
RELIEF = "relief"


# (generator, probability that a photo gets this kind, max count)
_KINDS = [
    (_scratch, 0.75, 7),
    (_crack, 0.55, 4),
    (_dust, 0.45, 1),
    (_stain, 0.15, 2),
    (_tear, 0.15, 2),
    (_fold, 0.15, 1),
    (_text, 0.12, 1),
]


def _layers(rng, h, w, boost=None):
    """[(alpha, colour, is_area)]: a random mix of damage kinds, at least one scratch. `boost` maps a kind's
    name ("stain", "tear", ...) to the probability to use instead of _KINDS' (training oversampling)."""
    layers = []
    for fn, p, n in _KINDS:
        if boost and fn.__name__.lstrip("_") in boost:
            p = boost[fn.__name__.lstrip("_")]
        if rng.random() < p:
            for _ in range(int(rng.integers(1, n + 1))):
                layers.append((*fn(rng, h, w), fn is _stain))
    if not layers:
        layers.append((*_scratch(rng, h, w), False))
    return layers


# ----------------------------------------------------------------------------------------------- aging

def age_photo(rng: np.random.Generator, img: np.ndarray) -> np.ndarray:
    """Whole-photo ageing before damage: tone (colour / grayscale / sepia), fading, softness."""
    out = img.astype(np.float32)
    r = rng.random()
    if TONED_ONLY:
        r *= 0.7
    if r < 0.7:
        g = out @ np.array([0.299, 0.587, 0.114], np.float32)
        if r < 0.3:
            out = np.repeat(g[..., None], 3, 2)
        else:
            tone = np.array([1.0, rng.uniform(0.8, 0.92), rng.uniform(0.55, 0.78)], np.float32)
            out = g[..., None] * tone + (1 - tone) * rng.uniform(0.0, 0.15)
    if rng.random() < 0.7:  # fading: lifted blacks, lowered contrast
        lo, hi = rng.uniform(0.0, 0.2), rng.uniform(0.8, 1.0)
        out = lo + out * (hi - lo)
    if rng.random() < 0.4:
        out = _soften(out, rng.uniform(0.3, 1.0))
    if rng.random() < 0.3:  # uneven fading / vignette
        v = _smooth_noise(rng, out.shape[0], out.shape[1], max(out.shape[:2]) / 2)
        out = out * (1 - 0.25 * v[..., None]) + 0.25 * v[..., None] * rng.uniform(0.6, 0.95)
    if rng.random() < 0.35:
        out = _uneven_tone(rng, out)
    return np.clip(out, 0, 1).astype(np.float32)


def _uneven_tone(rng: np.random.Generator, img: np.ndarray) -> np.ndarray:
    """Toning that varies across the print -- yellowed or browned paper, sepia stronger in some places --
    with no edge anywhere: the photo's tone, NOT damage. Without it the detector learned "brownish region"
    = stain and marked most of a sepia scan (see cards/detect-damage-unet.md); a stain has a rim or edge."""
    h, w = img.shape[:2]
    v = _smooth_noise(rng, h, w, max(h, w) * rng.uniform(0.25, 0.8))[..., None]
    tint = np.array([1.0, rng.uniform(0.75, 0.92), rng.uniform(0.45, 0.75)], np.float32)
    s = rng.uniform(0.3, 1.0)
    toned = img * (1 - s * v * (1 - tint))  # multiplicative: shadows stay dark, paper goes yellow-brown
    if rng.random() < 0.5:  # yellowed highlights: lift towards a warm paper colour where the noise is high
        paper = np.array([0.92, 0.82, 0.6], np.float32) * rng.uniform(0.85, 1.0)
        toned = toned + s * 0.3 * v * (paper - toned)
    return toned


def _margin(rng, img):
    """A flat scanner-background or print margin along some sides: straight-edged, so NOT damage.
    Without it the detector learns "paper white at the border" = tear and marks every white margin."""
    h, w = img.shape[:2]
    out = img.copy()
    colour = _light_colour(rng) if rng.random() < 0.7 else _dark_colour(rng)
    for side in range(4):
        if rng.random() < 0.5:
            k = int(rng.uniform(0.03, 0.3) * (w if side < 2 else h)) + 1
            if side == 0:
                out[:, :k] = colour
            elif side == 1:
                out[:, w - k:] = colour
            elif side == 2:
                out[:k] = colour
            else:
                out[h - k:] = colour
    return out


def _post(rng, img):
    """After-painting effects of scanning: grain and JPEG."""
    out = img
    if rng.random() < 0.6:
        sigma = rng.uniform(0.005, 0.03)
        grain = rng.normal(0, sigma, out.shape[:2]).astype(np.float32)
        out = out + _soften(grain, 0.5)[..., None]
    out = np.clip(out, 0, 1)
    if rng.random() < 0.4:
        q = int(rng.integers(35, 90))
        u8 = (out * 255 + 0.5).astype(np.uint8)
        ok, buf = cv2.imencode(".jpg", u8[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, q])
        out = cv2.imdecode(buf, cv2.IMREAD_COLOR)[..., ::-1].astype(np.float32) / 255.0
    return out.astype(np.float32)


# ----------------------------------------------------------------------------------------------- public

def damage_mask(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """A hole mask mixing the damage shapes (1 = damaged), for training inpainting on realistic holes."""
    m = np.zeros((h, w), bool)
    for a, _, _ in _layers(rng, h, w):
        m |= a > 0.25
    return m.astype(np.uint8)


# Realistic synthesis: the share of photos with crazed emulsion (a dense network of fine cracks, real_shapes.crazing).
# Without it the detector gave ~0 to bopbtl-scratched/d's crack network across the faces and the dark top.
CRAZING_P = 0.2
# Realistic synthesis: the share of photos with a raised crack or crease (damage_shapes._relief). 0 leaves every
# earlier seed's pair unchanged; train_detector.py --relief-p sets it.
RELIEF_P = 0.0
# With RELIEF_MONO, raised cracks go only on black-and-white and toned prints (is_toned): crazed, lifting gelatin
# is damage of old silver prints, while a lit line on a colour photo is far more often a rope or a wire.
RELIEF_MONO = False
# TONED_ONLY: every photo is aged to a grey or toned print (age_photo), for a detector of old prints that the app
# routes black-and-white and toned photos to; the random draws stay the same, so False leaves every pair unchanged.
TONED_ONLY = False


def _affine_residual(x: np.ndarray) -> tuple[float, np.ndarray]:
    """For pixels x [N,3] (computed in x's dtype): the largest channel's RMS residual against an affine function
    of Rec.601 luma, and the luma [N]."""
    g = x @ np.array([0.299, 0.587, 0.114], x.dtype)
    A = np.stack([g, np.ones_like(g)], 1)
    coef, *_ = np.linalg.lstsq(A, x, rcond=None)
    return float(np.sqrt(np.mean((A @ coef - x) ** 2, axis=0)).max()), g


def is_toned(img: np.ndarray, tol: float = 0.03) -> bool:
    """True when every channel is close to an affine function of luma (a grey or sepia/toned print)."""
    return _affine_residual(img[::4, ::4].reshape(-1, 3).astype(np.float32))[0] < tol


def toned_residuals(img: np.ndarray) -> tuple[float, float]:
    """The two measures src-main/core/print-kind.ts routes photos by (0..1 float HxWx3 image), largest channel:
    the RMS residual of each channel against an affine function of luma (is_toned's), and the RMS spread of its
    chroma (channel minus luma) within 16 luma levels (levels with fewer than 20 samples left out)."""
    h, w = img.shape[:2]
    stride = max(1, int(math.ceil(math.sqrt(h * w / 262144))))
    x = img[::stride, ::stride].reshape(-1, 3).astype(np.float64)
    affine, g = _affine_residual(x)
    level = np.clip(np.floor(g * 16).astype(int), 0, 15)
    chroma = x - g[:, None]
    within = np.zeros(3)
    counted = 0
    for k in range(16):
        sel = level == k
        m = int(sel.sum())
        if m < 20:
            continue
        counted += m
        within += ((chroma[sel] - chroma[sel].mean(0)) ** 2).sum(0)
    per_level = float(np.sqrt(within.max() / counted)) if counted else 0.0
    return affine, per_level


def is_print(img: np.ndarray) -> bool:
    """Whether the app hands this photo to the detector for old prints (src-main/core/print-kind.ts isTonedPrint)."""
    affine, per_level = toned_residuals(img)
    return affine < 0.03 and per_level < 0.018


def _realistic_layers(rng, h, w, boost=None, toned=True):
    """The layers of `realistic` synthesis: damage.py's kinds (handwriting made rare: lettering is mostly
    picture content on real scans) plus real dust/dirt/hair polygons and FILM-R sprites (real_shapes.py).
    Tears are area layers here, labelled whole (the whole missing paper is the hole, not just its outline)."""
    from . import real_shapes  # noqa: PLC0415 (reads ../shared/data only when used)
    b = {"text": 0.03, "dust": 0.3}
    b.update(boost or {})
    layers = [(a, c, WHOLE if fn_is_tear else area) for a, c, area, fn_is_tear in _tagged_layers(rng, h, w, b)]
    if rng.random() < 0.4:  # sparse: real prints mostly carry one or two defects, not a dozen
        layers = [layers[int(rng.integers(len(layers)))]]
    if rng.random() < 0.3:
        layers.append((*real_shapes.flakes(rng, h, w), WHOLE))
    if rng.random() < CRAZING_P:
        layers.append((*real_shapes.crazing(rng, h, w), False))
    if rng.random() < 0.5:
        layers.append((*real_shapes.real_artefacts(rng, h, w), False))
    if rng.random() < 0.35:
        layers.append((*real_shapes.sprites(rng, h, w), False))
    if RELIEF_P > 0 and rng.random() < RELIEF_P and (toned or not RELIEF_MONO):
        layers.append((_relief(rng, h, w), None, RELIEF))
    return layers


def _tagged_layers(rng, h, w, boost):
    """_layers with a flag saying which layers are tears."""
    out = []
    for fn, p, n in _KINDS:
        if boost and fn.__name__.lstrip("_") in boost:
            p = boost[fn.__name__.lstrip("_")]
        if rng.random() < p:
            for _ in range(int(rng.integers(1, n + 1))):
                out.append((*fn(rng, h, w), fn is _stain, fn is _tear))
    if not out:
        out.append((*_scratch(rng, h, w), False, False))
    return out


# Realistic synthesis: the share of photos whose light damage shows the print's own aged paper (cream, yellowed)
# rather than fresh white. On an old print the paper base under a crack or flake has yellowed with the print:
# bopbtl-scratched/d's cream crack network went unmarked while its darker cracks were found.
AGED_PAPER_P = 0.5


def _aged_paper(rng, base, layers):
    """With probability AGED_PAPER_P, every light layer colour moves towards the paper tone of this print: its
    highlights' colour (99th percentile per channel) brought to a paper's brightness. Dark layers keep theirs."""
    if rng.random() >= AGED_PAPER_P:
        return layers
    hi = np.percentile(base.reshape(-1, 3), 99, axis=0).astype(np.float32)
    paper = hi / max(float(hi.max()), 1e-3) * rng.uniform(0.72, 0.95)
    paper[2] = paper[2] * rng.uniform(0.8, 1.0)  # paper yellows further than the image's highlights show
    out = []
    for a, colour, is_area in layers:
        if colour is not None and float(np.mean(colour)) > 0.6:
            colour = (colour + rng.uniform(0.6, 1.0) * (paper - colour)).astype(np.float32)
        out.append((a, colour, is_area))
    return out


def paint_damage(rng: np.random.Generator, img: np.ndarray, *, age: bool = True,
                 clean: bool = False, boost: dict | None = None,
                 realistic: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Age the photo, paint damage into it and return (damaged, mask of visibly changed pixels; translucent
    stains count as part of the photo's tone, see STAIN_OPAQUE).
    clean=True ages and scans the photo without painting damage (an all-zero mask): a negative example,
    so the detector learns that ordinary strong edges, margins and grain are not damage.
    realistic=True (training since session 4) adds unlabelled hard negatives to the picture (white clothing,
    signs, glints, wires: real_shapes.hard_negatives), real artefact shapes, and labels tears whole; with
    realistic=False the same seed gives exactly the pairs earlier sessions scored (held-out comparability)."""
    h, w = img.shape[:2]
    if realistic and rng.random() < 0.6:
        from . import real_shapes  # noqa: PLC0415
        img = real_shapes.hard_negatives(rng, img)
    base = age_photo(rng, img) if age else img.astype(np.float32)
    if age and rng.random() < 0.25:
        base = _margin(rng, base)
    out = base.copy()
    # What a repair should give back: the aged photo with its translucent stains (see STAIN_OPAQUE).
    ref = base.copy()
    area = np.zeros((h, w), bool)
    if clean:
        layers = []
    elif realistic:
        layers = _realistic_layers(rng, h, w, boost, RELIEF_MONO and is_toned(base))
    else:
        layers = _layers(rng, h, w, boost)
    whole = np.zeros((h, w), bool)
    if realistic and layers:
        layers = _aged_paper(rng, base, layers)
    for a, colour, is_area in layers:
        a3 = a[..., None]
        if is_area is RELIEF:  # shading, labelled where it changes the photo visibly (below)
            out = np.clip(out * (1 + a3), 0, 1)
            continue
        new = out * (1 - a3) + a3 * colour
        if is_area is WHOLE:
            whole |= a > 0.5
        elif is_area:
            see_through = (a <= STAIN_OPAQUE)[..., None]
            ref = np.where(see_through, ref * (1 - a3) + a3 * colour, ref)
            # where it hides the picture, a stain's visible change follows the photo's texture: judge it
            # over a neighbourhood so the label is one region, not speckles
            d = _soften(np.abs(new - out).max(axis=2), 2.0)
            area |= (d > VISIBLE_DELTA) & ~see_through[..., 0]
        out = new
    changed = np.abs(out - ref).max(axis=2)
    mask = ((changed > VISIBLE_DELTA) | (area & (changed > VISIBLE_DELTA / 4)) | whole).astype(np.uint8)
    if age:
        out = _post(rng, out)
    return np.clip(out, 0, 1).astype(np.float32), mask
