"""The three inpainting generator families (and their critics), selectable by name.

All share the native Kintsugi contract — image [N,3,H,W] in [0,1], mask [N,1,H,W] with 1 = hole, output
[N,3,H,W] in [0,1] — and one skeleton, because on 2 CPU cores from-scratch generators need far more steps
than a session gives (../shared/DESIGN.md): the classical pyramid fill runs inside the graph as the coarse
stage, the network predicts a residual refinement on top (last layer initialised near zero, so step 0 is
the classical fill), and spends its compute at 1/2 and 1/4 resolution. The result is composited:
out = image·(1-mask) + pred·mask, clamped to [0,1].
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import spectral_norm

from .layers import ContextualAttention, ConvAct, GatedConv, PartialConv, ResBlock, SelfAttention
from .pyramid import PyramidFill

FAMILIES = ("partial-conv", "gated-conv", "dual-path-gan")
PAD_MULTIPLE = 16  # three stride-2 stages reach 1/8; 16 leaves room and matches the tiling plan


def _up(x: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    return F.interpolate(x, size=like.shape[-2:], mode="bilinear", align_corners=False)


def _residual_head(cin: int) -> nn.Conv2d:
    head = nn.Conv2d(cin, 3, 3, padding=1)
    nn.init.normal_(head.weight, std=1e-3)
    nn.init.zeros_(head.bias)
    return head


class ResidualInpainter(nn.Module):
    """Pyramid fill + learned residual + composite; subclasses implement `refine`."""

    def __init__(self):
        super().__init__()
        self.fill = PyramidFill()

    def refine(self, coarse: torch.Tensor, image: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, dict]:
        raise NotImplementedError

    def predict(self, image: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, dict]:
        """Uncomposited prediction, the coarse fill and family extras (for training losses)."""
        known = 1 - mask
        image = image * known  # hole contents never reach the network
        coarse = self.fill(image, known)
        residual, aux = self.refine(coarse, image, mask)
        return coarse + residual, coarse, aux

    def forward(self, image: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        pred, _, _ = self.predict(image, mask)
        return (image * (1 - mask) + pred * mask).clamp(0, 1)


class GatedConvGenerator(ResidualInpainter):
    """DeepFill v2 style: coarse stage (pyramid fill) then a refinement net of gated convolutions with a
    dilated branch and a contextual-attention branch (at 1/8), merged at 1/4."""

    def __init__(self, w: int = 32):
        super().__init__()
        self.e0 = GatedConv(4, w // 2)
        self.e1 = nn.Sequential(GatedConv(w // 2, w, stride=2), GatedConv(w, w))
        self.e2 = nn.Sequential(GatedConv(w, 2 * w, stride=2), GatedConv(2 * w, 2 * w))
        self.dilated = nn.Sequential(*[GatedConv(2 * w, 2 * w, dilation=d) for d in (2, 4, 8, 16)])
        self.att_in = nn.Sequential(GatedConv(2 * w, 2 * w, stride=2), GatedConv(2 * w, 2 * w))
        self.attention = ContextualAttention(2 * w)
        self.merge = nn.Sequential(GatedConv(4 * w, 2 * w), GatedConv(2 * w, 2 * w))
        self.d1 = nn.Sequential(GatedConv(3 * w, w), GatedConv(w, w))
        self.d0 = GatedConv(w + w // 2, w // 2)
        self.head = _residual_head(w // 2)

    def refine(self, coarse, image, mask):
        f0 = self.e0(torch.cat([coarse, mask], 1))
        f1 = self.e1(f0)
        f2 = self.e2(f1)
        dil = self.dilated(f2)
        a = self.att_in(f2)
        hole8 = F.max_pool2d(mask, 8, 8)
        att = _up(self.attention(a, hole8), f2)
        m = self.merge(torch.cat([dil, att], 1))
        d1 = self.d1(torch.cat([_up(m, f1), f1], 1))
        d0 = self.d0(torch.cat([_up(d1, f0), f0], 1))
        return self.head(d0), {}


class PartialConvGenerator(ResidualInpainter):
    """U-Net of partial convolutions with mask update (Liu et al. 2018) over the masked image; a plain
    conv stem over the coarse fill joins the decoder at 1/2 and full resolution."""

    def __init__(self, w: int = 32):
        super().__init__()
        self.p1 = PartialConv(3, w, k=5, stride=2)
        self.p2 = PartialConv(w, 2 * w, k=3, stride=2)
        self.p3 = PartialConv(2 * w, 3 * w, k=3, stride=2)
        self.p4 = PartialConv(3 * w, 3 * w, k=3)
        self.q3 = PartialConv(5 * w, 2 * w, k=3)  # 1/4: up(p4) + p2
        self.q3b = PartialConv(2 * w, 2 * w, k=3)
        self.s0 = ConvAct(4, w // 2)
        self.s1 = ConvAct(w // 2, w, stride=2)
        self.d1 = nn.Sequential(ConvAct(4 * w, w), ConvAct(w, w))  # 1/2: up(q3) + p1 + s1
        self.d0 = ConvAct(w + w // 2, w // 2)
        self.head = _residual_head(w // 2)

    def refine(self, coarse, image, mask):
        known = 1 - mask
        x1, m1 = self.p1(image, known)
        x2, m2 = self.p2(x1, m1)
        x3, m3 = self.p3(x2, m2)
        x4, m4 = self.p4(x3, m3)
        mu = torch.maximum(F.interpolate(m4, size=x2.shape[-2:], mode="nearest"), m2)
        y3, my = self.q3(torch.cat([_up(x4, x2), x2], 1), mu)
        y3, _ = self.q3b(y3, my)
        s0 = self.s0(torch.cat([coarse, mask], 1))
        s1 = self.s1(s0)
        d1 = self.d1(torch.cat([_up(y3, x1), x1, s1], 1))
        d0 = self.d0(torch.cat([_up(d1, s0), s0], 1))
        return self.head(d0), {}


class DualPathGenerator(ResidualInpainter):
    """Residual encoder/decoder with self-attention at 1/8 and two paths sharing the decoder: the
    generation path fills from the coarse fill; in training a reconstruction path encodes the whole
    ground-truth image and its bottleneck features are the target the generation path is pulled to."""

    def __init__(self, w: int = 32):
        super().__init__()
        self.e0 = ConvAct(4, w // 2)
        self.e1 = nn.Sequential(ConvAct(w // 2, w, stride=2), ResBlock(w))
        self.e2 = nn.Sequential(ConvAct(w, 2 * w, stride=2), ResBlock(2 * w, 2), ResBlock(2 * w, 4))
        self.down = ConvAct(2 * w, 3 * w, stride=2)
        self.attention = SelfAttention(3 * w)
        self.back = ConvAct(3 * w, 2 * w)
        self.dec2 = nn.Sequential(ResBlock(2 * w, 2), ResBlock(2 * w))
        self.d1 = nn.Sequential(ConvAct(3 * w, w), ResBlock(w))
        self.d0 = ConvAct(w + w // 2, w // 2)
        self.head = _residual_head(w // 2)

    def encode(self, x4: torch.Tensor):
        f0 = self.e0(x4)
        f1 = self.e1(f0)
        f2 = self.e2(f1)
        g = self.attention(self.down(f2))
        return f0, f1, f2 + _up(self.back(g), f2)

    def decode(self, f0, f1, z):
        d2 = self.dec2(z)
        d1 = self.d1(torch.cat([_up(d2, f1), f1], 1))
        d0 = self.d0(torch.cat([_up(d1, f0), f0], 1))
        return self.head(d0)

    def refine(self, coarse, image, mask):
        f0, f1, z = self.encode(torch.cat([coarse, mask], 1))
        return self.decode(f0, f1, z), {"z": z}

    def reconstruct(self, target: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Reconstruction path (training only): autoencode the full image through the shared decoder."""
        zero = torch.zeros_like(target[:, :1])
        f0, f1, z = self.encode(torch.cat([target, zero], 1))
        return target + self.decode(f0, f1, z), z


