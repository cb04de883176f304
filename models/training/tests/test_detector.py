"""Damage synthesis is reproducible and its masks are honest; the detector trains, exports and its ONNX
matches PyTorch in onnxruntime-node; the shipped detector (if any) loads and answers sensibly."""
from __future__ import annotations

import json
import subprocess
import tempfile
import unittest
from pathlib import Path

import numpy as np
import torch

from eval_detector import operating_index
from export_detector import CHECK_PHOTO, export_onnx, ort_max_abs_diff
from interpolate import interpolate
from kintsugi_train import manifest
from kintsugi_train.damage import VISIBLE_DELTA, damage_mask, is_print, paint_damage, toned_residuals
from kintsugi_train.detector import (
    DetectorUNet, confusion, loss_fn, random_crop_pair, read_rgb, scores, split_train,
)

HERE = Path(__file__).resolve().parents[1]


def _photo(size=96) -> np.ndarray:
    img = read_rgb(split_train()[0][0])
    return np.ascontiguousarray(img[:size, :size])


class DamageSynthesis(unittest.TestCase):
    def test_same_seed_same_damage_other_seed_other_damage(self):
        img = _photo(128)
        a, ma = paint_damage(np.random.default_rng(7), img)
        b, mb = paint_damage(np.random.default_rng(7), img)
        c, mc = paint_damage(np.random.default_rng(8), img)
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(ma, mb)
        self.assertFalse(np.array_equal(ma, mc))

    def test_mask_marks_exactly_the_visibly_changed_pixels(self):
        img = _photo(128)
        for seed in range(12):
            out, mask = paint_damage(np.random.default_rng(seed), img, age=False, boost={"stain": 0.0})
            self.assertEqual(mask.dtype, np.uint8)
            self.assertEqual(set(np.unique(mask)) - {0, 1}, set())
            self.assertGreater(mask.sum(), 0, f"seed {seed}: no damage")
            change = np.abs(out - img).max(axis=2)
            self.assertLessEqual(change[mask == 0].max(initial=0), VISIBLE_DELTA + 1e-6, f"seed {seed}")
            self.assertGreater(change[mask == 1].min(), VISIBLE_DELTA / 4 - 1e-6, f"seed {seed}")

    def test_stains_are_labelled_only_where_they_hide_the_picture(self):
        img = _photo(128)
        only_stains = {"scratch": 0.0, "crack": 0.0, "dust": 0.0, "tear": 0.0, "fold": 0.0, "text": 0.0,
                       "stain": 1.0}
        see_through = labelled = 0
        for seed in range(16):
            out, mask = paint_damage(np.random.default_rng(seed), img, age=False, boost=only_stains)
            change = np.abs(out - img).max(axis=2)
            # painted but left out of the label: the translucent part of a stain
            see_through += int(np.count_nonzero((change > 2 * VISIBLE_DELTA) & (mask == 0)))
            labelled += int(mask.sum())
            self.assertGreater(change[mask == 1].min(initial=1.0), VISIBLE_DELTA / 4 - 1e-6, f"seed {seed}")
        self.assertGreater(see_through, 1000, "translucent stains should be painted but not labelled")
        self.assertGreater(labelled, 1000, "stains that hide the picture should be labelled")

    def test_damage_mask_is_binary_and_reproducible(self):
        m1 = damage_mask(np.random.default_rng(3), 80, 120)
        m2 = damage_mask(np.random.default_rng(3), 80, 120)
        self.assertEqual(m1.shape, (80, 120))
        self.assertEqual(m1.dtype, np.uint8)
        np.testing.assert_array_equal(m1, m2)
        self.assertTrue(0 < m1.mean() < 1)

    def test_metrics_count_pixels(self):
        prob = np.array([[0.9, 0.9], [0.1, 0.9]])
        mask = np.array([[1, 0], [1, 1]])
        f1, iou = scores(confusion(prob, mask, thresholds=[0.5]))
        self.assertAlmostEqual(f1[0], 2 * 2 / (2 * 2 + 1 + 1))
        self.assertAlmostEqual(iou[0], 2 / 4)

    def test_operating_threshold_is_the_precise_end_of_the_flat_top(self):
        f1 = np.array([0.60, 0.70, 0.745, 0.74, 0.736, 0.72, 0.65])
        self.assertEqual(operating_index(f1, 0.01), 4)  # 0.736 >= 0.745 - 0.01; 0.72 is not
        self.assertEqual(operating_index(f1, 0.0), 2)   # no slack: the best one


