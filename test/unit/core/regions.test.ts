import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { axisWeights, planRegions, tileRect, tileStarts } from '../../../src-main/core/regions.js';

describe('tiling', () => {
  it('tiles cover the rectangle, stay inside it, and 2-D blend weights sum to 1 everywhere', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 8, max: 128 }), fc.integer({ min: 0, max: 40 }), fc.constantFrom(1, 8, 32),
      (w, h, tileSize, overlap, padMultiple) => {
        const region = tileRect({ x: 3, y: 5, width: w, height: h }, { tileSize, overlap, padMultiple });
        const sum = new Float64Array(w * h);
        const bad: string[] = [];
        for (const t of region.tiles) {
          if (t.x < 3 || t.y < 5 || t.x + t.width > 3 + w || t.y + t.height > 5 + h) bad.push(`outside: ${JSON.stringify(t)}`);
          if (t.padWidth % padMultiple || t.padHeight % padMultiple || t.padWidth < t.width || t.padHeight < t.height) bad.push(`padding: ${JSON.stringify(t)}`);
          const wx = region.weightsX[t.col]!;
          const wy = region.weightsY[t.row]!;
          if (wx.length !== t.width || wy.length !== t.height) bad.push('weights length');
          for (let y = 0; y < t.height; y++) for (let x = 0; x < t.width; x++) sum[(t.y - 5 + y) * w + t.x - 3 + x]! += wx[x]! * wy[y]!;
        }
        expect(bad).toEqual([]);
        let worst = 0;
        for (const s of sum) worst = Math.max(worst, Math.abs(s - 1));
        expect(worst).toBeLessThan(1e-5);
      }), { numRuns: 80 });
  });

  it('overlaps neighbouring tiles by at least the requested amount', () => {
    const s = tileStarts(1000, 256, 32);
    for (let i = 1; i < s.length; i++) expect(s[i - 1]! + 256 - s[i]!).toBeGreaterThanOrEqual(32);
    expect(s.at(-1)! + 256).toBe(1000);
    expect(tileStarts(100, 256, 32)).toEqual([0]);
  });

  it('ramps weights across the overlap', () => {
    const [a, b] = axisWeights(20, [0, 10], 12);
    expect(a![0]).toBe(1);
    expect(a![11]!).toBeLessThan(a![10]!);
    expect(b![0]!).toBeLessThan(b![1]!);
  });

  it('uses exactly the fixed size for fixed-size models', () => {
    const r = tileRect({ x: 0, y: 0, width: 700, height: 100 }, { tileSize: 512, overlap: 64, padMultiple: 1, fixedSize: 512 });
    for (const t of r.tiles) { expect(t.padWidth).toBe(512); expect(t.padHeight).toBe(512); }
  });
});

describe('planRegions', () => {
  it('grows each component by the margin, merges overlapping ones, and covers every hole pixel once', () => {
    const w = 200, h = 100;
    const data = new Uint8Array(w * h);
    data[10 * w + 10] = 255; data[12 * w + 20] = 255; // close: merge
    data[80 * w + 180] = 255; // far
    const regions = planRegions({ width: w, height: h, data }, { margin: 8, padMultiple: 1, tileSize: 64, overlap: 8 });
    expect(regions.map(({ x, y, width, height }) => ({ x, y, width, height }))).toEqual([
      { x: 2, y: 2, width: 27, height: 19 },
      { x: 172, y: 72, width: 17, height: 17 },
    ]);
  });

  it('gives fixed-size models real context up to their size', () => {
    const w = 1000, h = 800;
    const data = new Uint8Array(w * h);
    data[400 * w + 995] = 255;
    const [r] = planRegions({ width: w, height: h, data }, { margin: 8, padMultiple: 1, tileSize: 512, overlap: 32, fixedSize: 512 });
    expect(r).toMatchObject({ x: 488, width: 512, height: 512 });
  });
});
