"""Crops of fills at 100 % for a model card: what the product gives (the CLI's restore with a given mask and
default settings, copied texture included) next to OpenCV Telea (r=3) and the real photo (issue 12, item 2).

  /usr/bin/python3 models/training/fill_crops.py --out models/cards/inpaint-partial-conv-crops.jpg \
      [--models-dir DIR] [--model inpaint-partial-conv] [--per-band 2]

For each hole band, --per-band dev pairs (devset.pairs; different photos for each band), damaged with the band's mask: a 160 px
square around the hole pixel with the most hole around it, unscaled. Columns: damaged (holes shown magenta),
Telea, Kintsugi, the real photo; each crop is labelled with the band and the crop's detail ratio (mean
|Laplacian| over its hole pixels divided by the real photo's there), the measure `kintsugi eval` reports.
"""
from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

import cv2
import numpy as np

from kintsugi_train.devset import BANDS, REPO, pairs, read_hole, read_rgb, telea

SIDE = 160


def detail(out: np.ndarray, ref: np.ndarray, hole: np.ndarray) -> float:
    def lap(x: np.ndarray) -> np.ndarray:
        return np.abs(cv2.Laplacian(cv2.cvtColor(x, cv2.COLOR_RGB2GRAY).astype(np.float32), cv2.CV_32F))
    r = lap(ref)[hole].mean()
    return float(lap(out)[hole].mean() / r) if r > 0 else float("nan")


def product_fill(damaged: np.ndarray, hole: np.ndarray, work: Path, models_dir: Path | None, model: str) -> np.ndarray:
    src, msk, out = work / "in.png", work / "mask.png", work / "out.png"
    cv2.imwrite(str(src), cv2.cvtColor(damaged, cv2.COLOR_RGB2BGR))
    cv2.imwrite(str(msk), hole.astype(np.uint8) * 255)
    cmd = ["node", str(REPO / "src-main" / "cli" / "bin.js"), "restore", str(src), "--mask", str(msk), "--out", str(out),
           "--model", model, "--json"]
    if models_dir is not None:
        cmd += ["--models-dir", str(models_dir)]
    subprocess.run(cmd, check=True, capture_output=True)
    return read_rgb(out)


def crop_box(hole: np.ndarray) -> tuple[int, int]:
    """Top-left of the SIDE x SIDE window holding the most hole pixels (clamped to the photo)."""
    h, w = hole.shape
    dens = cv2.boxFilter(hole.astype(np.float32), -1, (SIDE // 2, SIDE // 2))
    y, x = np.unravel_index(int(np.argmax(dens)), dens.shape)
    return int(np.clip(y - SIDE // 2, 0, max(0, h - SIDE))), int(np.clip(x - SIDE // 2, 0, max(0, w - SIDE)))


def label(img: np.ndarray, text: str) -> np.ndarray:
    out = img.copy()
    cv2.rectangle(out, (0, 0), (SIDE, 16), (0, 0, 0), -1)
    cv2.putText(out, text, (3, 12), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (255, 255, 255), 1, cv2.LINE_AA)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--models-dir", type=Path)
    ap.add_argument("--model", default="inpaint-partial-conv")
    ap.add_argument("--per-band", type=int, default=2)
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="kintsugi-crops-") as tmp:
        for b, band in enumerate(BANDS):
            every = pairs(band)
            # different photos for each band: every 5th dev pair from the band's own offset
            for img_path, mask_path in [every[((b * args.per_band + j) * 5) % len(every)] for j in range(args.per_band)]:
                real = read_rgb(img_path)
                hole = read_hole(mask_path, *real.shape[:2])
                damaged = real.copy()
                damaged[hole] = (255, 255, 255)
                fills = {"Telea": telea(damaged, hole), "Kintsugi": product_fill(damaged, hole, Path(tmp), args.models_dir, args.model)}
                y, x = crop_box(hole)
                win = (slice(y, y + SIDE), slice(x, x + SIDE))
                shown = damaged.copy()
                shown[hole] = (255, 0, 255)
                cells = [label(shown[win], f"{band} damaged")]
                for name, out in fills.items():
                    cells.append(label(out[win], f"{name} detail {detail(out[win], real[win], hole[win]):.2f}"))
                cells.append(label(real[win], "real photo"))
                cells = [np.pad(c, ((0, SIDE - c.shape[0]), (0, SIDE - c.shape[1]), (0, 0))) for c in cells]
                rows.append(np.concatenate([np.pad(c, ((2, 2), (2, 2), (0, 0)), constant_values=255) for c in cells], 1))
    sheet = np.concatenate(rows, 0)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(args.out), cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 90])
    print(f"{args.out}: {len(rows)} crops, {sheet.shape[1]}x{sheet.shape[0]}")


if __name__ == "__main__":
    main()
