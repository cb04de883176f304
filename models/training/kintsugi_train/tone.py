"""Tone restoration: a tiny network that looks at a small copy of a photo and predicts a smooth colour transform.

The transform never invents detail and costs a few operations per pixel, so the app applies it to a 40 MP scan
in TypeScript (src-main/core/tone.ts) with exactly the arithmetic of `apply_tone` below:

  1. a coarse G x G grid of per-channel gain and offset, upsampled bilinearly (pixel centres aligned, edges
     clamped) to the photo:  a_c = clamp(x_c * gain_c + offset_c, 0, 1)   -- uneven toning, vignetting,
     see-through stains (an alpha-blended stain is exactly an affine change per channel and place);
  2. a monotone piecewise-linear curve per channel, K knots at k/(K-1):  b_c = curve_c(a_c)   -- fading,
     colour casts, lost contrast and black level;
  3. a global 3x3 colour matrix:  d = M b   -- saturation lost with the dyes;
  4. black-and-white photos (the network's `mono` > 0.5, or a photo whose channels are all equal) come out
     black-and-white: d_c = Y (neutral) or d_c = tintGain_c * Y + tintOffset_c (sepia kept), Y = Rec.601 luma;
  5. out = x + strength * (clamp(d, 0, 1) - x).

The exported graph (`ToneGraph`) takes `image` float32 [1,3,S,S] in [0,1] (the photo area-resized to S x S,
aspect ratio ignored) and returns `grid` [1,6,G,G] (3 gains then 3 offsets), `curves` [1,3,K], `matrix`
[1,3,3], `mono` [1,1] (probability) and `tint` [1,6] (3 gains then 3 offsets).

Training pairs (kintsugi_train/tone_ageing.py `age_train`) are clean photos aged synthetically with the clean
photo as the target; grey or sepia toning of a colour photo cannot be undone to colour, so for those the target
is the neutral grey photo (and, for the keep-sepia output, the clean toned photo). `age_heldout` and
`age_unseen` there are the measuring recipes.
"""
from __future__ import annotations

import cv2
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


SIZE = 128  # the network's input side
GRID = SIZE // 8  # gain/offset grid side (the 1/8 level of the network)
KNOTS = 16  # curve knots per channel
LUMA = (0.299, 0.587, 0.114)
HIST_BINS = 16


# ------------------------------------------------------------------------------------------------ model

def _conv(cin: int, cout: int, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride=stride, padding=1), nn.ReLU(inplace=True))


PERCENTILES = (0.005, 0.02, 0.1, 0.25, 0.5, 0.75, 0.9, 0.98, 0.995)
NSTATS = 3 * HIST_BINS + 3 * len(PERCENTILES) + 8


def image_stats(x: torch.Tensor) -> torch.Tensor:
    """Global statistics the network gets besides its convolutions, [N, NSTATS]: a soft histogram and percentiles
    (black and white points, where fading moved them) per channel, channel means and standard deviations, and
    how far R and B are from a linear function of luma (near zero for a toned black-and-white print)."""
    s = F.avg_pool2d(x, 2)  # 64x64 is plenty for statistics
    n = s.shape[0]
    centres = torch.linspace(0.0, 1.0, HIST_BINS, device=x.device).view(1, 1, HIST_BINS, 1)
    flat = s.reshape(n, 3, 1, -1)
    hist = torch.exp(-(((flat - centres) * (HIST_BINS - 1)) ** 2)).mean(-1)  # [n,3,B]
    hist = hist / (hist.sum(-1, keepdim=True) + 1e-6)
    npx = flat.shape[-1]
    ranked = torch.sort(flat.reshape(n, 3, npx), dim=-1)[0]
    pct = ranked[:, :, [min(npx - 1, int(q * npx)) for q in PERCENTILES]]  # [n,3,P]
    mean = flat.mean(-1).reshape(n, 3)
    std = ((flat - mean.view(n, 3, 1, 1)) ** 2).mean(-1).reshape(n, 3).clamp_min(1e-8).sqrt()
    y = LUMA[0] * flat[:, 0] + LUMA[1] * flat[:, 1] + LUMA[2] * flat[:, 2]  # [n,1,P]
    ym = y.mean(-1, keepdim=True)
    yc = y - ym
    var_y = (yc ** 2).mean(-1, keepdim=True) + 1e-6
    resid = []
    for c in (0, 2):
        cc = flat[:, c] - flat[:, c].mean(-1, keepdim=True)
        beta = (cc * yc).mean(-1, keepdim=True) / var_y
        resid.append(((cc - beta * yc) ** 2).mean(-1).clamp_min(1e-8).sqrt() * 10.0)
    return torch.cat([hist.reshape(n, -1), pct.reshape(n, -1), mean, std, resid[0], resid[1]], 1)


