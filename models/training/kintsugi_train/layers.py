"""Building blocks of the three generator families; every one exports to ONNX with dynamic H and W."""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F


def act() -> nn.Module:
    return nn.LeakyReLU(0.2, inplace=False)


class ConvAct(nn.Module):
    """Plain conv + LeakyReLU (stems and decoders)."""

    def __init__(self, cin: int, cout: int, k: int = 3, stride: int = 1, dilation: int = 1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, padding=dilation * (k - 1) // 2, dilation=dilation)
        self.act = act()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.conv(x))


class GatedConv(nn.Module):
    """Gated convolution (Yu et al. 2019, DeepFill v2): features times a learned soft gate per pixel."""

    def __init__(self, cin: int, cout: int, k: int = 3, stride: int = 1, dilation: int = 1):
        super().__init__()
        self.conv = nn.Conv2d(cin, 2 * cout, k, stride, padding=dilation * (k - 1) // 2, dilation=dilation)
        self.act = act()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        f, g = torch.chunk(self.conv(x), 2, dim=1)
        return self.act(f) * torch.sigmoid(g)


class PartialConv(nn.Module):
    """Partial convolution with mask update (Liu et al. 2018).

    Output = W^T (X ⊙ M) · sum(1)/sum(M) + b where the window has a known pixel, else 0; the updated mask is
    1 where the window had any known pixel. Mask is [N,1,H,W], 1 = known.
    """

    def __init__(self, cin: int, cout: int, k: int = 3, stride: int = 1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, padding=(k - 1) // 2, bias=False)
        self.bias = nn.Parameter(torch.zeros(cout))
        self.register_buffer("ones", torch.ones(1, 1, k, k), persistent=False)
        self.k, self.stride = k, stride
        self.act = act()

    def forward(self, x: torch.Tensor, m: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        with torch.no_grad():
            count = F.conv2d(m, self.ones, stride=self.stride, padding=(self.k - 1) // 2)
        new_m = (count > 0).to(x.dtype)
        ratio = (self.k * self.k) / count.clamp(min=1.0) * new_m
        y = self.conv(x * m) * ratio + self.bias.view(1, -1, 1, 1)
        return self.act(y) * new_m, new_m


class ResBlock(nn.Module):
    """Residual block with optional dilation (dual-path encoder/decoder body)."""

    def __init__(self, c: int, dilation: int = 1):
        super().__init__()
        self.c1 = nn.Conv2d(c, c, 3, padding=dilation, dilation=dilation)
        self.c2 = nn.Conv2d(c, c, 3, padding=1)
        self.act = act()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.c2(self.act(self.c1(x)))


class SelfAttention(nn.Module):
    """SAGAN-style self-attention over all positions (used at 1/8 resolution, so (HW/64)^2 memory)."""

    def __init__(self, c: int):
        super().__init__()
        self.q = nn.Conv2d(c, c // 8, 1)
        self.k = nn.Conv2d(c, c // 8, 1)
        self.v = nn.Conv2d(c, c, 1)
        self.gamma = nn.Parameter(torch.zeros(1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, c, h, w = x.shape
        q = self.q(x).flatten(2).transpose(1, 2)  # N, HW, C/8
        k = self.k(x).flatten(2)  # N, C/8, HW
        v = self.v(x).flatten(2)  # N, C, HW
        a = torch.softmax(torch.bmm(q, k) / (q.shape[-1] ** 0.5), dim=-1)  # N, HW, HW
        out = torch.bmm(v, a.transpose(1, 2)).view(n, c, h, w)
        return x + self.gamma * out


class ContextualAttention(nn.Module):
    """Contextual attention as masked attention from every position to known positions (DeepFill).

    Cosine similarity of L2-normalised features, softmax with scale 10, holes excluded by a large negative
    bias; the attended values are the features themselves. Only MatMul / Softmax, so it exports with
    dynamic shapes. `hole` is [N,1,h,w] at the feature resolution, 1 = hole.
    """

    def __init__(self, c: int, scale: float = 10.0):
        super().__init__()
        self.scale = scale
        self.out = nn.Conv2d(c, c, 1)

    def forward(self, x: torch.Tensor, hole: torch.Tensor) -> torch.Tensor:
        n, c, h, w = x.shape
        f = F.normalize(x, dim=1).flatten(2)  # N, C, HW
        sim = torch.bmm(f.transpose(1, 2), f) * self.scale  # N, HW(query), HW(key)
        bias = hole.flatten(2) * -1e4  # N, 1, HW(key)
        a = torch.softmax(sim + bias, dim=-1)
        out = torch.bmm(x.flatten(2), a.transpose(1, 2)).view(n, c, h, w)
        return self.out(out)
