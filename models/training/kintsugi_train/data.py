"""Training batches: random crops and flips of ../shared/data/train with generated hole masks."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from .devset import DATA, read_rgb
from .masks import random_mask

TRAIN = DATA / "train"


def load_train(folder: Path = TRAIN, limit: int | None = None) -> list[np.ndarray]:
    """All training photos as uint8 RGB arrays (400 x 481x321 is ~185 MB: fits in memory)."""
    paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    if not paths:
        raise ValueError(f"{folder}: no training photos found")
    return [read_rgb(p) for p in paths[:limit]]


def batch(rng: np.random.Generator, photos: list[np.ndarray], n: int, crop: int,
          aged: float = 0.0) -> tuple[torch.Tensor, torch.Tensor]:
    """(image [n,3,crop,crop] in [0,1], mask [n,1,crop,crop], 1 = hole). With probability `aged` a crop is
    first made to look like an old print or scan (damage.age_photo and its scan grain/JPEG: sepia and grey
    toning, fading, softness) and that aged photo is the target: the fills real users ask for are in old
    photos, which BSDS500 alone never shows the network."""
    imgs = np.empty((n, crop, crop, 3), np.uint8)
    masks = np.empty((n, crop, crop), np.uint8)
    for i in range(n):
        p = photos[int(rng.integers(0, len(photos)))]
        h, w = p.shape[:2]
        if min(h, w) < crop:
            raise ValueError(f"training photo {w}x{h} is smaller than the crop {crop}")
        y, x = int(rng.integers(0, h - crop + 1)), int(rng.integers(0, w - crop + 1))
        c = p[y : y + crop, x : x + crop]
        if rng.random() < 0.5:
            c = c[:, ::-1]
        if rng.random() < 0.2:
            c = c[::-1]
        if rng.random() < 0.1:  # old photos are often grayscale: the engine feeds 3 equal channels
            c = np.repeat(c.mean(axis=2, keepdims=True).astype(np.uint8), 3, axis=2)
        if aged and rng.random() < aged:
            from .damage import _post, age_photo  # noqa: PLC0415 (cv2-heavy, only when asked)
            c = np.clip(_post(rng, age_photo(rng, c.astype(np.float32) / 255)) * 255 + 0.5, 0, 255).astype(np.uint8)
        imgs[i] = c
        masks[i] = random_mask(rng, crop, crop)
    image = torch.from_numpy(imgs).permute(0, 3, 1, 2).float().div_(255)
    mask = torch.from_numpy(masks).unsqueeze(1).float()
    return image, mask
