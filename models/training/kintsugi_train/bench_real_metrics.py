"""The real-damage benchmark's measures (bench_real.py): tolerant and strict precision/recall/F1 of a detected
mask against a label, and how much of a restore changed, was left, or matches a reference (PSNR) in a region.
Pure numpy/OpenCV on arrays, unit-tested in tests/test_bench_real.py; the settings below are the benchmark's
definitions, quoted in its table and JSON.
"""
from __future__ import annotations

import math

import cv2
import numpy as np

TOL_PX = 2              # tolerance of the tolerant P/R/F1
LEFT_LEVELS = 10        # a label pixel is "left" when its value moved less than this (max over RGB)
CHANGED_LEVELS = 2      # a pixel is "changed" when it moved more than this in some channel
OUTSIDE_GROW_PX = 2     # "outside the damage" = outside the label dilated by this
NEAR_GROW_PX = 8        # "near the damage" = inside the label dilated by this
WHOLE_SHARE = 0.95      # the torn patch counts as marked whole from this share on


def disk(radius: int) -> np.ndarray:
    """Structuring element of the pixels within `radius` px (Euclidean) of the centre."""
    r = int(radius)
    y, x = np.mgrid[-r:r + 1, -r:r + 1]
    return (x * x + y * y <= r * r).astype(np.uint8)


def grow(mask: np.ndarray, radius: int) -> np.ndarray:
    """Boolean mask dilated by a disk of `radius` px."""
    m = np.asarray(mask).astype(bool)
    if radius <= 0:
        return m.copy()
    return cv2.dilate(m.astype(np.uint8), disk(radius)) > 0


def _prf(tp_p: int, n_p: int, tp_r: int, n_r: int) -> dict:
    # Nothing marked: precision is vacuously 1 (no false mark); nothing labelled: recall is vacuously 1.
    p = tp_p / n_p if n_p else 1.0
    r = tp_r / n_r if n_r else 1.0
    f1 = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return {"precision": p, "recall": r, "f1": f1, "marked": int(n_p), "labelled": int(n_r)}


def tolerant_prf(pred: np.ndarray, label: np.ndarray, tol: int = TOL_PX) -> dict:
    """Precision: share of marked pixels with a label pixel within `tol` px; recall: share of label pixels
    with a marked pixel within `tol` px; F1 from the two."""
    pred, label = np.asarray(pred).astype(bool), np.asarray(label).astype(bool)
    tp_p = int(np.count_nonzero(pred & grow(label, tol)))
    tp_r = int(np.count_nonzero(label & grow(pred, tol)))
    return _prf(tp_p, int(pred.sum()), tp_r, int(label.sum()))


def strict_prf(pred: np.ndarray, label: np.ndarray) -> dict:
    """Pixel-exact precision, recall and F1."""
    pred, label = np.asarray(pred).astype(bool), np.asarray(label).astype(bool)
    tp = int(np.count_nonzero(pred & label))
    return _prf(tp, int(pred.sum()), tp, int(label.sum()))


def to_label_resolution(pred: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """A detected mask at another resolution brought to the label's: INTER_AREA, then >= 0.5."""
    pred = np.asarray(pred).astype(bool)
    if pred.shape[:2] == tuple(shape[:2]):
        return pred
    small = cv2.resize(pred.astype(np.float32), (shape[1], shape[0]), interpolation=cv2.INTER_AREA)
    return small >= 0.5


def largest_component(mask: np.ndarray) -> np.ndarray:
    """The largest 8-connected component of a boolean mask (all False when the mask is empty)."""
    m = np.asarray(mask).astype(np.uint8)
    n, lab, stats, _ = cv2.connectedComponentsWithStats(m, connectivity=8)
    if n <= 1:
        return np.zeros(m.shape, bool)
    k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    return lab == k


def marked_share(mask: np.ndarray, region: np.ndarray | None = None) -> float:
    """Share of the pixels (of `region`, else of the whole image) that are marked."""
    m = np.asarray(mask).astype(bool)
    if region is None:
        return float(m.mean()) if m.size else 0.0
    region = np.asarray(region).astype(bool)
    n = int(region.sum())
    return float(np.count_nonzero(m & region)) / n if n else 0.0


def channel_delta(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per pixel, the largest absolute difference over the channels (uint8 images)."""
    d = np.abs(np.asarray(a).astype(np.int16) - np.asarray(b).astype(np.int16))
    return d.max(axis=2) if d.ndim == 3 else d


def changed_share(out: np.ndarray, before: np.ndarray, region: np.ndarray, levels: int = CHANGED_LEVELS) -> float:
    """Share of `region`'s pixels where some channel moved by more than `levels`."""
    return marked_share(channel_delta(out, before) > levels, region)


def left_share(out: np.ndarray, before: np.ndarray, label: np.ndarray, levels: int = LEFT_LEVELS) -> float:
    """Share of the label's pixels left as they were: every channel moved by less than `levels`."""
    return marked_share(channel_delta(out, before) < levels, label)


def psnr(a: np.ndarray, b: np.ndarray, region: np.ndarray) -> float:
    """PSNR (peak 255) over all channels of the pixels in `region`; inf when identical there."""
    sel = np.asarray(region).astype(bool)
    if not sel.any():
        return float("nan")
    d = np.asarray(a).astype(np.float64)[sel] - np.asarray(b).astype(np.float64)[sel]
    mse = float(np.mean(d * d))
    return float("inf") if mse == 0 else 10 * math.log10(255.0 ** 2 / mse)
