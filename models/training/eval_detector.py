"""Score the damage detector on held-out synthetic damage and draw its masks on real damaged photos.

  /usr/bin/python3 models/training/eval_detector.py --ckpt models/training/runs/detector/best.pt

Held-out set: the last 40 train photos + dev-eval/images (122 photos, full size), each with damage from a
fixed seed. Pixel-level F1/IoU micro-averaged over the set, at 0.5, at the best threshold of a grid, and at
the operating threshold the app uses (`operating`: the precise end of the flat top of the F1 curve; choose it
on the validation seed with `--seed 99`, then score seed 1234 with `--threshold` set to it).
Overlays (photo | mask in red) of ../shared/data/real-damage go to models/cards/detect-overlays/.
Writes runs/detector/eval.json, which export_detector.py copies into the manifest entry.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kintsugi_train.detector import (  # noqa: E402
    DATA, THRESHOLDS, DetectorUNet, detector_from_state, confusion, heldout_set, predict, read_rgb, scores,
)

HERE = Path(__file__).resolve().parent
OVERLAY_DIR = HERE.parent / "cards" / "detect-overlays"
REAL = ["bopbtl-scratched/a.png", "bopbtl-scratched/b.png", "bopbtl-scratched/c.png",
        "bopbtl-scratched/d.png", "swinir-oldphoto2.png", "swinir-oldphoto6.png", "swinir-Lincoln.png",
        "iopaint-old_photo.jpg", "iopaint-old_photo_clean.jpg"]


def load_net(ckpt: Path) -> tuple[DetectorUNet, dict]:
    ck = torch.load(ckpt, map_location="cpu")
    net = detector_from_state(ck["model"])
    net.eval()
    return net, ck.get("state", {})


def postprocess(prob: np.ndarray, threshold: float, dilate: int) -> np.ndarray:
    """What the app does with the probability map: threshold, then dilate by `dilate` pixels."""
    m = (prob >= threshold).astype(np.uint8)
    if dilate > 0:
        k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * dilate + 1, 2 * dilate + 1))
        m = cv2.dilate(m, k)
    return m


def tolerant_f1(probs, masks, threshold: float, tol: int) -> dict:
    """Thin-structure F1 as crack-detection papers report it: a predicted pixel counts as correct when
    damage lies within `tol` px, a damaged pixel as found when a prediction lies within `tol` px.
    Reported beside the strict pixel F1, never instead of it."""
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * tol + 1, 2 * tol + 1))
    tp_p = n_p = tp_r = n_r = 0
    for prob, mask in zip(probs, masks):
        pred = (prob >= threshold).astype(np.uint8)
        m = mask.astype(np.uint8)
        tp_p += int(np.count_nonzero(pred & cv2.dilate(m, k)))
        n_p += int(np.count_nonzero(pred))
        tp_r += int(np.count_nonzero(m & cv2.dilate(pred, k)))
        n_r += int(np.count_nonzero(m))
    p, r = tp_p / max(n_p, 1), tp_r / max(n_r, 1)
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / max(p + r, 1e-9), 4),
            "tolerancePx": tol, "threshold": threshold}


def operating_index(f1: np.ndarray, slack: float) -> int:
    """Index of the highest threshold whose F1 is within `slack` of the best one."""
    ok = np.flatnonzero(f1 >= f1.max() - slack)
    return int(ok.max())


def overlay(img: np.ndarray, mask: np.ndarray) -> np.ndarray:
    out = img.copy()
    sel = mask > 0
    out[sel] = 0.35 * out[sel] + 0.65 * np.array([1.0, 0.0, 0.0], np.float32)
    return np.concatenate([img, np.ones((img.shape[0], 4, 3), np.float32), out], 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--ckpt", type=Path, default=HERE / "runs" / "detector" / "best.pt")
    ap.add_argument("--n", type=int, default=10_000, help="cap on held-out photos (all 122 by default)")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--dilate", type=int, default=2)
    ap.add_argument("--f1-slack", type=float, default=0.01,
                    help="operating threshold: the highest one whose F1 is within this of the best (F1 is flat "
                         "near its peak; a false mark costs the user more than a miss, so take the precise end)")
    ap.add_argument("--threshold", type=float, default=None,
                    help="use this operating threshold (chosen on another seed) instead of choosing it here")
    ap.add_argument("--prints", type=Path, default=None,
                    help="a detector for old prints: photos the app would hand to it (damage.is_print) go to it")
    ap.add_argument("--out", type=Path, default=HERE / "runs" / "detector" / "eval.json")
    ap.add_argument("--overlays", type=Path, default=OVERLAY_DIR)
    ap.add_argument("--no-overlays", action="store_true")
    ap.add_argument("--png-dir", type=Path, default=None, help="also write PNG overlays here")
    args = ap.parse_args()
    torch.set_num_threads(1)
    cv2.setNumThreads(1)

    net, state = load_net(args.ckpt)
    prints = load_net(args.prints)[0] if args.prints else None
    from kintsugi_train.damage import is_print  # noqa: PLC0415

    def net_for(img: np.ndarray) -> DetectorUNet:
        return prints if prints is not None and is_print(img) else net
    t0 = time.time()
    pairs = heldout_set(args.n, seed=args.seed)
    conf = np.zeros((len(THRESHOLDS), 3), np.int64)
    damaged_frac = []
    probs = []
    routed = 0
    for img, mask in pairs:
        chosen = net_for(img)
        routed += chosen is not net
        prob = predict(chosen, img)
        probs.append(prob)
        conf += confusion(prob, mask)
        damaged_frac.append(float(mask.mean()))
    f1, iou = scores(conf)
    b = int(np.argmax(f1))
    i5 = int(np.argmin(np.abs(THRESHOLDS - 0.5)))
    result = {
        "ckpt": str(args.ckpt), "step": state.get("step"), "images": len(pairs), "seed": args.seed,
        "meanDamagedFraction": round(float(np.mean(damaged_frac)), 4),
        **({"prints": str(args.prints), "toPrints": routed} if prints is not None else {}),
        "at0.5": {"f1": round(float(f1[i5]), 4), "iou": round(float(iou[i5]), 4)},
        "best": {"f1": round(float(f1[b]), 4), "iou": round(float(iou[b]), 4), "threshold": float(THRESHOLDS[b])},
        "byThreshold": {f"{t:.2f}": {"f1": round(float(a), 4), "iou": round(float(c), 4)}
                        for t, a, c in zip(THRESHOLDS, f1, iou)},
        "seconds": round(time.time() - t0, 1),
    }
    op = operating_index(f1, args.f1_slack) if args.threshold is None else \
        int(np.argmin(np.abs(THRESHOLDS - args.threshold)))
    threshold = float(THRESHOLDS[op])
    result["operating"] = {"f1": round(float(f1[op]), 4), "iou": round(float(iou[op]), 4), "threshold": threshold,
                           "chosen": "given (--threshold)" if args.threshold is not None else
                           f"here: highest threshold with F1 within {args.f1_slack} of the best"}
    result["tolerant2px"] = tolerant_f1([p for p in probs], [m for _, m in pairs], threshold, 2)
    if not args.no_overlays:
        args.overlays.mkdir(parents=True, exist_ok=True)
        cover = {}
        for rel in REAL:
            path = DATA / "real-damage" / rel
            if not path.exists():
                continue
            img = read_rgb(path)
            m = postprocess(predict(net_for(img), img), threshold, args.dilate)
            cover[rel] = round(float(m.mean()), 4)
            name = rel.replace("/", "-").rsplit(".", 1)[0] + ".jpg"
            u8 = (overlay(img, m) * 255 + 0.5).astype(np.uint8)
            cv2.imwrite(str(args.overlays / name), u8[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, 82])
            if args.png_dir:  # lossless copies for looking at them (kept out of the repository)
                args.png_dir.mkdir(parents=True, exist_ok=True)
                cv2.imwrite(str(args.png_dir / name.replace(".jpg", ".png")), u8[..., ::-1])
        result["realDamageMaskedFraction"] = cover
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "byThreshold"}, indent=2))


if __name__ == "__main__":
    main()
