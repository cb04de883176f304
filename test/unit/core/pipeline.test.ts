import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classicalBackend } from '../../../src-main/core/classical.js';
import type { Mask, Raster } from '../../../src-main/core/image.js';
import { dilate } from '../../../src-main/core/mask.js';
import { FILL_DETAILS, inpaintRaster, reflectIndex, type FillDetail, type InpaintBackend } from '../../../src-main/core/pipeline.js';
import { detectRaster } from '../../../src-main/core/detect.js';

function randomRaster(w: number, h: number, channels: 1 | 2 | 3 | 4, depth: 8 | 16, seed: number): Raster {
  const n = w * h * channels;
  const data = depth === 16 ? new Uint16Array(n) : new Uint8Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    data[i] = (s >>> 0) % (depth === 16 ? 65536 : 256);
  }
  return { width: w, height: h, channels, depth, data };
}

const maskArb = (w: number, h: number) =>
  fc.array(fc.record({ x: fc.nat(w - 1), y: fc.nat(h - 1), len: fc.integer({ min: 1, max: 40 }), vertical: fc.boolean() }), { minLength: 0, maxLength: 6 })
    .map((strokes): Mask => {
      const data = new Uint8Array(w * h);
      for (const s of strokes) {
        for (let i = 0; i < s.len; i++) {
          const x = s.vertical ? s.x : Math.min(w - 1, s.x + i);
          const y = s.vertical ? Math.min(h - 1, s.y + i) : s.y;
          data[y * w + x] = 255;
        }
      }
      return { width: w, height: h, data };
    });

const caseArb = fc.record({ w: fc.integer({ min: 1, max: 90 }), h: fc.integer({ min: 1, max: 90 }) }).chain(({ w, h }) =>
  fc.record({
    w: fc.constant(w), h: fc.constant(h), mask: maskArb(w, h),
    channels: fc.constantFrom<1 | 2 | 3 | 4>(1, 2, 3, 4), depth: fc.constantFrom<8 | 16>(8, 16),
    seed: fc.nat(), grow: fc.integer({ min: 0, max: 3 }), useDefault: fc.boolean(), detail: fc.constantFrom<FillDetail>(...FILL_DETAILS), tile: fc.integer({ min: 8, max: 64 }),
  }));

describe('inpaintRaster', () => {
  it('keeps every pixel outside the mask (grown only by `grow`, default none) bit-identical, and alpha everywhere, with any added detail (property, classical backend)', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const image = randomRaster(c.w, c.h, c.channels, c.depth, c.seed);
        const backend = { ...classicalBackend(), tileSize: c.tile, overlap: 6, margin: 5 };
        const grow = c.useDefault ? 0 : c.grow;
        const out = await inpaintRaster(image, c.mask, backend, c.useDefault ? {} : { grow, detail: c.detail, grainSeed: c.seed });
        expect(out.width).toBe(c.w);
        expect(out.channels).toBe(c.channels);
        expect(out.data.constructor).toBe(image.data.constructor);
        const hole = dilate(c.mask, grow);
        let changedOutside = 0;
        for (let i = 0; i < c.w * c.h; i++) {
          for (let k = 0; k < c.channels; k++) {
            const isAlpha = (c.channels === 2 || c.channels === 4) && k === c.channels - 1;
            if ((!hole.data[i] || isAlpha) && out.data[i * c.channels + k] !== image.data[i * c.channels + k]) changedOutside++;
          }
        }
        expect(changedOutside).toBe(0);
      }),
      { numRuns: 60, seed: 20251122 },
    );
  });

  it('fills holes (a flat image stays flat through tiles and feathering, 16-bit kept 16-bit)', async () => {
    const w = 300, h = 200;
    const data = new Uint16Array(w * h * 3);
    for (let i = 0; i < w * h; i++) { data[i * 3] = 10000; data[i * 3 + 1] = 30000; data[i * 3 + 2] = 50000; }
    const mask = { width: w, height: h, data: new Uint8Array(w * h) };
    for (let x = 5; x < 295; x++) for (let y = 99; y < 103; y++) { mask.data[y * w + x] = 255; data[(y * w + x) * 3] = 65535; }
    const out = await inpaintRaster({ width: w, height: h, channels: 3, depth: 16, data }, mask, { ...classicalBackend(), tileSize: 64, overlap: 16 });
    let worst = 0;
    for (let i = 0; i < w * h; i++) worst = Math.max(worst, Math.abs(out.data[i * 3]! - 10000));
    expect(worst).toBeLessThanOrEqual(1);
    expect(out.data).toBeInstanceOf(Uint16Array);
  });

  it('pads every tile to the model multiple and feeds only tiles that hold holes', async () => {
    const sizes: Array<[number, number]> = [];
    const backend: InpaintBackend = {
      id: 'probe', padMultiple: 8, tileSize: 64, overlap: 16,
      run: (rgb, hole, w, h) => { sizes.push([w, h]); expect(rgb.length).toBe(3 * w * h); expect(hole.length).toBe(w * h); return Promise.resolve(rgb.slice()); },
    };
    const w = 500, h = 300;
    const mask = { width: w, height: h, data: new Uint8Array(w * h) };
    mask.data[150 * w + 250] = 255;
    await inpaintRaster({ width: w, height: h, channels: 3, depth: 8, data: new Uint8Array(w * h * 3) }, mask, backend);
    expect(sizes.length).toBeGreaterThan(0);
    expect(sizes.length).toBeLessThanOrEqual(4);
    for (const [pw, ph] of sizes) { expect(pw % 8).toBe(0); expect(ph % 8).toBe(0); }
  });

  it('stops between tiles when cancelled', async () => {
    const ac = new AbortController();
    const backend: InpaintBackend = { id: 'x', padMultiple: 1, tileSize: 16, overlap: 4, margin: 0, run: (rgb) => { ac.abort(); return Promise.resolve(rgb); } };
    const w = 200, h = 10;
    const mask = { width: w, height: h, data: new Uint8Array(w * h).fill(255) };
    await expect(inpaintRaster({ width: w, height: h, channels: 1, depth: 8, data: new Uint8Array(w * h) }, mask, backend, { signal: ac.signal }))
      .rejects.toMatchObject({ code: 'cancelled' });
  });

  it('refuses a mask of another size, stating both sizes', async () => {
    await expect(inpaintRaster({ width: 4, height: 4, channels: 3, depth: 8, data: new Uint8Array(48) }, { width: 5, height: 4, data: new Uint8Array(20) }, classicalBackend()))
      .rejects.toThrow(/5×4.*4×4/);
  });
});

describe('detectRaster', () => {
  it('blends overlapping tiles into one map (a constant model gives that constant everywhere)', async () => {
    const image: Raster = { width: 130, height: 70, channels: 2, depth: 8, data: new Uint8Array(130 * 70 * 2) };
    const prob = await detectRaster(image, { id: 'c', padMultiple: 16, tileSize: 48, overlap: 12, run: (_rgb, w, h) => Promise.resolve(new Float32Array(w * h).fill(0.25)) });
    expect(prob).toHaveLength(130 * 70);
    expect(Math.max(...prob.map((p) => Math.abs(p - 0.25)))).toBeLessThan(1e-5);
  });
});

describe('reflectIndex', () => {
  it('mirrors without repeating the edge', () => {
    expect([-2, -1, 0, 1, 2, 3, 4, 5].map((i) => reflectIndex(i, 4))).toEqual([2, 1, 0, 1, 2, 3, 2, 1]);
    expect(reflectIndex(7, 1)).toBe(0);
  });
});
