"""The damage detector: a small U-Net giving per-pixel damage probability, plus its data and metrics.

It proposes the mask the user then edits, so it must find thin light scratches and cracks on faded,
grainy prints without firing on ordinary light edges. Trained only on synthetic damage painted into
clean photos (damage.py). Fully convolutional with four 2x downsamplings: H and W must be multiples of
PAD_MULTIPLE; the app pads (see models/manifest.json `io.size`).
"""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .damage import paint_damage

REPO = Path(__file__).resolve().parents[3]
DATA = (REPO / ".." / "shared" / "data").resolve()
PAD_MULTIPLE = 16
HOLDOUT_TRAIN = 40  # the last 40 train photos (sorted) are never trained on


# ------------------------------------------------------------------------------------------------ model

def _block(cin: int, cout: int, dilation: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=dilation, dilation=dilation, bias=False), nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    )


class ContextBlock(nn.Module):
    """Residual stack of dilated 3x3 convs (dilations 2, 4, 8) at the 1/16 level: widens the receptive field
    from ~180 px to ~600 px, so the inside of a large translucent stain is judged with its rim in view. The
    last conv starts at zero, so adding the block to a trained network leaves its output unchanged."""

    def __init__(self, c: int, dilations=(2, 4, 8)):
        super().__init__()
        layers: list[nn.Module] = []
        for d in dilations:
            conv = nn.Conv2d(c, c, 3, padding=d, dilation=d)
            nn.init.kaiming_normal_(conv.weight, nonlinearity="relu")
            conv.weight.data.mul_(0.5)
            nn.init.zeros_(conv.bias)
            layers += [conv, nn.ReLU(inplace=True)]
        self.body = nn.Sequential(*layers)
        self.out = nn.Conv2d(c, c, 1)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return h + self.out(self.body(h))


class DetectorUNet(nn.Module):
    """U-Net, widths (16, 32, 64, 128, 192): full-resolution features keep 1-px scratches, the 1/16
    level with a dilated conv (and, with `context`, a dilated residual stack) sees enough context to tell
    a scratch from a light edge and a stain from a tinted region. Returns logits."""

    def __init__(self, widths=(16, 32, 64, 128, 192), context: bool = False):
        super().__init__()
        self.enc = nn.ModuleList()
        cin = 3
        for i, c in enumerate(widths):
            self.enc.append(_block(cin, c, dilation=2 if i == len(widths) - 1 else 1))
            cin = c
        self.dec = nn.ModuleList()
        for i in range(len(widths) - 1, 0, -1):
            self.dec.append(_block(widths[i] + widths[i - 1], widths[i - 1]))
        self.context = ContextBlock(widths[-1]) if context else None
        self.head = nn.Conv2d(widths[0], 1, 1)
        nn.init.constant_(self.head.bias, -2.0)  # start predicting "mostly clean"

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = (x - 0.5) * 2.0
        skips = []
        for i, enc in enumerate(self.enc):
            if i > 0:
                h = F.max_pool2d(h, 2)
            h = enc(h)
            skips.append(h)
        if self.context is not None:
            h = self.context(h)
        for dec, skip in zip(self.dec, reversed(skips[:-1])):
            h = F.interpolate(h, scale_factor=2.0, mode="bilinear", align_corners=False)
            h = dec(torch.cat([h, skip], 1))
        return self.head(h)


class ProbabilityModel(nn.Module):
    """The exported graph: image [N,3,H,W] in [0,1] -> prob [N,1,H,W] (sigmoid inside the graph)."""

    def __init__(self, net: DetectorUNet):
        super().__init__()
        self.net = net

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.net(image))


def detector_from_state(state_dict: dict) -> DetectorUNet:
    """The network a checkpoint's weights belong to (with or without the context block), loaded strictly."""
    net = DetectorUNet(context=any(k.startswith("context.") for k in state_dict))
    net.load_state_dict(state_dict)
    return net


def count_params(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())


def loss_fn(logits: torch.Tensor, target: torch.Tensor, pos_weight: float = 3.0) -> tuple[torch.Tensor, dict]:
    """Pos-weighted BCE (thin damage is a small fraction of pixels) + soft Dice (overlap directly)."""
    bce = F.binary_cross_entropy_with_logits(logits, target, pos_weight=torch.tensor(pos_weight))
    p = torch.sigmoid(logits)
    inter = (p * target).sum()
    dice = 1 - (2 * inter + 1) / (p.sum() + target.sum() + 1)
    return bce + dice, {"bce": float(bce), "dice": float(dice)}


# ------------------------------------------------------------------------------------------------- data

