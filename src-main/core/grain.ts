/**
 * Film grain for fills. Inpainting networks trained on L1/SSIM losses (and Telea, and the pyramid fill)
 * return the *expected* picture inside a hole, which is smooth: on a grainy scan every repair reads as a soft
 * blotch. Here the grain of the photo around each hole is measured and seeded grain of the same spectrum is
 * added to the filled pixels only:
 *
 * - the photo is handled in 32 px blocks; for a block holding hole pixels, its "surroundings" are the known
 *   pixels within RING px of a hole in the block and CONTEXT px around it whose 3×3 neighbourhood is known;
 * - a high-pass (pixel minus its 3×3 mean) of those pixels, read in the quietest of their 4×4 cells (where
 *   the picture is flat, so texture and edges do not count as grain), gives per channel the grain level, its
 *   lag-1 correlation (how coarse it is) and how much the channels move together (luma vs colour grain);
 * - the fill's own high-pass is measured the same way and only the missing part is added;
 * - white Gaussian noise from a per-block seed is blurred to the measured coarseness, mixed across channels
 *   to the measured correlation and scaled so its high-pass is `strength` times the missing level (0.45 by
 *   default: every bit of grain that is not the real one costs PSNR, see DEFAULT_STRENGTH);
 * - near black and white the grain is scaled down so no sample clips: clipping would shift the mean, and a
 *   bright collar would come out greyer than it is.
 *
 * Zero-mean grain leaves each pixel's expected value — so its colour — where the fill put it; it costs PSNR
 * about its own variance, which `kintsugi eval` measures together with the detail ratio it buys.
 */
import type { Mask, Raster } from './image.js';
import { blockSeed, blurProfiles, boxSum, calibration, CELL, gaussian, integral, median, noiseField } from './grain-noise.js';

/** Options of addGrain. */
export interface GrainOptions {
  /** Seed of the synthetic grain (the same seed gives the same result). */
  seed?: number;
  /**
   * Opacity of the grain at a hole pixel (e.g. the seam feather of a grown mask); default 1 everywhere.
   */
  weight?: (x: number, y: number) => number;
  /**
   * Which share of the surroundings counts as "quiet" (grain only, no texture or edges): the grain level is
   * measured on the 4×4 cells of the known ring whose high-pass energy is in this lowest fraction
   * (default DEFAULT_QUIET_SHARE).
   */
  quietShare?: number;
  /**
   * Pixels that are not the picture as it is (default: `hole`): the hole plus, with the halo guard, the
   * damage's soft edge around it, which must not be measured as the surroundings' grain.
   */
  unknown?: Mask;
  /** Multiplies the measured grain level (1 = fully matched; default DEFAULT_STRENGTH). */
  strength?: number;
}

const BLOCK = 32;
const CONTEXT = 24;
const RING = 8;
/**
 * Share of the surroundings' 4×4 cells read as quiet (grain, not texture) by default. With
 * DEFAULT_STRENGTH these were chosen on the dev set (README, "Detail in the fill"): at 0.45 of the measured
 * level grain costs 0.05–0.08 dB of PSNR per hole band and lifts the detail ratio from 0.11 to 0.27; at 0.6
 * it cost up to 0.14 dB. Grainy scans get proportionally more, clean photos little.
 */
export const DEFAULT_QUIET_SHARE = 0.3;
/** Fraction of the measured grain level that is added by default (see DEFAULT_QUIET_SHARE). */
export const DEFAULT_STRENGTH = 0.45;
const MIN_SAMPLES = 40;
const MIN_CELL_SAMPLES = 8;
const MIN_CELLS = 3;
const MAD_TO_SIGMA = 1.4826;
/** Grain statistics of a block's surroundings and fill. */
interface BlockGrain {
  /** Grain std to add per colour channel, in the high-pass domain (sample units). */
  missing: number[];
  /** Lag-1 correlation of the surroundings' high-pass. */
  lag1: number;
  /** Mean correlation between the colour channels' high-passes, in [0, 1]. */
  crossCorrelation: number;
}

/**
 * Measures one block: high-pass of the known ring in the window around it (from `original`) and of the
 * fill in the block (from `filled`). Undefined when the surroundings are too few to say anything.
 */
