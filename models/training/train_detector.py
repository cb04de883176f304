"""Train the damage detector on photo crops with synthetic damage painted in. Resumable.

  nohup /usr/bin/python3 models/training/train_detector.py --minutes 60 [--resume] \
      > models/training/runs/detector/nohup.out 2>&1 &

Checkpoints (runs/detector/last.pt, and best.pt by held-out F1) every --ckpt-minutes; log lines in
runs/detector/log.txt with loss and held-out IoU/F1. One thread: the inpainting run owns the other core.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kintsugi_train.detector import (  # noqa: E402
    THRESHOLDS, DetectorUNet, confusion, count_params, detector_from_state, heldout_set, loss_fn, predict,
    random_crop_pair, read_rgb, scores, split_train,
)

RUN_DIR = Path(__file__).resolve().parent / "runs" / "detector"


def save_atomic(obj: dict, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as f:
        torch.save(obj, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def train_mode(net: DetectorUNet, freeze_bn: bool) -> None:
    net.train()
    if freeze_bn:
        for m in net.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.eval()


def evaluate(net: DetectorUNet, val: list, freeze_bn: bool = False) -> dict:
    """Micro-averaged F1/IoU over the fixed held-out crops: at 0.5 and at the best threshold."""
    net.eval()
    conf = np.zeros((len(THRESHOLDS), 3), np.int64)
    with torch.no_grad():
        for img, mask in val:
            conf += confusion(predict(net, img), mask)
    train_mode(net, freeze_bn)
    f1, iou = scores(conf)
    b = int(np.argmax(f1))
    i5 = int(np.argmin(np.abs(THRESHOLDS - 0.5)))
    return {"f1@0.5": round(float(f1[i5]), 4), "iou@0.5": round(float(iou[i5]), 4),
            "f1": round(float(f1[b]), 4), "iou": round(float(iou[b]), 4), "threshold": float(THRESHOLDS[b])}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--minutes", type=float, default=60.0, help="wall-clock budget of this invocation")
    ap.add_argument("--resume", action="store_true", help="continue from runs/detector/last.pt")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--crop", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--ckpt-minutes", type=float, default=3.0)
    ap.add_argument("--val-n", type=int, default=32, help="held-out photos scored at each checkpoint")
    ap.add_argument("--val-size", type=int, default=0,
                    help="centre-crop the held-out photos to this size (0: whole photos, as eval_detector.py scores)")
    ap.add_argument("--val-seed", type=int, default=1234,
                    help="damage seed of the validation pairs (eval_detector.py scores seed 1234)")
    ap.add_argument("--no-context", action="store_true",
                    help="the U-Net without the dilated context block (the shipped detector's architecture)")
    ap.add_argument("--freeze-bn", action="store_true",
                    help="keep BatchNorm statistics fixed (fine-tuning with small batches of large crops)")
    ap.add_argument("--stain-p", type=float, default=None,
                    help="probability of stains per training crop instead of damage.py's 0.15 (oversampling; "
                         "only the parts of stains that hide the picture are labelled)")
    ap.add_argument("--clean-frac", type=float, default=0.0,
                    help="fraction of training crops left undamaged (negative examples against false positives)")
    ap.add_argument("--realistic", action="store_true",
                    help="realistic synthesis: real artefact shapes, hard negatives, tears labelled whole (damage.py)")
    ap.add_argument("--relief-p", type=float, default=None,
                    help="realistic synthesis: share of photos with a raised crack or crease (damage.RELIEF_P, 0 by default)")
    ap.add_argument("--relief-mono", action="store_true",
                    help="raised cracks only on grey and toned prints (damage.RELIEF_MONO)")
    ap.add_argument("--toned-only", action="store_true",
                    help="every training photo aged to a grey or toned print (damage.TONED_ONLY): a detector of old prints")
    ap.add_argument("--crazing-p", type=float, default=None,
                    help="realistic synthesis: share of photos with crazed emulsion instead of damage.CRAZING_P (0.2)")
    ap.add_argument("--teacher", type=Path, default=None,
                    help="weights of a detector whose answers on colour photos the run keeps (with --distill)")
    ap.add_argument("--distill", type=float, default=1.0,
                    help="weight of the BCE between this detector and --teacher on crops that are not grey or toned "
                         "prints (damage.is_toned): a run teaching something about old prints keeps the colour "
                         "photos' behaviour it starts from")
    ap.add_argument("--run-dir", type=Path, default=RUN_DIR)
    ap.add_argument("--max-steps", type=int, default=0, help="stop after this many steps (tests)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--snapshots", action="store_true",
                    help="also keep the weights of every checkpoint as <run-dir>/step-N.pt (not committed)")
    ap.add_argument("--reset-best", action="store_true",
                    help="forget the best held-out F1 (after changing the synthesis, scores are not comparable)")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    cv2.setNumThreads(1)
    args.run_dir.mkdir(parents=True, exist_ok=True)
    log_path = args.run_dir / "log.txt"

    def log(msg: str) -> None:
        line = f"{time.strftime('%Y-%m-%d %H:%M:%S')} {msg}"
        print(line, flush=True)
        with open(log_path, "a") as f:
            f.write(line + "\n")

    net = DetectorUNet(context=not args.no_context)
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    state = {"step": 0, "minutes": 0.0, "losses": [], "best_f1": -1.0, "seed": 0, "history": []}
    last = args.run_dir / "last.pt"
    if args.resume and last.exists():
        ck = torch.load(last, map_location="cpu")
        missing, unexpected = net.load_state_dict(ck["model"], strict=False)
        if unexpected or any(not k.startswith("context.") for k in missing):
            raise SystemExit(f"{last}: checkpoint does not fit the detector (missing {missing}, unexpected {unexpected})")
        if missing:  # a checkpoint from before the context block: the block starts at zero, Adam starts afresh
            log(f"added the context block ({len(missing)} new tensors, zero-initialised output); new optimizer state")
        elif "opt" not in ck:  # weights only (best.pt, shipped.pt)
            log("checkpoint holds weights only; new optimizer state")
        else:
            opt.load_state_dict(ck["opt"])
        state = ck["state"]
        log(f"resumed from {last} at step {state['step']} ({state['minutes']:.1f} min)")
        if args.reset_best:
            state["best_f1"] = -1.0
    for g in opt.param_groups:
        g["lr"] = args.lr

    train_paths, _ = split_train()
    photos = [(read_rgb(p) * 255).astype(np.uint8) for p in train_paths]
    val = heldout_set(args.val_n, seed=args.val_seed, size=args.val_size or None)
    log(f"params={count_params(net)} train_photos={len(photos)} val_crops={len(val)} "
        f"batch={args.batch} crop={args.crop} lr={args.lr} clean_frac={args.clean_frac} freeze_bn={args.freeze_bn} stain_p={args.stain_p} realistic={args.realistic} "
        f"val={'whole photos' if not args.val_size else f'{args.val_size}px crops'}")

    # The training mix only (the held-out set above keeps the synthesis its scores were made with).
    from kintsugi_train import damage  # noqa: PLC0415
    if args.relief_p is not None:
        damage.RELIEF_P = args.relief_p
    if args.crazing_p is not None:
        damage.CRAZING_P = args.crazing_p
    damage.RELIEF_MONO = args.relief_mono
    damage.TONED_ONLY = args.toned_only
    log(f"relief_p={damage.RELIEF_P} relief_mono={damage.RELIEF_MONO} toned_only={damage.TONED_ONLY} "
        f"crazing_p={damage.CRAZING_P}")
    teacher = None
    if args.teacher is not None:
        teacher = detector_from_state(torch.load(args.teacher, map_location="cpu")["model"]).eval()
        for p in teacher.parameters():
            p.requires_grad_(False)
        log(f"teacher={args.teacher} distill={args.distill} on colour crops")
    # A fresh stream per invocation so resumed runs do not replay the same crops.
    rng = np.random.default_rng([state["seed"], state["step"]])
    state["seed"] += 1
    t0 = time.time()
    t_ck = t0
    run_loss, run_n = 0.0, 0

    def checkpoint(final: bool = False) -> None:
        nonlocal t_ck
        elapsed = (time.time() - t_ck) / 60
        state["minutes"] += elapsed
        t_ck = time.time()
        ev = evaluate(net, val, args.freeze_bn)
        state["history"].append({"step": state["step"], **ev})
        is_best = ev["f1"] > state["best_f1"]
        if is_best:
            state["best_f1"] = ev["f1"]
        ck = {"model": net.state_dict(), "opt": opt.state_dict(), "state": state}
        save_atomic(ck, last)
        if is_best:
            save_atomic({"model": net.state_dict(), "state": state}, args.run_dir / "best.pt")
        if args.snapshots:  # weights only, to score each on the real benchmark (held-out F1 is synthetic)
            save_atomic({"model": net.state_dict(), "state": state}, args.run_dir / f"step-{state['step']}.pt")
        log(f"ckpt step={state['step']} minutes={state['minutes']:.1f} heldout={json.dumps(ev)}"
            f"{' best' if is_best else ''}{' final' if final else ''}")

    start = time.time()
    train_mode(net, args.freeze_bn)
    while True:
        xs, ys = [], []
        for _ in range(args.batch):
            img = photos[int(rng.integers(len(photos)))].astype(np.float32) / 255.0
            d, m = random_crop_pair(rng, img, args.crop, args.clean_frac,
                                   {"stain": args.stain_p} if args.stain_p is not None else None,
                                   realistic=args.realistic)
            xs.append(d.transpose(2, 0, 1))
            ys.append(m[None].astype(np.float32))
        x = torch.from_numpy(np.stack(xs))
        y = torch.from_numpy(np.stack(ys))
        logits = net(x)
        loss, parts = loss_fn(logits, y)
        if teacher is not None:
            colour = [i for i, c in enumerate(xs) if not damage.is_toned(c.transpose(1, 2, 0))]
            if colour:
                with torch.no_grad():
                    soft = torch.sigmoid(teacher(x[colour]))
                kd = F.binary_cross_entropy_with_logits(logits[colour], soft)
                loss = loss + args.distill * kd
                parts["kd"] = float(kd)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        state["step"] += 1
        run_loss += float(loss)
        run_n += 1
        if state["step"] % 50 == 0:
            avg = run_loss / run_n
            state["losses"].append([state["step"], round(avg, 4)])
            kd_part = f" kd={parts['kd']:.4f}" if "kd" in parts else ""
            log(f"step={state['step']} loss={avg:.4f} bce={parts['bce']:.4f} dice={parts['dice']:.4f}{kd_part} "
                f"s/step={(time.time() - t0) / max(1, run_n):.2f}")
            run_loss, run_n = 0.0, 0
            t0 = time.time()
        hit_steps = bool(args.max_steps) and state["step"] >= args.max_steps
        if hit_steps or (time.time() - start) / 60 >= args.minutes:
            checkpoint(final=True)
            break
        if (time.time() - t_ck) / 60 >= args.ckpt_minutes:
            checkpoint()


if __name__ == "__main__":
    main()
