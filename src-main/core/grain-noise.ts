/**
 * The noise and counting primitives behind grain.ts: a seedable Gaussian PRNG, blurred unit-variance noise
 * fields, the 3×3 high-pass, how each blur width looks through it, the quiet-cell calibration, and integral
 * images for counting known pixels. Pure, no I/O.
 */

/** Side of the cells the quiet-cell estimator reads (grain.ts measures its surroundings in the same cells). */
export const CELL = 4;
/** Blur widths the synthetic grain can take, finest first (0 = white noise). */
export const BLURS = [0, 0.5, 0.75, 1, 1.4, 2];

/** Small, seedable PRNG (mulberry32) with Gaussian draws (Box–Muller). */
export function gaussian(seed: number): () => number {
  let a = seed >>> 0;
  let spare: number | null = null;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const th = 2 * Math.PI * uniform();
    spare = r * Math.sin(th);
    return r * Math.cos(th);
  };
}

/** Stable per-block seed (FNV-1a over the seed and block coordinates). */
export function blockSeed(seed: number, bx: number, by: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (const v of [bx, by]) {
    h = Math.imul(h ^ (v & 0xffff), 0x01000193) >>> 0;
    h = Math.imul(h ^ (v >>> 16), 0x01000193) >>> 0;
  }
  return h;
}

export function kernel1d(sigma: number): Float64Array {
  if (sigma <= 0) return Float64Array.of(1);
  const r = Math.ceil(3 * sigma);
  const k = new Float64Array(2 * r + 1);
  let s = 0;
  for (let i = -r; i <= r; i++) s += k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] = k[i]! / s;
  return k;
}

/** A w×h field of unit-variance Gaussian noise blurred by `sigma` and renormalised to unit variance. */
export function noiseField(rand: () => number, w: number, h: number, sigma: number): Float64Array {
  const k = kernel1d(sigma);
  const r = (k.length - 1) / 2;
  const pw = w + 2 * r;
  const ph = h + 2 * r;
  const white = new Float64Array(pw * ph);
  for (let i = 0; i < white.length; i++) white[i] = rand();
  if (r === 0) return white;
  const tmp = new Float64Array(w * ph);
  for (let y = 0; y < ph; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let i = 0; i < k.length; i++) s += k[i]! * white[y * pw + x + i]!;
      tmp[y * w + x] = s;
    }
  }
  let energy = 0;
  for (let i = 0; i < k.length; i++) energy += k[i]! * k[i]!;
  const norm = 1 / energy; // variance after a separable blur is (Σk²)², so divide by Σk² to get unit std
  const out = new Float64Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let i = 0; i < k.length; i++) s += k[i]! * tmp[(y + i) * w + x]!;
      out[y * w + x] = s * norm;
    }
  }
  return out;
}

/** High-pass (value minus its 3×3 mean) of a field at interior points. */
export function highPass3(f: Float64Array, w: number, x: number, y: number): number {
  let s = 0;
  for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) s += f[(y + dy) * w + x + dx]!;
  return f[y * w + x]! - s / 9;
}

export interface BlurProfile {
  sigma: number;
  /** Std of the high-pass of the unit-variance blurred field. */
  gain: number;
  /** Lag-1 correlation of that high-pass. */
  lag1: number;
}

let profiles: BlurProfile[] | undefined;

/** How each blur width looks through the high-pass (measured once on a fixed-seed field). */
export function blurProfiles(): BlurProfile[] {
  profiles ??= BLURS.map((sigma) => {
    const n = 160;
    const f = noiseField(gaussian(12345), n, n, sigma);
    const hp: number[] = [];
    let s2 = 0;
    let c = 0;
    let cn = 0;
    for (let y = 1; y < n - 1; y++) {
      for (let x = 1; x < n - 1; x++) {
        const v = highPass3(f, n, x, y);
        hp.push(v);
        s2 += v * v;
        if (x < n - 2) {
          c += v * highPass3(f, n, x + 1, y);
          cn++;
        }
      }
    }
    const variance = s2 / hp.length;
    return { sigma, gain: Math.sqrt(variance), lag1: c / cn / variance };
  });
  return profiles;
}

const quietCalibration = new Map<number, number>();

/**
 * Pure white noise seen through the quiet-cell estimator: the mean energy of the quietest `share` of full
 * 4×4 cells over the true high-pass variance (< 1: picking the quietest cells picks low draws too). Measured
 * once per share on a fixed-seed field, so the estimate of a pure-grain surrounding is unbiased.
 */
export function calibration(share: number): number {
  let c = quietCalibration.get(share);
  if (c === undefined) {
    const n = 160;
    const colours = 3;
    const fields = [1, 2, 3].map((k) => noiseField(gaussian(777 + k), n, n, 0));
    const energies: number[] = [];
    let total = 0;
    let count = 0;
    for (let cy = 1; cy + CELL < n - 1; cy += CELL) {
      for (let cx = 1; cx + CELL < n - 1; cx += CELL) {
        let e = 0;
        for (const f of fields) {
          for (let y = cy; y < cy + CELL; y++) for (let x = cx; x < cx + CELL; x++) e += highPass3(f, n, x, y) ** 2;
        }
        energies.push(e / (CELL * CELL * colours));
        total += e;
        count += CELL * CELL * colours;
      }
    }
    c = quietMean(energies, share) / (total / count);
    quietCalibration.set(share, c);
  }
  return c;
}

/** Mean of the lowest `share` of the values (at least one). */
export function quietMean(values: number[], share: number): number {
  const a = Float64Array.from(values).sort();
  const k = Math.max(1, Math.round(a.length * share));
  let s = 0;
  for (let i = 0; i < k; i++) s += a[i]!;
  return s / k;
}

/**
 * The value at 0-based rank `k` among the values counted in `counts` (a histogram of whole levels: counts[v] values
 * equal v); the last level when fewer than k + 1 are counted.
 */
export function histogramRank(counts: ArrayLike<number>, k: number): number {
  let seen = 0;
  for (let v = 0; v < counts.length - 1; v++) {
    seen += counts[v]!;
    if (seen > k) return v;
  }
  return counts.length - 1;
}

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const a = Float64Array.from(values).sort();
  const m = a.length >> 1;
  return a.length % 2 ? a[m]! : (a[m - 1]! + a[m]!) / 2;
}

/** Integral image of a 0/1 map over a window (w+1)×(h+1). */
export function integral(bits: Uint8Array, w: number, h: number): Int32Array {
  const s = new Int32Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      row += bits[y * w + x]!;
      s[(y + 1) * (w + 1) + x + 1] = s[y * (w + 1) + x + 1]! + row;
    }
  }
  return s;
}

export function boxSum(s: Int32Array, w: number, h: number, x0: number, y0: number, x1: number, y1: number): number {
  const W = w + 1;
  const a = Math.max(0, x0);
  const b = Math.max(0, y0);
  const c = Math.min(w, x1 + 1);
  const d = Math.min(h, y1 + 1);
  if (c <= a || d <= b) return 0;
  return s[d * W + c]! - s[b * W + c]! - s[d * W + a]! + s[b * W + a]!;
}
