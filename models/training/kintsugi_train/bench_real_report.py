"""The real-damage benchmark's report (bench_real.py): issue 11's must-show checks on its numbers, the markdown
table it prints, and the section it writes into a model card between its begin/end markers."""
from __future__ import annotations

import math
from pathlib import Path

from .bench_real_metrics import CHANGED_LEVELS, LEFT_LEVELS, NEAR_GROW_PX, OUTSIDE_GROW_PX, WHOLE_SHARE

CARD_BEGIN = "<!-- bench_real:begin -->"
CARD_END = "<!-- bench_real:end -->"

# Must-show targets of issue 11
TARGETS = {"velvia_f1": 0.6, "iopaint_f1": 0.75, "clean_max_share": 0.003, "outside_changed_max": 0.005}


def fmt_pct(x: float, digits: int = 2) -> str:
    return f"{100 * x:.{digits}f} %"


def fmt_db(x: float) -> str:
    return "inf" if math.isinf(x) else f"{x:.2f}"


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
    source = "from the manifest, prints routed to their model" if r.get("heldOutRouted") else "from the manifest"
    c.append({"item": f"held-out synthetic F1 >= 0.745 ({source}, not measured here)", "value": f1,
              "met": None if f1 is None else round(f1, 3) >= 0.745})
    c.append({"item": "bopbtl-scratched/b collar and sleeve unmarked; bopbtl-scratched/d cracks across both faces "
                      "marked (no labels: look at the overlays)", "value": None, "met": None})
    return c


def table(r: dict) -> str:
    L = []
    others: dict[str, list[str]] = {}
    for name, mid in (r.get("detectorByScan") or {}).items():
        if mid and mid != r["detector"]:
            others.setdefault(mid, []).append(name)
    L.append(f"Detector: {r['detector']} (threshold: {r['threshold']}"
             + (f", its own {r.get('detectorThreshold')}" if r["threshold"] == "model default" else "")
             + f"; models folder {r['modelsDir']})"
             + "".join(f"; {mid} for the grey and toned prints ({', '.join(sorted(names))})" for mid, names in others.items()))
    L.append("")
    L.append("**Detection on labelled real damage** (2-px tolerance; strict = pixel-exact; compared at the label's resolution)")
    L.append("")
    L.append("| scan | labelled | marked | P (2 px) | R (2 px) | F1 (2 px) | strict P | strict R | strict F1 | suggested | "
             "P / R / F1 with every suggestion added |")
    L.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, d in r["detection"].items():
        t, s = d["tolerant"], d["strict"]
        w = d.get("withSuggestions")
        ws = f"{w['precision']:.3f} / {w['recall']:.3f} / {w['f1']:.3f}" if w else ""
        L.append(f"| {name} | {fmt_pct(d['labelShare'], 3)} | {fmt_pct(d['markedShare'], 3)} | {t['precision']:.3f} | "
                 f"{t['recall']:.3f} | **{t['f1']:.3f}** | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | "
                 f"{fmt_pct(d.get('suggestedShare', float('nan')), 3)} | {ws} |")
    tp = r["detection"]["iopaint-old_photo"]["tornPatch"]
    L.append("")
    L.append(f"iopaint-old_photo torn patch (largest label component, {tp['pixels']} px): {fmt_pct(tp['markedShare'], 1)} "
             f"of it marked — {'whole' if tp['whole'] else 'NOT whole'}.")
    L.append("")
    L.append("**Share of pixels marked** (clean scans must stay ≤ 0.3 %; damaged ones are unlabelled, for information)")
    L.append("")
    L.append("| clean scan | marked (review) | suggested | marked (unattended restore) | | damaged scan (unlabelled) | marked | suggested |")
    L.append("|---|---|---|---|---|---|---|---|")
    neg, dam = list(r["negatives"].items()), list(r["damagedUnlabelled"].items())
    nan = float("nan")
    for k in range(max(len(neg), len(dam))):
        a = (f"{neg[k][0]} | {fmt_pct(neg[k][1]['markedShare'])} | {fmt_pct(neg[k][1].get('suggestedShare', nan))} | "
             f"{fmt_pct(neg[k][1].get('autoMarkedShare', nan))}" if k < len(neg) else " | | | ")
        b = (f"{dam[k][0]} | {fmt_pct(dam[k][1]['markedShare'])} | {fmt_pct(dam[k][1].get('suggestedShare', nan))}"
             if k < len(dam) else " | | ")
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
    legend = ("Overlays: `models/cards/detect-overlays/<scan>.png` — red = marked, orange = suggested (left out of "
              "the proposal for the person to add or ignore); on the two labelled scans yellow = marked within 2 px of "
              "labelled damage, red = marked where none is labelled, cyan = labelled damage missed by the proposal "
              "(suggested or not). Small scans are enlarged ×2–3.")
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
