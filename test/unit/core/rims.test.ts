import { describe, expect, it } from 'vitest';
import type { Mask, Raster } from '../../../src-main/core/image.js';
import { takeOvershoot, takeRims } from '../../../src-main/core/rims.js';

const W = 60, H = 40;
const cue = { steps: 3, window: 7, contrast: 12, minLength: 0.2 };

/** A grey photo (luma `base` plus seeded noise of amplitude `noise`) with rows painted to given levels. */
function photo(base: number, noise: number, rows: Record<number, number>): Raster {
  const data = new Uint8Array(W * H * 3);
  let s = 7;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      s = (s * 1103515245 + 12345) >>> 0;
      const v = rows[y] ?? base + ((s >>> 16) / 65536 - 0.5) * 2 * noise;
      data.set([v, v, v], (y * W + x) * 3);
    }
  }
  return { width: W, height: H, channels: 3, depth: 8, data };
}

/** Probability 0.9 on the given rows, 0.1 elsewhere. */
function probOn(rows: number[]): Float32Array {
  const p = new Float32Array(W * H).fill(0.1);
  for (const y of rows) for (let x = 0; x < W; x++) p[y * W + x] = 0.9;
  return p;
}

const rowMarked = (p: Float32Array, y: number, t: number): boolean => p[y * W + W / 2]! > t;

describe('takeRims', () => {
  it('takes in the light edges of a light crack marked only along its middle, not the picture beyond', () => {
    // rows 18-22 are the crack (light), only row 20 marked; rows 17 and 23 a fainter rim; the rest dark
    const image = photo(50, 3, { 17: 120, 18: 200, 19: 210, 20: 220, 21: 210, 22: 200, 23: 120 });
    const prob = probOn([20]);
    expect(takeRims(image, prob, 0.5, cue)).toBeGreaterThan(0);
    for (const y of [18, 19, 21, 22]) expect(rowMarked(prob, y, 0.5)).toBe(true);
    for (const y of [14, 15, 25, 26]) expect(rowMarked(prob, y, 0.5)).toBe(false);
  });

  it('leaves a mark as it is on a busy picture, and where its neighbours are darker than the picture while it is light', () => {
    const busy = photo(100, 60, {});
    const p1 = probOn([20]);
    takeRims(busy, p1, 0.5, cue);
    for (const y of [17, 18, 22, 23]) expect(rowMarked(p1, y, 0.5)).toBe(false);
    const opposite = photo(120, 2, { 19: 30, 20: 230, 21: 30 });
    const p2 = probOn([20]);
    expect(takeRims(opposite, p2, 0.5, cue)).toBe(0);
  });

  it('leaves short marks (specks) as they are: only marks as long as minLength take in rims', () => {
    const image = photo(50, 3, { 18: 200, 19: 210, 20: 220, 21: 210, 22: 200 });
    const prob = new Float32Array(W * H).fill(0.1);
    for (let x = 28; x < 36; x++) prob[20 * W + x] = 0.9; // 8 px of the crack marked: 0.13 of the longer side
    expect(takeRims(image, prob, 0.5, cue)).toBe(0);
    expect(takeRims(image, prob, 0.5, { ...cue, minLength: 0.1 })).toBeGreaterThan(0);
  });
});

describe('takeOvershoot', () => {
  const overshoot = { contrast: 12, spreads: 3, window: 7 };
  /** The mask of the given rows. */
  const maskOn = (rows: number[]): Mask => {
    const data = new Uint8Array(W * H);
    for (const y of rows) data.fill(255, y * W, (y + 1) * W);
    return { width: W, height: H, data };
  };
  const rowIn = (m: Mask, y: number): boolean => m.data[y * W + W / 2]! > 0;

  it("takes in the light overshoot a scanner's sharpening leaves beside a dark hair, one ring, not the picture beyond", () => {
    // a dark hair (rows 19-21, marked) with a light line on each side (rows 18 and 22) on a lighter, grainy picture
    const image = photo(200, 4, { 18: 235, 19: 150, 20: 90, 21: 150, 22: 235 });
    const mask = maskOn([19, 20, 21]);
    expect(takeOvershoot(image, mask, overshoot)).toBe(2 * W);
    for (const y of [18, 22]) expect(rowIn(mask, y)).toBe(true);
    for (const y of [16, 17, 23, 24]) expect(rowIn(mask, y)).toBe(false);
  });

  it('leaves the edge alone when it is not an overshoot: a faint one, one on the mark\'s side, or on a busy picture', () => {
    const faint = photo(200, 4, { 18: 208, 19: 150, 20: 90, 21: 150, 22: 208 }); // 8 levels: under `contrast`
    expect(takeOvershoot(faint, maskOn([19, 20, 21]), overshoot)).toBe(0);
    const sameSide = photo(200, 4, { 18: 160, 19: 150, 20: 90, 21: 150, 22: 160 }); // a dark rim: takeRims' work
    expect(takeOvershoot(sameSide, maskOn([19, 20, 21]), overshoot)).toBe(0);
    const busy = photo(160, 60, { 18: 235, 19: 150, 20: 90, 21: 150, 22: 235 });
    expect(takeOvershoot(busy, maskOn([19, 20, 21]), overshoot)).toBe(0);
  });
});
