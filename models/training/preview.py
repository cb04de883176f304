"""Write a preview grid PNG of generated training masks laid over training photos (look at it).

  /usr/bin/python3 models/training/preview.py --out /tmp/masks.png [--n 24] [--seed 0] [--crop 128]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from kintsugi_train import data  # noqa: E402
from kintsugi_train.masks import mask_for_seed  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--n", type=int, default=24)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--crop", type=int, default=160)
    a = p.parse_args()
    photos = data.load_train(limit=a.n)
    tiles, ratios = [], []
    for i in range(a.n):
        img = photos[i % len(photos)][: a.crop, : a.crop].copy()
        m = mask_for_seed(a.seed + i, a.crop, a.crop)
        ratios.append(m.mean())
        img[m > 0] = (img[m > 0] * 0.3 + np.array([255, 0, 255]) * 0.7).astype(np.uint8)
        cv2.putText(img, f"{100 * m.mean():.0f}%", (4, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 0), 1)
        tiles.append(np.pad(img, ((2, 2), (2, 2), (0, 0)), constant_values=255))
    cols = 6
    while len(tiles) % cols:
        tiles.append(np.full_like(tiles[0], 255))
    rows = [np.concatenate(tiles[r : r + cols], axis=1) for r in range(0, len(tiles), cols)]
    grid = np.concatenate(rows, axis=0)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(a.out), cv2.cvtColor(grid, cv2.COLOR_RGB2BGR))
    r = np.array(ratios)
    print(f"{a.out}: {a.n} masks, hole ratio min {r.min():.1%} median {np.median(r):.1%} max {r.max():.1%}")


if __name__ == "__main__":
    main()