function measureBlock(original: Raster, filled: Raster, hole: Mask, unknown: Mask, bx0: number, by0: number, colours: number, share: number): BlockGrain | undefined {
  const { width: W, height: H, channels: C } = original;
  const x0 = Math.max(0, bx0 - CONTEXT);
  const y0 = Math.max(0, by0 - CONTEXT);
  const x1 = Math.min(W - 1, bx0 + BLOCK - 1 + CONTEXT);
  const y1 = Math.min(H - 1, by0 + BLOCK - 1 + CONTEXT);
  const w = x1 - x0 + 1;
  const h = y1 - y0 + 1;
  const bits = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) bits[y * w + x] = unknown.data[(y0 + y) * W + x0 + x] ? 1 : 0;
  const sum = integral(bits, w, h);
  const od = original.data;
  const fd = filled.data;
  const hp = (d: ArrayLike<number>, o: number): number => {
    const up = o - W * C;
    const down = o + W * C;
    const s = d[up - C]! + d[up]! + d[up + C]! + d[o - C]! + d[o]! + d[o + C]! + d[down - C]! + d[down]! + d[down + C]!;
    return d[o]! - s / 9;
  };
  // Ring samples in row-major order: their window position and high-pass per colour channel.
  const ring = Array.from({ length: colours }, () => new Float64Array(w * h));
  const ringAt = new Int32Array(w * h).fill(-1);
  let n = 0;
  const fill: number[][] = Array.from({ length: colours }, () => []);
  const bx1 = bx0 + BLOCK;
  const by1 = by0 + BLOCK;
  for (let y = 1; y < h - 1; y++) {
    const gy = y0 + y;
    if (gy < 1 || gy >= H - 1) continue;
    for (let x = 1; x < w - 1; x++) {
      const gx = x0 + x;
      if (gx < 1 || gx >= W - 1) continue;
      const o = (gy * W + gx) * C;
      if (bits[y * w + x]) {
        if (hole.data[gy * W + gx] && gx >= bx0 && gx < bx1 && gy >= by0 && gy < by1) for (let c = 0; c < colours; c++) fill[c]!.push(hp(fd, o + c));
        continue;
      }
      if (boxSum(sum, w, h, x - 1, y - 1, x + 1, y + 1) > 0) continue; // 3×3 not all known
      if (boxSum(sum, w, h, x - RING, y - RING, x + RING, y + RING) === 0) continue; // not near a hole
      ringAt[y * w + x] = n;
      for (let c = 0; c < colours; c++) ring[c]![n] = hp(od, o + c);
      n++;
    }
  }
  if (n < MIN_SAMPLES) return undefined;
  // Quiet cells: the grain shows alone where the picture is flat; texture and edges raise a cell's energy.
  const cellsW = Math.ceil(w / CELL);
  const cellCount = cellsW * Math.ceil(h / CELL);
  const cellOfSample = new Int32Array(n);
  const cellE = new Float64Array(cellCount);
  const cellN = new Int32Array(cellCount);
  const seen: number[] = []; // cells in the order their first sample comes (ties sort in this order)
  for (let y = 0; y < h; y++) {
    const rowCell = Math.floor(y / CELL) * cellsW;
    for (let x = 0; x < w; x++) {
      const k = ringAt[y * w + x]!;
      if (k < 0) continue;
      const cell = rowCell + Math.floor(x / CELL);
      cellOfSample[k] = cell;
      let e = 0;
      for (let c = 0; c < colours; c++) e += ring[c]![k]! ** 2;
      if (cellN[cell] === 0) seen.push(cell);
      cellE[cell] = cellE[cell]! + e / colours;
      cellN[cell] = cellN[cell]! + 1;
    }
  }
  const full = seen.filter((cell) => cellN[cell]! >= MIN_CELL_SAMPLES);
  const quietCell = new Uint8Array(cellCount);
  let anyQuiet = false;
  if (full.length >= MIN_CELLS) {
    const sorted = full.map((cell) => [cell, cellE[cell]! / cellN[cell]!] as const).sort((p, q) => p[1] - q[1]);
    const k = Math.max(1, Math.round(sorted.length * share));
    for (let i = 0; i < k; i++) quietCell[sorted[i]![0]] = 1;
    anyQuiet = true;
  }
  const isQuiet = (k: number): boolean => !anyQuiet || quietCell[cellOfSample[k]!] === 1;
  const sigma: number[] = [];
  if (anyQuiet) {
    const calib = calibration(share);
    for (let c = 0; c < colours; c++) {
      const v = ring[c]!;
      let e = 0;
      let m = 0;
      for (let k = 0; k < n; k++) {
        if (!quietCell[cellOfSample[k]!]) continue;
        e += v[k]! ** 2;
        m++;
      }
      sigma.push(Math.sqrt(e / Math.max(1, m) / calib));
    }
  } else {
    for (let c = 0; c < colours; c++) sigma.push(MAD_TO_SIGMA * median(Array.from(ring[c]!.subarray(0, n), Math.abs)));
  }
  const fillSigma = fill.map((v) => (v.length >= 4 ? MAD_TO_SIGMA * median(v.map(Math.abs)) : 0));
  // Lag-1 correlation (right and down neighbours), on samples inside ±3σ so edges do not dominate it.
  let cov = 0;
  let varSum = 0;
  for (let c = 0; c < colours; c++) {
    const lim = 3 * sigma[c]! + 1e-9;
    const v = ring[c]!;
    for (let y = 0; y < h - 1; y++) {
      for (let x = 0; x < w - 1; x++) {
        const i = ringAt[y * w + x]!;
        if (i < 0 || !isQuiet(i) || Math.abs(v[i]!) > lim) continue;
        for (let t = 0; t < 2; t++) {
          const j = ringAt[t === 0 ? y * w + x + 1 : (y + 1) * w + x]!;
          if (j < 0 || !isQuiet(j) || Math.abs(v[j]!) > lim) continue;
          cov += v[i]! * v[j]!;
          varSum += 0.5 * (v[i]! * v[i]! + v[j]! * v[j]!);
        }
      }
    }
  }
  const lag1 = varSum > 0 ? cov / varSum : 0;
  let cross = 1;
  if (colours === 3) {
    const pairs: Array<[number, number]> = [[0, 1], [1, 2], [0, 2]];
    let acc = 0;
    for (const [a, b] of pairs) {
      let sab = 0;
      let saa = 0;
      let sbb = 0;
      const la = 3 * sigma[a]! + 1e-9;
      const lb = 3 * sigma[b]! + 1e-9;
      const ra = ring[a]!;
      const rb = ring[b]!;
      for (let k = 0; k < n; k++) {
        if (!isQuiet(k)) continue;
        const va = Math.max(-la, Math.min(la, ra[k]!));
        const vb = Math.max(-lb, Math.min(lb, rb[k]!));
        sab += va * vb;
        saa += va * va;
        sbb += vb * vb;
      }
      acc += saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 1;
    }
    cross = Math.min(1, Math.max(0, acc / 3));
  }
  const missing = sigma.map((s, c) => Math.sqrt(Math.max(0, s * s - fillSigma[c]! * fillSigma[c]!)));
  return { missing, lag1, crossCorrelation: cross };
}

