"""Running a generator on whole photos and loading checkpoints (shared by train, eval and export)."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from .families import PAD_MULTIPLE, ResidualInpainter, build


def inpaint_rgb(model: torch.nn.Module, rgb: np.ndarray, hole: np.ndarray, multiple: int = PAD_MULTIPLE) -> np.ndarray:
    """Inpaint a uint8 RGB photo: pad (reflect) to the model's multiple, run, crop, round to 8 bits."""
    h, w = hole.shape
    x = torch.from_numpy(np.ascontiguousarray(rgb)).permute(2, 0, 1)[None].float() / 255
    m = torch.from_numpy(hole.astype(np.float32))[None, None]
    ph, pw = (-h) % multiple, (-w) % multiple
    if ph or pw:
        x = F.pad(x, (0, pw, 0, ph), mode="reflect")
        m = F.pad(m, (0, pw, 0, ph), mode="reflect")
    with torch.no_grad():
        y = model(x, m)[:, :, :h, :w]
    return (y[0].permute(1, 2, 0).clamp(0, 1) * 255 + 0.5).to(torch.uint8).numpy()


def atomic_save(obj: dict, path: Path) -> None:
    """torch.save to a temp file in the same folder, fsync, rename: a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "wb") as f:
        torch.save(obj, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def load_generator(ckpt_path: Path) -> tuple[ResidualInpainter, dict]:
    """Generator from a training checkpoint (family and width are stored in it), in eval mode."""
    ckpt = torch.load(ckpt_path, map_location="cpu")
    gen, _, _ = build(ckpt["family"], ckpt.get("width", 32))
    gen.load_state_dict(ckpt["generator"])
    gen.eval()
    return gen, ckpt
