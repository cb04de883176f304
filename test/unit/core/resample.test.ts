import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Raster } from '../../../src-main/core/image.js';
import { detectMask } from '../../../src-main/core/detect.js';
import { cropPlanar, downscaleArea, fitWithin, padPlanar, resizeHoles, resizePlanar, upsampleBilinear } from '../../../src-main/core/resample.js';

describe('fitWithin', () => {
  it('leaves photos that fit alone and scales the longer side down to the limit otherwise', () => {
    expect(fitWithin(800, 600, 1024)).toBeNull();
    expect(fitWithin(1024, 10, 1024)).toBeNull();
    expect(fitWithin(2000, 1500, 1000)).toEqual({ width: 1000, height: 750, scale: 0.5 });
    expect(fitWithin(1500, 4000, 1000)).toEqual({ width: 375, height: 1000, scale: 0.25 });
  });
});

describe('downscaleArea', () => {
  it('averages whole blocks exactly when the factor is an integer (8- and 16-bit, any channels)', () => {
    const src: Raster = { width: 4, height: 2, channels: 1, depth: 8, data: Uint8Array.from([0, 100, 200, 255, 100, 100, 0, 1]) };
    expect(Array.from(downscaleArea(src, 2, 1).data)).toEqual([75, 114]); // (0+100+100+100)/4, (200+255+0+1)/4
    const rgb16: Raster = { width: 2, height: 2, channels: 3, depth: 16, data: Uint16Array.from([0, 1, 2, 4, 5, 6, 8, 9, 10, 65535, 13, 14]) };
    const one = downscaleArea(rgb16, 1, 1);
    expect(one.depth).toBe(16);
    expect(Array.from(one.data)).toEqual([Math.round((0 + 4 + 8 + 65535) / 4), 7, 8]);
  });

  it('keeps the mean level of any image at any target size (every source pixel counts once)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.integer(), (w, h, tw0, th0, seed) => {
        const tw = Math.min(w, tw0);
        const th = Math.min(h, th0);
        let s = seed >>> 0 || 1;
        const data = Uint8Array.from({ length: w * h }, () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 24) & 255);
        const out = downscaleArea({ width: w, height: h, channels: 1, depth: 8, data }, tw, th);
        const mean = (a: ArrayLike<number>) => Array.from(a).reduce((x, y) => x + y, 0) / a.length;
        // Each target pixel covers the same source area, so the means agree up to rounding to integers.
        expect(Math.abs(mean(out.data) - mean(data))).toBeLessThanOrEqual(0.5 + 1e-9);
        expect(Math.min(...out.data)).toBeGreaterThanOrEqual(Math.min(...data));
        expect(Math.max(...out.data)).toBeLessThanOrEqual(Math.max(...data));
      }),
      { numRuns: 200 },
    );
  });
});

describe('upsampleBilinear', () => {
  it('reproduces a constant and a linear ramp, and stays within the source range', () => {
    expect(Array.from(upsampleBilinear(new Float32Array([0.3, 0.3, 0.3, 0.3]), 2, 2, 5, 3)).every((v) => Math.abs(v - 0.3) < 1e-6)).toBe(true);
    const ramp = upsampleBilinear(Float32Array.from([0, 1]), 2, 1, 4, 1);
    expect(Array.from(ramp)).toEqual([0, 0.25, 0.75, 1]); // centres of 4 pixels over 2: clamped ends, linear between
    expect(() => upsampleBilinear(new Float32Array(3), 2, 2, 4, 4)).toThrow(/3 values, expected 2×2/);
  });
});

describe('detectMask', () => {
  // A detector whose "probability" is the red channel: it marks the bright scratch painted below.
  const redDetector = (seen: Array<[number, number]>) => ({
    id: 'red', padMultiple: 16, tileSize: 256, overlap: 16,
    run: (rgb: Float32Array, w: number, h: number) => {
      seen.push([w, h]);
      return Promise.resolve(rgb.slice(0, w * h));
    },
  });
  const scratched = (w: number, h: number): Raster => {
    const data = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = Math.floor(w / 2) - 4; x < Math.floor(w / 2) + 4; x++) data[(y * w + x) * 3] = 255;
    return { width: w, height: h, channels: 3, depth: 8, data };
  };

  it('detects a large photo at the working resolution and returns a full-size mask over the same damage', async () => {
    const seen: Array<[number, number]> = [];
    const image = scratched(600, 400);
    const mask = await detectMask(image, redDetector(seen), { threshold: 0.5, dilate: 1, maxSide: 300 });
    expect(Math.max(...seen.flat())).toBeLessThanOrEqual(320); // the network saw the 300 × 200 copy (padded to 16)
    expect([mask.width, mask.height]).toEqual([600, 400]);
    // The 8-px scratch at x 296..303 is covered (with dilation 1 / 0.5 = 2 px), nothing far from it is.
    for (const y of [0, 200, 399]) {
      for (let x = 296; x < 304; x++) expect(mask.data[y * 600 + x]).toBe(255);
      expect(mask.data[y * 600 + 280]).toBe(0);
      expect(mask.data[y * 600 + 320]).toBe(0);
    }
  });

  it('runs at full size when the photo fits, exactly as without a limit', async () => {
    const image = scratched(120, 90);
    const a = await detectMask(image, redDetector([]), { threshold: 0.5, dilate: 2, maxSide: 1024 });
    const b = await detectMask(image, redDetector([]), { threshold: 0.5, dilate: 2 });
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
  });
});

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
