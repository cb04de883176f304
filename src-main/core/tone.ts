/**
 * Tone restoration at full resolution: the smooth colour transform the `restore-tone` network predicts from a
 * small copy of the photo, applied to every pixel. It never invents detail — per pixel it is a gain and offset
 * from a coarse grid, a monotone curve per channel and a 3×3 colour matrix — so it costs a few operations per
 * pixel at 40 MP. The arithmetic is the training code's (models/training/kintsugi_train/tone.py `apply_tone`):
 *
 *   a_c = clamp(x_c · gain_c(p) + offset_c(p), 0, 1)     gain/offset: G×G grid, bilinear, pixel centres aligned
 *   b_c = curve_c(a_c)                                    K knots at k/(K−1), piecewise linear
 *   d   = M · b
 *   black-and-white photos: d_c = Y (neutral) or tintGain_c · Y + tintOffset_c (sepia kept), Y = Rec.601 luma
 *   out = x + strength · (clamp(d, 0, 1) − x)
 *
 * A photo is black-and-white when the network says so (mono > 0.5), when it has one grey channel, or when its
 * small copy has (nearly) equal channels everywhere; an exactly grey photo never gets a tint. Alpha is kept.
 */
import { LUMA, type Raster } from './image.js';
import { downscaleArea } from './resample.js';

/** What the tone network predicted for one photo: plain numbers, cheap to send between threads. */
export interface ToneParams {
  /** Side of the square gain/offset grid. */
  gridSize: number;
  /** [6, G, G] planar: gain R, G, B then offset R, G, B. */
  grid: Float32Array;
  /** Knots per curve. */
  knots: number;
  /** [3, K]: curve values at k/(K−1), per channel. */
  curves: Float32Array;
  /** 3×3 row-major colour matrix. */
  matrix: Float32Array;
  /** Probability that the photo is a black-and-white (possibly toned) print. */
  mono: number;
  /** [6]: sepia gains R, G, B then offsets R, G, B, applied to luma when the sepia is kept. */
  tint: Float32Array;
}

/** How the transform is applied. */
export interface ToneOptions {
  /** 0 = unchanged, 1 = the full correction (default 1). */
  strength?: number;
  /** Black-and-white prints keep their sepia (or other) toning instead of coming out neutral grey. */
  keepSepia?: boolean;
}

/** What applying the transform decided. */
export interface ToneOutcome {
  image: Raster;
  /** Treated as a black-and-white photo (grey out, or the sepia kept). */
  isMono: boolean;
}

/** Largest channel spread (in 8-bit levels) of the small copy for which a photo counts as grey. */
const GREY_TOLERANCE = 2 / 255;

/** Strength must be a number from 0 to 1. */
export function isValidStrength(s: number): boolean {
  return Number.isFinite(s) && s >= 0 && s <= 1;
}

/** For each source index along one axis: the (at most two) target cells it overlaps and the share of each. */
function areaSpans(src: number, dst: number): { t0: Int32Array; w0: Float64Array; w1: Float64Array } {
  const t0 = new Int32Array(src);
  const w0 = new Float64Array(src);
  const w1 = new Float64Array(src);
  const r = src / dst; // source pixels per target cell
  for (let s = 0; s < src; s++) {
    const a = s / r;
    const b = (s + 1) / r; // the source pixel spans [a, b) in target units (b − a ≤ 1 when downscaling)
    const t = Math.min(dst - 1, Math.floor(a));
    t0[s] = t;
    const split = Math.min(b, t + 1);
    w0[s] = split - a;
    w1[s] = t + 1 < dst ? b - split : 0;
  }
  return { t0, w0, w1 };
}

/**
 * The network's view of a photo: area-averaged to size × size (the aspect ratio is ignored, as in training; every
 * source pixel counts once, as OpenCV's INTER_AREA does), planar RGB float in [0, 1]; grey photos are repeated
 * into three channels and alpha is dropped. Photos smaller than size are enlarged by the same rule (nearest).
 */
