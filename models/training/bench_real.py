"""Real-damage benchmark: what a user gets from the product CLI on real scans (issue 11, item 1).

  /usr/bin/python3 models/training/bench_real.py [--models-dir DIR] [--json PATH] [--card PATH]

Runs the product itself (`node src-main/cli/bin.js detect|restore`, default settings, i.e. the auto-detected
mask, with `--models-dir` passed through so a candidate detector can be measured before it ships) on the real
scans of ../shared/data and scores what comes out:

a) Detection on real-damage-labelled/ (film-velvia50_0: damaged.jpg vs mask.png; iopaint-old_photo:
   real-damage/iopaint-old_photo.jpg vs real-damage-labelled/iopaint-old_photo/mask.png): precision, recall
   and F1 with a 2 px tolerance (a marked pixel is correct when a label pixel lies within 2 px, Euclidean; a
   label pixel is found when a marked pixel lies within 2 px) and strict pixel F1. Compared at the label's
   resolution: when the label is smaller than the scan, the detected mask is resized to it with INTER_AREA
   and kept where >= 0.5. For iopaint, the share of the largest label component (the torn patch) that is
   marked ("whole" when >= 95 %).
b) Clean real scans as negatives (restored-by-hand.jpg, iopaint-old_photo_clean.jpg, bopbtl-old/*.png):
   the share of pixels marked on each; the same share on the unlabelled damaged scans, for information.
c) Whole restore on the two labelled scans, at the scan's resolution (a smaller label is upscaled with
   nearest), for: doing nothing, the auto restore (CLI restore, no mask), OpenCV Telea (radius 3) with the
   true mask, and the CLI restore with the true mask (--mask). Every image is compared with the scan *as the
   product decodes it* (a CLI restore with an empty mask, which copies the input), so decoder differences
   never count as changes. Outputs are written as PNG (lossless), so JPEG re-encoding is not counted either.
   - damage left: share of label pixels whose value is unchanged (max over RGB of |out - damaged| < 10);
   - changed outside: share of the pixels outside the label dilated by 2 px that changed (> 2 levels in
     some channel);
   - PSNR near the damage: RGB PSNR against the reference (restored-by-hand.jpg; iopaint-old_photo_clean.jpg)
     over the label dilated by 8 px.
d) Overlays of every scan to models/cards/detect-overlays/<name>.png (for another --models-dir: to
   $TMPDIR/bench_real-overlays unless --overlays says otherwise; longest side <= 1024; small scans are
   enlarged x2 or x3 with nearest so the marks can be seen). Unlabelled and clean scans: red = marked.
   Labelled scans: yellow = marked and within 2 px of labelled damage, red = marked where no damage is
   labelled (false mark), cyan = labelled damage missed (no mark within 2 px). The *.png files in that folder
   belong to this script (it deletes the ones it did not write this run); the *.jpg there are eval_detector.py's.

Prints a table; --json writes every number; --card writes/replaces the "## Real-damage benchmark" section of
a model card between <!-- bench_real:begin --> and <!-- bench_real:end --> (ahead of the synthetic scores).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

# The measures, the overlays and the report (table, must-show checks, card section) are modules of their own; this
# script runs the CLI on the scans and puts them together. disk, CARD_BEGIN and CARD_END are imported here too so
# tests/test_bench_real.py keeps reaching everything as bench_real.X.
from kintsugi_train.bench_real_metrics import (CHANGED_LEVELS, LEFT_LEVELS, NEAR_GROW_PX, OUTSIDE_GROW_PX, TOL_PX,
                                               WHOLE_SHARE, changed_share, channel_delta, disk, grow, largest_component,
                                               left_share, marked_share, psnr, strict_prf, to_label_resolution,
                                               tolerant_prf)
from kintsugi_train.bench_real_overlay import overlay_png
from kintsugi_train.bench_real_report import CARD_BEGIN, CARD_END, card_section, must_show, table, write_card

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DATA = REPO.parent / "shared" / "data"
CLI = REPO / "src-main" / "cli" / "bin.js"
OVERLAY_DIR = REPO / "models" / "cards" / "detect-overlays"


# ---------------------------------------------------------------- the scans

@dataclass
class Scan:
    name: str           # overlay / table name
    image: Path
    kind: str           # "labelled" | "clean" | "damaged"
    label: Path | None = None
    reference: Path | None = None


def scans() -> list[Scan]:
    lab, real = DATA / "real-damage-labelled", DATA / "real-damage"
    out = [
        Scan("film-velvia50_0", lab / "film-velvia50_0" / "damaged.jpg", "labelled",
             lab / "film-velvia50_0" / "mask.png", lab / "film-velvia50_0" / "restored-by-hand.jpg"),
        Scan("iopaint-old_photo", real / "iopaint-old_photo.jpg", "labelled",
             lab / "iopaint-old_photo" / "mask.png", real / "iopaint-old_photo_clean.jpg"),
        Scan("film-velvia50_0-restored-by-hand", lab / "film-velvia50_0" / "restored-by-hand.jpg", "clean"),
        Scan("iopaint-old_photo_clean", real / "iopaint-old_photo_clean.jpg", "clean"),
    ]
    out += [Scan(f"bopbtl-old-{p.stem}", p, "clean") for p in sorted((real / "bopbtl-old").glob("*.png"))]
    out += [Scan(f"bopbtl-scratched-{p.stem}", p, "damaged") for p in sorted((real / "bopbtl-scratched").glob("*.png"))]
    out += [Scan(p.stem, p, "damaged") for p in sorted(real.glob("swinir-*.png"))]
    return out


def read_rgb(path: Path) -> np.ndarray:
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if img is None:
        raise SystemExit(f"bench_real: cannot read {path}")
    return np.ascontiguousarray(img[..., ::-1])


def read_mask(path: Path) -> np.ndarray:
    m = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    if m is None:
        raise SystemExit(f"bench_real: cannot read {path}")
    return m > 127


# ---------------------------------------------------------------- the product CLI

class Cli:
    def __init__(self, models_dir: Path | None, threshold: str | None, log: list):
        self.models_dir, self.threshold, self.log = models_dir, threshold, log

    def run(self, args: list[str]) -> dict:
        cmd = ["node", str(CLI), *args, "--json"]
        if self.models_dir:
            cmd += ["--models-dir", str(self.models_dir)]
        t0 = time.time()
        p = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
        line = (p.stdout.strip().splitlines() or [""])[-1]
        try:
            res = json.loads(line)
        except json.JSONDecodeError:
            res = {"ok": False}
        if p.returncode != 0 or not res.get("ok"):
            raise SystemExit(f"bench_real: {' '.join(cmd)} failed (rc {p.returncode}):\n{p.stdout}\n{p.stderr}")
        self.log.append({"args": [Path(a).name if "/" in a else a for a in args], "seconds": round(time.time() - t0, 1)})
        return res

    def detect(self, image: Path, out: Path, suggestions: Path) -> dict:
        extra = ["--threshold", self.threshold] if self.threshold else []
        return self.run(["detect", str(image), "--out", str(out), "--suggestions", str(suggestions), *extra])

    def restore(self, image: Path, out: Path, mask: Path | None = None, save_mask: Path | None = None) -> dict:
        extra = ["--mask", str(mask)] if mask else (["--threshold", self.threshold] if self.threshold else [])
        if save_mask:
            extra += ["--save-mask", str(save_mask)]
        return self.run(["restore", str(image), "--out", str(out), *extra])


# ---------------------------------------------------------------- the benchmark

def shown_path(p: Path) -> str:
    """A path relative to the repository when inside it (so the card and JSON carry no machine paths)."""
    try:
        return str(Path(p).resolve().relative_to(REPO))
    except ValueError:
        return str(p)


def bench(args) -> dict:
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="bench_real-"))
    work.mkdir(parents=True, exist_ok=True)
    log: list = []
    cli = Cli(args.models_dir, args.threshold, log)
    all_scans = scans()
    t0 = time.time()

    # 1) every CLI call, independent of each other: detect on every scan; for the labelled ones the auto
    #    restore, the restore with the true mask (at scan size), and the product's decoding (empty mask).
    jobs = []
    det_path = {s.name: work / f"{s.name}.detect.png" for s in all_scans}
    sugg_path = {s.name: work / f"{s.name}.suggestions.png" for s in all_scans}
    for s in all_scans:
        jobs.append(lambda s=s: cli.detect(s.image, det_path[s.name], sugg_path[s.name]))
    labelled = [s for s in all_scans if s.kind == "labelled"]
    prep = {}
    for s in labelled:
        img = read_rgb(s.image)
        h, w = img.shape[:2]
        label_small = read_mask(s.label)
        label_full = label_small if label_small.shape == (h, w) else \
            cv2.resize(label_small.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST) > 0
        true_mask = work / f"{s.name}.true-mask.png"
        empty_mask = work / f"{s.name}.empty-mask.png"
        cv2.imwrite(str(true_mask), label_full.astype(np.uint8) * 255)
        cv2.imwrite(str(empty_mask), np.zeros((h, w), np.uint8))
        prep[s.name] = (label_small, label_full)
        jobs.append(lambda s=s, m=empty_mask: cli.restore(s.image, work / f"{s.name}.nothing.png", mask=m))
        jobs.append(lambda s=s: cli.restore(s.image, work / f"{s.name}.auto.png",
                                            save_mask=work / f"{s.name}.auto-mask.png"))
        jobs.append(lambda s=s, m=true_mask: cli.restore(s.image, work / f"{s.name}.true.png", mask=m))
    # clean scans: the mask an unattended restore uses (restore without a mask: the detector's conservative
    # operating point), next to the review proposal `detect` gives
    clean = [s for s in all_scans if s.kind == "clean"]
    for s in clean:
        jobs.append(lambda s=s: cli.restore(s.image, work / f"{s.name}.auto.png",
                                            save_mask=work / f"{s.name}.auto-mask.png"))
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda f: f(), jobs))
    det_json = {s.name: r for s, r in zip(all_scans, results[:len(all_scans)])}
    cli_seconds = round(time.time() - t0, 1)

    out: dict = {
        "modelsDir": shown_path(args.models_dir or REPO / "models"),
        "threshold": args.threshold or "model default",
        "detector": det_json[all_scans[0].name].get("modelId"),
        # the CLI hands grey and toned prints to the default detector's model for old prints, when it has one
        "detectorByScan": {name: r.get("modelId") for name, r in det_json.items()},
        "settings": {"tolerancePx": TOL_PX, "leftBelowLevels": LEFT_LEVELS, "changedAboveLevels": CHANGED_LEVELS,
                     "outsideGrowPx": OUTSIDE_GROW_PX, "nearGrowPx": NEAR_GROW_PX, "wholeShare": WHOLE_SHARE},
        "detection": {}, "negatives": {}, "damagedUnlabelled": {}, "restore": {},
    }
    manifest = Path(args.models_dir or REPO / "models") / "manifest.json"
    try:
        models = json.loads(manifest.read_text())["models"]
        entry = next(m for m in models if m["id"] == out["detector"])
        out["heldOutSyntheticF1"] = entry.get("scores", {}).get("heldOut", {}).get("f1")
        prints = next((m for m in models if m["id"] == entry.get("prints")), None)
        if prints is not None:  # its held-out score is the routed one: the prints to it, the rest to `entry`
            out["heldOutSyntheticF1"] = prints.get("scores", {}).get("heldOut", {}).get("f1")
            out["heldOutRouted"] = True
        out["detectorThreshold"] = entry.get("postprocess", {}).get("threshold")
    except (OSError, StopIteration, KeyError, json.JSONDecodeError):
        out["heldOutSyntheticF1"] = None

    overlays: dict[str, np.ndarray] = {}
    for s in all_scans:
        img = read_rgb(s.image)
        det = read_mask(det_path[s.name])
        if det.shape != img.shape[:2]:
            raise SystemExit(f"bench_real: {s.name}: detected mask {det.shape} vs scan {img.shape[:2]}")
        share = marked_share(det)
        sugg = read_mask(sugg_path[s.name])
        if s.kind == "labelled":
            label_small, label_full = prep[s.name]
            pred = to_label_resolution(det, label_small.shape)
            both = to_label_resolution(det | sugg, label_small.shape)
            d = {"scanSize": [img.shape[1], img.shape[0]], "labelSize": [label_small.shape[1], label_small.shape[0]],
                 "labelShare": float(label_small.mean()), "markedShare": share, "suggestedShare": marked_share(sugg),
                 "tolerant": tolerant_prf(pred, label_small), "strict": strict_prf(pred, label_small),
                 "withSuggestions": tolerant_prf(both, label_small)}
            if s.name == "iopaint-old_photo":
                patch = largest_component(label_small)
                d["tornPatch"] = {"pixels": int(patch.sum()), "markedShare": marked_share(pred, patch)}
                d["tornPatch"]["whole"] = d["tornPatch"]["markedShare"] >= WHOLE_SHARE
            out["detection"][s.name] = d
            overlays[s.name] = overlay_png(img, det, label_full, sugg)
        else:
            entry = {"markedShare": share, "suggestedShare": marked_share(sugg)}
            if s.kind == "clean":
                entry["autoMarkedShare"] = marked_share(read_mask(work / f"{s.name}.auto-mask.png"))
            (out["negatives"] if s.kind == "clean" else out["damagedUnlabelled"])[s.name] = entry
            overlays[s.name] = overlay_png(img, det, None, sugg)

    # 2) the restores
    for s in labelled:
        _, label = prep[s.name]
        before = read_rgb(work / f"{s.name}.nothing.png")
        ref = read_rgb(s.reference)
        if ref.shape != before.shape:
            raise SystemExit(f"bench_real: {s.name}: reference {ref.shape} vs scan {before.shape}")
        outside = ~grow(label, OUTSIDE_GROW_PX)
        near = grow(label, NEAR_GROW_PX)
        decode_delta = int(channel_delta(before, read_rgb(s.image)).max())
        telea = cv2.inpaint(np.ascontiguousarray(before[..., ::-1]), label.astype(np.uint8) * 255, 3,
                            cv2.INPAINT_TELEA)[..., ::-1]
        variants = {"nothing": before, "auto": read_rgb(work / f"{s.name}.auto.png"),
                    "teleaTrueMask": telea, "productTrueMask": read_rgb(work / f"{s.name}.true.png")}
        r = {"cvVsProductDecodeMaxDelta": decode_delta,
             "autoMaskShare": marked_share(read_mask(work / f"{s.name}.auto-mask.png")),
             "autoMaskSameAsDetect": bool(np.array_equal(read_mask(work / f"{s.name}.auto-mask.png"),
                                                         read_mask(det_path[s.name]))),
             "variants": {}}
        for k, v in variants.items():
            r["variants"][k] = {"damageLeft": left_share(v, before, label),
                                "changedOutside": changed_share(v, before, outside),
                                "psnrNear": psnr(v, ref, near),
                                "psnrWhole": psnr(v, ref, np.ones(label.shape, bool))}
        out["restore"][s.name] = r

    # 3) overlays: this script owns the *.png of the folder
    if not args.no_overlays:
        od = Path(args.overlays)
        od.mkdir(parents=True, exist_ok=True)
        for name, rgb in overlays.items():
            cv2.imwrite(str(od / f"{name}.png"), rgb[..., ::-1], [cv2.IMWRITE_PNG_COMPRESSION, 9])
        for stale in od.glob("*.png"):
            if stale.stem not in overlays:
                stale.unlink()
        out["overlays"] = shown_path(od)

    out["checks"] = must_show(out)
    out["seconds"] = {"cli": cli_seconds, "total": round(time.time() - t0, 1), "calls": log}
    if not args.work and not args.keep_work:
        for p in work.iterdir():
            p.unlink()
        work.rmdir()
    else:
        out["workDir"] = str(work)
    return out

def _json_safe(x):
    if isinstance(x, float) and (math.isinf(x) or math.isnan(x)):
        return None if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if isinstance(x, dict):
        return {k: _json_safe(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_json_safe(v) for v in x]
    return x


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models-dir", type=Path, default=None,
                    help="models folder with a manifest.json, passed to the CLI (default: the repo's models/)")
    ap.add_argument("--threshold", default=None, help="detection threshold passed to the CLI (default: the model's own)")
    ap.add_argument("--json", type=Path, default=None, help="write every number here")
    ap.add_argument("--card", type=Path, default=None, help="write/replace the benchmark section of this model card")
    ap.add_argument("--overlays", type=Path, default=None,
                    help="overlay folder (default: models/cards/detect-overlays for the repo's models/, else a "
                         "temporary folder, so a candidate never overwrites the shipped model's overlays)")
    ap.add_argument("--no-overlays", action="store_true")
    ap.add_argument("--jobs", type=int, default=2, help="CLI calls run at once")
    ap.add_argument("--work", default=None, help="keep the CLI outputs in this folder (default: a temporary one)")
    ap.add_argument("--keep-work", action="store_true", help="keep the temporary folder and print its path")
    args = ap.parse_args()
    if args.models_dir is not None:
        args.models_dir = args.models_dir.resolve()
        if args.models_dir == (REPO / "models").resolve():
            args.models_dir = None
    if args.overlays is None:
        args.overlays = OVERLAY_DIR if args.models_dir is None else Path(tempfile.gettempdir()) / "bench_real-overlays"
    if not (args.models_dir or REPO / "models").joinpath("manifest.json").exists():
        raise SystemExit(f"bench_real: no manifest.json in {args.models_dir}")
    cv2.setNumThreads(1)
    r = bench(args)
    print(table(r))
    print(f"\n({r['seconds']['total']} s; overlays: {r.get('overlays', 'not written')})")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(_json_safe(r), indent=2) + "\n")
    if args.card:
        cmd = "/usr/bin/python3 models/training/bench_real.py" + \
              (f" --models-dir {os.path.relpath(args.models_dir, REPO)}" if args.models_dir else "") + \
              (f" --threshold {args.threshold}" if args.threshold else "")
        write_card(args.card, card_section(r, cmd))


if __name__ == "__main__":
    main()
