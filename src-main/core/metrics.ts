/**
 * Image-quality metrics the research behind Kintsugi is judged by: PSNR and SSIM against the undamaged
 * photo, whole image and hole-only. SSIM reproduces skimage.metrics.structural_similarity(
 * gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=255, channel_axis=2) —
 * Gaussian window 11 (truncate 3.5), scipy 'reflect' borders, per-channel maps averaged, (11-1)/2 pixels
 * cropped from each side before the whole-image mean — so `kintsugi eval` and the Python eval
 * (models/training/kintsugi_train/devset.py) agree to 1e-4. Pure TypeScript, float64 throughout.
 */

import { lumaAt } from './image.js';

/** Interleaved (HWC) samples on a 0..dataRange scale; a Raster with depth 8 fits as is. */
export interface MetricImage {
  width: number;
  height: number;
  channels: number;
  data: ArrayLike<number>;
}

/** SSIM and PSNR options; the defaults are the standard (Wang et al. 2004) ones. */
export interface MetricOptions {
  dataRange?: number;
  sigma?: number;
  k1?: number;
  k2?: number;
}

/** PSNR reported for identical images (MSE 0), as devset.py does, so the number stays finite in SQLite and JSON. */
export const MAX_PSNR = 100;

/** All four numbers one restoration is judged by. */
export interface RestorationScores {
  psnr: number;
  ssim: number;
  psnrHole: number;
  ssimHole: number;
}

function checkPair(a: MetricImage, b: MetricImage): void {
  if (a.width !== b.width || a.height !== b.height || a.channels !== b.channels) {
    throw new Error(`images differ in shape: ${a.width}x${a.height}x${a.channels} vs ${b.width}x${b.height}x${b.channels}`);
  }
  if (a.data.length !== a.width * a.height * a.channels || b.data.length !== a.data.length) {
    throw new Error('image data length does not match width x height x channels');
  }
}

/**
 * Mean squared error over all samples, or only over the pixels where `hole` is non-zero (all channels of
 * those pixels). Returns 0 for an empty hole.
 */
export function mse(a: MetricImage, b: MetricImage, hole?: ArrayLike<number>): number {
  checkPair(a, b);
  const c = a.channels;
  let sum = 0;
  let n = 0;
  const pixels = a.width * a.height;
  for (let p = 0; p < pixels; p++) {
    if (hole !== undefined && hole[p] === 0) continue;
    for (let k = p * c; k < p * c + c; k++) {
      const d = (a.data[k] as number) - (b.data[k] as number);
      sum += d * d;
    }
    n += c;
  }
  return n === 0 ? 0 : sum / n;
}

/** PSNR in dB from an MSE; {@link MAX_PSNR} when the MSE is 0. */
export function psnrFromMse(m: number, dataRange = 255): number {
  return m > 0 ? 10 * Math.log10((dataRange * dataRange) / m) : MAX_PSNR;
}

/** PSNR in dB (data range 255 by default), whole image or over hole pixels only. */
export function psnr(a: MetricImage, b: MetricImage, opts: MetricOptions & { hole?: ArrayLike<number> } = {}): number {
  return psnrFromMse(mse(a, b, opts.hole), opts.dataRange ?? 255);
}

/** The normalised 1-D Gaussian scipy.ndimage uses: radius int(truncate·σ + 0.5). */
export function gaussianKernel(sigma: number, truncate = 3.5): Float64Array {
  const r = Math.trunc(truncate * sigma + 0.5);
  const k = new Float64Array(2 * r + 1);
  let s = 0;
  for (let i = -r; i <= r; i++) s += k[i + r] = Math.exp((-0.5 / (sigma * sigma)) * i * i);
  for (let i = 0; i < k.length; i++) k[i]! /= s;
  return k;
}

/** scipy 'reflect' (half-sample symmetric: d c b a | a b c d | d c b a) index into 0..n-1. */
function reflect(i: number, n: number): number {
  const period = 2 * n;
  let j = i % period;
  if (j < 0) j += period;
  return j < n ? j : period - 1 - j;
}

/** Separable Gaussian filter of one plane, rows (axis 0) first like scipy's gaussian_filter. */
function gaussianFilter(src: Float64Array, w: number, h: number, k: Float64Array, tmp: Float64Array, out: Float64Array): void {
  const r = (k.length - 1) / 2;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let t = -r; t <= r; t++) s += (k[t + r] as number) * (src[reflect(y + t, h) * w + x] as number);
      tmp[y * w + x] = s;
    }
  }
  const idx = new Int32Array(w + 2 * r);
  for (let i = 0; i < idx.length; i++) idx[i] = reflect(i - r, w);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let t = 0; t < k.length; t++) s += (k[t] as number) * (tmp[row + (idx[x + t] as number)] as number);
      out[row + x] = s;
    }
  }
}

/**
 * The full SSIM map, one value per pixel and channel (HWC, float64), exactly as skimage computes it
 * before cropping; plus the radius skimage crops for the whole-image mean.
 */