class ToneNet(nn.Module):
    """~0.25 M parameters: strided convs 128 -> 4, global features (pooled convs + image_stats) drive the curves,
    matrix, mono and tint heads; the 16x16 level plus the global features drive the gain/offset grid, into which
    a classical levels stage (the photo's own black and white points, half trusted at the start) is folded. Every
    other head starts at the identity."""

    def __init__(self, knots: int = KNOTS, width: int = 1):
        super().__init__()
        self.knots = knots
        self.width = width  # channel multiplier of the convolutions (1: the shipped ~0.25 M parameters)
        c = [24 * width, 32 * width, 64 * width, 64 * width, 96 * width]
        self.c64 = _conv(3, c[0], 2)
        self.c32 = nn.Sequential(_conv(c[0], c[1], 2), _conv(c[1], c[1]))
        self.c16 = nn.Sequential(_conv(c[1], c[2], 2), _conv(c[2], c[2]))
        self.c8 = _conv(c[2], c[3], 2)
        self.c4 = _conv(c[3], c[4], 2)
        self.mlp = nn.Sequential(nn.Linear(c[4] + NSTATS, 128), nn.ReLU(inplace=True), nn.Linear(128, 128),
                                 nn.ReLU(inplace=True))
        # 3 channels x (knots-1 log-slopes + 1 black point), 9 matrix deltas, 1 mono logit, 6 tint values,
        # 6 levels weights (how far to trust the classical black and white points, per channel)
        self.head = nn.Linear(128, 3 * knots + 9 + 1 + 6 + 6)
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)
        self.gproj = nn.Linear(128, 32)
        self.ghead = nn.Sequential(_conv(c[2] + 32, 32), nn.Conv2d(32, 6, 3, padding=1))
        nn.init.zeros_(self.ghead[1].weight)
        nn.init.zeros_(self.ghead[1].bias)

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        n = x.shape[0]
        stats = image_stats(x)
        f16 = self.c16(self.c32(self.c64((x - 0.5) * 2.0)))
        f4 = self.c4(self.c8(f16))
        g = self.mlp(torch.cat([f4.mean((2, 3)), stats], 1))
        p = self.head(g)
        k = self.knots
        curve_p = p[:, : 3 * k].reshape(n, 3, k)
        slopes = torch.exp(curve_p[:, :, 1:].clamp(-4.0, 3.0)) / (k - 1)
        black = curve_p[:, :, :1] * 0.5
        curves = torch.cat([black, black + torch.cumsum(slopes, -1)], -1)
        matrix = torch.eye(3, device=x.device).unsqueeze(0) + 0.5 * torch.tanh(p[:, 3 * k: 3 * k + 9]).reshape(n, 3, 3)
        mono_logit = p[:, 3 * k + 9: 3 * k + 10]
        t = p[:, 3 * k + 10: 3 * k + 16]
        tint = torch.cat([1.0 + 0.5 * torch.tanh(t[:, :3]), 0.3 * torch.tanh(t[:, 3:])], 1)
        gl = self.gproj(g).reshape(n, 32, 1, 1).expand(n, 32, f16.shape[2], f16.shape[3])
        graw = self.ghead(torch.cat([f16, gl], 1))  # [n, 6, SIZE/8, SIZE/8] = the grid
        gain, off = torch.exp(graw[:, :3].clamp(-2.0, 2.0)), 0.5 * torch.tanh(graw[:, 3:])
        # The classical stage inside the graph: per-channel levels from the photo's own black and white points
        # (0.5 and 99.5 percentiles), each trusted by a learned weight in (0, 1) (0.5 at the start). Folded into
        # the grid after the local gain/offset: a = clamp(((x * gain + off) - lo) / (hi - lo), 0, 1).
        lv = torch.sigmoid(p[:, 3 * k + 16:])
        pct = stats[:, 3 * HIST_BINS: 3 * HIST_BINS + 3 * len(PERCENTILES)].reshape(n, 3, len(PERCENTILES))
        lo = lv[:, :3] * pct[:, :, 0]
        hi = 1.0 - lv[:, 3:] * (1.0 - pct[:, :, -1])
        span = torch.clamp(hi - lo, min=0.1).view(n, 3, 1, 1)
        grid = torch.cat([gain / span, (off - lo.view(n, 3, 1, 1)) / span], 1)
        return {"grid": grid, "curves": curves, "matrix": matrix, "mono_logit": mono_logit, "tint": tint}


