/**
 * Dust specks as local outliers: the cue a detector network alone found hard on real scans.
 *
 * On a real dusty film scan (../shared/data/real-damage-labelled/film-velvia50_0) the damage is mostly specks of
 * one to a few pixels: too small and too faint for the network to be sure of, yet obvious as outliers from
 * their neighbourhood. A speck candidate is a small connected set of pixels whose brightness departs from the
 * 7×7 median by more than `k` times the local residual level; the network's probability then has the last
 * word (`gate`), because a street light in a night city is an outlier too. Pure: no node or DOM imports.
 */
import { flood8 } from './flood.js';
import { histogramRank } from './grain-noise.js';
import { lumaAt, type Raster } from './image.js';

/** Manifest `postprocess.specks`: how the speck cue joins the detector's probability map. */
export interface SpeckCue {
  /** Residual over local noise a speck must exceed (5: few false candidates on clean real scans). */
  k: number;
  /** Largest speck in pixels at the detector's working resolution; larger marks are the network's job. */
  maxArea: number;
  /** A candidate is kept when the network's probability reaches this somewhere on it. */
  gate: number;
  /** Which specks: dark (dust on slides and prints), bright (dust on negatives, emulsion pin-holes) or both. */
  polarity: 'dark' | 'bright' | 'both';
}

const MEDIAN_R = 3; // 7×7
const NOISE_R = 7; // 15×15
const NOISE_FLOOR = 0.004;

/** Luma in [0, 255] (8-bit steps, for the histogram median) and in [0, 1]. */
function luma(image: Raster): { q: Uint8Array; g: Float32Array } {
  const { width, height, channels, depth, data } = image;
  const n = width * height;
  const q = new Uint8Array(n);
  const g = new Float32Array(n);
  const scale = 1 / (depth === 16 ? 65535 : 255);
  for (let i = 0; i < n; i++) {
    const o = i * channels;
    const v = lumaAt(data, o, channels) * scale;
    g[i] = v;
    q[i] = Math.min(255, Math.max(0, Math.round(v * 255)));
  }
  return { q, g };
}

/** (2r+1)² median of 8-bit values with a sliding histogram (Huang), edges clamped. */
export function median8(q: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const out = new Uint8Array(w * h);
  const hist = new Int32Array(256);
  const half = Math.floor(((2 * r + 1) * (2 * r + 1)) / 2);
  const at = (x: number, y: number): number => q[Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))]!;
  for (let y = 0; y < h; y++) {
    hist.fill(0);
    for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) hist[at(dx, y + dy)]!++;
    for (let x = 0; x < w; x++) {
      if (x > 0) {
        for (let dy = -r; dy <= r; dy++) {
          hist[at(x - r - 1, y + dy)]!--;
          hist[at(x + r, y + dy)]!++;
        }
      }
      out[y * w + x] = histogramRank(hist, half);
    }
  }
  return out;
}

/** Mean over a (2r+1)² box, edges clamped to the image (integral image). */
function boxMean(a: Float32Array, w: number, h: number, r: number): Float32Array {
  const W = w + 1;
  const s = new Float64Array(W * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      row += a[y * w + x]!;
      s[(y + 1) * W + x + 1] = s[y * W + x + 1]! + row;
    }
  }
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r), y1 = Math.min(h, y + r + 1);
    for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - r), x1 = Math.min(w, x + r + 1);
      const sum = s[y1 * W + x1]! - s[y0 * W + x1]! - s[y1 * W + x0]! + s[y0 * W + x0]!;
      out[y * w + x] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  return out;
}

/**
 * Raises `prob` to 1 on every speck candidate of `image` (same size as `prob`) that the network confirms
 * (its probability reaches `cue.gate` somewhere on the speck). Returns how many specks were added.
 */
export function addSpecks(image: Raster, prob: Float32Array, cue: SpeckCue): number {
  const { width: w, height: h } = image;
  const { q, g } = luma(image);
  const med = median8(q, w, h, MEDIAN_R);
  const n = w * h;
  const res = new Float32Array(n);
  const abs = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    res[i] = g[i]! - med[i]! / 255;
    abs[i] = Math.abs(res[i]!);
  }
  const noise = boxMean(abs, w, h, NOISE_R);
  const signs = cue.polarity === 'both' ? [-1, 1] : cue.polarity === 'dark' ? [-1] : [1];
  const seen = new Uint8Array(n);
  const members: number[] = [];
  let added = 0;
  for (const sign of signs) {
    seen.fill(0);
    const isCandidate = (i: number): boolean => sign * res[i]! > cue.k * (noise[i]! + NOISE_FLOOR);
    for (let i = 0; i < n; i++) {
      if (seen[i] || !isCandidate(i)) continue;
      flood8(i, w, h, isCandidate, seen, members);
      let peak = 0;
      for (const p of members) peak = Math.max(peak, prob[p]!);
      if (members.length <= cue.maxArea && peak >= cue.gate) {
        for (const p of members) prob[p] = 1;
        added++;
      }
    }
  }
  return added;
}