/**
 * Adds grain matched to the surroundings to every hole pixel of `out` (in place). `original` supplies the
 * known pixels (outside the hole it equals `out`); pixels outside `hole` and alpha are never touched.
 */
export function addGrain(out: Raster, original: Raster, hole: Mask, opts: GrainOptions = {}): void {
  const { width: W, height: H, channels: C, depth } = out;
  const max = depth === 16 ? 65535 : 255;
  const colours = C >= 3 ? 3 : 1;
  const seed = opts.seed ?? 0;
  const prof = blurProfiles();
  for (let by0 = 0; by0 < H; by0 += BLOCK) {
    for (let bx0 = 0; bx0 < W; bx0 += BLOCK) {
      const bw = Math.min(BLOCK, W - bx0);
      const bh = Math.min(BLOCK, H - by0);
      let has = false;
      for (let y = by0; y < by0 + bh && !has; y++) for (let x = bx0; x < bx0 + bw; x++) if (hole.data[y * W + x]) { has = true; break; }
      if (!has) continue;
      const g = measureBlock(original, out, hole, opts.unknown ?? hole, bx0, by0, colours, opts.quietShare ?? DEFAULT_QUIET_SHARE);
      if (!g || g.missing.every((m) => m < 0.05 * (max / 255))) continue;
      let best = prof[0]!;
      for (const p of prof) if (Math.abs(p.lag1 - g.lag1) < Math.abs(best.lag1 - g.lag1)) best = p;
      const rand = gaussian(blockSeed(seed, bx0 / BLOCK, by0 / BLOCK));
      const common = noiseField(rand, bw, bh, best.sigma);
      const own = colours === 3 ? [0, 1, 2].map(() => noiseField(rand, bw, bh, best.sigma)) : [common];
      const a = Math.sqrt(g.crossCorrelation);
      const b = Math.sqrt(1 - g.crossCorrelation);
      const amp = g.missing.map((m) => ((opts.strength ?? DEFAULT_STRENGTH) * m) / best.gain);
      for (let y = 0; y < bh; y++) {
        for (let x = 0; x < bw; x++) {
          const p = (by0 + y) * W + bx0 + x;
          if (!hole.data[p]) continue;
          const o = p * C;
          const j = y * bw + x;
          const wgt = opts.weight ? opts.weight(bx0 + x, by0 + y) : 1;
          // Headroom: scale the grain down where ±2.5σ would clip, so the mean stays put.
          let k = wgt;
          for (let c = 0; c < colours; c++) {
            const v = out.data[o + c]!;
            const s = 2.5 * amp[c]!;
            if (s > 0) k = Math.min(k, v / s, (max - v) / s);
          }
          if (k <= 0) continue;
          for (let c = 0; c < colours; c++) {
            const n = colours === 3 ? a * common[j]! + b * own[c]![j]! : common[j]!;
            const v = out.data[o + c]! + k * amp[c]! * n;
            out.data[o + c] = Math.round(Math.min(max, Math.max(0, v)));
          }
        }
      }
    }
  }
}
