"""Train the tone-restoration network (kintsugi_train/tone.py) on clean photos aged synthetically. Resumable.

  nohup /usr/bin/python3 models/training/train_tone.py --resume --minutes 35 \
      >> models/training/runs/tone/nohup.out 2>&1 &

Photos: the first 360 of ../shared/data/train (the last 40 are held out, as for the detector). Each step ages a
batch of random crops (age_train, at --work px), the network sees them at 128 px and the predicted transform is
scored at --loss-size px against the clean target. Checkpoints (runs/tone/last.pt; best.pt by validation PSNR)
every --ckpt-minutes and at the end (SIGTERM too); validation: --val-n held-out photos aged by the TRAINING
recipe with a fixed seed (eval_tone.py measures on a recipe training never uses). One thread.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import signal
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kintsugi_train.detector import read_rgb, split_train  # noqa: E402
from kintsugi_train.tone import SIZE, ToneNet, count_params, loss_fn, restore_tone, weights_from_onnx, widen  # noqa: E402
from kintsugi_train.tone_ageing import age_train, random_pair  # noqa: E402
from kintsugi_train.tone_metrics import to_u8  # noqa: E402

RUN_DIR = Path(__file__).resolve().parent / "runs" / "tone"


def save_atomic(obj: dict, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as f:
        torch.save(obj, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def val_set(n: int, seed: int = 99) -> list[tuple[np.ndarray, np.ndarray]]:
    """(aged, target) for the first n held-out train photos, aged by age_train with seed (seed, i)."""
    _, held = split_train()
    out = []
    for i, p in enumerate(held[:n]):
        aged, target, _, _ = age_train(np.random.default_rng([seed, i]), read_rgb(p))
        out.append((aged, target))
    return out


def validate(net: ToneNet, val: list) -> dict:
    net.eval()
    ps, ps0 = [], []
    for aged, target in val:
        out = restore_tone(net, aged)
        for arr, acc in ((out, ps), (aged, ps0)):
            mse = ((to_u8(arr).astype(np.float64) - to_u8(target)) ** 2).mean()
            acc.append(10 * np.log10(255.0 ** 2 / max(mse, 1e-10)))
    net.train()
    return {"psnr": round(float(np.mean(ps)), 3), "nothing": round(float(np.mean(ps0)), 3)}


def batch(rng: np.random.Generator, photos: list, n: int, work: int, loss_size: int):
    aged, target, keep, mono = [], [], [], []
    for _ in range(n):
        a, t, k, m = random_pair(rng, photos[int(rng.integers(len(photos)))], work)
        aged.append(a.transpose(2, 0, 1))
        target.append(t.transpose(2, 0, 1))
        keep.append(k.transpose(2, 0, 1))
        mono.append(float(m))
    a = torch.from_numpy(np.stack(aged))
    x = a if work == SIZE else F.interpolate(a, size=(SIZE, SIZE), mode="area")
    small = lambda t: F.interpolate(t, size=(loss_size, loss_size), mode="area")  # noqa: E731
    return (x, small(a), small(torch.from_numpy(np.stack(target))), small(torch.from_numpy(np.stack(keep))),
            torch.tensor(mono))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=35.0, help="wall-clock budget of this invocation")
    ap.add_argument("--resume", action="store_true", help="continue from <run-dir>/last.pt")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--work", type=int, default=160, help="side of the aged training crops")
    ap.add_argument("--loss-size", type=int, default=128, help="side at which the transform is scored")
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--decay-minutes", type=float, default=35.0,
                    help="cosine decay of the learning rate to 10 %% over this many training minutes in total "
                         "(counted across resumed runs; 0: constant)")
    ap.add_argument("--ckpt-minutes", type=float, default=4.0)
    ap.add_argument("--val-n", type=int, default=24)
    ap.add_argument("--run-dir", type=Path, default=RUN_DIR)
    ap.add_argument("--max-steps", type=int, default=0, help="stop after this many steps in total (tests)")
    ap.add_argument("--train-limit", type=int, default=0, help="use only the first N training photos (tests)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--objective", choices=["l1", "psnr"], default="l1",
                    help="l1: mean absolute error; psnr: the mean per-photo PSNR itself (see loss_fn)")
    ap.add_argument("--snapshots", action="store_true", help="also keep every checkpoint as step-N.pt (to judge each)")
    ap.add_argument("--lab-weight", type=float, default=0.0,
                    help="add this weight times the mean CIEDE2000 against the target to the objective")
    ap.add_argument("--init-onnx", type=Path, default=None,
                    help="without a last.pt to resume: start from the weights inside an exported restore-tone.onnx")
    ap.add_argument("--init-ckpt", type=Path, default=None,
                    help="without a last.pt to resume: start from the weights of a checkpoint (e.g. runs/tone/shipped.pt)")
    ap.add_argument("--init-step", type=int, default=0, help="the training step --init-onnx was exported at")
    ap.add_argument("--init-minutes", type=float, default=0.0, help="the training minutes behind --init-onnx")
    ap.add_argument("--width", type=int, default=1,
                    help="channel multiplier of the convolutions; with --init-ckpt of a narrower net it is widened "
                         "so that it starts as exactly that net")
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

    last = args.run_dir / "last.pt"
    ck = torch.load(last, map_location="cpu") if args.resume and last.exists() else None
    width = ck["state"].get("width", 1) if ck is not None else args.width
    net = ToneNet(width=width)
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    state = {"step": 0, "minutes": 0.0, "losses": [], "best_psnr": -1.0, "seed": 0, "history": [], "width": width}
    if ck is not None:
        net.load_state_dict(ck["model"])
        if "opt" in ck:
            opt.load_state_dict(ck["opt"])
        state = ck["state"]
        log(f"resumed from {last} at step {state['step']} ({state['minutes']:.1f} min)")
    elif args.init_ckpt is not None:
        ck = torch.load(args.init_ckpt, map_location="cpu")
        if ck["state"].get("width", 1) != width:
            widen(ck["model"], net)
        else:
            net.load_state_dict(ck["model"])
        state.update(step=ck["state"]["step"])
        log(f"started from the weights of {args.init_ckpt} (step {state['step']}); minutes and schedule start afresh")
    elif args.init_onnx is not None:
        n = weights_from_onnx(net, str(args.init_onnx))
        state.update(step=args.init_step, minutes=args.init_minutes)
        log(f"started from the {n} weight tensors of {args.init_onnx} (step {args.init_step})")

    train_paths, _ = split_train()
    if args.train_limit:
        train_paths = train_paths[: args.train_limit]
    photos = [(read_rgb(p) * 255 + 0.5).astype(np.uint8) for p in train_paths]
    val = val_set(args.val_n)
    log(f"params={count_params(net)} train_photos={len(photos)} val={len(val)} batch={args.batch} "
        f"work={args.work} loss_size={args.loss_size} lr={args.lr}")

    rng = np.random.default_rng([state["seed"], state["step"]])  # a fresh stream per invocation
    state["seed"] += 1
    state["objective"] = args.objective + (f"+{args.lab_weight}*ciede2000" if args.lab_weight else "")  # export_tone.py describes the objective from this
    t0 = t_ck = start = time.time()

    def set_lr() -> float:
        """Cosine decay by the training minutes so far, across resumed runs."""
        m = state["minutes"] + (time.time() - t_ck) / 60
        f = 1.0 if args.decay_minutes <= 0 else 0.1 + 0.45 * (1 + math.cos(math.pi * min(1.0, m / args.decay_minutes)))
        for g in opt.param_groups:
            g["lr"] = args.lr * f
        return args.lr * f
    run = {"loss": 0.0, "n": 0}
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))

    def checkpoint(final: bool = False) -> None:
        nonlocal t_ck
        state["minutes"] += (time.time() - t_ck) / 60
        t_ck = time.time()
        ev = validate(net, val)
        state["history"].append({"step": state["step"], **ev})
        is_best = ev["psnr"] > state["best_psnr"]
        if is_best:
            state["best_psnr"] = ev["psnr"]
        save_atomic({"model": net.state_dict(), "opt": opt.state_dict(), "state": state}, last)
        if is_best:
            save_atomic({"model": net.state_dict(), "state": state}, args.run_dir / "best.pt")
        if args.snapshots:
            save_atomic({"model": net.state_dict(), "state": state}, args.run_dir / f"step-{state['step']}.pt")
        log(f"ckpt step={state['step']} minutes={state['minutes']:.1f} val={json.dumps(ev)}"
            f"{' best' if is_best else ''}{' final' if final else ''}")

    net.train()
    while True:
        lr = set_lr()
        x, aged, target, keep, mono = batch(rng, photos, args.batch, args.work, args.loss_size)
        p = net(x)
        loss, parts = loss_fn(p, aged, target, keep, mono, args.objective, args.lab_weight)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        state["step"] += 1
        run["loss"] += float(loss)
        run["n"] += 1
        if state["step"] % 25 == 0:
            avg = run["loss"] / run["n"]
            state["losses"].append([state["step"], round(avg, 5)])
            log(f"step={state['step']} loss={avg:.5f} " + " ".join(f"{k}={v:.4f}" for k, v in parts.items())
                + f" lr={lr:.2e} s/step={(time.time() - t0) / run['n']:.2f}")
            run = {"loss": 0.0, "n": 0}
            t0 = time.time()
        hit_steps = bool(args.max_steps) and state["step"] >= args.max_steps
        if stop["now"] or hit_steps or (time.time() - start) / 60 >= args.minutes:
            checkpoint(final=True)
            break
        if (time.time() - t_ck) / 60 >= args.ckpt_minutes:
            checkpoint()


if __name__ == "__main__":
    main()
