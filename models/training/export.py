"""Export a trained inpainting generator to ONNX, check it in onnxruntime-node, write the manifest entry.

ONNX opset 17 with dynamic N/H/W. The check runs the ONNX file through onnxruntime-node (ort_check.mjs; Python
has no onnxruntime here) and PyTorch on the same real photo and hole mask, at two sizes, and reports the
max abs difference. Then sha256, size and the entry go into models/manifest.json (kintsugi_train/manifest.py),
and the model card is written from the dev scores (an eval.py --json file; computed if not given).

  /usr/bin/python3 models/training/export.py --family gated-conv --id inpaint-gated-conv \
      [--ckpt models/training/runs/gated-conv/last.pt] [--scores eval.json] [--default]
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

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

from kintsugi_train import devset, manifest  # noqa: E402
from kintsugi_train.card import write_card  # noqa: E402
from kintsugi_train.families import PAD_MULTIPLE, count_params  # noqa: E402
from kintsugi_train.infer import inpaint_rgb, load_generator  # noqa: E402

MODELS = HERE.parent
NAMES = {
    "partial-conv": "Partial-convolution U-Net (Kintsugi)",
    "gated-conv": "Gated-convolution coarse-to-fine generator (Kintsugi)",
    "dual-path-gan": "Dual-path residual GAN generator (Kintsugi)",
}


def export_onnx(gen: torch.nn.Module, path: Path, opset: int = 17) -> None:
    """Trace to ONNX with dynamic batch, height and width; written atomically."""
    image = torch.rand(1, 3, 64, 96)
    mask = torch.zeros(1, 1, 64, 96)
    mask[:, :, 20:40, 30:60] = 1
    tmp = path.with_suffix(".onnx.tmp")
    dyn = {0: "n", 2: "h", 3: "w"}
    torch.onnx.export(gen, (image, mask), str(tmp), input_names=["image", "mask"], output_names=["output"],
                      dynamic_axes={"image": dyn, "mask": dyn, "output": dyn}, opset_version=opset,
                      do_constant_folding=True)
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)


def run_ort(path: Path, image: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Run the ONNX file in onnxruntime-node on NCHW float32 arrays; returns `output`."""
    with tempfile.TemporaryDirectory() as d:
        fi, fm = os.path.join(d, "image.f32"), os.path.join(d, "mask.f32")
        np.ascontiguousarray(image, "<f4").tofile(fi)
        np.ascontiguousarray(mask, "<f4").tofile(fm)
        dims = lambda a: ",".join(str(s) for s in a.shape)  # noqa: E731
        r = subprocess.run(["node", str(HERE / "ort_check.mjs"), str(path), os.path.join(d, "out"),
                            f"image={fi}:{dims(image)}", f"mask={fm}:{dims(mask)}"], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"{path}: onnxruntime-node failed: {r.stderr.strip()}")
        return np.fromfile(os.path.join(d, "out.output.f32"), "<f4").reshape(image.shape)


