"""Write a preview grid of synthetic damage (clean | damaged | mask overlay) so a person can judge it.

Usage: /usr/bin/python3 models/training/preview_damage.py --out /tmp/damage.png [--n 6] [--seed 0]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kintsugi_train.damage import paint_damage  # noqa: E402
from kintsugi_train.detector import DATA, list_photos, read_rgb  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", required=True)
    ap.add_argument("--n", type=int, default=6)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--realistic", action="store_true", help="the realistic synthesis train_detector --realistic uses")
    args = ap.parse_args()
    photos = list_photos(DATA / "train")
    rng = np.random.default_rng(args.seed)
    rows = []
    for i in range(args.n):
        img = read_rgb(photos[int(rng.integers(len(photos)))])
        dmg, mask = paint_damage(rng, img, realistic=args.realistic)
        over = dmg.copy()
        over[mask > 0] = 0.4 * over[mask > 0] + 0.6 * np.array([1, 0, 0], np.float32)
        rows.append(np.concatenate([img, dmg, over], 1))
    w = max(r.shape[1] for r in rows)
    rows = [np.pad(r, ((0, 4), (0, w - r.shape[1]), (0, 0))) for r in rows]
    grid = (np.concatenate(rows, 0) * 255 + 0.5).astype(np.uint8)
    cv2.imwrite(args.out, grid[..., ::-1])
    print(f"wrote {args.out} ({grid.shape[1]}x{grid.shape[0]})")


if __name__ == "__main__":
    main()
