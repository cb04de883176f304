import { describe, expect, it } from 'vitest';
import type { Mask, Raster } from '../../../src-main/core/image.js';
import { addTexture } from '../../../src-main/core/texture.js';

/** Deterministic pseudo-random numbers in [0, 1). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const W = 96;
const H = 96;
const GRAINY = 90; // top half: mid grey with strong grain
const SMOOTH = 200; // bottom half: bright and smooth

/** Top half grainy, bottom half smooth; two square holes (one per half) filled flat, as a smooth network fill would. */
function scene(channels: 3 | 4, depth: 8 | 16): { image: Raster; filled: Raster; hole: Mask; squares: Array<[number, number]> } {
  const scale = depth === 16 ? 257 : 1;
  const rand = lcg(7);
  const data = depth === 16 ? new Uint16Array(W * H * channels) : new Uint8Array(W * H * channels);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const v = y < H / 2 ? GRAINY + (rand() - 0.5) * 60 : SMOOTH;
      for (let c = 0; c < 3; c++) data[(y * W + x) * channels + c] = Math.round(v * scale);
      if (channels === 4) data[(y * W + x) * channels + 3] = 123 * scale;
    }
  }
  const image: Raster = { width: W, height: H, channels, depth, data };
  const squares: Array<[number, number]> = [[40, 14], [40, 66]];
  const hole = new Uint8Array(W * H);
  for (const [x0, y0] of squares) for (let y = y0; y < y0 + 14; y++) for (let x = x0; x < x0 + 14; x++) hole[y * W + x] = 255;
  const fd = data.slice();
  for (let p = 0; p < W * H; p++) {
    if (!hole[p]) continue;
    const v = Math.floor(p / W) < H / 2 ? GRAINY : SMOOTH;
    for (let c = 0; c < 3; c++) fd[p * channels + c] = v * scale;
  }
  return { image, filled: { ...image, data: fd }, hole: { width: W, height: H, data: hole }, squares };
}

/** Mean and standard deviation of channel 0 over a 14×14 square. */
function stats(r: Raster, x0: number, y0: number): { mean: number; std: number } {
  const v: number[] = [];
  for (let y = y0; y < y0 + 14; y++) for (let x = x0; x < x0 + 14; x++) v.push(r.data[(y * W + x) * r.channels]!);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return { mean, std: Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length) };
}

describe('addTexture', () => {
  it('copies grain into a hole in the grainy part and none into a hole in the smooth part (the structure picks the source)', () => {
    const { image, filled, hole, squares } = scene(3, 8);
    const out: Raster = { ...filled, data: filled.data.slice() };
    addTexture(out, image, hole);
    const grainy = stats(out, ...squares[0]!);
    const smooth = stats(out, ...squares[1]!);
    const real = stats(image, squares[0]![0], squares[0]![1]);
    expect(grainy.std).toBeGreaterThan(0.5 * real.std);
    expect(grainy.std).toBeLessThan(1.6 * real.std);
    expect(Math.abs(grainy.mean - GRAINY)).toBeLessThan(3); // the fill's colour stays
    expect(smooth.std).toBeLessThan(1);
    expect(Math.abs(smooth.mean - SMOOTH)).toBeLessThan(1);
  });

  it('never touches a pixel outside the hole, nor alpha, in 8 and 16 bits, and gives the same result every run', () => {
    for (const depth of [8, 16] as const) {
      const { image, filled, hole } = scene(4, depth);
      const a: Raster = { ...filled, data: filled.data.slice() };
      const b: Raster = { ...filled, data: filled.data.slice() };
      addTexture(a, image, hole);
      addTexture(b, image, hole);
      expect(Array.from(a.data)).toEqual(Array.from(b.data));
      let outside = 0;
      let alpha = 0;
      let inside = 0;
      for (let p = 0; p < W * H; p++) {
        for (let c = 0; c < 4; c++) {
          const changed = a.data[p * 4 + c] !== filled.data[p * 4 + c];
          if (c === 3) alpha += changed ? 1 : 0;
          else if (!hole.data[p]) outside += changed ? 1 : 0;
          else inside += changed ? 1 : 0;
        }
      }
      expect(outside).toBe(0);
      expect(alpha).toBe(0);
      expect(inside).toBeGreaterThan(100);
    }
  });

  it('leaves a hole alone where nothing around it is known, and returns it', () => {
    const { image, filled } = scene(3, 8);
    const all: Mask = { width: W, height: H, data: new Uint8Array(W * H).fill(255) };
    const out: Raster = { ...filled, data: filled.data.slice() };
    const left = addTexture(out, image, all);
    expect(Array.from(out.data)).toEqual(Array.from(filled.data));
    expect(left && Array.from(left.data)).toEqual(Array.from(all.data));
  });

  it('returns the thin parts of a hole (a 3 px scratch) untouched, for grain, and textures the wide ones', () => {
    const { image, filled, hole } = scene(3, 8);
    const withScratch = hole.data.slice();
    for (let y = 4; y < 44; y++) for (let x = 10; x < 13; x++) withScratch[y * W + x] = 255;
    const mask: Mask = { width: W, height: H, data: withScratch };
    const out: Raster = { ...filled, data: filled.data.slice() };
    const left = addTexture(out, image, mask);
    expect(left).not.toBeNull();
    let leftScratch = 0;
    let leftSquares = 0;
    let changedScratch = 0;
    for (let p = 0; p < W * H; p++) {
      if (!withScratch[p]) continue;
      const inSquare = hole.data[p] !== 0;
      if (left!.data[p]) inSquare ? leftSquares++ : leftScratch++;
      if (!inSquare && out.data[p * 3] !== filled.data[p * 3]) changedScratch++;
    }
    expect(leftScratch).toBe(40 * 3);
    expect(changedScratch).toBe(0);
    expect(leftSquares).toBe(0);
  });
});