def check_against_torch(gen: torch.nn.Module, path: Path) -> dict:
    """Max abs diff ONNX vs PyTorch on a real dev photo + real dev mask, at two different sizes."""
    img_path, mask_path = devset.pairs("band2")[0]
    rgb = devset.read_rgb(img_path)
    results = {}
    for h, w in ((256, 384), (320, 208)):
        crop = rgb[:h, :w]
        if crop.shape[:2] != (h, w):
            crop = cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA)
        hole = devset.read_hole(mask_path, h, w)
        x = crop.transpose(2, 0, 1)[None].astype(np.float32) / 255
        m = hole[None, None].astype(np.float32)
        with torch.no_grad():
            ref = gen(torch.from_numpy(x), torch.from_numpy(m)).numpy()
        out = run_ort(path, x, m)
        results[f"{h}x{w}"] = float(np.abs(out - ref).max())
    return {"photo": img_path.name, "mask": mask_path.name, "maxAbsDiff": results}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--family", required=True, choices=sorted(NAMES))
    p.add_argument("--ckpt", type=Path)
    p.add_argument("--id", required=True)
    p.add_argument("--default", action="store_true", help="make this the default inpaint model")
    p.add_argument("--scores", type=Path, nargs="+",
                   help="eval.py --json output(s), e.g. one per band (computed with PyTorch if absent)")
    p.add_argument("--notes", default="", help="extra known limits for the model card")
    p.add_argument("--out-dir", type=Path, default=MODELS)
    p.add_argument("--no-manifest", action="store_true", help="export and check only (tests)")
    a = p.parse_args()
    torch.set_num_threads(2)
    ckpt = a.ckpt or HERE / "runs" / a.family / "last.pt"
    if not ckpt.exists():
        raise SystemExit(f"{ckpt}: no such checkpoint")
    gen, state = load_generator(ckpt)
    if state["family"] != a.family:
        raise SystemExit(f"{ckpt}: checkpoint is for family {state['family']}, not {a.family}")
    onnx_path = a.out_dir / f"{a.id}.onnx"
    export_onnx(gen, onnx_path)
    check = check_against_torch(gen, onnx_path)
    print(f"{onnx_path}: ONNX vs PyTorch max abs diff {check['maxAbsDiff']} on {check['photo']}")
    if max(check["maxAbsDiff"].values()) > 1e-3:
        raise SystemExit(f"{onnx_path}: ONNX output differs from PyTorch by more than 1e-3")
    size = onnx_path.stat().st_size
    if size >= 40 * 1024 * 1024:
        raise SystemExit(f"{onnx_path}: {size} bytes, over the 40 MB limit")
    if a.no_manifest:
        return
    if a.scores:
        scores = {"dev": {}, "telea": {}}
        for f in a.scores:
            part = json.loads(f.read_text())
            scores["dev"].update(part["dev"])
            scores["telea"].update(part["telea"])
        missing = [b for b in devset.BANDS if b not in scores["dev"]]
        if missing:
            raise SystemExit(f"{', '.join(str(f) for f in a.scores)}: no scores for {', '.join(missing)}")
    else:
        r = devset.evaluate({"model": lambda rgb, hole: inpaint_rgb(gen, rgb, hole), "telea": devset.telea}, log=print)
        scores = {"dev": r["model"], "telea": r["telea"]}
    history = state.get("history", [])
    last = history[-1] if history else {}
    entry = {
        "id": a.id,
        "name": NAMES[a.family],
        "task": "inpaint",
        "family": a.family,
        "file": onnx_path.name,
        "sha256": manifest.sha256_of(onnx_path),
        "bytes": size,
        "params": count_params(gen),
        "io": {
            "inputs": [
                {"name": "image", "dtype": "float32", "layout": "NCHW", "channels": 3, "range": [0, 1]},
                {"name": "mask", "dtype": "float32", "layout": "NCHW", "channels": 1, "range": [0, 1], "hole": 1},
            ],
            "outputs": [{"name": "output", "dtype": "float32", "layout": "NCHW", "channels": 3, "range": [0, 1]}],
            "size": {"kind": "dynamic", "padMultiple": PAD_MULTIPLE, "min": 64},
        },
        "tile": {"size": 512, "overlap": 64},
        "license": "MIT (weights trained by the Kintsugi project on BSDS500 train+test photos, research-use data)",
        "card": f"cards/{a.id}.md",
        "training": {
            "data": "BSDS500 train+test (400 photos, ../shared/data/train); random 128px crops + flips; "
                    "generated free-form + old-photo-damage masks, 1-50 % holes",
            "steps": state["step"],
            "wallTimeMinutes": round(state.get("wallMinutes", 0.0), 1),
            "losses": ["l1-hole x6", "l1-valid", "ssim x0.5", "tv x0.05"]
                      + {"gated-conv": ["sn-patchgan-hinge"], "dual-path-gan": ["wgan-gp", "reconstruction-path-l1"],
                         "partial-conv": []}[a.family],
            "finalLosses": {k: round(v, 5) for k, v in last.items() if k not in ("step",)},
        },
        "export": {"opset": 17, "onnxVsTorchMaxAbsDiff": check["maxAbsDiff"], "checkedOn": check["photo"]},
        "scores": {"dev": scores["dev"], "telea": scores["telea"]},
    }
    manifest.upsert(entry, make_default=a.default, manifest=a.out_dir / "manifest.json")
    write_card(a.out_dir / "cards" / f"{a.id}.md", entry, state, a.notes)
    print(f"manifest entry {a.id} written; card {entry['card']}")


if __name__ == "__main__":
    main()