export function ssimMap(a: MetricImage, b: MetricImage, opts: MetricOptions = {}): { map: Float64Array; pad: number } {
  checkPair(a, b);
  const { width: w, height: h, channels: c } = a;
  const k = gaussianKernel(opts.sigma ?? 1.5);
  const winSize = k.length;
  if (w < winSize || h < winSize) throw new Error(`SSIM needs images at least ${winSize}x${winSize}; got ${w}x${h}`);
  const R = opts.dataRange ?? 255;
  const C1 = ((opts.k1 ?? 0.01) * R) ** 2;
  const C2 = ((opts.k2 ?? 0.03) * R) ** 2;
  const n = w * h;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const prod = new Float64Array(n);
  const tmp = new Float64Array(n);
  const ux = new Float64Array(n);
  const uy = new Float64Array(n);
  const uxx = new Float64Array(n);
  const uyy = new Float64Array(n);
  const uxy = new Float64Array(n);
  const map = new Float64Array(n * c);
  for (let ch = 0; ch < c; ch++) {
    for (let p = 0; p < n; p++) {
      x[p] = a.data[p * c + ch] as number;
      y[p] = b.data[p * c + ch] as number;
    }
    gaussianFilter(x, w, h, k, tmp, ux);
    gaussianFilter(y, w, h, k, tmp, uy);
    for (let p = 0; p < n; p++) prod[p] = (x[p] as number) * (x[p] as number);
    gaussianFilter(prod, w, h, k, tmp, uxx);
    for (let p = 0; p < n; p++) prod[p] = (y[p] as number) * (y[p] as number);
    gaussianFilter(prod, w, h, k, tmp, uyy);
    for (let p = 0; p < n; p++) prod[p] = (x[p] as number) * (y[p] as number);
    gaussianFilter(prod, w, h, k, tmp, uxy);
    for (let p = 0; p < n; p++) {
      const mx = ux[p] as number;
      const my = uy[p] as number;
      const vx = (uxx[p] as number) - mx * mx;
      const vy = (uyy[p] as number) - my * my;
      const vxy = (uxy[p] as number) - mx * my;
      const a1 = 2 * mx * my + C1;
      const a2 = 2 * vxy + C2;
      const b1 = mx * mx + my * my + C1;
      const b2 = vx + vy + C2;
      map[p * c + ch] = (a1 * a2) / (b1 * b2);
    }
  }
  return { map, pad: (winSize - 1) >> 1 };
}

/** Whole-image SSIM: the map averaged over channels and over pixels at least `pad` from every border. */
export function ssimFromMap(map: Float64Array, w: number, h: number, c: number, pad: number): number {
  let s = 0;
  for (let yy = pad; yy < h - pad; yy++) {
    for (let k = (yy * w + pad) * c; k < (yy * w + w - pad) * c; k++) s += map[k] as number;
  }
  return s / ((h - 2 * pad) * (w - 2 * pad) * c);
}

/** Hole-only SSIM: the uncropped map averaged over hole pixels and channels; 1 for an empty hole. */
export function ssimHoleFromMap(map: Float64Array, w: number, h: number, c: number, hole: ArrayLike<number>): number {
  let s = 0;
  let n = 0;
  for (let p = 0; p < w * h; p++) {
    if (hole[p] === 0) continue;
    for (let k = p * c; k < p * c + c; k++) s += map[k] as number;
    n += c;
  }
  return n === 0 ? 1 : s / n;
}

/** Mean SSIM of two images (skimage-compatible, see the module comment). */
export function ssim(a: MetricImage, b: MetricImage, opts: MetricOptions = {}): number {
  const { map, pad } = ssimMap(a, b, opts);
  return ssimFromMap(map, a.width, a.height, a.channels, pad);
}

/**
 * PSNR and SSIM of a restoration against the clean photo, whole image and over the hole (mask non-zero).
 * One SSIM map serves both SSIM numbers.
 */
export function scoreRestoration(clean: MetricImage, restored: MetricImage, hole: ArrayLike<number>, opts: MetricOptions = {}): RestorationScores {
  if (hole.length !== clean.width * clean.height) throw new Error('hole mask size does not match the image');
  const { map, pad } = ssimMap(clean, restored, opts);
  const R = opts.dataRange ?? 255;
  return {
    psnr: psnrFromMse(mse(clean, restored), R),
    ssim: ssimFromMap(map, clean.width, clean.height, clean.channels, pad),
    psnrHole: psnrFromMse(mse(clean, restored, hole), R),
    ssimHole: ssimHoleFromMap(map, clean.width, clean.height, clean.channels, hole),
  };
}

/**
 * Mean |Laplacian| (4-neighbour, of Rec. 601 luma, edges replicated) over the pixels where `hole` is
 * non-zero: how much fine detail — grain, texture, edges — an area holds. 0 for an empty hole.
 */
export function meanAbsLaplacian(img: MetricImage, hole: ArrayLike<number>): number {
  const { width: w, height: h, channels: c, data } = img;
  if (hole.length !== w * h) throw new Error('hole mask size does not match the image');
  const luma = (x: number, y: number): number => {
    const o = (Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))) * c;
    return lumaAt(data, o, c);
  };
  let sum = 0;
  let n = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!hole[y * w + x]) continue;
      sum += Math.abs(luma(x - 1, y) + luma(x + 1, y) + luma(x, y - 1) + luma(x, y + 1) - 4 * luma(x, y));
      n++;
    }
  }
  return n === 0 ? 0 : sum / n;
}

/**
 * Detail ratio of a fill: mean |Laplacian| in the hole of the restoration over the clean photo's (1 = as
 * much fine detail as the real photo there; smooth fills score near 0). PSNR rewards blur, this does not, so
 * the two are read together. NaN when the clean photo's hole is perfectly flat.
 */
export function detailRatio(clean: MetricImage, restored: MetricImage, hole: ArrayLike<number>): number {
  checkPair(clean, restored);
  const ref = meanAbsLaplacian(clean, hole);
  return ref > 0 ? meanAbsLaplacian(restored, hole) / ref : Number.NaN;
}
