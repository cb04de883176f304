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

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DATA = REPO.parent / "shared" / "data"
CLI = REPO / "src-main" / "cli" / "bin.js"
OVERLAY_DIR = REPO / "models" / "cards" / "detect-overlays"
CARD_BEGIN = "<!-- bench_real:begin -->"
CARD_END = "<!-- bench_real:end -->"

TOL_PX = 2              # tolerance of the tolerant P/R/F1
LEFT_LEVELS = 10        # a label pixel is "left" when its value moved less than this (max over RGB)
CHANGED_LEVELS = 2      # a pixel is "changed" when it moved more than this in some channel
OUTSIDE_GROW_PX = 2     # "outside the damage" = outside the label dilated by this
NEAR_GROW_PX = 8        # "near the damage" = inside the label dilated by this
WHOLE_SHARE = 0.95      # the torn patch counts as marked whole from this share on

# Must-show targets of issue 11
TARGETS = {"velvia_f1": 0.6, "iopaint_f1": 0.75, "clean_max_share": 0.003, "outside_changed_max": 0.005}


# ---------------------------------------------------------------- pure metric functions (unit-tested)

def disk(radius: int) -> np.ndarray:
    """Structuring element of the pixels within `radius` px (Euclidean) of the centre."""
    r = int(radius)
    y, x = np.mgrid[-r:r + 1, -r:r + 1]
    return (x * x + y * y <= r * r).astype(np.uint8)


def grow(mask: np.ndarray, radius: int) -> np.ndarray:
    """Boolean mask dilated by a disk of `radius` px."""
    m = np.asarray(mask).astype(bool)
    if radius <= 0:
        return m.copy()
    return cv2.dilate(m.astype(np.uint8), disk(radius)) > 0


def _prf(tp_p: int, n_p: int, tp_r: int, n_r: int) -> dict:
    # Nothing marked: precision is vacuously 1 (no false mark); nothing labelled: recall is vacuously 1.
    p = tp_p / n_p if n_p else 1.0
    r = tp_r / n_r if n_r else 1.0
    f1 = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return {"precision": p, "recall": r, "f1": f1, "marked": int(n_p), "labelled": int(n_r)}


def tolerant_prf(pred: np.ndarray, label: np.ndarray, tol: int = TOL_PX) -> dict:
    """Precision: share of marked pixels with a label pixel within `tol` px; recall: share of label pixels
    with a marked pixel within `tol` px; F1 from the two."""
    pred, label = np.asarray(pred).astype(bool), np.asarray(label).astype(bool)
    tp_p = int(np.count_nonzero(pred & grow(label, tol)))
    tp_r = int(np.count_nonzero(label & grow(pred, tol)))
    return _prf(tp_p, int(pred.sum()), tp_r, int(label.sum()))


def strict_prf(pred: np.ndarray, label: np.ndarray) -> dict:
    """Pixel-exact precision, recall and F1."""
    pred, label = np.asarray(pred).astype(bool), np.asarray(label).astype(bool)
    tp = int(np.count_nonzero(pred & label))
    return _prf(tp, int(pred.sum()), tp, int(label.sum()))


