import { describe, expect, it } from 'vitest';
import { addGrain, DEFAULT_STRENGTH } from '../../../src-main/core/grain.js';
import type { Mask, Raster } from '../../../src-main/core/image.js';

const W = 160;
const H = 120;

/** Seeded Gaussian draws (xorshift + Box–Muller), independent of the module under test. */
function normal(seed: number): () => number {
  let s = seed >>> 0 || 1;
  const u = (): number => {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    return ((s >>> 0) + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

/**
 * A flat photo of `colour` with grain of std `sigma` (per channel, `luma` = the same draw in every channel,
 * `coarse` = grain blurred over 3 px) and a 40×30 hole in the middle that the "fill" left flat at `colour`.
 */
function scene(colour: [number, number, number], sigma: number, opts: { luma?: boolean; coarse?: boolean } = {}): { image: Raster; hole: Mask } {
  const rand = normal(99);
  const field = (): Float64Array => {
    const f = Float64Array.from({ length: W * H }, () => rand());
    if (!opts.coarse) return f;
    const g = new Float64Array(W * H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        let s = 0;
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) s += f[Math.min(H - 1, Math.max(0, y + dy)) * W + Math.min(W - 1, Math.max(0, x + dx))]!;
        g[y * W + x] = s / 3; // a 3×3 box of unit noise has std 1/3 of the sum's 3: back to unit std
      }
    }
    return g;
  };
  const shared = field();
  const fields = opts.luma ? [shared, shared, shared] : [field(), field(), field()];
  const hole = new Uint8Array(W * H);
  for (let y = 45; y < 75; y++) for (let x = 60; x < 100; x++) hole[y * W + x] = 255;
  const data = new Uint8Array(W * H * 3);
  for (let p = 0; p < W * H; p++) {
    for (let c = 0; c < 3; c++) data[p * 3 + c] = hole[p] ? colour[c] : Math.round(Math.min(255, Math.max(0, colour[c] + sigma * fields[c]![p]!)));
  }
  return { image: { width: W, height: H, channels: 3, depth: 8, data }, hole: { width: W, height: H, data: hole } };
}

function holeStats(img: Raster, hole: Mask): { mean: number[]; std: number[]; lag1: number; cross: number } {
  const idx: number[] = [];
  for (let p = 0; p < hole.data.length; p++) if (hole.data[p]) idx.push(p);
  const mean = [0, 1, 2].map((c) => idx.reduce((s, p) => s + img.data[p * 3 + c]!, 0) / idx.length);
  const dev = (p: number, c: number) => img.data[p * 3 + c]! - mean[c]!;
  const std = [0, 1, 2].map((c) => Math.sqrt(idx.reduce((s, p) => s + dev(p, c) ** 2, 0) / idx.length));
  let cov = 0;
  let n = 0;
  for (const p of idx) if (hole.data[p + 1]) { cov += dev(p, 1) * dev(p + 1, 1); n++; }
  const lag1 = cov / n / std[1]! ** 2;
  const cross = idx.reduce((s, p) => s + dev(p, 0) * dev(p, 2), 0) / idx.length / (std[0]! * std[2]!);
  return { mean, std, lag1, cross };
}

describe('addGrain', () => {
  it('adds grain of the surroundings\' level to the hole only, keeps the mean, and is reproducible by seed', () => {
    const { image, hole } = scene([120, 100, 80], 6);
    const out = { ...image, data: Uint8Array.from(image.data as Uint8Array) };
    addGrain(out, image, hole, { seed: 7, strength: 1 });
    for (let p = 0; p < W * H; p++) {
      if (!hole.data[p]) for (let c = 0; c < 3; c++) expect(out.data[p * 3 + c]).toBe(image.data[p * 3 + c]);
    }
    const s = holeStats(out, hole);
    for (let c = 0; c < 3; c++) {
      expect(s.std[c]).toBeGreaterThan(6 * 0.75);
      expect(s.std[c]).toBeLessThan(6 * 1.25);
    }
    expect(s.mean[0]).toBeCloseTo(120, 0);
    expect(s.mean[2]).toBeCloseTo(80, 0);
    const again = { ...image, data: Uint8Array.from(image.data as Uint8Array) };
    addGrain(again, image, hole, { seed: 7, strength: 1 });
    expect(Buffer.from(again.data as Uint8Array).equals(Buffer.from(out.data as Uint8Array))).toBe(true);
    const other = { ...image, data: Uint8Array.from(image.data as Uint8Array) };
    addGrain(other, image, hole, { seed: 8, strength: 1 });
    expect(Buffer.from(other.data as Uint8Array).equals(Buffer.from(out.data as Uint8Array))).toBe(false);
    // The default strength adds a set fraction of it.
    const byDefault = { ...image, data: Uint8Array.from(image.data as Uint8Array) };
    addGrain(byDefault, image, hole, { seed: 7 });
    expect(holeStats(byDefault, hole).std[1]).toBeGreaterThan(6 * DEFAULT_STRENGTH * 0.75);
    expect(holeStats(byDefault, hole).std[1]).toBeLessThan(6 * DEFAULT_STRENGTH * 1.25);
  });

  it('matches how coarse the grain is and whether the channels move together', () => {
    const fine = { ...scene([128, 128, 128], 6) };
    const coarse = { ...scene([128, 128, 128], 6, { coarse: true }) };
    const luma = { ...scene([128, 128, 128], 6, { luma: true }) };
    const run = ({ image, hole }: { image: Raster; hole: Mask }) => {
      const out = { ...image, data: Uint8Array.from(image.data as Uint8Array) };
      addGrain(out, image, hole, { seed: 3, strength: 1 });
      return holeStats(out, hole);
    };
    const f = run(fine);
    const c = run(coarse);
    const l = run(luma);
    expect(f.lag1).toBeLessThan(0.25);
    expect(c.lag1).toBeGreaterThan(f.lag1 + 0.3);
    expect(Math.abs(f.cross)).toBeLessThan(0.25);
    expect(l.cross).toBeGreaterThan(0.8);
  });

  it('keeps a bright fill bright and its colour: no clipping pulls the mean down', () => {
    const { image, hole } = scene([252, 250, 240], 5);
    const out = { ...image, data: Uint8Array.from(image.data as Uint8Array) };
    addGrain(out, image, hole, { seed: 11, strength: 1 });
    const s = holeStats(out, hole);
    expect(s.std[1]).toBeGreaterThan(0.5);
    expect(Math.abs(s.mean[0]! - 252)).toBeLessThan(0.5);
    expect(Math.abs(s.mean[1]! - 250)).toBeLessThan(0.5);
    expect(Math.abs(s.mean[2]! - 240)).toBeLessThan(0.5);
  });

  it('adds nothing where the surroundings have no grain', () => {
    const { image, hole } = scene([90, 140, 60], 0);
    const out = { ...image, data: Uint8Array.from(image.data as Uint8Array) };
    addGrain(out, image, hole, { seed: 1, strength: 1 });
    expect(Buffer.from(out.data as Uint8Array).equals(Buffer.from(image.data as Uint8Array))).toBe(true);
  });

  it('does not measure the damage\'s soft edge (the halo guard\'s unknown ring) as the surroundings\' grain', () => {
    // A grainless photo whose hole is framed by a 10 px band of noisy damage edge.
    const { image, hole } = scene([90, 140, 60], 0);
    const rand = normal(7);
    const unknown = new Uint8Array(W * H);
    for (let y = 35; y < 85; y++) {
      for (let x = 50; x < 110; x++) {
        const p = y * W + x;
        unknown[p] = 255;
        if (hole.data[p]) continue;
        for (let c = 0; c < 3; c++) image.data[p * 3 + c] = Math.round(Math.min(255, Math.max(0, image.data[p * 3 + c]! + 25 * rand())));
      }
    }
    const grained = (opts: { unknown?: Mask }): number => {
      const out = { ...image, data: Uint8Array.from(image.data as Uint8Array) };
      addGrain(out, image, hole, { seed: 1, strength: 1, ...opts });
      return holeStats(out, hole).std[1]!;
    };
    expect(grained({})).toBeGreaterThan(3); // measured on the band: grain the photo does not have
    expect(grained({ unknown: { width: W, height: H, data: unknown } })).toBe(0);
  });
});