def widen(small: dict[str, torch.Tensor], net: ToneNet) -> None:
    """Load a width-1 state dict into a wider `net` so that it computes exactly the same function: the old
    channels keep their weights, the new channels get the wider net's fresh random input weights and zero output
    weights (so they start silent, yet receive gradients and can learn what the narrow net could not hold)."""
    big = net.state_dict()
    inserts = {"mlp.0.weight": 96, "ghead.0.0.weight": 64}  # inputs that are [features, extra]: new features go between
    for name, old in small.items():
        new = big[name].clone()
        if old.shape == new.shape:
            new.copy_(old)
        elif name in inserts:
            k, kn = inserts[name], inserts[name] * net.width
            new[:, :k] = old[:, :k]
            new[:, k:kn] = 0
            new[:, kn:] = old[:, k:]
        elif old.dim() == 1:
            new[: old.shape[0]] = old
        else:
            o, i = old.shape[:2]
            new[:o, :i] = old
            new[:o, i:] = 0  # old outputs ignore the new channels
        big[name] = new
    # the new channels' outputs feed only the next layers' new input columns, which start at zero (above)
    net.load_state_dict(big)


class ToneGraph(nn.Module):
    """The exported graph: image [N,3,S,S] -> grid, curves, matrix, mono (probability), tint."""

    def __init__(self, net: ToneNet):
        super().__init__()
        self.net = net

    def forward(self, image: torch.Tensor):
        p = self.net(image)
        return p["grid"], p["curves"], p["matrix"], torch.sigmoid(p["mono_logit"]), p["tint"]


OUTPUT_NAMES = ["grid", "curves", "matrix", "mono", "tint"]


def weights_from_onnx(net: ToneNet, path: str) -> int:
    """Loads a ToneNet's weights back out of an exported restore-tone.onnx (its initializers keep the module names;
    Linear weights may come out transposed as MatMul operands). For resuming when only the shipped model is left.
    Returns the number of tensors loaded; raises if any parameter is missing."""
    import onnx
    from onnx import numpy_helper
    inits = {i.name: numpy_helper.to_array(i) for i in onnx.load(path).graph.initializer}
    sd = net.state_dict()
    unused = dict(inits)
    for key, ref in sd.items():
        arr = inits.get("net." + key)
        if arr is None:
            arr = next((a for n, a in unused.items() if a.shape == tuple(ref.shape) or
                        (a.ndim == 2 and a.T.shape == tuple(ref.shape))), None)
            if arr is None:
                raise KeyError(f"{path}: no initializer for {key} {tuple(ref.shape)}")
        if arr.shape != tuple(ref.shape):
            arr = arr.T
        unused = {n: a for n, a in unused.items() if a is not arr}
        sd[key] = torch.from_numpy(arr.copy())
    net.load_state_dict(sd)
    return len(sd)


def count_params(m: nn.Module) -> int:
    return sum(q.numel() for q in m.parameters())


# -------------------------------------------------------------------------------------------- transform

def small_copy(img: np.ndarray, size: int = SIZE) -> np.ndarray:
    """The network's view of a float HxWx3 photo: area-resized to size x size (aspect ratio ignored)."""
    h, w = img.shape[:2]
    interp = cv2.INTER_AREA if (h >= size and w >= size) else cv2.INTER_LINEAR
    return cv2.resize(img.astype(np.float32), (size, size), interpolation=interp)


