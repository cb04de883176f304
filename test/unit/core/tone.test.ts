import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Raster } from '../../../src-main/core/image.js';
import { applyTone, isGreyInput, toneInput, type ToneParams } from '../../../src-main/core/tone.js';

const K = 16;
const G = 4;

/** The identity transform: unit gains, zero offsets, straight curves, identity matrix, colour photo. */
function identity(): ToneParams {
  const grid = new Float32Array(6 * G * G);
  grid.fill(1, 0, 3 * G * G);
  const curves = new Float32Array(3 * K);
  for (let c = 0; c < 3; c++) for (let k = 0; k < K; k++) curves[c * K + k] = k / (K - 1);
  return { gridSize: G, grid, knots: K, curves, matrix: Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]), mono: 0.1, tint: Float32Array.from([1, 1, 1, 0, 0, 0]) };
}

function randomRaster(w: number, h: number, channels: Raster['channels'], depth: 8 | 16, seed = 7): Raster {
  let s = seed;
  const max = depth === 16 ? 65535 : 255;
  const n = w * h * channels;
  const data = depth === 16 ? new Uint16Array(n) : new Uint8Array(n);
  for (let i = 0; i < n; i++) data[i] = ((s = (s * 1103515245 + 12345) >>> 0) >>> 8) % (max + 1);
  return { width: w, height: h, channels, depth, data };
}

