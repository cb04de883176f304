"""The dev-set protocol shared by eval.py, train.py's periodic dev scores and the TypeScript `kintsugi eval`.

Pairing rule (must match the TypeScript side so numbers agree): images sorted by filename, index i; for
band b the masks of that band sorted by filename M_b; image i gets M_b[i % len(M_b)]; the mask is resized
to the image size nearest-neighbour, hole = grayscale pixel > 127; grayscale images become RGB.
Scores on 8-bit RGB: PSNR (data range 255; hole-only = MSE over hole pixels, all channels) and SSIM
(skimage, Gaussian weights sigma 1.5, population covariance; hole-only = mean of the SSIM map over holes).
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

import cv2
import numpy as np
from skimage.metrics import structural_similarity

REPO = Path(__file__).resolve().parents[3]
DATA = (REPO / ".." / "shared" / "data").resolve()
DEV_IMAGES = DATA / "dev-eval" / "images"
DEV_MASKS = DATA / "dev-eval" / "masks"
BANDS = ("band0", "band1", "band2", "band4")

# An inpainter takes (rgb uint8 HxWx3, hole bool HxW) and returns rgb uint8 HxWx3.
Inpainter = Callable[[np.ndarray, np.ndarray], np.ndarray]


def read_rgb(path: Path) -> np.ndarray:
    """8-bit RGB, grayscale expanded to three equal channels."""
    img = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if img is None:
        raise ValueError(f"{path}: cannot be decoded as an image")
    if img.dtype != np.uint8:
        img = (img / 257).astype(np.uint8) if img.dtype == np.uint16 else img.astype(np.uint8)
    if img.ndim == 2:
        img = np.stack([img] * 3, axis=2)
    elif img.shape[2] == 4:
        img = cv2.cvtColor(img, cv2.COLOR_BGRA2RGB)
    else:
        img = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
    return np.ascontiguousarray(img)


def read_hole(path: Path, h: int, w: int) -> np.ndarray:
    """Hole mask (bool HxW) resized nearest-neighbour to the image size; white (>127) = hole."""
    m = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    if m is None:
        raise ValueError(f"{path}: cannot be decoded as a mask")
    m = cv2.resize(m, (w, h), interpolation=cv2.INTER_NEAREST)
    return m > 127


def pairs(band: str, limit: int | None = None) -> list[tuple[Path, Path]]:
    """(image, mask) pairs of one band by the pairing rule; `limit` keeps the first images (quick dev)."""
    images = sorted(p for p in DEV_IMAGES.iterdir() if p.is_file())
    masks = sorted(p for p in DEV_MASKS.iterdir() if p.name.startswith(band + "-"))
    if not masks:
        raise ValueError(f"{DEV_MASKS}: no masks for {band}")
    out = [(img, masks[i % len(masks)]) for i, img in enumerate(images)]
    return out[:limit] if limit else out


def scores(ref: np.ndarray, out: np.ndarray, hole: np.ndarray) -> dict[str, float]:
    """PSNR and SSIM of one result, whole image and hole-only."""
    r, o = ref.astype(np.float64), out.astype(np.float64)
    se = (r - o) ** 2
    mse = se.mean()
    mse_hole = se[hole].mean() if hole.any() else 0.0
    psnr = lambda m: 10 * np.log10(255.0**2 / m) if m > 0 else 100.0  # noqa: E731
    ssim, smap = structural_similarity(
        ref, out, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
        data_range=255, channel_axis=2, full=True,
    )
    smap = smap.mean(axis=2)
    return {
        "psnr": float(psnr(mse)),
        "ssim": float(ssim),
        "psnrHole": float(psnr(mse_hole)),
        "ssimHole": float(smap[hole].mean()) if hole.any() else 1.0,
    }


def telea(rgb: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """The classical baseline: OpenCV Telea, radius 3."""
    return cv2.inpaint(rgb, hole.astype(np.uint8) * 255, 3, cv2.INPAINT_TELEA)


def evaluate(methods: dict[str, Inpainter], bands: Iterable[str] = BANDS, limit: int | None = None,
             log: Callable[[str], None] | None = None) -> dict[str, dict[str, dict[str, float]]]:
    """Mean scores per method per band: {method: {band: {psnr, ssim, psnrHole, ssimHole}}}."""
    result: dict[str, dict[str, dict[str, float]]] = {name: {} for name in methods}
    for band in bands:
        acc: dict[str, list[dict[str, float]]] = {name: [] for name in methods}
        for img_path, mask_path in pairs(band, limit):
            rgb = read_rgb(img_path)
            hole = read_hole(mask_path, *rgb.shape[:2])
            for name, fn in methods.items():
                out = fn(rgb, hole)
                out = np.where(hole[..., None], out, rgb)  # only hole pixels may change
                acc[name].append(scores(rgb, out, hole))
        for name in methods:
            keys = acc[name][0].keys()
            result[name][band] = {k: float(np.mean([s[k] for s in acc[name]])) for k in keys}
        if log:
            log(band + " " + " | ".join(
                f"{n}: {result[n][band]['psnr']:.2f} dB {result[n][band]['ssim']:.4f}" for n in methods))
    return result
