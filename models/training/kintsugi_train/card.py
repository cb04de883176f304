"""Model cards (models/cards/<id>.md) written from the manifest entry, the checkpoint and the dev scores."""
from __future__ import annotations

import os
from pathlib import Path

from .devset import BANDS

BAND_TEXT = {"band0": "1-10 %", "band1": "10-20 %", "band2": "20-30 %", "band4": "40-50 %"}


def shortfall(dev: dict, telea: dict) -> list[str]:
    """Human-readable list of the bands/metrics where the model does not beat Telea."""
    out = []
    for b in BANDS:
        for k, unit, fmt in (("psnr", " dB", "{:.2f}"), ("ssim", "", "{:.4f}")):
            gap = dev[b][k] - telea[b][k]
            if gap <= 0:
                out.append(f"{b} ({BAND_TEXT[b]}) {k.upper()}: {fmt.format(-gap)}{unit} below Telea")
    return out


def write_card(path: Path, entry: dict, state: dict, notes: str = "") -> None:
    """Write the card atomically."""
    dev, telea = entry["scores"]["dev"], entry["scores"]["telea"]
    t = entry["training"]
    rows = "\n".join(
        f"| {b} ({BAND_TEXT[b]}) | {dev[b]['psnr']:.2f} | {dev[b]['ssim']:.4f} | {dev[b]['psnrHole']:.2f} | "
        f"{dev[b]['ssimHole']:.4f} | {telea[b]['psnr']:.2f} | {telea[b]['ssim']:.4f} | {telea[b]['psnrHole']:.2f} | "
        f"{telea[b]['ssimHole']:.4f} |"
        for b in BANDS
    )
    short = shortfall(dev, telea)
    verdict = ("**Beats OpenCV Telea in PSNR and SSIM in every hole band.**" if not short else
               "**Does not yet beat OpenCV Telea everywhere:** " + "; ".join(short) + ".")
    final = t.get("finalLosses", {})
    final_txt = ", ".join(f"{k} {v:.4f}" for k, v in final.items() if k != "wallMinutes") or "n/a"
    diff = entry.get("export", {}).get("onnxVsTorchMaxAbsDiff", {})
    text = f"""# {entry['id']} — {entry['name']}

Family `{entry['family']}`, {entry['params']:,} parameters, file `{entry['file']}` ({entry['bytes'] / 1e6:.2f} MB,
sha256 `{entry['sha256'][:16]}…`), ONNX opset 17, dynamic H/W (multiples of {entry['io']['size']['padMultiple']}).
Native Kintsugi contract: `image` float32 [N,3,H,W] in [0,1], `mask` float32 [N,1,H,W] with 1 = hole,
`output` float32 [N,3,H,W] in [0,1], already composited (known pixels pass through).

## How it works
The classical mask-normalised pyramid fill (pull-push with a 5-tap binomial filter) runs inside the graph as the
coarse stage; the network predicts a residual refinement on top of it (last layer initialised near zero) and spends
its compute at 1/2 and 1/4 resolution; the result is composited and clamped. See
`models/training/kintsugi_train/families.py`.

## Training
- Data: {t['data']}.
- Steps: {t['steps']:,} (batch 8), wall time {t['wallTimeMinutes']} min on 2 shared CPU cores (no GPU).
- Losses: {', '.join(t['losses'])}.
- Last logged loss means: {final_txt}.
- ONNX vs PyTorch max abs diff on a real dev photo: {diff}.
- Resume: `/usr/bin/python3 models/training/train.py --family {entry['family']} --resume --minutes 60`
  (checkpoint `models/training/runs/{entry['family']}/last.pt`).

## Dev scores (`models/training/eval.py`, {len(BANDS)} bands x 82 photos, Telea r=3 measured in the same run)
| band | PSNR | SSIM | hole PSNR | hole SSIM | Telea PSNR | Telea SSIM | Telea hole PSNR | Telea hole SSIM |
|---|---|---|---|---|---|---|---|---|
{rows}

{verdict}

## Known limits
- Trained for few steps on a CPU: the learned residual is still small, so most of the quality comes from the
  pyramid fill. Large holes come out smooth and blurry (no texture synthesis yet); thin scratches are filled well.
- Trained on natural photos (BSDS500), not on scanned old photos; grayscale is fed as three equal channels.
- Scores are on the dev set with NVIDIA irregular masks (research-only licence), not on real damage.
{('- ' + notes) if notes else ''}
"""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".md.tmp")
    with open(tmp, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