class SNPatchCritic(nn.Module):
    """SN-PatchGAN critic (DeepFill v2): spectral-normalised strided convs over image + mask."""

    def __init__(self, w: int = 32):
        super().__init__()
        chans = [4, w, 2 * w, 2 * w, 2 * w, 2 * w]
        layers: list[nn.Module] = []
        for a, b in zip(chans[:-1], chans[1:]):
            layers += [spectral_norm(nn.Conv2d(a, b, 5, 2, 2)), nn.LeakyReLU(0.2)]
        layers.append(spectral_norm(nn.Conv2d(chans[-1], 1, 3, 1, 1)))
        self.net = nn.Sequential(*layers)

    def forward(self, image, mask):
        return self.net(torch.cat([image, mask], 1))


class PatchCritic(nn.Module):
    """PatchGAN critic for WGAN-GP (no batch norm, so the gradient penalty is per sample)."""

    def __init__(self, w: int = 32):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(4, w, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(w, 2 * w, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(2 * w, 4 * w, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(4 * w, 1, 3, 1, 1),
        )

    def forward(self, image, mask):
        return self.net(torch.cat([image, mask], 1))


def build(family: str, width: int = 32) -> tuple[ResidualInpainter, nn.Module | None, str]:
    """Generator, critic (or None) and adversarial loss kind ('hinge', 'wgan-gp' or 'none') of a family."""
    if family == "gated-conv":
        return GatedConvGenerator(width), SNPatchCritic(), "hinge"
    if family == "partial-conv":
        return PartialConvGenerator(width), None, "none"
    if family == "dual-path-gan":
        return DualPathGenerator(width), PatchCritic(), "wgan-gp"
    raise ValueError(f"unknown family {family!r}; choose one of {', '.join(FAMILIES)}")


def count_params(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())
