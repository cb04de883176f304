"""Train an inpainting generator family (or, with --family detect-damage, the damage detector).

Resumable across sessions: an atomic checkpoint (weights, optimisers, step, RNG states, loss history,
wall time) is written to <out>/last.pt every few minutes, on SIGTERM/SIGINT and at the end; --resume
continues from it. Logs losses and, periodically, quick dev scores next to OpenCV Telea.

  nohup /usr/bin/python3 models/training/train.py --family gated-conv --minutes 80 \
      > models/training/runs/gated-conv/log.txt 2>&1 &
"""
from __future__ import annotations

import argparse
import random
import runpy
import signal
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from kintsugi_train import data, devset, losses  # noqa: E402
from kintsugi_train.families import FAMILIES, build, count_params  # noqa: E402
from kintsugi_train.infer import atomic_save, inpaint_rgb  # noqa: E402

LOSS_NAMES = ["total", "l1Hole", "l1Valid", "ssim", "tv", "adv", "critic", "extra"]


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--family", required=True, choices=FAMILIES + ("detect-damage",))
    p.add_argument("--steps", type=int, default=0, help="stop at this total step count (0 = no limit)")
    p.add_argument("--minutes", type=float, default=0, help="stop after this many minutes of this run")
    p.add_argument("--resume", action="store_true")
    p.add_argument("--crop", type=int, default=128)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--width", type=int, default=32)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--adv-weight", type=float, default=0.003)
    p.add_argument("--adv-start", type=int, default=3000, help="adversarial loss starts after this step")
    p.add_argument("--ckpt-minutes", type=float, default=3.0)
    p.add_argument("--dev-minutes", type=float, default=15.0, help="quick dev scores every N minutes (0 = off)")
    p.add_argument("--dev-images", type=int, default=8, help="images per band in the quick dev score")
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--aged-frac", type=float, default=0.0,
                   help="share of training crops made to look like old prints/scans first (sepia, fading, grain)")
    p.add_argument("--train-limit", type=int, default=None, help="use only the first N training photos (tests)")
    a = p.parse_args(argv)
    a.out = a.out or HERE / "runs" / a.family
    return a


class Trainer:
    """One family's generator, critic, optimisers and bookkeeping."""

    def __init__(self, a):
        self.a = a
        self.gen, self.critic, self.adv_kind = build(a.family, a.width)
        self.opt_g = torch.optim.Adam(self.gen.parameters(), lr=a.lr, betas=(0.5, 0.999))
        self.opt_d = torch.optim.Adam(self.critic.parameters(), lr=a.lr, betas=(0.5, 0.999)) if self.critic else None
        self.step = 0
        self.wall = 0.0  # minutes over all sessions
        self.history: list[dict] = []  # running means, one row per log interval
        self.dev: list[dict] = []
        self.rng = np.random.default_rng(a.seed)
        torch.manual_seed(a.seed)
        random.seed(a.seed)

    # --- checkpoints -----------------------------------------------------------------------------
    def state(self) -> dict:
        return {
            "family": self.a.family, "width": self.a.width, "step": self.step, "wallMinutes": self.wall,
            "generator": self.gen.state_dict(), "opt_g": self.opt_g.state_dict(),
            "critic": self.critic.state_dict() if self.critic else None,
            "opt_d": self.opt_d.state_dict() if self.opt_d else None,
            "rng": {"numpy": self.rng.bit_generator.state, "torch": torch.get_rng_state(), "python": random.getstate()},
            "history": self.history, "dev": self.dev, "lossNames": LOSS_NAMES,
            "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(self.a).items()},
        }

    def save(self) -> None:
        atomic_save(self.state(), self.a.out / "last.pt")

    def load(self, path: Path) -> None:
        s = torch.load(path, map_location="cpu")
        if s["family"] != self.a.family:
            raise SystemExit(f"{path}: checkpoint is for family {s['family']}, not {self.a.family}")
        self.gen.load_state_dict(s["generator"])
        self.opt_g.load_state_dict(s["opt_g"])
        if self.critic and s.get("critic"):
            self.critic.load_state_dict(s["critic"])
            self.opt_d.load_state_dict(s["opt_d"])
        self.step, self.wall = s["step"], s["wallMinutes"]
        self.history, self.dev = s.get("history", []), s.get("dev", [])
        self.rng.bit_generator.state = s["rng"]["numpy"]
        torch.set_rng_state(s["rng"]["torch"])
        random.setstate(s["rng"]["python"])

    # --- one optimisation step ---------------------------------------------------------------------
    def train_step(self, image: torch.Tensor, mask: torch.Tensor) -> dict[str, float]:
        a = self.a
        use_adv = self.critic is not None and self.step >= a.adv_start and a.adv_weight > 0
        pred, coarse, aux = self.gen.predict(image, mask)
        comp = image * (1 - mask) + pred * mask
        l_hole, l_valid = losses.masked_l1(pred, image, mask)
        l_ssim = 1 - losses.ssim(comp, image)
        l_tv = losses.total_variation(comp, mask)
        total = 6 * l_hole + l_valid + 0.5 * l_ssim + 0.05 * l_tv
        l_extra = torch.zeros(())
        if a.family == "dual-path-gan":
            rec, z_rec = self.gen.reconstruct(image)
            l_extra = (rec - image).abs().mean() + 0.1 * (aux["z"] - z_rec.detach()).abs().mean()
            total = total + l_extra
        l_adv = torch.zeros(())
        if use_adv:
            fake = self.critic(comp, mask)
            l_adv = losses.hinge_g(fake) if self.adv_kind == "hinge" else -fake.mean()
            total = total + a.adv_weight * l_adv
        self.opt_g.zero_grad(set_to_none=True)
        total.backward()
        self.opt_g.step()
        l_critic = torch.zeros(())
        if use_adv:
            real_out = self.critic(image, mask)
            fake_det = comp.detach()
            fake_out = self.critic(fake_det, mask)
            if self.adv_kind == "hinge":
                l_critic = losses.hinge_d(real_out, fake_out)
            else:
                l_critic = fake_out.mean() - real_out.mean() + 10 * losses.gradient_penalty(
                    self.critic, image, fake_det, mask)
            self.opt_d.zero_grad(set_to_none=True)
            l_critic.backward()
            self.opt_d.step()
        vals = [total, l_hole, l_valid, l_ssim, l_tv, l_adv, l_critic, l_extra]
        return {k: float(v) for k, v in zip(LOSS_NAMES, vals)}

    # --- quick dev score ---------------------------------------------------------------------------
    def dev_score(self, telea_cache: dict) -> dict:
        self.gen.eval()
        fn = lambda rgb, hole: inpaint_rgb(self.gen, rgb, hole)  # noqa: E731
        r = devset.evaluate({"model": fn}, limit=self.a.dev_images)["model"]
        self.gen.train()
        row = {"step": self.step, "model": r, "telea": telea_cache}
        self.dev.append(row)
        return row


