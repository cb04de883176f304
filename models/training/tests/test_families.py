"""Every inpainting family trains a few steps, resumes, exports to ONNX, and onnxruntime-node agrees with
PyTorch on a real photo; the pyramid fill, the masks and the dev pairing rule behave as documented."""
from __future__ import annotations

import tempfile
import unittest
from pathlib import Path

import numpy as np
import torch

import train
from export import check_against_torch, export_onnx
from kintsugi_train import devset
from kintsugi_train.families import FAMILIES, build
from kintsugi_train.infer import load_generator
from kintsugi_train.masks import mask_for_seed
from kintsugi_train.pyramid import PyramidFill


def _real_pair(h: int = 64, w: int = 96) -> tuple[torch.Tensor, torch.Tensor]:
    img_path, mask_path = devset.pairs("band1")[0]
    rgb = devset.read_rgb(img_path)[:h, :w]
    hole = devset.read_hole(mask_path, h, w)
    x = torch.from_numpy(rgb.transpose(2, 0, 1).copy())[None].float() / 255
    return x, torch.from_numpy(hole.astype(np.float32))[None, None]


class Families(unittest.TestCase):
    def test_each_family_trains_resumes_exports_and_matches_onnxruntime(self):
        torch.set_num_threads(1)
        for family in FAMILIES:
            with self.subTest(family=family), tempfile.TemporaryDirectory() as d:
                out = Path(d) / "run"
                common = ["--family", family, "--crop", "64", "--batch", "2", "--dev-minutes", "0",
                          "--train-limit", "4", "--adv-start", "1", "--threads", "1", "--out", str(out)]
                train.main(common + ["--steps", "2"])
                gen, state = load_generator(out / "last.pt")
                self.assertEqual(state["step"], 2)
                before = {k: v.clone() for k, v in gen.state_dict().items()}
                train.main(common + ["--steps", "3", "--resume"])
                gen, state = load_generator(out / "last.pt")
                self.assertEqual(state["step"], 3)
                self.assertTrue(any(not torch.equal(before[k], v) for k, v in gen.state_dict().items()),
                                "resumed step changed no weight")
                onnx_path = Path(d) / f"{family}.onnx"
                export_onnx(gen, onnx_path)
                check = check_against_torch(gen, onnx_path)
                for size, diff in check["maxAbsDiff"].items():
                    self.assertLess(diff, 1e-4, f"{family} at {size}: ONNX differs from PyTorch by {diff}")

    def test_generators_pass_known_pixels_and_stay_in_range(self):
        x, m = _real_pair()
        for family in FAMILIES:
            gen, _, _ = build(family)
            gen.eval()
            with torch.no_grad():
                y = gen(x, m)
            self.assertEqual(tuple(y.shape), tuple(x.shape))
            self.assertGreaterEqual(float(y.min()), 0.0)
            self.assertLessEqual(float(y.max()), 1.0)
            known = (m == 0).expand_as(x)
            self.assertTrue(torch.equal(y[known], x[known]), f"{family} changed known pixels")

    def test_untrained_generator_starts_at_the_pyramid_fill(self):
        x, m = _real_pair()
        fill = PyramidFill()(x * (1 - m), 1 - m)
        gen, _, _ = build("gated-conv")
        with torch.no_grad():
            pred, coarse, _ = gen.predict(x, m)
        self.assertTrue(torch.allclose(coarse, fill))
        self.assertLess(float((pred - coarse).abs().max()), 0.05)


class PyramidFillTest(unittest.TestCase):
    def test_fills_a_hole_in_a_flat_image_with_its_colour(self):
        x = torch.full((1, 3, 64, 64), 0.25)
        m = torch.zeros(1, 1, 64, 64)
        m[..., 10:50, 5:40] = 1
        y = PyramidFill()(x * (1 - m), 1 - m)
        self.assertLess(float((y - 0.25).abs().max()), 1e-5)

    def test_hole_content_does_not_leak(self):
        x, m = _real_pair()
        garbage = x.clone()
        garbage[(m > 0).expand_as(x)] = 1.0
        gen, _, _ = build("partial-conv")
        gen.eval()
        with torch.no_grad():
            self.assertTrue(torch.allclose(gen(x, m), gen(garbage, m)))


class Masks(unittest.TestCase):
    def test_masks_are_deterministic_binary_and_spread_over_hole_ratios(self):
        np.testing.assert_array_equal(mask_for_seed(3, 96, 96), mask_for_seed(3, 96, 96))
        ratios = []
        for seed in range(60):
            m = mask_for_seed(seed, 96, 96)
            self.assertEqual(set(np.unique(m)) - {0, 1}, set())
            ratios.append(m.mean())
        self.assertGreater(min(ratios), 0.0)
        self.assertLess(min(ratios), 0.12)
        self.assertGreater(max(ratios), 0.4)


class DevPairing(unittest.TestCase):
    def test_image_i_gets_mask_i_mod_count_of_its_band(self):
        images = sorted(p for p in devset.DEV_IMAGES.iterdir() if p.is_file())
        masks = sorted(p for p in devset.DEV_MASKS.iterdir() if p.name.startswith("band2-"))
        pairs = devset.pairs("band2")
        self.assertEqual(len(pairs), len(images))
        for i, (img, mask) in enumerate(pairs):
            self.assertEqual(img, images[i])
            self.assertEqual(mask, masks[i % len(masks)])

    def test_scores_are_perfect_for_a_perfect_result(self):
        rgb = devset.read_rgb(devset.pairs("band0")[0][0])
        hole = np.zeros(rgb.shape[:2], bool)
        hole[10:30, 10:30] = True
        s = devset.scores(rgb, rgb.copy(), hole)
        self.assertEqual(s["psnr"], 100.0)
        self.assertAlmostEqual(s["ssim"], 1.0, places=6)


if __name__ == "__main__":
    unittest.main()
