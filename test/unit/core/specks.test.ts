import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Raster } from '../../../src-main/core/image.js';
import { addSpecks, median8, type SpeckCue } from '../../../src-main/core/specks.js';

/** A smooth gray gradient with mild deterministic texture, 64×48, 8-bit RGB. */
function sky(): Raster {
  const width = 64, height = 48;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = 150 + x * 0.5 + ((x * 7 + y * 13) % 5) - 2;
      data.set([v, v, v], (y * width + x) * 3);
    }
  }
  return { width, height, channels: 3, depth: 8, data };
}

function paint(r: Raster, x: number, y: number, v: number): void {
  r.data.set([v, v, v], (y * r.width + x) * 3);
}

const cue: SpeckCue = { k: 5, maxArea: 30, gate: 0.2, polarity: 'dark' };

describe('median8', () => {
  it('equals a brute-force median with clamped edges', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 35, maxLength: 35 }), (q) => {
      const w = 7, h = 5, r = 1;
      const got = median8(q, w, h, r);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const v: number[] = [];
          for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) {
            v.push(q[Math.min(h - 1, Math.max(0, y + dy)) * w + Math.min(w - 1, Math.max(0, x + dx))]!);
          }
          v.sort((a, b) => a - b);
          if (got[y * w + x] !== v[4]) return false;
        }
      }
      return true;
    }));
  });
});

describe('addSpecks', () => {
  it('marks dark specks the network half-believes, and nothing on a clean gradient', () => {
    const img = sky();
    const prob = new Float32Array(img.width * img.height).fill(0.3);
    expect(addSpecks(img, prob.slice(), cue)).toBe(0);
    paint(img, 10, 10, 40);
    paint(img, 40, 30, 60); paint(img, 41, 30, 60);
    const p = prob.slice();
    expect(addSpecks(img, p, cue)).toBe(2);
    expect(p[10 * 64 + 10]).toBe(1);
    expect(p[30 * 64 + 41]).toBe(1);
    expect(p[20 * 64 + 20]).toBeCloseTo(0.3);
  });

  it('leaves a speck the network rules out, the other polarity, and marks larger than maxArea', () => {
    const img = sky();
    paint(img, 10, 10, 40);
    expect(addSpecks(img, new Float32Array(64 * 48).fill(0.1), cue)).toBe(0);
    expect(addSpecks(img, new Float32Array(64 * 48).fill(0.3), { ...cue, polarity: 'bright' })).toBe(0);
    for (let x = 20; x < 60; x++) paint(img, x, 30, 40); // a 40 px dark line: not a speck
    const p = new Float32Array(64 * 48).fill(0.3);
    expect(addSpecks(img, p, { ...cue, maxArea: 20 })).toBe(1);
    expect(p[30 * 64 + 30]).toBeCloseTo(0.3);
  });
});