describe('applyTone', () => {
  it('gives back every pixel unchanged for the identity transform (8/16-bit, grey, RGB, alpha)', () => {
    for (const channels of [1, 2, 3, 4] as const) {
      for (const depth of [8, 16] as const) {
        const img = randomRaster(23, 17, channels, depth);
        const out = applyTone(img, identity()).image;
        expect([out.width, out.height, out.channels, out.depth]).toEqual([23, 17, channels, depth]);
        expect(Array.from(out.data)).toEqual(Array.from(img.data));
      }
    }
  });

  it('applies gain, offset, curve and matrix in that order, as the training code does', () => {
    const p = identity();
    p.grid.fill(0.5, 0, G * G); // red gain 0.5
    p.grid.fill(0.2, 3 * G * G, 4 * G * G); // red offset 0.2
    for (let k = 0; k < K; k++) p.curves[K + k] = Math.min(1, (2 * k) / (K - 1)); // green doubled (knots are exact)
    p.matrix.set([1, 0, 0, 0, 1, 0, 0.5, 0, 0.5]); // blue = (red + blue) / 2
    const img: Raster = { width: 1, height: 1, channels: 3, depth: 8, data: Uint8Array.from([100, 60, 200]) };
    const out = applyTone(img, p).image.data;
    const r = (100 / 255) * 0.5 + 0.2;
    expect(out[0]).toBe(Math.round(r * 255));
    expect(out[1]).toBe(Math.round(((2 * 60) / 255) * 255));
    expect(out[2]).toBe(Math.round(((r + 200 / 255) / 2) * 255));
  });

  it('interpolates the grid with pixel centres aligned and edges clamped', () => {
    const p = identity();
    p.gridSize = 2;
    p.grid = new Float32Array(6 * 4);
    p.grid.fill(1, 0, 12);
    p.grid.set([0, 0.4, 0, 0.4], 12); // red offset: 0 on the left column of cells, 0.4 on the right
    const img: Raster = { width: 4, height: 1, channels: 3, depth: 8, data: new Uint8Array(12) };
    const out = applyTone(img, p).image.data;
    // cell centres at x = 0.5 and 2.5 of 4 pixels → weights 0, 0.25, 0.75, 1 (clamped at both ends)
    expect([out[0], out[3], out[6], out[9]]).toEqual([0, 26, 77, 102]);
  });

  it('keeps a grey photo grey, whatever the curves, matrix and tint say', () => {
    const p = identity();
    for (let k = 0; k < K; k++) p.curves[2 * K + k] = 0.5 * (k / (K - 1)); // halves blue: a yellow cast
    p.matrix.set([1.2, 0, 0, 0, 1, 0, 0, 0, 0.8]);
    p.tint.set([1, 0.8, 0.6, 0.05, 0, 0]);
    const grey1 = randomRaster(19, 11, 1, 8);
    const out1 = applyTone(grey1, p, { keepSepia: true });
    expect(out1.isMono).toBe(true);
    expect(out1.image.channels).toBe(1);
    const rgb = new Uint8Array(grey1.data.length * 3);
    for (let i = 0; i < grey1.data.length; i++) rgb.fill(grey1.data[i]!, 3 * i, 3 * i + 3);
    const grey3: Raster = { width: 19, height: 11, channels: 3, depth: 8, data: rgb };
    expect(isGreyInput(toneInput(grey3, 8))).toBe(true);
    const out3 = applyTone(grey3, p, { keepSepia: true }, true).image.data;
    for (let i = 0; i < out3.length; i += 3) {
      expect(out3[i + 1]).toBe(out3[i]);
      expect(out3[i + 2]).toBe(out3[i]);
    }
    // the same luma as the one-channel photo got
    for (let i = 0; i < grey1.data.length; i++) expect(out3[3 * i]).toBe(out1.image.data[i]);
  });

  it('makes a toned print neutral or keeps its sepia when the network says it is black-and-white', () => {
    const p = identity();
    p.mono = 0.9;
    p.tint.set([1, 0.85, 0.6, 0.04, 0.02, 0]);
    const sepia: Raster = { width: 2, height: 1, channels: 3, depth: 8, data: Uint8Array.from([200, 170, 120, 80, 68, 50]) };
    const neutral = applyTone(sepia, p).image.data;
    expect(neutral[0]).toBe(neutral[1]);
    expect(neutral[1]).toBe(neutral[2]);
    const y = (0.299 * 200 + 0.587 * 170 + 0.114 * 120) / 255;
    expect(neutral[0]).toBe(Math.round(y * 255));
    const kept = applyTone(sepia, p, { keepSepia: true }).image.data;
    expect(Array.from(kept.slice(0, 3))).toEqual([Math.round((y + 0.04) * 255), Math.round((0.85 * y + 0.02) * 255), Math.round(0.6 * y * 255)]);
  });

  it('blends with the photo by strength: 0 is the photo itself, 1 the full correction', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (s) => {
        const p = identity();
        p.matrix.set([0, 0, 0, 0, 0, 0, 0, 0, 0]); // full correction = black
        const img: Raster = { width: 1, height: 1, channels: 3, depth: 8, data: Uint8Array.from([200, 100, 50]) };
        const out = applyTone(img, p, { strength: s }).image.data;
        expect(Array.from(out)).toEqual([200, 100, 50].map((v) => Math.round((v / 255) * (1 - s) * 255)));
      }),
      { numRuns: 50 },
    );
  });

  it('keeps alpha and refuses a bad strength or malformed parameters', () => {
    const p = identity();
    p.matrix.set([0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const rgba: Raster = { width: 1, height: 1, channels: 4, depth: 16, data: Uint16Array.from([1000, 2000, 3000, 4321]) };
    expect(Array.from(applyTone(rgba, p).image.data)).toEqual([0, 0, 0, 4321]);
    expect(() => applyTone(rgba, p, { strength: 1.5 })).toThrow(/strength/);
    expect(() => applyTone(rgba, p, { strength: Number.NaN })).toThrow(/strength/);
    expect(() => applyTone(rgba, { ...p, curves: new Float32Array(5) })).toThrow(/curves/);
    expect(() => applyTone(rgba, { ...p, grid: new Float32Array(7) })).toThrow(/grid/);
  });
});

describe('toneInput', () => {
  it('area-averages any photo to size × size planar RGB in [0, 1], grey repeated, alpha dropped', () => {
    const img: Raster = { width: 4, height: 2, channels: 2, depth: 8, data: Uint8Array.from([0, 9, 255, 9, 0, 9, 255, 9, 255, 9, 255, 9, 0, 9, 0, 9]) };
    const x = toneInput(img, 2);
    expect(x.length).toBe(12);
    // grey rows 0 255 0 255 / 255 255 0 0, pairs averaged (127.5 rounds up)
    expect(Array.from(x.slice(0, 4)).map((v) => Math.round(v * 255))).toEqual([128, 128, 255, 0]);
    expect(Array.from(x.slice(4, 8))).toEqual(Array.from(x.slice(0, 4)));
    expect(isGreyInput(x)).toBe(true);
    const colour = randomRaster(40, 30, 3, 16);
    expect(isGreyInput(toneInput(colour, 8))).toBe(false);
  });
});
