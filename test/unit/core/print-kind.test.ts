import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Raster } from '../../../src-main/core/image.js';
import { isTonedPrint, LEVEL_TOLERANCE, TONED_TOLERANCE, tonedResidual } from '../../../src-main/core/print-kind.js';

const repoRoot = resolve(__dirname, '../../..');
const realDamage = join(repoRoot, '../shared/data/real-damage');

/** A photo from a luma pattern, each channel made by `channel(c, luma, x, y)` (0..1), 8 or 16 bits. */
function make(w: number, h: number, channel: (c: number, y: number, px: number, py: number) => number, depth: 8 | 16 = 8): Raster {
  const max = depth === 16 ? 65535 : 255;
  const data = depth === 16 ? new Uint16Array(w * h * 3) : new Uint8Array(w * h * 3);
  for (let py = 0; py < h; py++) for (let px = 0; px < w; px++) {
    const y = 0.5 + 0.45 * Math.sin(px / 7) * Math.cos(py / 5);
    for (let c = 0; c < 3; c++) data[(py * w + px) * 3 + c] = Math.round(Math.min(1, Math.max(0, channel(c, y, px, py))) * max);
  }
  return { width: w, height: h, channels: 3, depth, data };
}

const SEPIA = [1.0, 0.85, 0.62];

async function read(name: string): Promise<Raster> {
  const { data, info } = await sharp(join(realDamage, name)).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(3);
  return { width: info.width, height: info.height, channels: 3, depth: 8, data: new Uint8Array(data) };
}

describe('isTonedPrint', () => {
  it('grey and sepia prints are toned prints, in 8 and 16 bits; a photo with its own colours is not', () => {
    const grey = tonedResidual(make(90, 60, (_c, y) => y));
    expect(Math.max(grey.affine, grey.perLevel)).toBeLessThan(0.003);
    const sepia = (c: number, y: number) => SEPIA[c]! * y + (1 - SEPIA[c]!) * 0.08;
    expect(isTonedPrint(make(90, 60, sepia))).toBe(true);
    expect(isTonedPrint(make(90, 60, sepia, 16))).toBe(true);
    // the same luma, but red and blue trade places across the picture: colour luma does not predict
    const colour = (c: number, y: number, px: number) => (c === 1 ? y : y + (c === 0 ? 1 : -1) * 0.15 * Math.sin(px / 11));
    expect(tonedResidual(make(90, 60, colour)).affine).toBeGreaterThan(TONED_TOLERANCE);
    expect(tonedResidual(make(90, 60, colour)).perLevel).toBeGreaterThan(LEVEL_TOLERANCE);
    // split toning (cold shadows, warm highlights) is not affine in luma but one colour per grey level: toned
    const split = (c: number, y: number) => y + (y - 0.5 > 0 ? 1 : -1) * (c === 0 ? 0.08 : c === 2 ? -0.08 : 0) * Math.min(1, Math.abs(y - 0.5) * 8);
    expect(tonedResidual(make(90, 60, split)).perLevel).toBeLessThan(0.01);
    expect(isTonedPrint(make(90, 60, colour, 16))).toBe(false);
    expect(isTonedPrint({ width: 4, height: 4, channels: 1, depth: 8, data: new Uint8Array(16) })).toBe(true);
  });

  it('on real scans: old toned prints yes; colour photos, a faded autochrome and a hand-tinted print no', async () => {
    // the residuals as numpy measures them (the table the Python port is tested against too)
    const { cases } = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/print-kind-real.json'), 'utf8')) as {
      cases: Array<{ photo: string; affine: number; perLevel: number; toned: boolean }>;
    };
    expect(cases.length).toBeGreaterThanOrEqual(8);
    for (const { photo: name, affine, perLevel, toned } of cases) {
      const img = await read(name);
      const r = tonedResidual(img);
      expect(r.affine, name).toBeCloseTo(affine, 2);
      expect(r.perLevel, name).toBeCloseTo(perLevel, 2);
      expect(isTonedPrint(img), name).toBe(toned);
    }
  });
});