def log(msg: str) -> None:
    print(time.strftime("%H:%M:%S"), msg, flush=True)


def main(argv=None) -> None:
    a = parse(argv)
    torch.set_num_threads(a.threads)
    a.out.mkdir(parents=True, exist_ok=True)
    t = Trainer(a)
    ckpt = a.out / "last.pt"
    if a.resume:
        if not ckpt.exists():
            raise SystemExit(f"{ckpt}: no checkpoint to resume from")
        t.load(ckpt)
        log(f"resumed {a.family} at step {t.step} ({t.wall:.1f} min so far)")
    log(f"family {a.family}: generator {count_params(t.gen):,} params"
        + (f", critic {count_params(t.critic):,}" if t.critic else "") + f"; batch {a.batch} x {a.crop}^2")
    photos = data.load_train(limit=a.train_limit)
    telea_cache = None
    if a.dev_minutes > 0:
        telea_cache = devset.evaluate({"telea": devset.telea}, limit=a.dev_images)["telea"]
        log("dev telea " + " ".join(f"{b}:{v['psnr']:.2f}/{v['ssim']:.4f}" for b, v in telea_cache.items()))

    stop = {"flag": False}

    def on_signal(signum, frame):
        stop["flag"] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    start = last_ckpt = last_dev = last_tick = time.time()
    acc: dict[str, list[float]] = {k: [] for k in LOSS_NAMES}
    t.gen.train()
    while not stop["flag"]:
        if a.steps and t.step >= a.steps:
            break
        if a.minutes and time.time() - start >= a.minutes * 60:
            break
        image, mask = data.batch(t.rng, photos, a.batch, a.crop, aged=a.aged_frac)
        vals = t.train_step(image, mask)
        t.step += 1
        now = time.time()
        t.wall += (now - last_tick) / 60
        last_tick = now
        for k, v in vals.items():
            acc[k].append(v)
        if t.step % 25 == 0:
            row = {"step": t.step, "wallMinutes": round(t.wall, 2), **{k: float(np.mean(v)) for k, v in acc.items()}}
            t.history.append(row)
            acc = {k: [] for k in LOSS_NAMES}
            log(f"step {t.step} " + " ".join(f"{k} {row[k]:.4f}" for k in LOSS_NAMES))
        if a.dev_minutes > 0 and now - last_dev >= a.dev_minutes * 60:
            row = t.dev_score(telea_cache)
            log(f"dev step {t.step} " + " ".join(
                f"{b}:{v['psnr']:.2f}/{v['ssim']:.4f}(telea {telea_cache[b]['psnr']:.2f}/{telea_cache[b]['ssim']:.4f})"
                for b, v in row["model"].items()))
            last_dev = time.time()
        if now - last_ckpt >= a.ckpt_minutes * 60:
            t.save()
            last_ckpt = time.time()
    t.save()
    log(f"saved {ckpt} at step {t.step} ({t.wall:.1f} min in total)")


def forward_detector_if_asked() -> None:
    """--family detect-damage runs the detector's own trainer with the remaining arguments."""
    argv = sys.argv
    if "--family" in argv and argv.index("--family") + 1 < len(argv) and argv[argv.index("--family") + 1] == "detect-damage":
        i = argv.index("--family")
        sys.argv = [str(HERE / "train_detector.py")] + argv[1:i] + argv[i + 2 :]
        runpy.run_path(str(HERE / "train_detector.py"), run_name="__main__")
        sys.exit(0)


if __name__ == "__main__":
    forward_detector_if_asked()
    main()
