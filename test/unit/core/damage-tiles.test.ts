import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planCost, planShapedTiles, SHAPED_DEFAULTS, type ShapedPlanOptions } from '../../../src-main/core/damage-tiles.js';
import type { Mask, Raster } from '../../../src-main/core/image.js';
import { inpaintRaster, type InpaintBackend } from '../../../src-main/core/pipeline.js';
import { planRegions } from '../../../src-main/core/regions.js';

const OPTS: ShapedPlanOptions = { ...SHAPED_DEFAULTS, padMultiple: 16, cell: 32, minContext: 12, maxContext: 40, maxSide: 256 };

function scratches(w: number, h: number, strokes: Array<{ x: number; y: number; len: number; width: number; vertical: boolean }>): Mask {
  const data = new Uint8Array(w * h);
  for (const s of strokes) {
    for (let i = 0; i < s.len; i++) {
      for (let d = 0; d < s.width; d++) {
        const x = s.vertical ? s.x + d : s.x + i;
        const y = s.vertical ? s.y + i : s.y + d;
        if (x < w && y < h) data[y * w + x] = 255;
      }
    }
  }
  return { width: w, height: h, data };
}

const strokesArb = (w: number, h: number) => fc.array(
  fc.record({ x: fc.nat(w - 1), y: fc.nat(h - 1), len: fc.integer({ min: 1, max: 300 }), width: fc.integer({ min: 1, max: 30 }), vertical: fc.boolean() }),
  { minLength: 1, maxLength: 8 },
);

const caseArb = fc.record({ w: fc.integer({ min: 20, max: 400 }), h: fc.integer({ min: 20, max: 400 }) })
  .chain(({ w, h }) => fc.record({ w: fc.constant(w), h: fc.constant(h), strokes: strokesArb(w, h) }));

describe('planShapedTiles', () => {
  it('gives every hole pixel one owner whose window holds it with the context it needs, on the stride grid, padded (property)', () => {
    fc.assert(fc.property(caseArb, ({ w, h, strokes }) => {
      const mask = scratches(w, h, strokes);
      const tiles = planShapedTiles(mask, OPTS);
      const owners = new Uint8Array(w * h);
      const bad: string[] = [];
      for (const t of tiles) {
        if (t.padWidth % 16 || t.padHeight % 16) bad.push(`not padded: ${JSON.stringify(t)}`);
        if (t.x < 0 || t.y < 0) bad.push('outside');
        if (t.padWidth <= w && t.x + t.padWidth > w) bad.push('sticks out although the image is wide enough');
        if (t.padHeight <= h && t.y + t.padHeight > h) bad.push('sticks out although the image is tall enough');
        if (t.x + t.padWidth <= w && t.x % OPTS.align && t.x + t.padWidth !== w) bad.push('off the stride grid');
        for (const c of t.cells) {
          for (let y = c.y; y < c.y + c.height; y++) {
            for (let x = c.x; x < c.x + c.width; x++) {
              if (!mask.data[y * w + x]) continue;
              owners[y * w + x]!++;
              // At least the minimum context on every side, unless the image ends first.
              const m = OPTS.minContext;
              if (x - t.x < Math.min(m, x) || y - t.y < Math.min(m, y)) bad.push(`little context at ${x},${y}`);
              if (t.x + t.padWidth - 1 - x < Math.min(m, w - 1 - x) || t.y + t.padHeight - 1 - y < Math.min(m, h - 1 - y)) bad.push(`little context at ${x},${y}`);
            }
          }
        }
      }
      let wrong = 0;
      for (let i = 0; i < w * h; i++) if ((mask.data[i] ? 1 : 0) !== owners[i]) wrong++;
      expect(bad.slice(0, 3)).toEqual([]);
      expect(wrong).toBe(0);
    }), { numRuns: 80, seed: 17 });
  });

  it('gives a long thin scratch a fraction of the pixels of its bounding box', () => {
    const w = 2000, h = 1500;
    const mask = scratches(w, h, [{ x: 1000, y: 100, len: 1300, width: 2, vertical: true }, { x: 100, y: 700, len: 1800, width: 3, vertical: false }]);
    const shaped = planCost(planShapedTiles(mask, { ...SHAPED_DEFAULTS, padMultiple: 16 }), 0);
    const regions = planRegions(mask, { margin: 64, padMultiple: 16, tileSize: 512, overlap: 64 });
    const boxed = planCost(regions.flatMap((r) => r.tiles), 0);
    expect(shaped).toBeLessThan(boxed / 4);
  });

  it('gives thick damage the full context and thin damage the minimum', () => {
    const w = 600, h = 600;
    const thin = planShapedTiles(scratches(w, h, [{ x: 300, y: 300, len: 1, width: 1, vertical: true }]), { ...OPTS, padMultiple: 1, align: 1 });
    expect(thin).toHaveLength(1);
    expect(thin[0]!.padWidth).toBe(2 * OPTS.minContext + 1);
    const thick = planShapedTiles(scratches(w, h, [{ x: 300, y: 300, len: 50, width: 50, vertical: true }]), { ...OPTS, padMultiple: 1, align: 1, cell: 64 });
    expect(thick).toHaveLength(1);
    expect(thick[0]!.padWidth).toBe(50 + 2 * OPTS.maxContext);
  });
});

