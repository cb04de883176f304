"""Tone restoration: the ageing recipes are reproducible and honest about their targets (never colour from a grey
or toned print), the network starts as the identity, black-and-white stays black-and-white, training resumes,
and the exported ONNX graph gives PyTorch's numbers in onnxruntime-node; the shipped model (if any) leaves a
clean photo nearly alone and restores aged ones better than doing nothing."""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import numpy as np
import torch

from export_tone import CHECK_PHOTO, export_onnx, ort_max_abs_diff
from kintsugi_train import manifest
from kintsugi_train.detector import read_rgb, split_train
from kintsugi_train.tone import (
    SIZE, ToneNet, apply_tone, ciede2000, loss_fn, predict_params, restore_tone, rgb_to_lab, small_copy,
    weights_from_onnx, widen,
)
from kintsugi_train.tone_ageing import age_heldout, age_train, age_unseen, random_pair
from kintsugi_train.tone_metrics import BASELINES, scores, to_u8

HERE = Path(__file__).resolve().parents[1]
torch.set_num_threads(1)


def _photo(n: int = 0, size: int | None = 96) -> np.ndarray:
    img = read_rgb(split_train()[0][n])
    return np.ascontiguousarray(img[:size, :size]) if size else img


def _is_grey(img: np.ndarray, tol: float = 1e-6) -> bool:
    return float(np.abs(img - img[..., :1]).max()) <= tol


class Ageing(unittest.TestCase):
    def test_same_seed_same_pair_other_seed_other_pair(self):
        img = _photo()
        for age in (age_train, age_heldout, age_unseen):
            a = age(np.random.default_rng(5), img)
            b = age(np.random.default_rng(5), img)
            c = age(np.random.default_rng(6), img)
            for x, y in zip(a[:3], b[:3]):
                np.testing.assert_array_equal(x, y)
            self.assertFalse(np.array_equal(a[0], c[0]))

    def test_pairs_are_float_images_and_targets_never_ask_for_invented_colour(self):
        img = _photo()
        kinds = {True: 0, False: 0}
        for seed in range(60):
            for age in (age_train, age_heldout, age_unseen):
                aged, target, keep, mono = age(np.random.default_rng(seed), img)
                for x in (aged, target, keep):
                    self.assertEqual(x.shape, img.shape)
                    self.assertEqual(x.dtype, np.float32)
                    self.assertGreaterEqual(float(x.min()), 0.0)
                    self.assertLessEqual(float(x.max()), 1.0)
                kinds[mono] += 1
                if mono:  # a grey or toned print: the target is the neutral grey photo
                    self.assertTrue(_is_grey(target), f"seed {seed}: toned print with a coloured target")
                    self.assertLess(float(np.abs(aged - aged.mean(2, keepdims=True)).std()), 0.2)
                else:  # a colour photo keeps its colour: the target is the clean photo itself
                    np.testing.assert_array_equal(target, img)
                    np.testing.assert_array_equal(keep, img)
        self.assertGreater(kinds[True], 20)
        self.assertGreater(kinds[False], 40)

    def test_heldout_recipe_differs_from_training(self):
        img = _photo()
        for measure in (age_heldout, age_unseen):
            same = sum(np.array_equal(age_train(np.random.default_rng(s), img)[0], measure(np.random.default_rng(s), img)[0])
                       for s in range(10))
            self.assertEqual(same, 0)

    def test_random_pair_is_a_square_work_crop(self):
        photo = (_photo(size=None) * 255).astype(np.uint8)
        aged, target, keep, mono = random_pair(np.random.default_rng(1), photo, 160)
        self.assertEqual(aged.shape, (160, 160, 3))
        self.assertEqual(target.shape, (160, 160, 3))