def to_label_resolution(pred: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """A detected mask at another resolution brought to the label's: INTER_AREA, then >= 0.5."""
    pred = np.asarray(pred).astype(bool)
    if pred.shape[:2] == tuple(shape[:2]):
        return pred
    small = cv2.resize(pred.astype(np.float32), (shape[1], shape[0]), interpolation=cv2.INTER_AREA)
    return small >= 0.5


def largest_component(mask: np.ndarray) -> np.ndarray:
    """The largest 8-connected component of a boolean mask (all False when the mask is empty)."""
    m = np.asarray(mask).astype(np.uint8)
    n, lab, stats, _ = cv2.connectedComponentsWithStats(m, connectivity=8)
    if n <= 1:
        return np.zeros(m.shape, bool)
    k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    return lab == k


def marked_share(mask: np.ndarray, region: np.ndarray | None = None) -> float:
    """Share of the pixels (of `region`, else of the whole image) that are marked."""
    m = np.asarray(mask).astype(bool)
    if region is None:
        return float(m.mean()) if m.size else 0.0
    region = np.asarray(region).astype(bool)
    n = int(region.sum())
    return float(np.count_nonzero(m & region)) / n if n else 0.0


def channel_delta(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per pixel, the largest absolute difference over the channels (uint8 images)."""
    d = np.abs(np.asarray(a).astype(np.int16) - np.asarray(b).astype(np.int16))
    return d.max(axis=2) if d.ndim == 3 else d


def changed_share(out: np.ndarray, before: np.ndarray, region: np.ndarray, levels: int = CHANGED_LEVELS) -> float:
    """Share of `region`'s pixels where some channel moved by more than `levels`."""
    return marked_share(channel_delta(out, before) > levels, region)


def left_share(out: np.ndarray, before: np.ndarray, label: np.ndarray, levels: int = LEFT_LEVELS) -> float:
    """Share of the label's pixels left as they were: every channel moved by less than `levels`."""
    return marked_share(channel_delta(out, before) < levels, label)


def psnr(a: np.ndarray, b: np.ndarray, region: np.ndarray) -> float:
    """PSNR (peak 255) over all channels of the pixels in `region`; inf when identical there."""
    sel = np.asarray(region).astype(bool)
    if not sel.any():
        return float("nan")
    d = np.asarray(a).astype(np.float64)[sel] - np.asarray(b).astype(np.float64)[sel]
    mse = float(np.mean(d * d))
    return float("inf") if mse == 0 else 10 * math.log10(255.0 ** 2 / mse)


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

    def detect(self, image: Path, out: Path) -> dict:
        extra = ["--threshold", self.threshold] if self.threshold else []
        return self.run(["detect", str(image), "--out", str(out), *extra])

    def restore(self, image: Path, out: Path, mask: Path | None = None, save_mask: Path | None = None) -> dict:
        extra = ["--mask", str(mask)] if mask else (["--threshold", self.threshold] if self.threshold else [])
        if save_mask:
            extra += ["--save-mask", str(save_mask)]
        return self.run(["restore", str(image), "--out", str(out), *extra])


# ---------------------------------------------------------------- overlays

def overlay_png(img: np.ndarray, marked: np.ndarray, label: np.ndarray | None, max_side: int = 1024) -> np.ndarray:
    """RGB uint8 overlay; see the module docstring for the colours. `label` must be at img's resolution."""
    h, w = marked.shape
    long = max(h, w)
    if long > max_side:
        s = max_side / long
    elif long <= 256:
        s = 3.0
    elif long <= 512:
        s = 2.0
    else:
        s = 1.0
    size = (max(1, round(w * s)), max(1, round(h * s)))

    def fit_mask(m: np.ndarray) -> np.ndarray:
        if s == 1.0:
            return m.astype(bool)
        if s < 1:  # keep thin marks visible when shrinking: any coverage counts
            return cv2.resize(m.astype(np.float32), size, interpolation=cv2.INTER_AREA) > 0
        return cv2.resize(m.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0

    photo = img if s == 1.0 else cv2.resize(img, size, interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_NEAREST)
    out = photo.astype(np.float32)
    marked = marked.astype(bool)
    layers: list[tuple[np.ndarray, tuple[int, int, int]]]
    if label is None:
        layers = [(marked, (255, 0, 0))]
    else:
        label = label.astype(bool)
        hit = marked & grow(label, TOL_PX)
        layers = [(marked & ~hit, (255, 0, 0)), (hit, (255, 230, 0)), (label & ~grow(marked, TOL_PX), (0, 230, 255))]
    for m, colour in layers:
        sel = fit_mask(m)
        out[sel] = 0.3 * out[sel] + 0.7 * np.array(colour, np.float32)
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


# ---------------------------------------------------------------- the benchmark

def shown_path(p: Path) -> str:
    """A path relative to the repository when inside it (so the card and JSON carry no machine paths)."""
    try:
        return str(Path(p).resolve().relative_to(REPO))
    except ValueError:
        return str(p)


def fmt_pct(x: float, digits: int = 2) -> str:
    return f"{100 * x:.{digits}f} %"


def fmt_db(x: float) -> str:
    return "inf" if math.isinf(x) else f"{x:.2f}"


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
    for s in all_scans:
        jobs.append(lambda s=s: cli.detect(s.image, det_path[s.name]))
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
        "settings": {"tolerancePx": TOL_PX, "leftBelowLevels": LEFT_LEVELS, "changedAboveLevels": CHANGED_LEVELS,
                     "outsideGrowPx": OUTSIDE_GROW_PX, "nearGrowPx": NEAR_GROW_PX, "wholeShare": WHOLE_SHARE},
        "detection": {}, "negatives": {}, "damagedUnlabelled": {}, "restore": {},
    }
    manifest = Path(args.models_dir or REPO / "models") / "manifest.json"
    try:
        entry = next(m for m in json.loads(manifest.read_text())["models"] if m["id"] == out["detector"])
        out["heldOutSyntheticF1"] = entry.get("scores", {}).get("heldOut", {}).get("f1")
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
        if s.kind == "labelled":
            label_small, label_full = prep[s.name]
            pred = to_label_resolution(det, label_small.shape)
            d = {"scanSize": [img.shape[1], img.shape[0]], "labelSize": [label_small.shape[1], label_small.shape[0]],
                 "labelShare": float(label_small.mean()), "markedShare": share,
                 "tolerant": tolerant_prf(pred, label_small), "strict": strict_prf(pred, label_small)}
            if s.name == "iopaint-old_photo":
                patch = largest_component(label_small)
                d["tornPatch"] = {"pixels": int(patch.sum()), "markedShare": marked_share(pred, patch)}
                d["tornPatch"]["whole"] = d["tornPatch"]["markedShare"] >= WHOLE_SHARE
            out["detection"][s.name] = d
            overlays[s.name] = overlay_png(img, det, label_full)
        else:
            entry = {"markedShare": share}
            if s.kind == "clean":
                entry["autoMarkedShare"] = marked_share(read_mask(work / f"{s.name}.auto-mask.png"))
            (out["negatives"] if s.kind == "clean" else out["damagedUnlabelled"])[s.name] = entry
            overlays[s.name] = overlay_png(img, det, None)

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


def must_show(r: dict) -> list[dict]:
    """Issue 11's measurable must-show items, each with its value and whether it is met."""
    c = []
    v, i = r["detection"]["film-velvia50_0"], r["detection"]["iopaint-old_photo"]
    c.append({"item": "film-velvia50_0: 2-px F1 >= 0.6", "value": round(v["tolerant"]["f1"], 3),
              "met": v["tolerant"]["f1"] >= TARGETS["velvia_f1"]})
    c.append({"item": "iopaint-old_photo: 2-px F1 >= 0.75", "value": round(i["tolerant"]["f1"], 3),
              "met": i["tolerant"]["f1"] >= TARGETS["iopaint_f1"]})
    c.append({"item": f"iopaint-old_photo: torn patch marked whole (>= {WHOLE_SHARE:.0%})",
              "value": round(i["tornPatch"]["markedShare"], 3), "met": i["tornPatch"]["whole"]})
    worst = max(r["negatives"].items(), key=lambda kv: kv[1]["markedShare"])
    c.append({"item": "every clean real scan: <= 0.3 % marked (review proposal, `kintsugi detect`)",
              "value": f"worst {worst[0]} {fmt_pct(worst[1]['markedShare'])}",
              "met": worst[1]["markedShare"] <= TARGETS["clean_max_share"]})
    worst = max(r["negatives"].items(), key=lambda kv: kv[1].get("autoMarkedShare", 0.0))
    c.append({"item": "every clean real scan: <= 0.3 % marked (unattended: restore without a mask)",
              "value": f"worst {worst[0]} {fmt_pct(worst[1].get('autoMarkedShare', 0.0))}",
              "met": worst[1].get("autoMarkedShare", 0.0) <= TARGETS["clean_max_share"]})
    for name, rr in r["restore"].items():
        a, n = rr["variants"]["auto"], rr["variants"]["nothing"]
        c.append({"item": f"{name}: auto restore PSNR near the damage above doing nothing",
                  "value": f"{fmt_db(a['psnrNear'])} vs {fmt_db(n['psnrNear'])} dB", "met": a["psnrNear"] > n["psnrNear"]})
        c.append({"item": f"{name}: auto restore changes <= 0.5 % outside the damage",
                  "value": fmt_pct(a["changedOutside"]), "met": a["changedOutside"] <= TARGETS["outside_changed_max"]})
    f1 = r.get("heldOutSyntheticF1")
    # the card states the bar as 0.745, the shipped model's 0.7445 rounded: compare at that precision
    c.append({"item": "held-out synthetic F1 >= 0.745 (from the manifest, not measured here)", "value": f1,
              "met": None if f1 is None else round(f1, 3) >= 0.745})
    c.append({"item": "bopbtl-scratched/b collar and sleeve unmarked; bopbtl-scratched/d cracks across both faces "
                      "marked (no labels: look at the overlays)", "value": None, "met": None})
    return c


# ---------------------------------------------------------------- report

def table(r: dict) -> str:
    L = []
    L.append(f"Detector: {r['detector']} (threshold: {r['threshold']}"
             + (f", its own {r.get('detectorThreshold')}" if r["threshold"] == "model default" else "")
             + f"; models folder {r['modelsDir']})")
    L.append("")
    L.append("**Detection on labelled real damage** (2-px tolerance; strict = pixel-exact; compared at the label's resolution)")
    L.append("")
    L.append("| scan | labelled | marked | P (2 px) | R (2 px) | F1 (2 px) | strict P | strict R | strict F1 |")
    L.append("|---|---|---|---|---|---|---|---|---|")
    for name, d in r["detection"].items():
        t, s = d["tolerant"], d["strict"]
        L.append(f"| {name} | {fmt_pct(d['labelShare'], 3)} | {fmt_pct(d['markedShare'], 3)} | {t['precision']:.3f} | "
                 f"{t['recall']:.3f} | **{t['f1']:.3f}** | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} |")
    tp = r["detection"]["iopaint-old_photo"]["tornPatch"]
    L.append("")
    L.append(f"iopaint-old_photo torn patch (largest label component, {tp['pixels']} px): {fmt_pct(tp['markedShare'], 1)} "
             f"of it marked — {'whole' if tp['whole'] else 'NOT whole'}.")
    L.append("")
    L.append("**Share of pixels marked** (clean scans must stay ≤ 0.3 %; damaged ones are unlabelled, for information)")
    L.append("")
    L.append("| clean scan | marked (review) | marked (unattended restore) | | damaged scan (unlabelled) | marked |")
    L.append("|---|---|---|---|---|---|")
    neg, dam = list(r["negatives"].items()), list(r["damagedUnlabelled"].items())
    for k in range(max(len(neg), len(dam))):
        a = (f"{neg[k][0]} | {fmt_pct(neg[k][1]['markedShare'])} | {fmt_pct(neg[k][1].get('autoMarkedShare', float('nan')))}"
             if k < len(neg) else " | | ")
        b = f"{dam[k][0]} | {fmt_pct(dam[k][1]['markedShare'])}" if k < len(dam) else " | "
        L.append(f"| {a} | | {b} |")
    L.append("")
    L.append(f"**Whole restore on the labelled scans** (damage left: label pixels moved < {LEFT_LEVELS} levels; changed "
             f"outside: pixels beyond the label + {OUTSIDE_GROW_PX} px moved > {CHANGED_LEVELS} levels; PSNR near: "
             f"label + {NEAR_GROW_PX} px, against the hand restoration / the clean twin)")
    L.append("")
    L.append("| scan | result | damage left | changed outside | PSNR near (dB) | PSNR whole (dB) |")
    L.append("|---|---|---|---|---|---|")
    names = {"nothing": "doing nothing", "auto": "**auto restore (CLI default)**", "teleaTrueMask": "Telea r=3, true mask",
             "productTrueMask": "CLI restore, true mask"}
    for name, rr in r["restore"].items():
        for k, v in rr["variants"].items():
            L.append(f"| {name} | {names[k]} | {fmt_pct(v['damageLeft'], 1)} | {fmt_pct(v['changedOutside'], 3)} | "
                     f"{fmt_db(v['psnrNear'])} | {fmt_db(v['psnrWhole'])} |")
    L.append("")
    L.append("**Issue 11 must-show**")
    L.append("")
    L.append("| item | value | met |")
    L.append("|---|---|---|")
    for c in r["checks"]:
        met = "—" if c["met"] is None else ("yes" if c["met"] else "**no**")
        L.append(f"| {c['item']} | {'' if c['value'] is None else c['value']} | {met} |")
    return "\n".join(L)


def card_section(r: dict, command: str) -> str:
    legend = ("Overlays: `models/cards/detect-overlays/<scan>.png` — red = marked; on the two labelled scans yellow = "
              "marked within 2 px of labelled damage, red = marked where none is labelled, cyan = labelled damage "
              "missed. Small scans are enlarged ×2–3.")
    return "\n".join([
        CARD_BEGIN,
        "## Real-damage benchmark",
        "",
        f"What a user gets from the CLI with default settings on the real scans of `../shared/data` "
        f"(`{command}`; written by `models/training/bench_real.py`, see its docstring for the definitions). "
        f"Velvia's label is the authors' binarised difference to the expert's hand restoration; iopaint's is "
        f"the difference to its clean twin (> 40 levels).",
        "",
        table(r),
        "",
        legend,
        CARD_END,
    ])


def write_card(path: Path, section: str) -> None:
    text = path.read_text() if path.exists() else ""
    if CARD_BEGIN in text and CARD_END in text:
        a = text.index(CARD_BEGIN)
        b = text.index(CARD_END) + len(CARD_END)
        text = text[:a] + section + text[b:]
    else:
        lines = text.splitlines(keepends=True)
        at = next((k for k, ln in enumerate(lines) if ln.startswith("## ") and "synthetic" in ln.lower()), None)
        if at is None:
            text = text.rstrip("\n") + "\n\n" + section + "\n"
        else:
            text = "".join(lines[:at]) + section + "\n\n" + "".join(lines[at:])
    path.write_text(text)


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
