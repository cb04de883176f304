import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { detailRatio, gaussianKernel, MAX_PSNR, meanAbsLaplacian, psnr, scoreRestoration, ssim, type MetricImage } from '../../../src-main/core/metrics.js';

// Reference values were computed by scikit-image on the same PNGs (test/fixtures/make-metrics-fixture.py).
const dir = resolve(__dirname, '../../fixtures/metrics');
interface Case { clean: string; other: string; mask: string; kind: string; psnr: number; ssim: number; psnrHole: number; ssimHole: number }
const reference = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as { cases: Case[] };

// sharp hands out grayscale PNGs as 3 equal channels; `gray` keeps one, as skimage saw them.
async function load(name: string, gray = false): Promise<MetricImage> {
  const img = sharp(join(dir, name));
  const { data, info } = await (gray ? img.extractChannel(0) : img).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: info.channels, data };
}

describe('metrics against scikit-image', () => {
  it('has fixture cases for RGB and grayscale, damaged and identical', () => {
    expect(reference.cases.length).toBeGreaterThanOrEqual(12);
  });

  for (const c of reference.cases) {
    it(`${c.other} vs ${c.clean} (${c.kind})`, async () => {
      const gray = c.clean.startsWith('set14-bridge');
      const [clean, other, mask] = await Promise.all([load(c.clean, gray), load(c.other, gray), load(c.mask, true)]);
      expect(clean.channels).toBe(gray ? 1 : 3);
      expect(mask.channels).toBe(1);
      const hole = Uint8Array.from(mask.data as Buffer, (v) => (v > 127 ? 1 : 0));
      const s = scoreRestoration(clean, other, hole);
      expect(Math.abs(s.psnr - c.psnr)).toBeLessThan(1e-3);
      expect(Math.abs(s.psnrHole - c.psnrHole)).toBeLessThan(1e-3);
      expect(Math.abs(s.ssim - c.ssim)).toBeLessThan(1e-4);
      expect(Math.abs(s.ssimHole - c.ssimHole)).toBeLessThan(1e-4);
      expect(Math.abs(ssim(clean, other) - c.ssim)).toBeLessThan(1e-4);
    });
  }
});

describe('metrics', () => {
  const flat = (v: number, w = 16, h = 12, c = 3): MetricImage => ({ width: w, height: h, channels: c, data: new Uint8Array(w * h * c).fill(v) });

  it('uses the 11-tap Gaussian (sigma 1.5, truncate 3.5), normalised', () => {
    const k = gaussianKernel(1.5);
    expect(k.length).toBe(11);
    expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('gives PSNR from the MSE with data range 255, capped for identical images', () => {
    expect(psnr(flat(10), flat(20))).toBeCloseTo(10 * Math.log10((255 * 255) / 100), 10);
    expect(psnr(flat(10), flat(10))).toBe(MAX_PSNR);
    const hole = new Uint8Array(16 * 12);
    hole[5] = 1;
    const b = flat(10);
    (b.data as Uint8Array)[5 * 3] = 40; // one hole sample off by 30 → MSE over the hole's 3 samples = 300
    expect(psnr(flat(10), b, { hole })).toBeCloseTo(10 * Math.log10((255 * 255) / 300), 10);
  });

  it('refuses mismatched shapes and images smaller than the window', () => {
    expect(() => ssim(flat(1), flat(1, 16, 12, 1))).toThrow(/differ in shape/);
    expect(() => ssim(flat(1, 10, 10), flat(1, 10, 10))).toThrow(/at least 11x11/);
  });

  it('detail ratio: 1 for the real photo, 0 for a flat fill, and the Laplacian is measured on luma in the hole only', async () => {
    const clean = await load('101085-clean.png');
    const hole = new Uint8Array(clean.width * clean.height);
    for (let y = 10; y < 40; y++) for (let x = 10; x < 40; x++) hole[y * clean.width + x] = 1;
    expect(detailRatio(clean, clean, hole)).toBe(1);
    const flatFill = { ...clean, data: Uint8Array.from(clean.data as Uint8Array) };
    for (let p = 0; p < hole.length; p++) if (hole[p]) flatFill.data.fill(128, p * 3, p * 3 + 3);
    // Away from its border (which sees the step to the photo around it) a flat fill has no detail at all.
    const inner = new Uint8Array(hole.length);
    for (let y = 11; y < 39; y++) for (let x = 11; x < 39; x++) inner[y * clean.width + x] = 1;
    expect(detailRatio(clean, flatFill, inner)).toBe(0);
    expect(detailRatio(clean, flatFill, hole)).toBeGreaterThan(0);
    // One bright pixel on black: |Laplacian| 4·luma at it, luma at each of its 4 neighbours.
    const dot = flat(0, 16, 12);
    (dot.data as Uint8Array).fill(100, (5 * 16 + 5) * 3, (5 * 16 + 5) * 3 + 3);
    const all = new Uint8Array(16 * 12).fill(1);
    expect(meanAbsLaplacian(dot, all)).toBeCloseTo((4 * 100 + 4 * 100) / (16 * 12), 6);
    expect(Number.isNaN(detailRatio(flat(3), flat(9), all))).toBe(true);
  });
});

