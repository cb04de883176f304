"""The benchmark's overlay images (bench_real.py writes them to models/cards/detect-overlays): a scan with what
the detector marked painted over it, so the marks can be judged by eye.

Longest side <= 1024; small scans are enlarged x2 or x3 with nearest so the marks can be seen. Unlabelled and
clean scans: red = marked. Labelled scans: yellow = marked and within 2 px of labelled damage, red = marked
where no damage is labelled (false mark), cyan = labelled damage missed (no mark within 2 px). Every scan:
orange = suggested (what the proposal leaves out for the person reviewing it: `kintsugi detect --suggestions`);
on labelled scans the cyan of missed damage is drawn over it, so suggested damage shows as cyan too.
"""
from __future__ import annotations

import cv2
import numpy as np

from .bench_real_metrics import TOL_PX, grow


def overlay_png(img: np.ndarray, marked: np.ndarray, label: np.ndarray | None, suggested: np.ndarray | None = None,
                max_side: int = 1024) -> np.ndarray:
    """RGB uint8 overlay; see the module docstring for the colours. `label` must be at img's resolution."""
    h, w = marked.shape
    long = max(h, w)
    if long > max_side:
        s = max_side / long
    elif long <= 256:
        s = 3.0
    elif long <= 512:
        s = 2.0
    else:
        s = 1.0
    size = (max(1, round(w * s)), max(1, round(h * s)))

    def fit_mask(m: np.ndarray) -> np.ndarray:
        if s == 1.0:
            return m.astype(bool)
        if s < 1:  # keep thin marks visible when shrinking: any coverage counts
            return cv2.resize(m.astype(np.float32), size, interpolation=cv2.INTER_AREA) > 0
        return cv2.resize(m.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0

    photo = img if s == 1.0 else cv2.resize(img, size, interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_NEAREST)
    out = photo.astype(np.float32)
    marked = marked.astype(bool)
    layers: list[tuple[np.ndarray, tuple[int, int, int]]] = []
    if suggested is not None:
        layers.append((suggested.astype(bool) & ~marked, (255, 140, 0)))
    if label is None:
        layers += [(marked, (255, 0, 0))]
    else:
        label = label.astype(bool)
        hit = marked & grow(label, TOL_PX)
        layers += [(marked & ~hit, (255, 0, 0)), (hit, (255, 230, 0)), (label & ~grow(marked, TOL_PX), (0, 230, 255))]
    for m, colour in layers:
        sel = fit_mask(m)
        out[sel] = 0.3 * out[sel] + 0.7 * np.array(colour, np.float32)
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)