def _curve_lookup(curves: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """Piecewise-linear curves [N,3,K] evaluated at a [N,3,H,W] in [0,1]."""
    n, c, k = curves.shape
    t = a * (k - 1)
    i = torch.clamp(torch.floor(t), 0, k - 2)
    f = t - i
    flat = i.long().reshape(n, c, -1)
    y0 = torch.gather(curves, 2, flat).reshape(a.shape)
    y1 = torch.gather(curves, 2, flat + 1).reshape(a.shape)
    return y0 * (1 - f) + y1 * f


def luma(x: torch.Tensor) -> torch.Tensor:
    return LUMA[0] * x[:, 0:1] + LUMA[1] * x[:, 1:2] + LUMA[2] * x[:, 2:3]


def transform(x: torch.Tensor, p: dict[str, torch.Tensor]) -> torch.Tensor:
    """Steps 1-3 of the module docstring (no mono projection, no clamp at the end): [N,3,H,W] -> [N,3,H,W]."""
    g = F.interpolate(p["grid"], size=x.shape[-2:], mode="bilinear", align_corners=False)
    a = torch.clamp(x * g[:, :3] + g[:, 3:], 0.0, 1.0)
    b = _curve_lookup(p["curves"], a)
    return torch.einsum("nij,njhw->nihw", p["matrix"], b)


def mono_project(d: torch.Tensor, tint: torch.Tensor | None) -> torch.Tensor:
    """Step 4: neutral grey (tint None) or the sepia kept (tint [N,6])."""
    y = luma(d)
    if tint is None:
        return y.expand(-1, 3, -1, -1)
    return y * tint[:, :3, None, None] + tint[:, 3:, None, None]


def is_grey(img: np.ndarray, tol: float = 2.0 / 255) -> bool:
    """Whether every pixel of a float HxWx3 photo has (nearly) equal channels: then it stays black-and-white."""
    return float(np.abs(img - img.mean(axis=2, keepdims=True)).max()) <= tol


@torch.no_grad()
def predict_params(net: ToneNet, img: np.ndarray) -> dict[str, torch.Tensor]:
    x = torch.from_numpy(small_copy(img).transpose(2, 0, 1).copy())[None]
    return net(x)


@torch.no_grad()
def apply_tone(img: np.ndarray, p: dict[str, torch.Tensor], strength: float = 1.0, keep_sepia: bool = False,
               grey: bool | None = None) -> np.ndarray:
    """The full-resolution transform of a float HxWx3 photo in [0,1] (the arithmetic of src-main/core/tone.ts).
    `grey`: the photo's channels are equal (default: judged on its small copy); it then stays exactly grey and
    gets no tint even with keep_sepia."""
    x = torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1), dtype=np.float32))[None]
    d = transform(x, p)
    mono_p = torch.sigmoid(p["mono_logit"]) if "mono_logit" in p else p["mono"]
    if grey is None:
        grey = is_grey(small_copy(img))
    if grey or float(mono_p[0, 0]) > 0.5:
        d = mono_project(d, p["tint"] if keep_sepia and not grey else None)
    out = x + strength * (d.clamp(0, 1) - x)
    return out[0].clamp(0, 1).numpy().transpose(1, 2, 0)


def restore_tone(net: ToneNet, img: np.ndarray, strength: float = 1.0, keep_sepia: bool = False) -> np.ndarray:
    net.eval()
    return apply_tone(img, predict_params(net, img), strength, keep_sepia)


# ------------------------------------------------------------------------------------------------ losses

def tv(grid: torch.Tensor) -> torch.Tensor:
    return (grid[..., 1:, :] - grid[..., :-1, :]).abs().mean() + (grid[..., :, 1:] - grid[..., :, :-1]).abs().mean()


def loss_fn(p: dict[str, torch.Tensor], aged: torch.Tensor, target: torch.Tensor, keep: torch.Tensor,
            mono: torch.Tensor, objective: str = "l1", lab_weight: float = 0.0) -> tuple[torch.Tensor, dict]:
    """L1 of the transformed photo against the target (objective "psnr": minus the mean per-photo PSNR in units
    of 100 dB, floored at 40 dB, which weighs a nearly clean photo as much as a badly faded one, as the measure
    does), L1 of the kept-sepia projection on mono photos, BCE of the mono flag, and a small total-variation prior
    on the grid (smooth changes only); with lab_weight, plus that weight times the mean CIEDE2000 against the
    target (the colour difference the measure reports next to PSNR)."""
    d = transform(aged, p)
    if objective == "psnr":
        mse = ((d.clamp(0, 1) - target) ** 2).mean((1, 2, 3))
        l1 = 0.1 * torch.log10(mse + 1e-4).mean()
    else:
        l1 = (d - target).abs().mean()
    m = mono.view(-1, 1, 1, 1)
    sep = mono_project(d, p["tint"])
    l_sep = ((sep - keep).abs() * m).mean() / max(float(mono.mean()), 1e-3) * 0.25
    bce = F.binary_cross_entropy_with_logits(p["mono_logit"].view(-1), mono)
    g = p["grid"]
    l_tv = tv(torch.log(g[:, :3])) + tv(g[:, 3:])
    total = l1 + l_sep + 0.05 * bce + 0.02 * l_tv
    parts = {"l1": float(l1), "sepia": float(l_sep), "bce": float(bce), "tv": float(l_tv)}
    if lab_weight > 0:
        with torch.no_grad():
            lab_t = rgb_to_lab(target)
        de = ciede2000(rgb_to_lab(d), lab_t).mean()
        total = total + lab_weight * de
        parts["de2000"] = float(de)
    return total, parts