def read_rgb(path: Path) -> np.ndarray:
    """Image file -> float32 HxWx3 RGB in [0,1] (alpha dropped, 16-bit scaled)."""
    im = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if im is None:
        raise ValueError(f"{path}: cannot decode image")
    scale = 65535.0 if im.dtype == np.uint16 else 255.0
    if im.ndim == 2:
        im = np.repeat(im[..., None], 3, 2)
    elif im.shape[2] == 4:
        im = im[..., :3]
    return (im[..., ::-1].astype(np.float32) / scale).copy()


def list_photos(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".bmp"))


def split_train() -> tuple[list[Path], list[Path]]:
    """(training photos, held-out photos): the last HOLDOUT_TRAIN train photos plus dev-eval/images."""
    train = list_photos(DATA / "train")
    held = train[-HOLDOUT_TRAIN:] + list_photos(DATA / "dev-eval" / "images")
    return train[:-HOLDOUT_TRAIN], held


def random_crop_pair(rng: np.random.Generator, img: np.ndarray, size: int,
                     clean_frac: float = 0.0, boost: dict | None = None,
                     realistic: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Random rescale/flip/crop of a clean photo, then synthetic damage painted into the crop (or, with
    probability clean_frac, none: an aged, scanned but undamaged negative example)."""
    s = rng.uniform(0.5, 1.25)
    h, w = img.shape[:2]
    nh, nw = max(size, int(h * s)), max(size, int(w * s))
    im = cv2.resize(img, (nw, nh), interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
    y, x = int(rng.integers(0, nh - size + 1)), int(rng.integers(0, nw - size + 1))
    im = im[y:y + size, x:x + size]
    if rng.random() < 0.5:
        im = im[:, ::-1]
    if rng.random() < 0.2:
        im = im.transpose(1, 0, 2)
    clean = clean_frac > 0 and rng.random() < clean_frac
    return paint_damage(rng, np.ascontiguousarray(im), clean=clean, boost=boost, realistic=realistic)


def heldout_set(n: int, seed: int = 1234, size: int | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
    """Fixed held-out synthetic pairs: photo i gets damage from seed (seed, i). Optional centre crop
    (a multiple of PAD_MULTIPLE); full-size images are padded by `predict`."""
    _, held = split_train()
    pairs = []
    for i, p in enumerate(held[:n]):
        img = read_rgb(p)
        if size is not None:
            h, w = img.shape[:2]
            y, x = (h - size) // 2, (w - size) // 2
            img = img[max(0, y):max(0, y) + size, max(0, x):max(0, x) + size]
        rng = np.random.default_rng([seed, i])
        pairs.append(paint_damage(rng, np.ascontiguousarray(img)))
    return pairs


def pad_to_multiple(img: np.ndarray, m: int = PAD_MULTIPLE) -> tuple[np.ndarray, tuple[int, int]]:
    """Reflect-pad HxWxC bottom/right to multiples of m; returns the padded image and the original size."""
    h, w = img.shape[:2]
    ph, pw = (-h) % m, (-w) % m
    if ph or pw:
        img = np.pad(img, ((0, ph), (0, pw), (0, 0)), mode="reflect")
    return img, (h, w)


@torch.no_grad()
def predict(net: DetectorUNet, img: np.ndarray) -> np.ndarray:
    """Probability map HxW for one float32 RGB image of any size (pads internally)."""
    padded, (h, w) = pad_to_multiple(img)
    x = torch.from_numpy(padded.transpose(2, 0, 1).copy())[None]
    return torch.sigmoid(net(x))[0, 0, :h, :w].numpy()


# ---------------------------------------------------------------------------------------------- metrics

THRESHOLDS = np.round(np.arange(0.1, 0.96, 0.05), 2)


def confusion(prob: np.ndarray, mask: np.ndarray, thresholds=THRESHOLDS) -> np.ndarray:
    """Per threshold [tp, fp, fn] pixel counts, to be summed over a data set (micro-averaged)."""
    m = mask.astype(bool).ravel()
    p = prob.ravel()
    out = np.zeros((len(thresholds), 3), np.int64)
    for i, t in enumerate(thresholds):
        pred = p >= t
        tp = int(np.count_nonzero(pred & m))
        out[i] = (tp, int(np.count_nonzero(pred)) - tp, int(np.count_nonzero(m)) - tp)
    return out


def scores(conf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(F1, IoU) arrays per threshold from summed confusion counts."""
    tp, fp, fn = conf[:, 0].astype(float), conf[:, 1].astype(float), conf[:, 2].astype(float)
    f1 = 2 * tp / np.maximum(2 * tp + fp + fn, 1)
    iou = tp / np.maximum(tp + fp + fn, 1)
    return f1, iou
