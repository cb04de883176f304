"""Training losses that need no pretrained weights: masked L1, SSIM, total variation, adversarial."""
from __future__ import annotations

import torch
import torch.nn.functional as F


def _gauss(size: int = 11, sigma: float = 1.5) -> torch.Tensor:
    x = torch.arange(size, dtype=torch.float32) - size // 2
    g = torch.exp(-(x**2) / (2 * sigma**2))
    return g / g.sum()


_G = _gauss()


def ssim(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Mean SSIM over the batch (Gaussian window 11, sigma 1.5, range [0,1]) — the dev metric's settings."""
    c = a.shape[1]
    g = _G.to(a)
    kx = g.view(1, 1, 1, -1).expand(c, 1, 1, -1)
    ky = g.view(1, 1, -1, 1).expand(c, 1, -1, 1)

    def blur(x):
        return F.conv2d(F.conv2d(x, kx, groups=c), ky, groups=c)

    mu_a, mu_b = blur(a), blur(b)
    saa = blur(a * a) - mu_a**2
    sbb = blur(b * b) - mu_b**2
    sab = blur(a * b) - mu_a * mu_b
    c1, c2 = 0.01**2, 0.03**2
    s = ((2 * mu_a * mu_b + c1) * (2 * sab + c2)) / ((mu_a**2 + mu_b**2 + c1) * (saa + sbb + c2))
    return s.mean()


def masked_l1(pred: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(hole L1, valid L1), each normalised by its own pixel count."""
    d = (pred - target).abs()
    hole = (d * mask).sum() / (mask.sum() * 3 + 1e-6)
    valid = (d * (1 - mask)).sum() / ((1 - mask).sum() * 3 + 1e-6)
    return hole, valid


def total_variation(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """TV on the hole region (dilated by one pixel), as in Liu et al."""
    m = F.max_pool2d(mask, 3, 1, 1)
    dx = ((x[..., :, 1:] - x[..., :, :-1]).abs() * m[..., :, 1:]).mean()
    dy = ((x[..., 1:, :] - x[..., :-1, :]).abs() * m[..., 1:, :]).mean()
    return dx + dy


def hinge_d(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return F.relu(1 - real).mean() + F.relu(1 + fake).mean()


def hinge_g(fake: torch.Tensor) -> torch.Tensor:
    return -fake.mean()


def gradient_penalty(critic, real: torch.Tensor, fake: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """WGAN-GP penalty on random interpolates between real and generated images."""
    eps = torch.rand(real.shape[0], 1, 1, 1)
    x = (eps * real + (1 - eps) * fake).requires_grad_(True)
    out = critic(x, mask)
    (g,) = torch.autograd.grad(out.sum(), x, create_graph=True)
    return ((g.flatten(1).norm(dim=1) - 1) ** 2).mean()
