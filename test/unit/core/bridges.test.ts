import { describe, expect, it } from 'vitest';
import { bridgeGaps, skeletonize } from '../../../src-main/core/bridges.js';
import type { Raster } from '../../../src-main/core/image.js';

const W = 120, H = 60;
const cue = { maxGap: 0.3, minLength: 0.02, angle: 35, contrast: 6, sides: 4, quiet: 4 };

/** Row of the crack at column x: a gentle slope, as a real crack runs. */
const crackY = (x: number): number => Math.round(30 + (x - 60) * 0.1);

interface Scene {
  /** Levels added to the crack's pixels at these columns (its light or dark line). */
  line?: (x: number) => number;
  /** Extra picture: levels added at (x, y). */
  extra?: (x: number, y: number) => number;
}

/** Smooth grey skin (luma 150 with seeded noise of ±2) with a 2 px line along the crack. */
function photo({ line = () => 25, extra = () => 0 }: Scene): Raster {
  const data = new Uint8Array(W * H * 3);
  let s = 11;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      s = (s * 1103515245 + 12345) >>> 0;
      let v = 150 + ((s >>> 16) / 65536 - 0.5) * 4 + extra(x, y);
      if (y === crackY(x) || y === crackY(x) + 1) v += line(x);
      data.fill(Math.max(0, Math.min(255, Math.round(v))), (y * W + x) * 3, (y * W + x) * 3 + 3);
    }
  }
  return { width: W, height: H, channels: 3, depth: 8, data };
}

/** The detector's marks: probability 0.9 on the crack's 2 px at the given columns, 0.1 elsewhere. */
function marks(...runs: Array<[number, number, number?]>): Float32Array {
  const p = new Float32Array(W * H).fill(0.1);
  for (const [x0, x1, dy = 0] of runs) {
    for (let x = x0; x <= x1; x++) for (const y of [crackY(x) + dy, crackY(x) + 1 + dy]) p[y * W + x] = 0.9;
  }
  return p;
}

/** Columns of the gap [x0, x1] where the crack is marked after bridging. */
function bridgedColumns(p: Float32Array, x0: number, x1: number): number {
  let n = 0;
  for (let x = x0; x <= x1; x++) if (p[crackY(x) * W + x]! > 0.5 || p[(crackY(x) + 1) * W + x]! > 0.5) n++;
  return n;
}

describe('bridgeGaps', () => {
  it('joins two pieces of a light crack across the faint stretch the detector lost, along the crack', () => {
    const image = photo({ line: (x) => (x > 45 && x < 75 ? 12 : 40) }); // faint across the gap, as on skin
    const prob = marks([10, 45], [75, 110]);
    expect(bridgeGaps(image, prob, 0.5, cue)).toBe(1);
    expect(bridgedColumns(prob, 46, 74)).toBe(29);
    // the bridge is a line, not a band: rows 4 px off the crack stay unmarked
    for (let x = 46; x < 75; x++) expect(prob[(crackY(x) - 4) * W + x]).toBeCloseTo(0.1);
  });

  it('leaves the gap when nothing in it looks like the crack going on', () => {
    const image = photo({ line: (x) => (x > 45 && x < 75 ? 0 : 40) });
    const prob = marks([10, 45], [75, 110]);
    expect(bridgeGaps(image, prob, 0.5, cue)).toBe(0);
    expect(bridgedColumns(prob, 46, 74)).toBe(0);
  });

  it('leaves the gap when the only line across it winds (lettering, not a crack)', () => {
    // across the gap the light line runs 4 px above the crack's course, then 4 px below, switching every 6 columns
    // with a vertical stroke between: a path along it is over twice the gap
    const level = (x: number): number => crackY(x) + (Math.floor((x - 46) / 6) % 2 ? 4 : -4);
    const wind = (x: number, y: number): boolean => {
      if (x <= 45 || x >= 75) return false;
      if (y === level(x)) return true;
      const prev = x > 46 ? level(x - 1) : crackY(45);
      return y > Math.min(prev, level(x)) && y < Math.max(prev, level(x)); // the stroke joining the two levels
    };
    const image = photo({ line: (x) => (x > 45 && x < 75 ? 0 : 40), extra: (x, y) => (wind(x, y) ? 40 : 0) });
    // (the side and quiet rules off: the detour alone refuses it)
    expect(bridgeGaps(image, marks([10, 45], [75, 110]), 0.5, { ...cue, sides: 0, quiet: 255 })).toBe(0);
  });

  it('leaves the gap on a busy picture (rigging, foliage): thin lines all around it', () => {
    const image = photo({ extra: (x) => (x % 3 !== 0 ? 30 : 0) }); // thin light lines, one dark pixel apart
    const prob = marks([10, 45], [75, 110]);
    expect(bridgeGaps(image, prob, 0.5, cue)).toBe(0);
  });

  it('joins only marks that point at each other, of one polarity, at thin ends', () => {
    // the right piece runs 26 px higher, parallel, and a light line runs between their ends: the ends do not
    // point at each other (joined only when any angle is allowed)
    const up = (x: number, y: number): boolean => x >= 75 && (y === crackY(x) - 26 || y === crackY(x) - 25);
    const across = (x: number, y: number): boolean => {
      if (x <= 45 || x >= 75) return false;
      const t = (x - 45) / 30, yy = Math.round(crackY(45) + t * (crackY(75) - 26 - crackY(45)));
      return y === yy || y === yy + 1;
    };
    const offset = photo({ extra: (x, y) => (up(x, y) || across(x, y) ? 40 : 0), line: (x) => (x <= 45 ? 40 : 0) });
    expect(bridgeGaps(offset, marks([10, 45], [75, 110, -26]), 0.5, { ...cue, maxGap: 0.4 })).toBe(0);
    expect(bridgeGaps(offset, marks([10, 45], [75, 110, -26]), 0.5, { ...cue, maxGap: 0.4, angle: 90 })).toBe(1);
    // a dark piece facing a light one
    const mixed = photo({ line: (x) => (x < 60 ? 40 : -40) });
    expect(bridgeGaps(mixed, marks([10, 45], [75, 110]), 0.5, cue)).toBe(0);
    // the right mark ends in a blotch (an area's outline is not a crack's end)
    const prob = marks([10, 45], [75, 110]);
    for (let y = 22; y < 42; y++) for (let x = 75; x < 87; x++) prob[y * W + x] = 0.9;
    expect(bridgeGaps(photo({}), prob, 0.5, cue)).toBe(0);
  });

  it('leaves short marks (specks have ends too) and gaps longer than maxGap', () => {
    expect(bridgeGaps(photo({}), marks([39, 45], [75, 81]), 0.5, cue)).toBe(0);
    expect(bridgeGaps(photo({}), marks([10, 45], [75, 110]), 0.5, { ...cue, maxGap: 0.2 })).toBe(0);
    expect(bridgeGaps(photo({}), marks([10, 45], [75, 110]), 0.5, cue)).toBe(1);
  });
});

describe('skeletonize', () => {
  it('thins a 5 px bar to a one-pixel line along its middle', () => {
    const w = 30, h = 11;
    const m = new Uint8Array(w * h);
    for (let y = 3; y < 8; y++) for (let x = 2; x < 28; x++) m[y * w + x] = 1;
    const s = skeletonize(m, w, h);
    for (let x = 6; x < 24; x++) {
      let column = 0;
      for (let y = 0; y < h; y++) column += s[y * w + x]!;
      expect(column).toBe(1);
      expect(s[5 * w + x]).toBe(1);
    }
  });
});
