"""How tone restoration is measured (eval_tone.py, the tests): PSNR, SSIM and CIEDE2000 against the clean photo,
and the classical baselines scored next to the network in the same run (per-channel auto levels, grey-world
white balance with one levels stretch, grey-world with CLAHE)."""
from __future__ import annotations

import cv2
import numpy as np

from .tone import LUMA


# ------------------------------------------------------------------------------------------------ metrics

def to_u8(img: np.ndarray) -> np.ndarray:
    return (np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)


def scores(ref_u8: np.ndarray, out_u8: np.ndarray) -> dict[str, float]:
    """PSNR and SSIM (kintsugi_train.devset conventions, 8-bit RGB) and mean CIEDE2000 in CIELAB (D65)."""
    from skimage.color import deltaE_ciede2000, rgb2lab
    from skimage.metrics import structural_similarity
    r, o = ref_u8.astype(np.float64), out_u8.astype(np.float64)
    mse = ((r - o) ** 2).mean()
    psnr = 10 * np.log10(255.0 ** 2 / mse) if mse > 0 else 100.0
    ssim = structural_similarity(ref_u8, out_u8, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
                                 data_range=255, channel_axis=2)
    de = deltaE_ciede2000(rgb2lab(r / 255.0), rgb2lab(o / 255.0)).mean()
    return {"psnr": float(psnr), "ssim": float(ssim), "ciede2000": float(de)}


# --------------------------------------------------------------------------------------- classical baselines

def auto_levels(img: np.ndarray, lo: float = 0.5, hi: float = 99.5) -> np.ndarray:
    """Per-channel percentile stretch (Photoshop-style auto levels)."""
    out = np.empty_like(img)
    for c in range(3):
        a, b = np.percentile(img[..., c], [lo, hi])
        out[..., c] = (img[..., c] - a) / max(b - a, 1e-3)
    return np.clip(out, 0, 1)


def grey_world(img: np.ndarray) -> np.ndarray:
    m = img.reshape(-1, 3).mean(0)
    return np.clip(img * (m.mean() / np.maximum(m, 1e-3)), 0, 1)


def grey_world_levels(img: np.ndarray, lo: float = 0.5, hi: float = 99.5) -> np.ndarray:
    """Grey-world white balance, then one luminance percentile stretch for all channels."""
    g = grey_world(img)
    y = g @ np.array(LUMA, np.float32)
    a, b = np.percentile(y, [lo, hi])
    return np.clip((g - a) / max(b - a, 1e-3), 0, 1)


def grey_world_clahe(img: np.ndarray) -> np.ndarray:
    """Grey-world white balance, then CLAHE (clip 2, 8x8 tiles) on CIELAB lightness."""
    g = to_u8(grey_world(img))
    lab = cv2.cvtColor(g, cv2.COLOR_RGB2LAB)
    lab[..., 0] = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(lab[..., 0])
    return cv2.cvtColor(lab, cv2.COLOR_LAB2RGB).astype(np.float32) / 255.0


BASELINES = {"auto-levels": auto_levels, "grey-world+levels": grey_world_levels, "grey-world+CLAHE": grey_world_clahe}
