"""The realistic synthesis: real artefact shapes are drawn, tears and flakes are labelled whole, hard negatives
are never labelled, and realistic=False still gives exactly the pairs earlier sessions scored."""
from __future__ import annotations

import unittest

import numpy as np

from kintsugi_train import damage, real_shapes
from kintsugi_train.detector import read_rgb, split_train


def _photo(size=128) -> np.ndarray:
    return np.ascontiguousarray(read_rgb(split_train()[0][3])[:size, :size])


class RealShapes(unittest.TestCase):
    def test_dustyscans_polygons_load_with_their_labels(self):
        polys = real_shapes.dusty_polygons()
        self.assertIn("Dust", polys)
        self.assertIn("Long hair", polys)
        self.assertGreater(sum(len(v) for v in polys.values()), 10000)
        # centred on their centroid
        self.assertLess(float(np.abs(polys["Dust"][0].mean(0)).max()), 1e-2)

    def test_artefact_layers_mark_something_inside_the_crop(self):
        for seed in range(5):
            rng = np.random.default_rng(seed)
            for fn in (real_shapes.real_artefacts, real_shapes.sprites, real_shapes.flakes, real_shapes.crazing):
                a, colour = fn(rng, 96, 128)
                self.assertEqual(a.shape, (96, 128))
                self.assertGreaterEqual(float(a.min()), 0.0)
                self.assertLessEqual(float(a.max()), 1.0 + 1e-6)
                self.assertEqual(colour.shape, (3,))

    def test_crazing_is_a_network_of_thin_walls_enclosing_cells(self):
        import cv2  # noqa: PLC0415
        cells = 0
        for seed in range(8):
            a, colour = real_shapes.crazing(np.random.default_rng(seed), 160, 160)
            self.assertEqual(a.shape, (160, 160))
            self.assertLessEqual(float(a.max()), 1.0 + 1e-6)
            self.assertGreater(float(colour.min()), 0.5, "crazing shows light paper")
            wall = (a > 0.2).astype(np.uint8)
            self.assertGreater(wall.mean(), 0.005, f"seed {seed}: no network")
            # thin: opening with a 5x5 square (what survives is a blob at least 5 px thick) keeps little
            thick = cv2.morphologyEx(wall, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
            self.assertLess(thick.sum(), 0.15 * wall.sum(), f"seed {seed}: walls are not thin")
            # a network: the walls enclose cells (many walls are open, so not every crop closes many)
            n_cells, _ = cv2.connectedComponents(1 - wall, connectivity=4)
            self.assertGreaterEqual(n_cells - 1, 2, f"seed {seed}: the walls enclose nothing")
            cells += n_cells - 1
        self.assertGreater(cells, 30)

    def test_flakes_are_labelled_whole_even_where_they_match_the_picture(self):
        white = np.full((128, 128, 3), 0.93, np.float32)  # paper-white picture: a flake changes ~nothing
        rng = np.random.default_rng(3)
        a, colour = real_shapes.flakes(rng, 128, 128)
        layers = [(a, colour, damage.WHOLE)]
        whole = np.zeros((128, 128), bool)
        for la, _, flag in layers:
            if flag is damage.WHOLE:
                whole |= la > 0.5
        self.assertGreater(whole.sum(), 0)
        # through paint_damage: a tear-only realistic pair on a white picture is labelled where the paper is
        rng = np.random.default_rng(5)
        d, m = damage.paint_damage(rng, white, age=False, realistic=True,
                                   boost={k: 0.0 for k in ("scratch", "crack", "dust", "stain", "fold", "text")} | {"tear": 1.0})
        self.assertGreater(int(m.sum()), 0, "tear on a white photo not labelled")

    def test_hard_negatives_change_the_picture_but_a_clean_pair_has_no_label(self):
        img = _photo()
        changed = 0
        for seed in range(8):
            rng = np.random.default_rng(seed)
            out, mask = damage.paint_damage(rng, img, clean=True, realistic=True)
            self.assertEqual(int(mask.sum()), 0, f"seed {seed}: a clean realistic pair has a label")
            changed += int(np.abs(real_shapes.hard_negatives(np.random.default_rng(seed), img) - img).max() > 0.1)
        self.assertGreater(changed, 3)

    def test_realistic_false_keeps_the_old_pairs(self):
        img = _photo()
        a, ma = damage.paint_damage(np.random.default_rng(11), img)
        b, mb = damage.paint_damage(np.random.default_rng(11), img, realistic=False)
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(ma, mb)
        c, mc = damage.paint_damage(np.random.default_rng(11), img, realistic=True)
        self.assertFalse(np.array_equal(ma, mc))


class Relief(unittest.TestCase):
    def test_a_raised_crack_lightens_a_line_and_shades_beside_it(self):
        from kintsugi_train.damage_shapes import _relief  # noqa: PLC0415
        for seed in range(6):
            s = _relief(np.random.default_rng(seed), 128, 128)
            self.assertEqual(s.shape, (128, 128))
            self.assertGreater(float(s.max()), 0.05)  # the lit edge
            self.assertGreaterEqual(float(s.min()), -0.45)
            self.assertLess(float((np.abs(s) > 0.02).mean()), 0.2)  # lines, not a region

    def test_relief_is_labelled_where_it_shows_and_switched_by_relief_p(self):
        img = _photo()
        before = damage.paint_damage(np.random.default_rng(3), img, realistic=True)
        old = damage.RELIEF_P
        try:
            damage.RELIEF_P = 1.0
            shown = 0
            for seed in range(6):
                out, mask = damage.paint_damage(np.random.default_rng(seed), img, realistic=True)
                self.assertEqual(mask.shape, img.shape[:2])
                shown += int(mask.sum())
            self.assertGreater(shown, 0)
        finally:
            damage.RELIEF_P = old
        again = damage.paint_damage(np.random.default_rng(3), img, realistic=True)
        np.testing.assert_array_equal(before[0], again[0])  # back at RELIEF_P 0, the same seed gives the same pair
        np.testing.assert_array_equal(before[1], again[1])


class ReliefOnPrints(unittest.TestCase):
    def test_is_toned_tells_grey_and_sepia_prints_from_colour_photos(self):
        img = _photo()
        yy, xx = np.mgrid[0:128, 0:128].astype(np.float32) / 127
        self.assertFalse(damage.is_toned(np.stack([xx, yy, 1 - xx * yy], 2)))  # red, green and blue each their own way
        g = img @ np.array([0.299, 0.587, 0.114], np.float32)
        self.assertTrue(damage.is_toned(np.repeat(g[..., None], 3, 2)))
        sepia = g[..., None] * np.array([1.0, 0.85, 0.6], np.float32) + 0.05
        self.assertTrue(damage.is_toned(sepia))

    def test_relief_mono_keeps_raised_cracks_off_colour_photos(self):
        old = damage.RELIEF_P, damage.RELIEF_MONO
        try:
            damage.RELIEF_P, damage.RELIEF_MONO = 1.0, True
            kinds = [[layer[2] for layer in damage._realistic_layers(np.random.default_rng(s), 64, 64, None, toned)]
                     for toned in (False, True) for s in range(4)]
            self.assertFalse(any(damage.RELIEF in k for k in kinds[:4]))
            self.assertTrue(all(damage.RELIEF in k for k in kinds[4:]))
            damage.RELIEF_MONO = False  # off: colour photos get them too
            self.assertIn(damage.RELIEF, [layer[2] for layer in damage._realistic_layers(np.random.default_rng(0), 64, 64, None, False)])
        finally:
            damage.RELIEF_P, damage.RELIEF_MONO = old

    def test_toned_only_ages_every_photo_to_a_print(self):
        # a red half and a blue half: a grey or sepia print keeps blue at or below red on both, colour does not
        img = np.zeros((48, 64, 3), np.float32)
        img[:, :32] = (0.9, 0.1, 0.1)
        img[:, 32:] = (0.1, 0.1, 0.9)

        def blue_over_red(seed):
            out = damage.age_photo(np.random.default_rng(seed), img)
            return float(out[8:40, 40:56, 2].mean() - out[8:40, 40:56, 0].mean())

        self.assertTrue(any(blue_over_red(s) > 0.1 for s in range(20)))  # off: some photos stay in colour
        try:
            damage.TONED_ONLY = True
            self.assertTrue(all(blue_over_red(s) <= 1e-3 for s in range(20)))
        finally:
            damage.TONED_ONLY = False


if __name__ == "__main__":
    unittest.main()