export function toneInput(image: Raster, size: number): Float32Array {
  const { width: w, height: h, channels: c, data } = image;
  const n = size * size;
  const out = new Float32Array(3 * n);
  if (w < size || h < size) {
    const small = downscaleArea(image, size, size);
    const max = image.depth === 16 ? 65535 : 255;
    for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) out[k * n + i] = small.data[i * c + (c >= 3 ? k : 0)]! / max;
    return out;
  }
  const xs = areaSpans(w, size);
  const ys = areaSpans(h, size);
  const acc = new Float64Array(3 * n);
  const row = new Float64Array(3 * size);
  const g1 = c >= 3 ? 1 : 0;
  const g2 = c >= 3 ? 2 : 0;
  for (let y = 0; y < h; y++) {
    row.fill(0);
    let idx = y * w * c;
    for (let x = 0; x < w; x++, idx += c) {
      const t = xs.t0[x]! * 3;
      const a = xs.w0[x]!;
      const b = xs.w1[x]!;
      const r = data[idx]!;
      const g = data[idx + g1]!;
      const bl = data[idx + g2]!;
      row[t] = row[t]! + a * r;
      row[t + 1] = row[t + 1]! + a * g;
      row[t + 2] = row[t + 2]! + a * bl;
      if (b > 0) {
        row[t + 3] = row[t + 3]! + b * r;
        row[t + 4] = row[t + 4]! + b * g;
        row[t + 5] = row[t + 5]! + b * bl;
      }
    }
    const ty = ys.t0[y]!;
    for (const [cell, wy] of [[ty, ys.w0[y]!], [ty + 1, ys.w1[y]!]] as const) {
      if (!(wy > 0)) continue;
      const base = cell * size;
      for (let x = 0; x < size; x++) for (let k = 0; k < 3; k++) acc[k * n + base + x] = acc[k * n + base + x]! + wy * row[3 * x + k]!;
    }
  }
  const scale = 1 / (image.depth === 16 ? 65535 : 255);
  for (let i = 0; i < 3 * n; i++) out[i] = acc[i]! * scale;
  return out;
}

/** Whether a planar RGB small copy (toneInput) has (nearly) equal channels everywhere. */
export function isGreyInput(planar: Float32Array): boolean {
  const n = planar.length / 3;
  for (let i = 0; i < n; i++) {
    const r = planar[i]!;
    const g = planar[n + i]!;
    const b = planar[2 * n + i]!;
    const m = (r + g + b) / 3;
    if (Math.abs(r - m) > GREY_TOLERANCE || Math.abs(g - m) > GREY_TOLERANCE || Math.abs(b - m) > GREY_TOLERANCE) return false;
  }
  return true;
}

/** Interpolation weights along one axis: grid cell centres aligned with pixel centres, edges clamped. */
function axisWeights(cells: number, pixels: number): { i0: Int32Array; i1: Int32Array; t: Float64Array } {
  const i0 = new Int32Array(pixels);
  const i1 = new Int32Array(pixels);
  const t = new Float64Array(pixels);
  const f = cells / pixels;
  for (let x = 0; x < pixels; x++) {
    const s = Math.min(cells - 1, Math.max(0, (x + 0.5) * f - 0.5));
    i0[x] = Math.floor(s);
    i1[x] = Math.min(cells - 1, i0[x]! + 1);
    t[x] = s - i0[x]!;
  }
  return { i0, i1, t };
}

function checkParams(p: ToneParams): void {
  const g = p.gridSize;
  if (!(g >= 1) || p.grid.length !== 6 * g * g) throw new Error(`tone grid has ${p.grid.length} values, expected 6×${g}×${g}`);
  if (!(p.knots >= 2) || p.curves.length !== 3 * p.knots) throw new Error(`tone curves have ${p.curves.length} values, expected 3×${p.knots}`);
  if (p.matrix.length !== 9 || p.tint.length !== 6) throw new Error('tone matrix must have 9 values and tint 6');
}

/**
 * Applies the predicted transform to the whole photo (same size, channels and bit depth; alpha untouched).
 * `isGrey` says the photo's small copy has equal channels (isGreyInput): it then stays exactly grey.
 */
