import { describe, expect, it } from 'vitest';
import { cropPlanar, padPlanar, resizeHoles, resizePlanar } from '../../../../src-main/node/inference/resample.js';

describe('planar resampling for fixed-size adapters', () => {
  it('bilinear resize keeps constants and averages when halving', () => {
    const flat = new Float32Array(2 * 6 * 4).fill(0.4);
    expect(Array.from(resizePlanar(flat, 2, 6, 4, 3, 7)).every((v) => Math.abs(v - 0.4) < 1e-6)).toBe(true);
    const stripes = Float32Array.from({ length: 4 }, (_, i) => (i % 2 ? 1 : 0)); // 4×1: 0 1 0 1
    expect(Array.from(resizePlanar(stripes, 1, 4, 1, 2, 1))).toEqual([0.5, 0.5]);
  });

  it('hole downscale keeps a 1-pixel scratch', () => {
    const w = 16;
    const h = 16;
    const m = new Float32Array(w * h);
    for (let y = 0; y < h; y++) m[y * w + 5] = 1;
    const small = resizeHoles(m, w, h, 4, 4);
    for (let y = 0; y < 4; y++) expect(small[y * 4 + 1]).toBe(1);
    expect(small.reduce((a, v) => a + v, 0)).toBe(4);
  });

  it('pad then crop is the identity; margins repeat edges or hold the fill', () => {
    const src = Float32Array.from({ length: 2 * 3 * 2 }, (_, i) => i);
    const padded = padPlanar(src, 2, 3, 2, 5, 4);
    expect(padded[4]).toBe(src[2]); // row 0, x=4 repeats x=2
    expect(Array.from(cropPlanar(padded, 2, 5, 4, 3, 2))).toEqual(Array.from(src));
    const zero = padPlanar(src, 2, 3, 2, 5, 4, 0);
    expect(zero[4]).toBe(0);
    expect(zero[1]).toBe(src[1]);
  });
});
