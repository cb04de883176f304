"""Dev-set scores of an inpainting model next to OpenCV Telea (r=3), measured in the same run.

PSNR and SSIM, whole image and hole-only, per hole band, on ../shared/data/dev-eval (pairing rule in
kintsugi_train/devset.py; the TypeScript `kintsugi eval` uses the same rule, so numbers agree).

  /usr/bin/python3 models/training/eval.py --family gated-conv [--ckpt runs/gated-conv/last.pt] --json out.json
  /usr/bin/python3 models/training/eval.py --onnx models/inpaint-gated-conv.onnx --json out.json
  /usr/bin/python3 models/training/eval.py --pyramid          # the classical coarse stage alone
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from kintsugi_train import devset  # noqa: E402
from kintsugi_train.families import PAD_MULTIPLE  # noqa: E402
from kintsugi_train.infer import inpaint_rgb, load_generator  # noqa: E402
from kintsugi_train.pyramid import PyramidFill  # noqa: E402


class _Fill(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fill = PyramidFill()

    def forward(self, image, mask):
        return self.fill(image * (1 - mask), 1 - mask)


def onnx_inpainter(path: Path, multiple: int = PAD_MULTIPLE):
    """Inpaint through onnxruntime-node (ort_check.mjs), one image per call."""

    def run(rgb: np.ndarray, hole: np.ndarray) -> np.ndarray:
        h, w = hole.shape
        ph, pw = (-h) % multiple, (-w) % multiple
        x = np.pad(rgb.astype(np.float32) / 255, ((0, ph), (0, pw), (0, 0)), mode="reflect")
        m = np.pad(hole.astype(np.float32), ((0, ph), (0, pw)), mode="reflect")
        H, W = m.shape
        with tempfile.TemporaryDirectory() as d:
            img_f, mask_f = os.path.join(d, "image.f32"), os.path.join(d, "mask.f32")
            np.ascontiguousarray(x.transpose(2, 0, 1)).astype("<f4").tofile(img_f)
            m.astype("<f4").tofile(mask_f)
            subprocess.run(["node", str(HERE / "ort_check.mjs"), str(path), os.path.join(d, "out"),
                            f"image={img_f}:1,3,{H},{W}", f"mask={mask_f}:1,1,{H},{W}"],
                           check=True, capture_output=True)
            y = np.fromfile(os.path.join(d, "out.output.f32"), "<f4").reshape(3, H, W)
        y = y.transpose(1, 2, 0)[:h, :w]
        return (np.clip(y, 0, 1) * 255 + 0.5).astype(np.uint8)

    return run


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--family")
    g.add_argument("--onnx", type=Path)
    g.add_argument("--pyramid", action="store_true")
    p.add_argument("--ckpt", type=Path, help="default: models/training/runs/<family>/last.pt")
    p.add_argument("--json", type=Path)
    p.add_argument("--limit", type=int, default=None, help="first N images per band only (quick look)")
    p.add_argument("--bands", nargs="+", default=list(devset.BANDS), choices=devset.BANDS,
                   help="score only these bands (run bands in parallel processes, merge with export --scores)")
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    meta: dict = {}
    if a.family:
        ckpt = a.ckpt or HERE / "runs" / a.family / "last.pt"
        if not ckpt.exists():
            raise SystemExit(f"{ckpt}: no such checkpoint")
        gen, state = load_generator(ckpt)
        model = lambda rgb, hole: inpaint_rgb(gen, rgb, hole)  # noqa: E731
        meta = {"family": a.family, "ckpt": str(ckpt), "step": state["step"]}
    elif a.onnx:
        if not a.onnx.exists():
            raise SystemExit(f"{a.onnx}: no such model file")
        model = onnx_inpainter(a.onnx)
        meta = {"onnx": str(a.onnx)}
    else:
        fill = _Fill().eval()
        model = lambda rgb, hole: inpaint_rgb(fill, rgb, hole)  # noqa: E731
        meta = {"pyramid": True}
    r = devset.evaluate({"model": model, "telea": devset.telea}, bands=a.bands, limit=a.limit, log=print)
    out = {**meta, "images": a.limit or "all", "dev": r["model"], "telea": r["telea"]}
    wins = {b: {k: r["model"][b][k] > r["telea"][b][k] for k in ("psnr", "ssim")} for b in a.bands}
    out["beatsTelea"] = all(v for d in wins.values() for v in d.values())
    print(f"{'band':6} {'model PSNR':>10} {'SSIM':>7} {'holePSNR':>8} {'holeSSIM':>8} | "
          f"{'Telea PSNR':>10} {'SSIM':>7} {'holePSNR':>8} {'holeSSIM':>8}")
    for b in a.bands:
        m, t = r["model"][b], r["telea"][b]
        print(f"{b:6} {m['psnr']:10.2f} {m['ssim']:7.4f} {m['psnrHole']:8.2f} {m['ssimHole']:8.4f} | "
              f"{t['psnr']:10.2f} {t['ssim']:7.4f} {t['psnrHole']:8.2f} {t['ssimHole']:8.4f}")
    print(f"beats Telea in PSNR and SSIM in every band ({', '.join(a.bands)}):", out["beatsTelea"])
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