function gradient(w: number, h: number): Raster {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([(x * 7) & 255, (y * 5) & 255, (x + y) & 255], (y * w + x) * 3);
  return { width: w, height: h, channels: 3, depth: 8, data };
}

/** A "model" whose output at a pixel depends only on that pixel, so every plan must give the same fill. */
function pointwise(calls: Array<[number, number]>): InpaintBackend {
  return {
    id: 'pointwise', padMultiple: 16, tileSize: 512, overlap: 64, thinContext: 24,
    run: (rgb, _hole, w, h) => {
      calls.push([w, h]);
      return Promise.resolve(rgb.map((v) => 1 - v));
    },
  };
}

describe('inpaintRaster with damage-shaped tiles', () => {
  it('feeds a thin scratch far fewer model pixels, fills it like the region plan, and leaves every other pixel bit-identical', async () => {
    const w = 1200, h = 900;
    const image = gradient(w, h);
    const mask = scratches(w, h, [{ x: 600, y: 50, len: 800, width: 2, vertical: true }, { x: 100, y: 300, len: 1000, width: 1, vertical: false }]);
    const shapedCalls: Array<[number, number]> = [];
    const regionCalls: Array<[number, number]> = [];
    const shaped = await inpaintRaster(image, mask, pointwise(shapedCalls));
    const { thinContext: _off, ...plain } = pointwise(regionCalls);
    const boxed = await inpaintRaster(image, mask, plain);
    const px = (calls: Array<[number, number]>): number => calls.reduce((n, [a, b]) => n + a * b, 0);
    expect(px(shapedCalls)).toBeLessThan(px(regionCalls) / 3);
    let outside = 0;
    let differ = 0;
    for (let i = 0; i < w * h; i++) {
      for (let k = 0; k < 3; k++) {
        const o = i * 3 + k;
        if (!mask.data[i] && shaped.data[o] !== image.data[o]) outside++;
        if (mask.data[i] && Math.abs(shaped.data[o]! - boxed.data[o]!) > 1) differ++;
        if (mask.data[i] && shaped.data[o] !== 255 - image.data[o]!) differ++;
      }
    }
    expect(outside).toBe(0);
    expect(differ).toBe(0);
  });

  it('runs tiles of one size together when the backend takes batches, with the same result', async () => {
    const w = 1500, h = 1000;
    const image = gradient(w, h);
    const specks: Array<{ x: number; y: number; len: number; width: number; vertical: boolean }> = [];
    for (let i = 0; i < 40; i++) specks.push({ x: 60 + (i % 10) * 140, y: 80 + Math.floor(i / 10) * 220, len: 5, width: 5, vertical: true });
    const mask = scratches(w, h, specks);
    const single: Array<[number, number]> = [];
    const one = await inpaintRaster(image, mask, pointwise(single));
    const batched: number[] = [];
    const backend = pointwise([]);
    const many = await inpaintRaster(image, mask, {
      ...backend,
      runBatch: (rgbs, _holes, bw, bh) => {
        batched.push(rgbs.length);
        expect(rgbs.every((r) => r.length === 3 * bw * bh)).toBe(true);
        return Promise.resolve(rgbs.map((r) => r.map((v) => 1 - v)));
      },
    });
    expect(batched.reduce((a, b) => a + b, 0)).toBe(single.length);
    expect(batched.length).toBeLessThan(single.length / 4);
    expect(Buffer.from(many.data).equals(Buffer.from(one.data))).toBe(true);
  });

  it('keeps the region plan when holes are large (shaped tiles would cost more)', async () => {
    const w = 300, h = 200;
    const mask = scratches(w, h, [10, 120, 230].map((x) => ({ x, y: 10, len: 180, width: 60, vertical: true })));
    const calls: Array<[number, number]> = [];
    await inpaintRaster(gradient(w, h), mask, pointwise(calls));
    expect(calls).toEqual([[304, 208]]);
  });
});
