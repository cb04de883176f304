"""Free-form hole masks for training inpainting generators, deterministic from a seed.

Inpainting research trains on synthetic holes rather than on the measuring masks (dev-eval/masks are for
scores only). We mix the kinds the literature uses — random brush strokes (thin / medium / thick, as in
Liu et al. 2018 and DeepFill v2 free-form masks), straight lines of random length and thickness, boxes —
with old-photo damage from the detector helper's `damage.py` when it is present, and spread the hole
ratio over roughly 1-50 %.
"""
from __future__ import annotations

import math

import cv2
import numpy as np

_damage_mask = None
_damage_checked = False


def _damage():
    """The detector helper's damage_mask, imported lazily so this module works without it."""
    global _damage_mask, _damage_checked
    if not _damage_checked:
        _damage_checked = True
        try:
            from .damage import damage_mask  # type: ignore

            _damage_mask = damage_mask
        except Exception:  # missing or broken module: fall back to our own kinds
            _damage_mask = None
    return _damage_mask


def _strokes(rng: np.random.Generator, m: np.ndarray, width_range: tuple[int, int], n_strokes: int) -> None:
    """DeepFill-style free-form strokes: random walks of thick line segments with round joints."""
    h, w = m.shape
    for _ in range(n_strokes):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        width = int(rng.integers(width_range[0], width_range[1] + 1))
        angle = rng.uniform(0, 2 * math.pi)
        for _ in range(int(rng.integers(2, 9))):
            angle += rng.uniform(-1.2, 1.2)
            length = rng.uniform(0.05, 0.3) * max(h, w)
            nx = int(np.clip(x + length * math.cos(angle), 0, w - 1))
            ny = int(np.clip(y + length * math.sin(angle), 0, h - 1))
            cv2.line(m, (x, y), (nx, ny), 1, width)
            cv2.circle(m, (nx, ny), width // 2, 1, -1)
            x, y = nx, ny


def _lines(rng: np.random.Generator, m: np.ndarray) -> None:
    """Straight lines of random length and thickness, like scratches drawn with a ruler."""
    h, w = m.shape
    for _ in range(int(rng.integers(1, 8))):
        x0, y0 = rng.uniform(0, w), rng.uniform(0, h)
        a = rng.uniform(0, math.pi)
        length = rng.uniform(0.1, 1.2) * max(h, w)
        x1, y1 = x0 + length * math.cos(a), y0 + length * math.sin(a)
        cv2.line(m, (int(x0), int(y0)), (int(x1), int(y1)), 1, int(rng.integers(1, max(2, w // 16))))


def _boxes(rng: np.random.Generator, m: np.ndarray) -> None:
    """Axis-aligned rectangles (missing corners, sticker marks)."""
    h, w = m.shape
    for _ in range(int(rng.integers(1, 4))):
        bw, bh = int(rng.uniform(0.08, 0.45) * w), int(rng.uniform(0.08, 0.45) * h)
        x, y = int(rng.integers(0, max(1, w - bw))), int(rng.integers(0, max(1, h - bh)))
        m[y : y + bh, x : x + bw] = 1


def _one_kind(rng: np.random.Generator, h: int, w: int, small: bool = False) -> np.ndarray:
    m = np.zeros((h, w), np.uint8)
    damage = _damage()
    if small:  # a small target ratio: only kinds that can stay small
        kinds = ["thin", "lines"] + (["damage"] if damage else [])
    else:
        kinds = ["thin", "medium", "thick", "lines", "boxes"] + (["damage", "damage"] if damage else [])
    kind = kinds[int(rng.integers(0, len(kinds)))]
    s = max(h, w)
    if kind == "thin":
        _strokes(rng, m, (max(1, s // 64), max(2, s // 24)), int(rng.integers(2, 8)))
    elif kind == "medium":
        _strokes(rng, m, (max(2, s // 24), max(3, s // 10)), int(rng.integers(1, 5)))
    elif kind == "thick":
        _strokes(rng, m, (max(3, s // 10), max(4, s // 5)), int(rng.integers(1, 4)))
    elif kind == "lines":
        _lines(rng, m)
    elif kind == "boxes":
        _boxes(rng, m)
    else:
        m = np.asarray(damage(rng, h, w), np.uint8).copy()
    return m


def random_mask(rng: np.random.Generator, h: int, w: int, max_ratio: float = 0.5) -> np.ndarray:
    """One training mask, uint8 HxW with 1 = hole. Hole ratio targeted uniformly in [1 %, max_ratio]."""
    target = rng.uniform(0.01, max_ratio)
    m = np.zeros((h, w), np.uint8)
    for _ in range(12):
        m |= _one_kind(rng, h, w, small=target < 0.12)
        if m.mean() >= target:
            break
    if m.mean() > 1.5 * target:  # overshoot: keep whole connected pieces, in random order, up to the target
        n, labels = cv2.connectedComponents(m, connectivity=8)
        if n > 2:
            kept = np.zeros_like(m)
            for label in rng.permutation(np.arange(1, n)):
                piece = labels == label
                if kept.any() and (kept.sum() + piece.sum()) / m.size > 1.2 * target:
                    continue
                kept[piece] = 1
            m = kept
    if m.sum() == 0:
        _strokes(rng, m, (2, max(3, max(h, w) // 16)), 2)
    return m


def mask_for_seed(seed: int, h: int, w: int) -> np.ndarray:
    """Deterministic mask for a seed (the same seed always gives the same mask)."""
    return random_mask(np.random.default_rng(seed), h, w)
