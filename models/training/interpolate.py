"""Interpolate two checkpoints of one network in weight space (WiSE-FT: Wortsman et al., "Robust fine-tuning of
zero-shot models", CVPR 2022): out = (1 - alpha) * base + alpha * tuned, for every floating-point tensor of the
state dict (BatchNorm running statistics included); integer buffers come from `tuned`.

A fine-tune that learned something new (the detector for old prints, runs/detector-prints) also drifts on what the
base model already did well; the halfway point keeps most of both (models/cards/detect-damage-unet.md).

  /usr/bin/python3 models/training/interpolate.py --base runs/detector-real/shipped.pt \
      --tuned runs/detector-prints/step-10419.pt --alpha 0.5 --out runs/detector-prints/shipped.pt
"""
from __future__ import annotations

import argparse
from pathlib import Path

import torch


def interpolate(base: dict, tuned: dict, alpha: float) -> dict:
    """The interpolated state dict; both must have the same keys and shapes."""
    if base.keys() != tuned.keys():
        raise ValueError(f"the checkpoints hold different tensors: {sorted(set(base) ^ set(tuned))[:5]}")
    out = {}
    for k, t in tuned.items():
        if t.shape != base[k].shape:
            raise ValueError(f"{k}: shape {tuple(base[k].shape)} in base, {tuple(t.shape)} in tuned")
        out[k] = ((1 - alpha) * base[k] + alpha * t) if t.dtype.is_floating_point else t.clone()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", type=Path, required=True)
    ap.add_argument("--tuned", type=Path, required=True)
    ap.add_argument("--alpha", type=float, default=0.5, help="share of the tuned weights (0 = base, 1 = tuned)")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    if not 0.0 <= args.alpha <= 1.0:
        raise SystemExit(f"--alpha {args.alpha}: must be between 0 and 1")
    base = torch.load(args.base, map_location="cpu")
    tuned = torch.load(args.tuned, map_location="cpu")
    state = dict(tuned.get("state", {}))
    state["interpolated"] = {"base": str(args.base), "tuned": str(args.tuned), "alpha": args.alpha,
                             "tunedStep": state.get("step")}
    torch.save({"model": interpolate(base["model"], tuned["model"], args.alpha), "state": state}, args.out)
    print(f"{args.out}: {1 - args.alpha:g} x {args.base} + {args.alpha:g} x {args.tuned}")


if __name__ == "__main__":
    main()
