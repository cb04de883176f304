"""Export a tone-restoration checkpoint to ONNX, check it in onnxruntime-node against PyTorch, register it.

  /usr/bin/python3 models/training/export_tone.py --ckpt models/training/runs/tone/best.pt \
      --eval models/training/runs/tone/eval.json

Writes models/<id>.onnx atomically (opset 17, fixed 128x128 input, dynamic N), runs it with ort_check_tone.mjs
on the small copy of a real faded print and compares every output with PyTorch (fails above --tol), then upserts
the manifest entry (task `restore-tone`, the default for its task) with sha256, size, training facts and the
held-out scores of eval_tone.py.
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
from kintsugi_train.detector import DATA, read_rgb  # noqa: E402
from kintsugi_train.tone import GRID, KNOTS, LUMA, OUTPUT_NAMES, SIZE, ToneGraph, ToneNet, count_params, small_copy  # noqa: E402

HERE = Path(__file__).resolve().parent
MODELS = HERE.parent
CHECK_PHOTO = DATA / "real-damage" / "bopbtl-old" / "c.png"


OBJECTIVES = {
    "l1": "L1 of the transformed photo + L1 of the kept-sepia projection + 0.05 BCE(mono) + 0.02 TV(grid)",
    "psnr": "minus the mean per-photo PSNR (0.1 log10 MSE) of the transformed photo + L1 of the kept-sepia projection "
            "+ 0.05 BCE(mono) + 0.02 TV(grid)",
}


def export_onnx(net: ToneNet, out: Path) -> None:
    """torch.onnx.export into a temp file beside `out`, fsync, rename."""
    model = ToneGraph(net).eval()
    dummy = torch.rand(1, 3, SIZE, SIZE)
    fd, tmp = tempfile.mkstemp(suffix=".onnx.tmp", dir=out.parent)
    os.close(fd)
    try:
        torch.onnx.export(
            model, dummy, tmp, opset_version=17, input_names=["image"], output_names=OUTPUT_NAMES,
            dynamic_axes={"image": {0: "n"}, **{k: {0: "n"} for k in OUTPUT_NAMES}}, do_constant_folding=True,
        )
        import onnx
        onnx.checker.check_model(onnx.load(tmp))
        os.chmod(tmp, 0o644)
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def ort_outputs(onnx_path: Path, x: np.ndarray) -> dict[str, np.ndarray]:
    with tempfile.TemporaryDirectory() as d:
        fin = Path(d) / "in.f32"
        x.astype("<f4").tofile(fin)
        proc = subprocess.run(["node", str(HERE / "ort_check_tone.mjs"), str(onnx_path), str(fin), *map(str, x.shape)],
                              capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"onnxruntime-node check failed: {proc.stderr.strip()}")
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    return {k: np.array(v["data"], np.float32).reshape(v["dims"]) for k, v in got.items()}


def ort_max_abs_diff(net: ToneNet, onnx_path: Path, img: np.ndarray) -> float:
    x = np.ascontiguousarray(small_copy(img).transpose(2, 0, 1)[None], dtype=np.float32)
    with torch.no_grad():
        ref = [t.numpy() for t in ToneGraph(net).eval()(torch.from_numpy(x))]
    got = ort_outputs(onnx_path, x)
    worst = 0.0
    for name, r in zip(OUTPUT_NAMES, ref):
        if got[name].shape != r.shape:
            raise RuntimeError(f"ONNX output {name} has shape {got[name].shape}, PyTorch {r.shape}")
        worst = max(worst, float(np.abs(got[name] - r).max()))
    return worst


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ckpt", type=Path, default=HERE / "runs" / "tone" / "best.pt")
    ap.add_argument("--id", default="restore-tone")
    ap.add_argument("--eval", type=Path, default=HERE / "runs" / "tone" / "eval.json")
    ap.add_argument("--out-dir", type=Path, default=MODELS)
    ap.add_argument("--manifest", type=Path, default=manifest.MANIFEST)
    ap.add_argument("--photo", type=Path, default=CHECK_PHOTO)
    ap.add_argument("--tol", type=float, default=1e-4)
    ap.add_argument("--objective", choices=sorted(OBJECTIVES), default="psnr",
                    help="the objective the checkpoint was trained with (when its state does not say)")
    ap.add_argument("--note", default="", help="what this export is (e.g. an early checkpoint), kept in the manifest")
    args = ap.parse_args()
    torch.set_num_threads(1)

    ck = torch.load(args.ckpt, map_location="cpu")
    net = ToneNet(width=ck.get("state", {}).get("width", 1))
    net.load_state_dict(ck["model"])
    net.eval()
    state = ck.get("state", {})

    args.out_dir.mkdir(parents=True, exist_ok=True)
    out = args.out_dir / f"{args.id}.onnx"
    export_onnx(net, out)
    diff = ort_max_abs_diff(net, out, read_rgb(args.photo))
    print(f"onnxruntime-node vs PyTorch on {args.photo.name}: max abs diff {diff:.2e}")
    if diff > args.tol:
        raise SystemExit(f"{out}: ONNX output differs from PyTorch by {diff:.2e} (> {args.tol})")
    size = out.stat().st_size

    ev = json.loads(args.eval.read_text()) if args.eval.exists() else None
    if ev and ev.get("step") != state.get("step"):
        print(f"warning: {args.eval} scored step {ev.get('step')}, checkpoint is step {state.get('step')}")
    losses = state.get("losses", [])
    f32 = {"dtype": "float32"}
    entry = {
        "id": args.id,
        "name": "Tone restoration (curves + gain/offset grid)",
        "task": "restore-tone",
        "family": "tone-curves-grid",
        "file": out.name,
        "sha256": manifest.sha256_of(out),
        "bytes": size,
        "params": count_params(net),
        "io": {
            "inputs": [{"name": "image", "dtype": "float32", "layout": "NCHW", "channels": 3, "range": [0, 1]}],
            "outputs": [
                {"name": "grid", **f32, "layout": "NCHW", "channels": 6},
                {"name": "curves", **f32},
                {"name": "matrix", **f32},
                {"name": "mono", **f32, "range": [0, 1]},
                {"name": "tint", **f32},
            ],
            "size": {"kind": "fixed", "size": SIZE},
        },
        "tone": {"grid": GRID, "knots": KNOTS, "luma": list(LUMA), "monoThreshold": 0.5},
        "license": "MIT",
        "card": f"cards/{args.id}.md",
        "training": {
            "data": "BSDS500 photos (first 360 of ../shared/data/train) aged synthetically (kintsugi_train/tone_ageing.py "
                    "age_train: fading as levels and gamma or as loss of dye density, casts, grey/sepia/silver toning, "
                    "contrast and black-level loss, uneven toning, light-struck gradients, vignettes, see-through stains, "
                    "blur, grain, JPEG); target the clean photo, or its neutral grey version for toned prints",
            "steps": state.get("step"),
            "wallTimeMinutes": round(float(state.get("minutes", 0.0)), 1),
            "losses": {"objective": OBJECTIVES.get(state.get("objective", args.objective), args.objective),
                       "final": losses[-1][1] if losses else None,
                       "curve": losses[:: max(1, len(losses) // 20)]},
            **({"note": args.note} if args.note else {}),
        },
        "scores": ({"heldOut": ev["summary"], "seed": ev.get("seed"), "images": ev.get("images"), "step": ev.get("step")}
                   if ev else {}),
        "export": {"opset": 17, "ortMaxAbsDiff": diff,
                   "checkedOn": f"real-damage/{args.photo.parent.name}/{args.photo.name}"},
    }
    manifest.upsert(entry, manifest=args.manifest)
    print(json.dumps({k: entry[k] for k in ("id", "file", "bytes", "params", "sha256")}))


if __name__ == "__main__":
    main()
