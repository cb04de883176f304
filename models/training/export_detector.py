"""Export a detector checkpoint to ONNX, check it in onnxruntime-node against PyTorch, register it.

  /usr/bin/python3 models/training/export_detector.py --ckpt models/training/runs/detector/best.pt \
      --id detect-damage-unet --default

Writes models/<id>.onnx atomically (opset 17, dynamic N/H/W), runs it with ort_check_detector.mjs on a
real damaged photo and reports the max abs difference to PyTorch (fails above --tol), then upserts the
manifest entry with sha256, size, training facts and the held-out scores from runs/detector/eval.json.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kintsugi_train import manifest  # noqa: E402
from kintsugi_train.detector import (  # noqa: E402
    DATA, PAD_MULTIPLE, DetectorUNet, detector_from_state, ProbabilityModel, count_params, pad_to_multiple, read_rgb,
)

HERE = Path(__file__).resolve().parent
MODELS = HERE.parent
CHECK_PHOTO = DATA / "real-damage" / "bopbtl-scratched" / "b.png"


def export_onnx(net: DetectorUNet, out: Path) -> None:
    """torch.onnx.export into a temp file beside `out`, fsync, rename."""
    model = ProbabilityModel(net).eval()
    dummy = torch.rand(1, 3, 64, 96)
    fd, tmp = tempfile.mkstemp(suffix=".onnx.tmp", dir=out.parent)
    os.close(fd)
    try:
        torch.onnx.export(
            model, dummy, tmp, opset_version=17, input_names=["image"], output_names=["prob"],
            dynamic_axes={"image": {0: "n", 2: "h", 3: "w"}, "prob": {0: "n", 2: "h", 3: "w"}},
            do_constant_folding=True,
        )
        import onnx
        onnx.checker.check_model(onnx.load(tmp))
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the app and other users must read it
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def ort_max_abs_diff(net: DetectorUNet, onnx_path: Path, img: np.ndarray) -> tuple[float, list]:
    """Run the same padded photo through PyTorch and through onnxruntime-node; max |difference|."""
    padded, _ = pad_to_multiple(img)
    x = np.ascontiguousarray(padded.transpose(2, 0, 1)[None], dtype=np.float32)
    with torch.no_grad():
        ref = ProbabilityModel(net).eval()(torch.from_numpy(x)).numpy()
    with tempfile.TemporaryDirectory() as d:
        fin, fout = Path(d) / "in.f32", Path(d) / "out.f32"
        x.astype("<f4").tofile(fin)
        proc = subprocess.run(
            ["node", str(HERE / "ort_check_detector.mjs"), str(onnx_path), str(fin), *map(str, x.shape), str(fout)],
            capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"onnxruntime-node check failed: {proc.stderr.strip()}")
        info = json.loads(proc.stdout.strip().splitlines()[-1])
        got = np.fromfile(fout, dtype="<f4").reshape(info["dims"])
    if got.shape != ref.shape:
        raise RuntimeError(f"ONNX output shape {got.shape} != PyTorch {ref.shape}")
    return float(np.abs(got - ref).max()), list(got.shape)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--ckpt", type=Path, required=True)
    ap.add_argument("--id", default="detect-damage-unet")
    ap.add_argument("--default", action="store_true", help="make it the default detect-damage model")
    ap.add_argument("--eval", type=Path, default=HERE / "runs" / "detector" / "eval.json")
    ap.add_argument("--out-dir", type=Path, default=MODELS)
    ap.add_argument("--manifest", type=Path, default=manifest.MANIFEST)
    ap.add_argument("--photo", type=Path, default=CHECK_PHOTO)
    ap.add_argument("--tol", type=float, default=1e-4)
    ap.add_argument("--postprocess", type=json.loads, default=None,
                    help='JSON merged over the manifest postprocess, e.g. \'{"threshold": 0.5, "seed": 0.9, '
                         '"unattended": {"seed": 0.97}}\' (operating points chosen on bench_real.py)')
    ap.add_argument("--name", default="Damage detector (U-Net, synthetic damage)")
    ap.add_argument("--data", default=None, help="the manifest's training.data text (what the weights were trained on)")
    ap.add_argument("--prints-for", default=None, metavar="ID",
                    help="this is the detector for old prints of detect-damage model ID: that entry's `prints` names it "
                         "(the app hands grey and toned prints to it, src-main/core/print-kind.ts)")
    args = ap.parse_args()
    torch.set_num_threads(1)

    ck = torch.load(args.ckpt, map_location="cpu")
    net = detector_from_state(ck["model"])
    net.eval()
    state = ck.get("state", {})

    out = args.out_dir / f"{args.id}.onnx"
    export_onnx(net, out)
    diff, shape = ort_max_abs_diff(net, out, read_rgb(args.photo))
    print(f"onnxruntime-node vs PyTorch on {args.photo.name} {shape}: max abs diff {diff:.2e}")
    if diff > args.tol:
        raise SystemExit(f"{out}: ONNX output differs from PyTorch by {diff:.2e} (> {args.tol})")
    size = out.stat().st_size
    if size > 40 * 1024 * 1024:
        raise SystemExit(f"{out}: {size} bytes, over the 40 MB limit")

    ev = json.loads(args.eval.read_text()) if args.eval.exists() else None
    if ev and ev.get("step") != state.get("step") and "toPrints" not in ev:
        print(f"warning: {args.eval} scored step {ev.get('step')}, checkpoint is step {state.get('step')}")
    point = (ev.get("operating") or ev["best"]) if ev else None  # the operating point the app thresholds at
    threshold = point["threshold"] if point else 0.5
    losses = state.get("losses", [])
    entry = {
        "id": args.id,
        "name": args.name,
        "task": "detect-damage",
        "family": "unet-detector",
        "file": out.name,
        "sha256": manifest.sha256_of(out),
        "bytes": size,
        "params": count_params(net),
        "io": {
            "inputs": [{"name": "image", "dtype": "float32", "layout": "NCHW", "channels": 3, "range": [0, 1]}],
            "outputs": [{"name": "prob", "dtype": "float32", "layout": "NCHW", "channels": 1, "range": [0, 1]}],
            "size": {"kind": "dynamic", "padMultiple": PAD_MULTIPLE, "min": 32},
        },
        # The context block sees ~600 px: larger tiles with wide overlap keep tile seams out of the mask.
        "tile": {"size": 768, "overlap": 96} if net.context is not None else {"size": 512, "overlap": 32},
        # Larger photos are detected on a copy at most 1024 px long (trained on photos of 240-600 px).
        "postprocess": {"threshold": threshold, "dilate": 2, "maxSide": 1024, **(args.postprocess or {})},
        "license": "MIT",
        "card": f"cards/{args.id}.md",
        "training": {
            "data": args.data or (
                "BSDS500 train/test photos (first 360 of ../shared/data/train) with synthetic old-photo "
                "damage painted in (kintsugi_train/damage.py); 128-192 px crops (batch 8-4), then 320 px "
                "crops (batch 2, frozen BatchNorm, 15-20 % undamaged crops); stains labelled only where they "
                "hide the picture (see-through stains are tone, not holes); see the card"),
            "steps": state.get("step"),
            "wallTimeMinutes": round(float(state.get("minutes", 0.0)), 1),
            "losses": {"objective": "BCE (pos_weight 3) + soft Dice",
                       "final": losses[-1][1] if losses else None,
                       "curve": losses[:: max(1, len(losses) // 20)]},
        },
        "scores": {"heldOut": {
            "f1": point["f1"] if point else None, "iou": point["iou"] if point else None,
            "bestF1": ev["best"]["f1"] if ev else None, "seed": ev.get("seed") if ev else None,
            "threshold": threshold, "images": ev["images"] if ev else None,
            "f1At0.5": ev["at0.5"]["f1"] if ev else None,
        }},
        "export": {"opset": 17, "ortMaxAbsDiff": diff, "checkedOn": f"real-damage/{args.photo.parent.name}/{args.photo.name}"},
    }
    if ev and "toPrints" in ev:  # a routed evaluation (eval_detector.py --prints): say what it scored
        entry["scores"]["heldOut"]["routed"] = (
            f"{ev['toPrints']} of {ev['images']} held-out photos are grey or toned prints, scored by {args.id}; "
            f"the rest by {args.prints_for or 'the colour detector'}")
    if "interpolated" in state:
        entry["training"]["interpolated"] = state["interpolated"]
    manifest.upsert(entry, make_default=args.default, manifest=args.manifest)
    if args.prints_for:
        try:
            manifest.set_prints(args.prints_for, args.id, manifest=args.manifest)
        except ValueError as e:
            raise SystemExit(f"--prints-for: {e}") from None
    print(json.dumps({k: entry[k] for k in ("id", "file", "bytes", "params", "sha256", "postprocess", "scores")}))


if __name__ == "__main__":
    main()
