"""The real-damage benchmark's metric functions give the known answers on tiny arrays, and its card section
is inserted ahead of the synthetic scores and replaced in place on the next run."""
from __future__ import annotations

import math
import tempfile
import unittest
from pathlib import Path

import numpy as np

import bench_real as br


def _mask(shape, *pixels):
    m = np.zeros(shape, bool)
    for y, x in pixels:
        m[y, x] = True
    return m


class TolerantPRF(unittest.TestCase):
    def test_within_two_px_counts_beyond_does_not_euclidean(self):
        label = _mask((11, 11), (5, 5))
        # (5,7): 2 px away -> correct; (6,6): 1.41 px -> correct; (7,7): 2.83 px -> false (a square
        # window would accept it); (5,8): 3 px -> false
        pred = _mask((11, 11), (5, 7), (6, 6), (7, 7), (5, 8))
        r = br.tolerant_prf(pred, label, 2)
        self.assertAlmostEqual(r["precision"], 0.5)
        self.assertAlmostEqual(r["recall"], 1.0)
        self.assertAlmostEqual(r["f1"], 2 * 0.5 * 1.0 / 1.5)
        s = br.strict_prf(pred, label)
        self.assertEqual((s["precision"], s["recall"], s["f1"]), (0.0, 0.0, 0.0))

    def test_recall_counts_label_pixels_near_a_mark(self):
        label = _mask((5, 8), (2, 0), (2, 1), (2, 2), (2, 3))
        pred = _mask((5, 8), (2, 0))
        r = br.tolerant_prf(pred, label, 2)
        self.assertAlmostEqual(r["precision"], 1.0)
        self.assertAlmostEqual(r["recall"], 0.75)       # (2,3) is 3 px from the mark
        self.assertAlmostEqual(r["f1"], 6 / 7)
        s = br.strict_prf(pred, label)
        self.assertAlmostEqual(s["precision"], 1.0)
        self.assertAlmostEqual(s["recall"], 0.25)
        self.assertAlmostEqual(s["f1"], 0.4)

    def test_exact_match_and_empty_cases(self):
        label = _mask((6, 6), (1, 1), (4, 4))
        for fn in (br.strict_prf, lambda p, l: br.tolerant_prf(p, l, 2)):
            r = fn(label.copy(), label)
            self.assertEqual((r["precision"], r["recall"], r["f1"]), (1.0, 1.0, 1.0))
            r = fn(np.zeros_like(label), label)  # nothing marked: no false mark, nothing found
            self.assertEqual((r["precision"], r["recall"], r["f1"]), (1.0, 0.0, 0.0))

    def test_disk_has_the_pixels_within_the_radius(self):
        self.assertEqual(int(br.disk(2).sum()), 13)
        self.assertEqual(int(br.disk(1).sum()), 5)


