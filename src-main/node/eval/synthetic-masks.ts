import type { Mask } from '../../core/image.js';

/** Kinds of made-up damage `kintsugi eval --synthetic` can apply to clean photos. */
export type SyntheticKind = 'scratches' | 'strokes' | 'bands';
export const SYNTHETIC_KINDS: readonly SyntheticKind[] = ['scratches', 'strokes', 'bands'];

/** Hole-ratio bands, named like the dev-set mask files (band0: 1–10 %, band1: 10–20 %, …). */
export const BAND_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  band0: [0.01, 0.1],
  band1: [0.1, 0.2],
  band2: [0.2, 0.3],
  band4: [0.4, 0.5],
};

/** The band a hole ratio falls in (band0 below 10 %, band1 10–20 %, … band5 from 50 %). */
export function bandOf(ratio: number): string {
  return `band${Math.min(5, Math.max(0, Math.floor(ratio * 10)))}`;
}

/** Small, fast, seedable PRNG (mulberry32), so a seed reproduces the same damage everywhere. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Stable 32-bit seed from a run seed and a name (FNV-1a), so each image's damage ignores the others. */
export function seedFor(seed: number, name: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Marks every pixel within `r` of the segment (x0,y0)–(x1,y1) as a hole. */
function drawSegment(m: Mask, x0: number, y0: number, x1: number, y1: number, r: number): void {
  const minX = Math.max(0, Math.floor(Math.min(x0, x1) - r));
  const maxX = Math.min(m.width - 1, Math.ceil(Math.max(x0, x1) + r));
  const minY = Math.max(0, Math.floor(Math.min(y0, y1) - r));
  const maxY = Math.min(m.height - 1, Math.ceil(Math.max(y0, y1) + r));
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len2 = dx * dx + dy * dy || 1;
  for (let y = minY; y <= maxY; y++) {
    for (let x = minX; x <= maxX; x++) {
      const t = Math.max(0, Math.min(1, ((x - x0) * dx + (y - y0) * dy) / len2));
      const ex = x0 + t * dx - x;
      const ey = y0 + t * dy - y;
      if (ex * ex + ey * ey <= r * r) m.data[y * m.width + x] = 255;
    }
  }
}

function holeRatio(m: Mask): number {
  let n = 0;
  for (const v of m.data) if (v !== 0) n++;
  return n / m.data.length;
}

/** Long thin scratches (1–3 px wide, nearly straight), the commonest damage on old prints. */
function addScratch(m: Mask, rand: () => number): void {
  const diag = Math.hypot(m.width, m.height);
  let x = rand() * m.width;
  let y = rand() * m.height;
  let angle = rand() * Math.PI * 2;
  const r = 0.5 + rand() * 1.0;
  const segments = 3 + Math.floor(rand() * 4);
  for (let s = 0; s < segments; s++) {
    const len = (0.1 + rand() * 0.2) * diag;
    angle += (rand() - 0.5) * 0.3;
    const nx = x + Math.cos(angle) * len;
    const ny = y + Math.sin(angle) * len;
    drawSegment(m, x, y, nx, ny, r);
    x = nx;
    y = ny;
  }
}

/** A free-form brush stroke (random walk, 4–6 % of the short side wide), like the irregular-mask sets. */
function addStroke(m: Mask, rand: () => number): void {
  const short = Math.min(m.width, m.height);
  let x = rand() * m.width;
  let y = rand() * m.height;
  let angle = rand() * Math.PI * 2;
  const r = short * (0.02 + rand() * 0.03);
  const vertices = 4 + Math.floor(rand() * 6);
  for (let s = 0; s < vertices; s++) {
    angle += (rand() - 0.5) * 2;
    const len = short * (0.05 + rand() * 0.15);
    const nx = Math.min(m.width - 1, Math.max(0, x + Math.cos(angle) * len));
    const ny = Math.min(m.height - 1, Math.max(0, y + Math.sin(angle) * len));
    drawSegment(m, x, y, nx, ny, r);
    x = nx;
    y = ny;
  }
}

/**
 * A seeded synthetic mask. 'scratches' draws 3–12 scratches; 'strokes' draws 2–6 brush strokes; with a
 * `targetBand` strokes are added until the hole ratio reaches that band (used by 'bands').
 */
export function syntheticMask(kind: 'scratches' | 'strokes', width: number, height: number, seed: number, targetBand?: string): Mask {
  const rand = rng(seed);
  const m: Mask = { width, height, data: new Uint8Array(width * height) };
  const add = kind === 'scratches' ? addScratch : addStroke;
  if (targetBand === undefined) {
    const count = kind === 'scratches' ? 3 + Math.floor(rand() * 10) : 2 + Math.floor(rand() * 5);
    for (let i = 0; i < count; i++) add(m, rand);
    return m;
  }
  const [lo, hi] = BAND_RANGES[targetBand] ?? [0.01, 0.1];
  const target = lo + (hi - lo) * (0.25 + 0.5 * rand());
  for (let guard = 0; guard < 10_000 && holeRatio(m) < target; guard++) add(m, rand);
  return m;
}

/** Fraction of pixels that are holes. */
export { holeRatio };