class DetectorTrainsAndExports(unittest.TestCase):
    def test_trains_a_few_steps_exports_and_onnx_matches_pytorch(self):
        torch.manual_seed(0)
        torch.set_num_threads(1)
        rng = np.random.default_rng(0)
        pairs = [random_crop_pair(rng, _photo(160), 64) for _ in range(4)]
        x = torch.from_numpy(np.stack([d.transpose(2, 0, 1) for d, _ in pairs]))
        y = torch.from_numpy(np.stack([m[None] for _, m in pairs]).astype(np.float32))
        net = DetectorUNet()
        opt = torch.optim.Adam(net.parameters(), lr=2e-3)
        losses = []
        for _ in range(8):
            loss, _ = loss_fn(net(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(float(loss))
        self.assertTrue(all(np.isfinite(losses)))
        self.assertLess(losses[-1], losses[0])
        net.eval()
        with tempfile.TemporaryDirectory() as d:
            out = Path(d) / "detect-test.onnx"
            export_onnx(net, out)
            photo = read_rgb(CHECK_PHOTO)[:80, :112]  # not a multiple of 16: exercises the padding
            diff, shape = ort_max_abs_diff(net, out, photo)
        self.assertEqual(shape, [1, 1, 80, 112])
        self.assertLess(diff, 1e-4)


class ShippedDetector(unittest.TestCase):
    def test_every_shipped_detector_loads_in_onnxruntime_node_and_gives_probabilities(self):
        data = manifest.load()
        detectors = [m for m in data.get("models", []) if m.get("task") == "detect-damage"]
        if not detectors:
            self.skipTest("no detector in models/manifest.json yet")
        photo = read_rgb(CHECK_PHOTO)[:96, :128]
        x = np.ascontiguousarray(photo.transpose(2, 0, 1)[None], dtype="<f4")
        for entry in detectors:
            path = manifest.MODELS_DIR / entry["file"]
            self.assertEqual(manifest.sha256_of(path), entry["sha256"], entry["id"])
            self.assertLess(path.stat().st_size, 40 * 1024 * 1024)
            with tempfile.TemporaryDirectory() as d:
                fin, fout = Path(d) / "in.f32", Path(d) / "out.f32"
                x.tofile(fin)
                proc = subprocess.run(["node", str(HERE / "ort_check_detector.mjs"), str(path), str(fin),
                                       *map(str, x.shape), str(fout)], capture_output=True, text=True)
                self.assertEqual(proc.returncode, 0, proc.stderr)
                info = json.loads(proc.stdout.strip().splitlines()[-1])
                prob = np.fromfile(fout, dtype="<f4")
            self.assertEqual(info["dims"], [1, 1, 96, 128])
            self.assertEqual(info["output"], "prob")
            self.assertGreaterEqual(prob.min(), 0.0)
            self.assertLessEqual(prob.max(), 1.0)


class WeightInterpolation(unittest.TestCase):
    def test_interpolates_weights_and_batchnorm_statistics_and_keeps_counters(self):
        torch.manual_seed(0)
        a, b = DetectorUNet().state_dict(), DetectorUNet().state_dict()
        b = {k: (v + 1.0 if v.dtype.is_floating_point else v + 5) for k, v in b.items()}
        for alpha in (0.0, 0.5, 1.0):
            out = interpolate(a, b, alpha)
            for k, v in out.items():
                if v.dtype.is_floating_point:
                    self.assertTrue(torch.allclose(v, (1 - alpha) * a[k] + alpha * b[k]), k)
                else:  # BatchNorm's num_batches_tracked: the tuned model's
                    self.assertTrue(torch.equal(v, b[k]), k)
        self.assertTrue(any("running_mean" in k for k in out))
        with self.assertRaises(ValueError):
            interpolate(a, {k: v for k, v in b.items() if "running_var" not in k}, 0.5)

    def test_is_print_routes_grey_and_toned_prints_not_colour_photos(self):
        img = read_rgb(split_train()[0][1])  # a whole colour photo
        grey = np.repeat((img @ np.array([0.299, 0.587, 0.114], np.float32))[..., None], 3, 2)
        sepia = grey * np.array([1.0, 0.85, 0.62], np.float32) + np.array([0.0, 0.01, 0.03], np.float32)
        self.assertTrue(is_print(grey))
        self.assertTrue(is_print(sepia))
        self.assertFalse(is_print(img))

    def test_is_print_agrees_with_the_app_on_real_scans(self):
        # the table src-main/core/print-kind.ts is tested against too (test/unit/core/print-kind.test.ts)
        table = json.loads((HERE.parent.parent / "test/fixtures/print-kind-real.json").read_text())["cases"]
        self.assertGreaterEqual(len(table), 8)
        real = HERE.parent.parent.parent / "shared/data/real-damage"
        for case in table:
            img = read_rgb(real / case["photo"])
            affine, per_level = toned_residuals(img)
            self.assertAlmostEqual(affine, case["affine"], delta=0.005, msg=case["photo"])
            self.assertAlmostEqual(per_level, case["perLevel"], delta=0.005, msg=case["photo"])
            self.assertEqual(is_print(img), case["toned"], case["photo"])


if __name__ == "__main__":
    unittest.main()
