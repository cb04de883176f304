"""fill_crops.py picks the window with the most hole and measures detail as the ratio the card reports."""
from __future__ import annotations

import unittest

import numpy as np

import fill_crops as fc


class FillCrops(unittest.TestCase):
    def test_crop_box_centres_on_the_densest_hole_and_stays_inside(self):
        hole = np.zeros((400, 300), bool)
        hole[300:340, 200:240] = True  # a block near the bottom right
        y, x = fc.crop_box(hole)
        self.assertEqual(int(hole[y:y + fc.SIDE, x:x + fc.SIDE].sum()), 40 * 40)
        self.assertLessEqual(y + fc.SIDE, 400)
        self.assertLessEqual(x + fc.SIDE, 300)

    def test_detail_is_one_for_the_real_photo_and_near_zero_for_a_flat_fill(self):
        rng = np.random.default_rng(0)
        real = rng.integers(0, 256, (64, 64, 3)).astype(np.uint8)
        hole = np.zeros((64, 64), bool)
        hole[16:48, 16:48] = True
        self.assertAlmostEqual(fc.detail(real, real, hole), 1.0, places=6)
        flat = real.copy()
        flat[hole] = 128
        self.assertLess(fc.detail(flat, real, hole), 0.2)


if __name__ == "__main__":
    unittest.main()