# ------------------------------------------------------------------------------------------ colour difference

_RGB_TO_XYZ = ((0.412453, 0.357580, 0.180423), (0.212671, 0.715160, 0.072169), (0.019334, 0.119193, 0.950227))
_WHITE = (0.95047, 1.0, 1.08883)  # D65, as skimage.color.rgb2lab


def rgb_to_lab(x: torch.Tensor) -> torch.Tensor:
    """sRGB [N,3,H,W] in [0,1] to CIELAB (D65), as skimage.color.rgb2lab, differentiable."""
    x = x.clamp(0, 1)
    lin = torch.where(x > 0.04045, ((x + 0.055) / 1.055).clamp(min=1e-6) ** 2.4, x / 12.92)
    m = torch.tensor(_RGB_TO_XYZ, dtype=x.dtype)
    xyz = torch.einsum("ij,njhw->nihw", m, lin) / torch.tensor(_WHITE, dtype=x.dtype).view(1, 3, 1, 1)
    f = torch.where(xyz > 0.008856, xyz.clamp(min=1e-6) ** (1 / 3), 7.787 * xyz + 16 / 116)
    return torch.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], 1)


def ciede2000(lab1: torch.Tensor, lab2: torch.Tensor) -> torch.Tensor:
    """CIEDE2000 per pixel between two CIELAB tensors [N,3,H,W] (kL = kC = kH = 1), differentiable away from
    zero chroma; matches skimage.color.deltaE_ciede2000."""
    eps = 1e-8
    L1, a1, b1 = lab1.unbind(1)
    L2, a2, b2 = lab2.unbind(1)
    cbar = 0.5 * (torch.sqrt(a1 ** 2 + b1 ** 2 + eps) + torch.sqrt(a2 ** 2 + b2 ** 2 + eps))
    c7 = cbar ** 7
    g = 0.5 * (1 - torch.sqrt(c7 / (c7 + 25.0 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = torch.sqrt(a1p ** 2 + b1 ** 2 + eps), torch.sqrt(a2p ** 2 + b2 ** 2 + eps)
    h1p = torch.rad2deg(torch.atan2(b1, a1p + eps)) % 360
    h2p = torch.rad2deg(torch.atan2(b2, a2p + eps)) % 360
    dl, dc = L2 - L1, c2p - c1p
    dh = h2p - h1p
    dh = torch.where(dh > 180, dh - 360, torch.where(dh < -180, dh + 360, dh))
    dhh = 2 * torch.sqrt(c1p * c2p) * torch.sin(torch.deg2rad(dh) / 2)
    lbar, cbarp = 0.5 * (L1 + L2), 0.5 * (c1p + c2p)
    hsum = h1p + h2p
    hbar = torch.where((h1p - h2p).abs() <= 180, hsum / 2, torch.where(hsum < 360, (hsum + 360) / 2, (hsum - 360) / 2))
    rad = torch.deg2rad
    t = (1 - 0.17 * torch.cos(rad(hbar - 30)) + 0.24 * torch.cos(rad(2 * hbar)) + 0.32 * torch.cos(rad(3 * hbar + 6))
         - 0.20 * torch.cos(rad(4 * hbar - 63)))
    dtheta = 30 * torch.exp(-(((hbar - 275) / 25) ** 2))
    cp7 = cbarp ** 7
    rc = 2 * torch.sqrt(cp7 / (cp7 + 25.0 ** 7))
    sl = 1 + 0.015 * (lbar - 50) ** 2 / torch.sqrt(20 + (lbar - 50) ** 2)
    sc, sh = 1 + 0.045 * cbarp, 1 + 0.015 * cbarp * t
    rt = -torch.sin(rad(2 * dtheta)) * rc
    q = (dl / sl) ** 2 + (dc / sc) ** 2 + (dhh / sh) ** 2 + rt * (dc / sc) * (dhh / sh)
    return torch.sqrt(q.clamp(min=0) + eps)
