"""Mask-normalised pyramid fill (pull-push): the classical coarse stage inside every generator's graph.

Measured on 2 CPU cores (see ../shared/DESIGN.md): from-scratch generators stay below OpenCV Telea for
thousands of steps, while this dozen of differentiable ops already matches it. Each generator predicts a
residual on top of this fill, so a shipped model is never worse than the classical fill.

Pull: a 5-tap binomial filter [1,4,6,4,1] with stride 2 over `colour·known` and `known`; the colour of
the next level is their ratio, and a coarse pixel is known if any pixel under its window was. Push: from the coarsest level down, every pixel whose window had no
known pixel takes the bilinearly upsampled coarser result. The binomial kernel (rather than a 2x2 box) makes
the fill smooth instead of blocky: on a dev subset the box version is 0.1-0.9 dB below Telea, this one
0.4 dB above it with higher SSIM.
Exports to ONNX as Pad / Conv (fixed weights) / Div / Resize with dynamic H and W.
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F


class PyramidFill(nn.Module):
    """Fills holes of an image from its known pixels by pull-push over `levels` pyramid levels."""

    def __init__(self, levels: int = 10, eps: float = 1e-6):
        super().__init__()
        self.levels = levels
        self.eps = eps
        k = torch.tensor([1.0, 4.0, 6.0, 4.0, 1.0])
        k2 = torch.outer(k, k)
        k2 = k2 / k2.sum()
        # one fixed 4-channel kernel: colour·known (3) and known (1) are pulled together in one grouped conv
        self.register_buffer("kernel", k2.view(1, 1, 5, 5).repeat(4, 1, 1, 1), persistent=False)

    def _pull(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(F.pad(x, (2, 2, 2, 2)), self.kernel, stride=2, groups=4)

    def forward(self, image: torch.Tensor, known: torch.Tensor) -> torch.Tensor:
        """image [N,3,H,W], known [N,1,H,W] (1 = known). Returns the filled image [N,3,H,W]."""
        colours = [image * known]
        weights = [known]
        for _ in range(self.levels):
            w = weights[-1]
            pulled = self._pull(torch.cat([colours[-1] * w, w], 1))
            num, den = pulled[:, :3], pulled[:, 3:]
            known_next = (den > self.eps).to(den.dtype)
            colours.append(num / (den + self.eps) * known_next)
            weights.append(known_next)
        out = colours[-1]
        for level in range(self.levels - 1, -1, -1):
            c, w = colours[level], weights[level]
            up = F.interpolate(out, size=c.shape[-2:], mode="bilinear", align_corners=False)
            out = w * c + (1 - w) * up
        return out
