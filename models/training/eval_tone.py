"""Measure tone restoration on held-out photos aged by a measuring recipe, next to classical baselines.

  /usr/bin/python3 models/training/eval_tone.py --ckpt models/training/runs/tone/best.pt \
      --json models/training/runs/tone/eval.json [--recipe unseen] [--product] [--card models/cards/restore-tone.md]

Photos: the detector's held-out split (kintsugi_train/detector.py `split_train`: the last 40 of train/ and the
82 dev-eval photos, which training never sees), each aged with seed (--seed, i) by `tone_ageing.age_heldout`
(dye-density fading, light-struck gradients, off-centre vignettes: the recipe issue 15's bars are measured on;
`age_train` draws its fading from the same physical family with its own ranges) or, with --recipe unseen, by
`age_unseen` (shoulder loss of maximum density, highlight stain, mottling, flare, duotone prints: families no
training recipe draws from). Scores against the clean photo (its neutral grey version for grey/sepia-toned
prints; the clean toned print for the kept-sepia rows): PSNR and SSIM on 8-bit RGB (devset.py conventions) and mean CIEDE2000. In the same run: doing nothing,
per-channel auto-levels, grey-world + levels, grey-world + CLAHE; and on the clean photos themselves (how much
each method changes a photo that needs nothing). --product also runs the product CLI (`kintsugi batch --tone`
with all-black masks) on the same aged photos and scores what it wrote. --sheet writes before/after of the
real faded prints (../shared/data/real-damage/bopbtl-old, swinir-oldphoto*).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kintsugi_train.detector import DATA, read_rgb, split_train  # noqa: E402
from kintsugi_train.tone import ToneNet, apply_tone, predict_params  # noqa: E402
from kintsugi_train.tone_ageing import age_heldout, age_unseen  # noqa: E402
from kintsugi_train.tone_metrics import BASELINES, scores, to_u8  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CLI = REPO / "src-main" / "cli" / "bin.js"
REAL = sorted((DATA / "real-damage" / "bopbtl-old").glob("*.png")) + sorted((DATA / "real-damage").glob("swinir-oldphoto*.png"))
METRICS = ("psnr", "ssim", "ciede2000")
RECIPES = {"heldout": age_heldout, "unseen": age_unseen}


def mean_scores(rows: list[dict]) -> dict:
    return {k: round(float(np.mean([r[k] for r in rows])), 4) for k in METRICS} if rows else {}


def run_product(aged: list[np.ndarray], models_dir: Path | None) -> tuple[list[np.ndarray], float]:
    """`kintsugi batch IN --masks M --out OUT --tone` on the aged photos (PNG), all-black masks: tone only."""
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        for sub in ("in", "masks", "out"):
            (d / sub).mkdir()
        for i, a in enumerate(aged):
            cv2.imwrite(str(d / "in" / f"{i:03d}.png"), to_u8(a)[..., ::-1])
            cv2.imwrite(str(d / "masks" / f"{i:03d}.png"), np.zeros(a.shape[:2], np.uint8))
        cmd = ["node", str(CLI), "batch", str(d / "in"), "--masks", str(d / "masks"), "--out", str(d / "out"),
               "--tone", "--json", "--jobs", "1"]
        env = {**os.environ, **({"KINTSUGI_MODELS_DIR": str(models_dir.resolve())} if models_dir else {})}
        t = time.time()
        p = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, env=env)
        secs = time.time() - t
        if p.returncode != 0:
            raise SystemExit(f"product batch failed ({p.returncode}): {p.stderr.strip()[-2000:]}")
        outs = []
        for i in range(len(aged)):
            f = d / "out" / f"{i:03d}.png"
            im = cv2.imread(str(f), cv2.IMREAD_COLOR)
            if im is None:
                raise SystemExit(f"product wrote no {f.name}: {p.stdout[-2000:]}")
            outs.append(im[..., ::-1].astype(np.float32) / 255.0)
    return outs, secs


def label(img: np.ndarray, text: str) -> np.ndarray:
    out = img.copy()
    cv2.rectangle(out, (0, 0), (min(out.shape[1], 8 + 9 * len(text)), 20), (0, 0, 0), -1)
    cv2.putText(out, text, (4, 15), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (255, 255, 255), 1, cv2.LINE_AA)
    return out


def real_sheet(net: ToneNet, path: Path, height: int = 260) -> list[dict]:
    """Rows of [scan | model | model, sepia kept | grey-world+levels] for every real faded print; stats per photo."""
    rows, info = [], []
    for p in REAL:
        img = read_rgb(p)
        params = predict_params(net, img)
        neutral = apply_tone(img, params)
        sepia = apply_tone(img, params, keep_sepia=True)
        base = BASELINES["grey-world+levels"](img)
        mono = float(torch.sigmoid(params["mono_logit"])[0, 0])
        info.append({"photo": f"{p.parent.name}/{p.name}", "mono": round(mono, 3),
                     "meanChange": round(float(np.abs(neutral - img).mean() * 255), 2)})
        tiles = []
        for im, text in ((img, f"{p.name} scan"), (neutral, f"model (mono {mono:.2f})"), (sepia, "model, sepia kept"),
                         (base, "grey-world+levels")):
            h, w = im.shape[:2]
            t = cv2.resize(to_u8(im), (max(1, round(w * height / h)), height), interpolation=cv2.INTER_AREA)
            tiles.append(label(t, text))
        rows.append(np.hstack([np.pad(t, ((0, 0), (0, 4), (0, 0)), constant_values=255) for t in tiles]))
    width = max(r.shape[1] for r in rows)
    sheet = np.vstack([np.pad(r, ((0, 4), (0, width - r.shape[1]), (0, 0)), constant_values=255) for r in rows])
    path.parent.mkdir(parents=True, exist_ok=True)
    ext = path.suffix.lower()
    cv2.imwrite(str(path), sheet[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, 85] if ext in (".jpg", ".jpeg") else [])
    return info


def card_section(res: dict) -> str:
    s = res["summary"]
    def row(name: str, m: dict) -> str:
        return f"| {name} | {m['psnr']:.2f} | {m['ssim']:.4f} | {m['ciede2000']:.2f} |"
    lines = [f"Step {res['step']}, {res['images']} held-out photos aged by `age_{res['recipe']}` (seed {res['seed']}; "
             f"{res['monoImages']} grey/sepia-toned prints, {res['images'] - res['monoImages']} colour). "
             "Scores against the clean photo (neutral grey for toned prints).", "",
             "| method | PSNR | SSIM | CIEDE2000 |", "|---|---|---|---|"]
    for name in s["aged"]:
        lines.append(row(name, s["aged"][name]))
    lines += ["", "By kind (PSNR / CIEDE2000):", "", "| method | colour photos | toned prints |", "|---|---|---|"]
    for name in s["aged"]:
        c, m = s["colour"].get(name, {}), s["mono"].get(name, {})
        lines.append(f"| {name} | {c.get('psnr', 0):.2f} / {c.get('ciede2000', 0):.2f} | "
                     f"{m.get('psnr', 0):.2f} / {m.get('ciede2000', 0):.2f} |")
    lines += ["", f"Sepia kept (toned prints only, against the clean toned print):", "",
              "| method | PSNR | SSIM | CIEDE2000 |", "|---|---|---|---|"]
    for name, m in s["keepSepia"].items():
        lines.append(row(name, m))
    lines += ["", "Clean photos, not aged (how much a method changes a photo that needs nothing; higher PSNR = less):", "",
              "| method | PSNR | SSIM | CIEDE2000 |", "|---|---|---|---|"]
    for name, m in s["clean"].items():
        lines.append(row(name, m))
    lines += ["", "Must-show checks:", ""]
    for c in res["checks"]:
        lines.append(f"- {'PASS' if c['pass'] else 'FAIL'}: {c['item']} ({c['value']})")
    return "\n".join(lines)


def write_card(card: Path, section: str, recipe: str = "heldout") -> None:
    tag = "eval_tone" if recipe == "heldout" else f"eval_tone_{recipe}"
    text = card.read_text() if card.exists() else ""
    block = f"<!-- {tag}:begin -->\n{section}\n<!-- {tag}:end -->"
    if f"<!-- {tag}:begin -->" in text:
        text = re.sub(rf"<!-- {tag}:begin -->.*?<!-- {tag}:end -->", lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    card.write_text(text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ckpt", type=Path, default=HERE / "runs" / "tone" / "best.pt")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--recipe", choices=list(RECIPES), default="heldout",
                    help="heldout: the measuring recipe of issue 15's bars; unseen: a second one whose families no "
                         "training recipe draws from (the card's second table)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N held-out photos (quick look)")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--product", action="store_true", help="also score the product CLI (kintsugi batch --tone)")
    ap.add_argument("--models-dir", type=Path, help="models folder for --product (default: the CLI's)")
    ap.add_argument("--sheet", type=Path, help="contact sheet of the real faded prints (PNG or JPEG)")
    ap.add_argument("--card", type=Path, help="write the scores into this card between eval_tone markers")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    cv2.setNumThreads(args.threads)

    ck = torch.load(args.ckpt, map_location="cpu")
    net = ToneNet(width=ck.get("state", {}).get("width", 1))
    net.load_state_dict(ck["model"])
    net.eval()
    step = ck.get("state", {}).get("step")

    _, held = split_train()
    if args.limit:
        held = held[: args.limit]
    methods = ["nothing", *BASELINES, "model"]
    per: dict[str, list[dict]] = {m: [] for m in methods}
    keep_rows: dict[str, list[dict]] = {"nothing": [], "model, sepia kept": [], "model (neutral)": []}
    clean_rows: dict[str, list[dict]] = {m: [] for m in methods}
    monos, aged_all, targets = [], [], []
    t_model = 0.0
    for i, p in enumerate(held):
        clean = read_rgb(p)
        aged, target, keep, mono = RECIPES[args.recipe](np.random.default_rng([args.seed, i]), clean)
        aged = to_u8(aged).astype(np.float32) / 255.0  # what a scan file holds
        monos.append(mono)
        aged_all.append(aged)
        targets.append(target)
        t = time.time()
        params = predict_params(net, aged)
        out = apply_tone(aged, params)
        t_model += time.time() - t
        results = {"nothing": aged, **{n: f(aged) for n, f in BASELINES.items()}, "model": out}
        tu8 = to_u8(target)
        for n, r in results.items():
            per[n].append({**scores(tu8, to_u8(r)), "mono": mono})
        if mono:
            ku8 = to_u8(keep)
            keep_rows["nothing"].append(scores(ku8, to_u8(aged)))
            keep_rows["model, sepia kept"].append(scores(ku8, to_u8(apply_tone(aged, params, keep_sepia=True))))
            keep_rows["model (neutral)"].append(scores(ku8, to_u8(out)))
        cu8 = to_u8(clean)
        clean_in = cu8.astype(np.float32) / 255.0
        cleaned = {"nothing": clean_in, **{n: f(clean_in) for n, f in BASELINES.items()},
                   "model": apply_tone(clean_in, predict_params(net, clean_in))}
        for n, r in cleaned.items():
            clean_rows[n].append(scores(cu8, to_u8(r)))
        if (i + 1) % 20 == 0:
            print(f"{i + 1}/{len(held)} model {np.mean([r['psnr'] for r in per['model']]):.2f} dB, "
                  f"nothing {np.mean([r['psnr'] for r in per['nothing']]):.2f} dB", flush=True)

    product_secs = None
    if args.product:
        outs, product_secs = run_product(aged_all, args.models_dir)
        per["product (kintsugi batch --tone)"] = [
            {**scores(to_u8(t), to_u8(o)), "mono": m} for t, o, m in zip(targets, outs, monos)]

    summary = {
        "aged": {n: mean_scores(rows) for n, rows in per.items()},
        "colour": {n: mean_scores([r for r in rows if not r["mono"]]) for n, rows in per.items()},
        "mono": {n: mean_scores([r for r in rows if r["mono"]]) for n, rows in per.items()},
        "keepSepia": {n: mean_scores(rows) for n, rows in keep_rows.items()},
        "clean": {n: mean_scores(rows) for n, rows in clean_rows.items()},
    }
    aged_s = summary["aged"]
    best_base = max(BASELINES, key=lambda n: aged_s[n]["psnr"])
    checks = [
        {"item": f"PSNR >= 3 dB above the best classical baseline ({best_base})",
         "value": f"{aged_s['model']['psnr'] - aged_s[best_base]['psnr']:+.2f} dB",
         "pass": aged_s["model"]["psnr"] - aged_s[best_base]["psnr"] >= 3.0},
        {"item": "mean CIEDE2000 at most half of doing nothing's",
         "value": f"{aged_s['model']['ciede2000']:.2f} vs {aged_s['nothing']['ciede2000']:.2f}",
         "pass": aged_s["model"]["ciede2000"] <= 0.5 * aged_s["nothing"]["ciede2000"]},
        {"item": "clean photos: mean PSNR of the model's output against the photo >= 30 dB and CIEDE2000 <= 2",
         "value": f"{summary['clean']['model']['psnr']:.2f} dB, {summary['clean']['model']['ciede2000']:.2f}",
         "pass": summary["clean"]["model"]["psnr"] >= 30 and summary["clean"]["model"]["ciede2000"] <= 2},
    ]
    res = {"step": step, "recipe": args.recipe, "seed": args.seed, "images": len(held), "monoImages": int(sum(monos)), "summary": summary,
           "checks": checks, "modelSecondsPerPhoto": round(t_model / len(held), 4),
           **({"productBatchSeconds": round(product_secs, 1)} if product_secs is not None else {})}
    if args.sheet:
        res["real"] = real_sheet(net, args.sheet)
        print(f"wrote {args.sheet}")
    print(card_section(res))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(res, indent=2) + "\n")
    if args.card:
        write_card(args.card, card_section(res), args.recipe)


if __name__ == "__main__":
    main()