export function applyTone(image: Raster, p: ToneParams, opts: ToneOptions = {}, isGrey = false): ToneOutcome {
  checkParams(p);
  const strength = opts.strength ?? 1;
  if (!isValidStrength(strength)) throw new Error(`tone strength must be from 0 to 1, got ${strength}`);
  const { width: w, height: h, channels: c, depth } = image;
  const colour = c >= 3;
  const neutralOnly = !colour || isGrey; // a grey photo has no toning to keep
  const isMono = neutralOnly || p.mono > 0.5;
  const tinted = isMono && !neutralOnly && !!opts.keepSepia;
  const max = depth === 16 ? 65535 : 255;
  const src = image.data;
  const out = depth === 16 ? new Uint16Array(src.length) : new Uint8Array(src.length);
  if (strength === 0) {
    out.set(src);
    return { image: { ...image, data: out }, isMono };
  }
  const G = p.gridSize;
  const GG = G * G;
  const K = p.knots;
  const km1 = K - 1;
  const kMax = K - 2;
  // Curves as (value, slope) per segment, per channel.
  const value = (ch: number): Float64Array => Float64Array.from({ length: K }, (_, k) => p.curves[ch * K + k]!);
  const slope = (ch: number): Float64Array =>
    Float64Array.from({ length: K }, (_, k) => (k < km1 ? p.curves[ch * K + k + 1]! - p.curves[ch * K + k]! : 0));
  const [c0r, c0g, c0b] = [value(0), value(1), value(2)];
  const [csr, csg, csb] = [slope(0), slope(1), slope(2)];
  const [m0, m1, m2, m3, m4, m5, m6, m7, m8] = Array.from(p.matrix);
  const xs = axisWeights(G, w);
  const ys = axisWeights(G, h);
  // The grid interpolated to the current row: value at each grid column and the step to the next, per quantity.
  const rowV = Array.from({ length: 6 }, () => new Float64Array(G));
  const rowD = Array.from({ length: 6 }, () => new Float64Array(G));
  const [gvR, gvG, gvB, ovR, ovG, ovB] = rowV as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  const [gdR, gdG, gdB, odR, odG, odB] = rowD as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  const [l0, l1, l2] = LUMA;
  const [tg0, tg1, tg2, to0, to1, to2] = Array.from(p.tint) as [number, number, number, number, number, number];
  const inv = 1 / max;
  const isRgb = colour;
  const g1 = isRgb ? 1 : 0;
  const g2 = isRgb ? 2 : 0;
  for (let y = 0; y < h; y++) {
    const y0 = ys.i0[y]!;
    const y1 = ys.i1[y]!;
    const ty = ys.t[y]!;
    for (let k = 0; k < 6; k++) {
      const v = rowV[k]!;
      const d = rowD[k]!;
      for (let gx = 0; gx < G; gx++) {
        const a = p.grid[k * GG + y0 * G + gx]!;
        v[gx] = a + (p.grid[k * GG + y1 * G + gx]! - a) * ty;
      }
      for (let gx = 0; gx < G; gx++) d[gx] = gx + 1 < G ? v[gx + 1]! - v[gx]! : 0;
    }
    let idx = y * w * c;
    for (let x = 0; x < w; x++, idx += c) {
      const i0 = xs.i0[x]!;
      const tx = xs.t[x]!;
      const vr = src[idx]! * inv;
      const vg = src[idx + g1]! * inv;
      const vb = src[idx + g2]! * inv;
      // step 1: gain and offset from the grid, clamped to [0, 1]
      let ar = vr * (gvR[i0]! + gdR[i0]! * tx) + ovR[i0]! + odR[i0]! * tx;
      let ag = vg * (gvG[i0]! + gdG[i0]! * tx) + ovG[i0]! + odG[i0]! * tx;
      let ab = vb * (gvB[i0]! + gdB[i0]! * tx) + ovB[i0]! + odB[i0]! * tx;
      ar = ar < 0 ? 0 : ar > 1 ? 1 : ar;
      ag = ag < 0 ? 0 : ag > 1 ? 1 : ag;
      ab = ab < 0 ? 0 : ab > 1 ? 1 : ab;
      // step 2: the channel's curve
      let t = ar * km1;
      let i = t | 0;
      if (i > kMax) i = kMax;
      const br = c0r[i]! + csr[i]! * (t - i);
      t = ag * km1;
      i = t | 0;
      if (i > kMax) i = kMax;
      const bg = c0g[i]! + csg[i]! * (t - i);
      t = ab * km1;
      i = t | 0;
      if (i > kMax) i = kMax;
      const bb = c0b[i]! + csb[i]! * (t - i);
      // step 3: colour matrix; step 4: black-and-white
      let dr = m0! * br + m1! * bg + m2! * bb;
      let dg = m3! * br + m4! * bg + m5! * bb;
      let db = m6! * br + m7! * bg + m8! * bb;
      if (isMono) {
        const Y = l0 * dr + l1 * dg + l2 * db;
        if (tinted) {
          dr = tg0 * Y + to0;
          dg = tg1 * Y + to1;
          db = tg2 * Y + to2;
        } else dr = dg = db = Y;
      }
      dr = dr < 0 ? 0 : dr > 1 ? 1 : dr;
      // step 5: strength, quantise
      out[idx] = quantise(vr + strength * (dr - vr), max);
      if (isRgb) {
        dg = dg < 0 ? 0 : dg > 1 ? 1 : dg;
        db = db < 0 ? 0 : db > 1 ? 1 : db;
        out[idx + 1] = quantise(vg + strength * (dg - vg), max);
        out[idx + 2] = quantise(vb + strength * (db - vb), max);
        if (c === 4) out[idx + 3] = src[idx + 3]!;
      } else if (c === 2) out[idx + 1] = src[idx + 1]!;
    }
  }
  return { image: { width: w, height: h, channels: c, depth, data: out }, isMono };
}

function quantise(v: number, max: number): number {
  const q = Math.floor(v * max + 0.5);
  return q < 0 ? 0 : q > max ? max : q;
}