class Transform(unittest.TestCase):
    def test_untrained_network_is_half_auto_levels_and_nothing_else(self):
        net = ToneNet().eval()
        img = _photo(size=None)
        faded = 0.2 + 0.6 * img
        out = restore_tone(net, faded)
        # the classical stage alone: per channel, black and white points half-way to the photo's 0.5/99.5 percentiles
        small = small_copy(faded)
        pooled = small.reshape(SIZE // 2, 2, SIZE // 2, 2, 3).mean((1, 3)).reshape(-1, 3)
        ranked = np.sort(pooled, axis=0)
        lo = 0.5 * ranked[int(0.005 * len(ranked))]
        hi = 1 - 0.5 * (1 - ranked[int(0.995 * len(ranked))])
        expected = np.clip((faded - lo) / (hi - lo), 0, 1)
        self.assertLessEqual(float(np.abs(out - expected).max()), 2e-3)
        self.assertGreater(float(out.std()), float(faded.std()))  # contrast comes back

    def test_grey_stays_grey_even_with_sepia_kept_and_a_strong_transform(self):
        torch.manual_seed(0)
        net = ToneNet().eval()
        with torch.no_grad():  # make every head do something strong
            for p in net.parameters():
                p.add_(torch.randn_like(p) * 0.3)
        g = _photo(size=None) @ np.array([0.299, 0.587, 0.114], np.float32)
        grey = np.repeat(g[..., None], 3, 2)
        params = predict_params(net, grey)
        for keep in (False, True):
            out = apply_tone(grey, params, keep_sepia=keep)
            self.assertTrue(_is_grey(out), f"keep_sepia={keep}")
        colour = _photo(size=None)  # a colour photo the network calls colour does get colour
        self.assertFalse(_is_grey(apply_tone(colour, {**params, "mono_logit": torch.full((1, 1), -9.0)})))

    def test_strength_blends_linearly(self):
        torch.manual_seed(1)
        net = ToneNet().eval()
        with torch.no_grad():
            for p in net.parameters():
                p.add_(torch.randn_like(p) * 0.2)
        img = _photo()
        params = predict_params(net, img)
        full = apply_tone(img, params, 1.0)
        half = apply_tone(img, params, 0.5)
        np.testing.assert_allclose(apply_tone(img, params, 0.0), img, atol=1e-6)
        np.testing.assert_allclose(half, (img + full) / 2, atol=1e-5)

    def test_small_copy_size(self):
        self.assertEqual(small_copy(_photo(size=None)).shape, (SIZE, SIZE, 3))

    def test_metrics_and_baselines(self):
        img = to_u8(_photo())
        s = scores(img, img)
        self.assertEqual(s["psnr"], 100.0)
        self.assertAlmostEqual(s["ciede2000"], 0.0, places=6)
        self.assertAlmostEqual(s["ssim"], 1.0, places=6)
        worse = scores(img, np.clip(img.astype(int) + 20, 0, 255).astype(np.uint8))
        self.assertLess(worse["psnr"], 25)
        self.assertGreater(worse["ciede2000"], 2)
        faded = 0.3 + 0.5 * _photo()
        for name, f in BASELINES.items():
            out = f(faded)
            self.assertEqual(out.shape, faded.shape, name)
            self.assertGreater(float(out.max() - out.min()), float(faded.max() - faded.min()), name)

    def test_differentiable_ciede2000_is_the_measure(self):
        from skimage.color import deltaE_ciede2000, rgb2lab
        a = _photo(1)
        b = np.clip(a + np.random.default_rng(5).normal(0, 0.08, a.shape), 0, 1)
        b[:8] = b[:8, :, :1]  # grey rows: zero chroma, where the formula has its edge cases
        ta = torch.tensor(a.transpose(2, 0, 1)[None], requires_grad=True)
        tb = torch.tensor(b.transpose(2, 0, 1)[None])
        la = rgb_to_lab(ta)
        np.testing.assert_allclose(la[0].detach().numpy().transpose(1, 2, 0), rgb2lab(a), atol=1e-3)
        d = ciede2000(la, rgb_to_lab(tb))
        ref = deltaE_ciede2000(rgb2lab(a), rgb2lab(b))
        self.assertLess(float(np.abs(d[0].detach().numpy() - ref).max()), 0.05)
        d.mean().backward()
        self.assertTrue(bool(torch.isfinite(ta.grad).all()))


class Training(unittest.TestCase):
    def test_loss_falls_on_one_batch(self):
        torch.manual_seed(0)
        net = ToneNet()
        rng = np.random.default_rng(3)
        photos = [(_photo(i, size=None) * 255).astype(np.uint8) for i in range(4)]
        pairs = [random_pair(rng, photos[i % 4], SIZE) for i in range(6)]
        t = lambda k: torch.from_numpy(np.stack([p[k].transpose(2, 0, 1) for p in pairs]))  # noqa: E731
        x, y, keep = t(0), t(1), t(2)
        mono = torch.tensor([float(p[3]) for p in pairs])
        opt = torch.optim.Adam(net.parameters(), 3e-3)
        first = None
        for _ in range(25):
            loss, _ = loss_fn(net(x), x, y, keep, mono)
            first = first if first is not None else float(loss)
            opt.zero_grad()
            loss.backward()
            opt.step()
        self.assertLess(float(loss), first * 0.8)
        # with the colour-difference term (--lab-weight) the photos' CIEDE2000 falls too
        opt = torch.optim.Adam(net.parameters(), 1e-3)
        de = []
        for _ in range(15):
            loss, parts = loss_fn(net(x), x, y, keep, mono, "psnr", 0.01)
            de.append(parts["de2000"])
            opt.zero_grad()
            loss.backward()
            opt.step()
        self.assertLess(de[-1], de[0])

    def test_a_widened_net_starts_as_the_narrow_one_and_its_new_channels_learn(self):
        torch.manual_seed(1)
        narrow = ToneNet()
        for p in narrow.parameters():  # not the identity start: every head in use
            p.data.add_(0.05 * torch.randn_like(p))
        narrow.eval()
        wide = ToneNet(width=2)
        widen(narrow.state_dict(), wide)
        wide.eval()
        x = torch.from_numpy(np.stack([_photo(i).transpose(2, 0, 1) for i in range(2)]))
        a, b = narrow(x), wide(x)
        for k in a:
            self.assertLess(float((a[k] - b[k]).abs().max()), 1e-5, k)
        # the new channels are not dead: one step moves their (zero) output weights
        wide.train()
        before = wide.mlp[0].weight[:, 96:192].clone()
        loss, _ = loss_fn(wide(x), x, x * 0.8, x, torch.zeros(2), "psnr")
        opt = torch.optim.Adam(wide.parameters(), 1e-3)
        loss.backward()
        opt.step()
        self.assertGreater(float((wide.mlp[0].weight[:, 96:192] - before).abs().max()), 0.0)

    def test_trains_resumes_exports_and_onnx_matches_pytorch(self):
        with tempfile.TemporaryDirectory() as d:
            d = Path(d)
            cmd = [sys.executable, str(HERE / "train_tone.py"), "--run-dir", str(d), "--batch", "2", "--val-n", "2",
                   "--train-limit", "4", "--max-steps", "3"]
            subprocess.run(cmd, check=True, capture_output=True)
            subprocess.run([*cmd[:-1], "5", "--resume"], check=True, capture_output=True)
            ck = torch.load(d / "last.pt", map_location="cpu")
            self.assertEqual(ck["state"]["step"], 5)
            self.assertIn("resumed", (d / "log.txt").read_text())
            net = ToneNet()
            net.load_state_dict(ck["model"])
            net.eval()
            onnx_path = d / "tone.onnx"
            export_onnx(net, onnx_path)
            self.assertLess(ort_max_abs_diff(net, onnx_path, read_rgb(CHECK_PHOTO)), 1e-4)
            # Only the exported model left: its weights come back out of the ONNX file exactly.
            back = ToneNet()
            self.assertEqual(weights_from_onnx(back, str(onnx_path)), len(net.state_dict()))
            for k, v in net.state_dict().items():
                self.assertTrue(torch.equal(v, back.state_dict()[k]), k)


class Shipped(unittest.TestCase):
    def test_shipped_model_leaves_clean_photos_nearly_alone_and_helps_aged_ones(self):
        entry = next((m for m in manifest.load().get("models", []) if m.get("task") == "restore-tone"), None)
        if entry is None:
            self.skipTest("no restore-tone model in models/manifest.json yet")
        path = manifest.MODELS_DIR / entry["file"]
        self.assertEqual(manifest.sha256_of(path), entry["sha256"])
        # The shipped graph in onnxruntime-node, its transform applied with the training code's arithmetic.
        from export_tone import ort_outputs
        held = split_train()[1]
        gains, clean_psnr = [], []
        for i, p in enumerate(held[:6]):
            clean = read_rgb(p)
            aged, target, _, _ = age_heldout(np.random.default_rng([4321, i]), clean)
            for img, ref, acc in ((aged, target, gains), (clean, clean, clean_psnr)):
                x = np.ascontiguousarray(small_copy(img).transpose(2, 0, 1)[None], dtype=np.float32)
                o = {k: torch.from_numpy(v) for k, v in ort_outputs(path, x).items()}
                out = apply_tone(img, {"grid": o["grid"], "curves": o["curves"], "matrix": o["matrix"],
                                       "mono": o["mono"], "tint": o["tint"]})
                got = scores(to_u8(ref), to_u8(out))["psnr"]
                acc.append(got - scores(to_u8(ref), to_u8(img))["psnr"] if acc is gains else got)
        self.assertGreater(float(np.mean(gains)), 2.0, f"PSNR gain over doing nothing: {gains}")
        self.assertGreater(float(np.mean(clean_psnr)), 30.0, f"clean photos changed: {clean_psnr}")


if __name__ == "__main__":
    unittest.main()