class OtherMetrics(unittest.TestCase):
    def test_changed_share_counts_more_than_two_levels_in_any_channel_inside_the_region(self):
        before = np.full((4, 4, 3), 100, np.uint8)
        out = before.copy()
        out[0, 0, 2] = 103   # changed (3 > 2)
        out[0, 1, 0] = 98    # not changed (2 is not more than 2)
        out[3, 3, 1] = 90    # changed
        everywhere = np.ones((4, 4), bool)
        self.assertAlmostEqual(br.changed_share(out, before, everywhere), 2 / 16)
        region = everywhere.copy()
        region[0, 0] = False
        self.assertAlmostEqual(br.changed_share(out, before, region), 1 / 15)
        self.assertEqual(br.changed_share(out, before, np.zeros((4, 4), bool)), 0.0)

    def test_left_share_is_label_pixels_moved_less_than_ten_levels(self):
        before = np.zeros((2, 2, 3), np.uint8)
        out = before.copy()
        out[0, 0] = (9, 0, 0)     # left
        out[0, 1] = (0, 10, 0)    # filled
        out[1, 1] = (200, 200, 200)  # outside the label: ignored
        label = _mask((2, 2), (0, 0), (0, 1))
        self.assertAlmostEqual(br.left_share(out, before, label), 0.5)

    def test_psnr_over_a_region(self):
        a = np.zeros((3, 3, 3), np.uint8)
        b = a.copy()
        b[0, 0] = 1
        b[2, 2] = 50  # outside the region
        region = _mask((3, 3), (0, 0), (0, 1))
        self.assertAlmostEqual(br.psnr(a, b, region), 10 * math.log10(255 ** 2 / 0.5), places=6)
        self.assertTrue(math.isinf(br.psnr(a, a, region)))

    def test_label_resolution_area_then_half(self):
        pred = np.zeros((4, 4), bool)
        pred[0:2, 0:2] = True      # a whole 2x2 cell -> marked
        pred[2, 3] = True          # a quarter of a cell -> not marked
        pred[0:2, 2] = True        # half a cell -> marked (>= 0.5)
        self.assertEqual(br.to_label_resolution(pred, (2, 2)).tolist(), [[True, True], [False, False]])
        np.testing.assert_array_equal(br.to_label_resolution(pred, (4, 4)), pred)  # same size: unchanged

    def test_largest_component_and_marked_share(self):
        m = np.zeros((6, 6), bool)
        m[0, 0:3] = True           # 3 px
        m[3:5, 3:6] = True         # 6 px (largest)
        m[5, 0] = True
        big = br.largest_component(m)
        self.assertEqual(int(big.sum()), 6)
        self.assertTrue(big[3:5, 3:6].all())
        marked = np.zeros_like(m)
        marked[3, 3:6] = True
        self.assertAlmostEqual(br.marked_share(marked, big), 0.5)
        self.assertAlmostEqual(br.marked_share(marked), 3 / 36)
        self.assertFalse(br.largest_component(np.zeros((3, 3), bool)).any())


class Overlay(unittest.TestCase):
    def test_suggested_pixels_are_orange_and_marks_keep_their_colour(self):
        img = np.full((300, 300, 3), 100, np.uint8)  # > 256 px: drawn at scale 2, nearest
        marked = np.zeros((300, 300), bool)
        marked[10:20, 10:20] = True
        suggested = np.zeros((300, 300), bool)
        suggested[50:60, 50:60] = True
        suggested[15, 15] = True  # also marked: the mark's red wins
        out = br.overlay_png(img, marked, None, suggested)
        self.assertEqual(out.shape, (600, 600, 3))
        red, orange, plain = out[30, 30], out[110, 110], out[250, 250]
        self.assertGreater(int(red[0]), 200)
        self.assertLess(int(red[1]), 60)
        self.assertGreater(int(orange[0]), 200)
        self.assertTrue(90 < int(orange[1]) < 140)
        self.assertEqual(tuple(int(v) for v in plain), (100, 100, 100))
        self.assertTrue((br.overlay_png(img, marked, None) == br.overlay_png(img, marked, None, np.zeros_like(marked))).all())


class CardSection(unittest.TestCase):
    def test_inserted_before_the_synthetic_scores_then_replaced(self):
        with tempfile.TemporaryDirectory() as d:
            card = Path(d) / "card.md"
            card.write_text("# model\n\n## Training\ntext\n\n## Held-out scores (synthetic damage)\nnumbers\n")
            br.write_card(card, f"{br.CARD_BEGIN}\n## Real-damage benchmark\nfirst\n{br.CARD_END}")
            text = card.read_text()
            self.assertLess(text.index("## Training"), text.index("## Real-damage benchmark"))
            self.assertLess(text.index("## Real-damage benchmark"), text.index("## Held-out scores"))
            br.write_card(card, f"{br.CARD_BEGIN}\n## Real-damage benchmark\nsecond\n{br.CARD_END}")
            text = card.read_text()
            self.assertEqual(text.count("## Real-damage benchmark"), 1)
            self.assertIn("second", text)
            self.assertNotIn("first", text)
            self.assertTrue(text.endswith("numbers\n"))


if __name__ == "__main__":
    unittest.main()
