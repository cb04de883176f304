/**
 * Resampling, in one place. For running the damage detector (and the tone model) at a working resolution:
 * an area-average downscale of a photo (every source pixel counts once, weighted by the share of it a
 * target pixel covers) and a bilinear upscale of the probability map back to the photo's size. For
 * adapters whose model wants another size than the crop (LaMa's fixed 512): planar (CHW) float bilinear
 * resizing, padding and cropping, where hole masks shrink with "any hole in the footprint is a hole" so
 * thin scratches survive the downscale. Pure functions over plain arrays.
 */
import type { Raster } from './image.js';

/** Target size that fits `maxSide` on the longer side, keeping the aspect ratio; null when already fits. */
export function fitWithin(width: number, height: number, maxSide: number): { width: number; height: number; scale: number } | null {
  const long = Math.max(width, height);
  if (!(maxSide > 0) || long <= maxSide) return null;
  const scale = maxSide / long;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)), scale };
}

/** For each target index along one axis: the source indices it covers and their weights (summing to 1). */
function areaWeights(src: number, dst: number): Array<{ start: number; w: Float64Array }> {
  const ratio = src / dst;
  const out: Array<{ start: number; w: Float64Array }> = [];
  for (let d = 0; d < dst; d++) {
    const a = d * ratio;
    const b = Math.min(src, (d + 1) * ratio);
    const start = Math.floor(a);
    const end = Math.min(src, Math.ceil(b));
    const w = new Float64Array(end - start);
    for (let s = start; s < end; s++) w[s - start] = (Math.min(b, s + 1) - Math.max(a, s)) / ratio;
    out.push({ start, w });
  }
  return out;
}

/** Area-average downscale to exactly width × height (same channels and depth; rounding to the nearest level). */
export function downscaleArea(image: Raster, width: number, height: number): Raster {
  const { channels: c, data } = image;
  const xs = areaWeights(image.width, width);
  const ys = areaWeights(image.height, height);
  // Rows first into a float buffer (height of the source, width of the target), then columns.
  const tmp = new Float64Array(image.height * width * c);
  for (let y = 0; y < image.height; y++) {
    const row = y * image.width * c;
    for (let x = 0; x < width; x++) {
      const { start, w } = xs[x]!;
      for (let ch = 0; ch < c; ch++) {
        let acc = 0;
        for (let k = 0; k < w.length; k++) acc += w[k]! * data[row + (start + k) * c + ch]!;
        tmp[(y * width + x) * c + ch] = acc;
      }
    }
  }
  const out = image.depth === 16 ? new Uint16Array(width * height * c) : new Uint8Array(width * height * c);
  for (let y = 0; y < height; y++) {
    const { start, w } = ys[y]!;
    for (let x = 0; x < width; x++) {
      for (let ch = 0; ch < c; ch++) {
        let acc = 0;
        for (let k = 0; k < w.length; k++) acc += w[k]! * tmp[((start + k) * width + x) * c + ch]!;
        out[(y * width + x) * c + ch] = Math.round(acc);
      }
    }
  }
  return { width, height, channels: c, depth: image.depth, data: out };
}

/** Bilinear upscale of a one-channel map (pixel centres aligned, edges clamped), e.g. a probability map. */
export function upsampleBilinear(src: Float32Array, sw: number, sh: number, width: number, height: number): Float32Array {
  if (src.length !== sw * sh) throw new Error(`map has ${src.length} values, expected ${sw}×${sh}`);
  const out = new Float32Array(width * height);
  const fx = sw / width;
  const fy = sh / height;
  const x0s = new Int32Array(width);
  const x1s = new Int32Array(width);
  const txs = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const sx = Math.min(sw - 1, Math.max(0, (x + 0.5) * fx - 0.5));
    x0s[x] = Math.floor(sx);
    x1s[x] = Math.min(sw - 1, x0s[x]! + 1);
    txs[x] = sx - x0s[x]!;
  }
  for (let y = 0; y < height; y++) {
    const sy = Math.min(sh - 1, Math.max(0, (y + 0.5) * fy - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(sh - 1, y0 + 1);
    const ty = sy - y0;
    const r0 = y0 * sw;
    const r1 = y1 * sw;
    for (let x = 0; x < width; x++) {
      const tx = txs[x]!;
      const a = src[r0 + x0s[x]!]! * (1 - tx) + src[r0 + x1s[x]!]! * tx;
      const b = src[r1 + x0s[x]!]! * (1 - tx) + src[r1 + x1s[x]!]! * tx;
      out[y * width + x] = a * (1 - ty) + b * ty;
    }
  }
  return out;
}

// ---- planar (CHW) float images, for fixed-size model adapters ----------------------------------------------

/** Bilinear resize of a CHW float image (pixel-centre aligned). */
export function resizePlanar(src: Float32Array, c: number, w: number, h: number, nw: number, nh: number): Float32Array {
  const out = new Float32Array(c * nw * nh);
  const sx = w / nw;
  const sy = h / nh;
  for (let y = 0; y < nh; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, h - 1);
    const ty = fy - y0;
    for (let x = 0; x < nw; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, w - 1);
      const tx = fx - x0;
      for (let k = 0; k < c; k++) {
        const p = k * w * h;
        const a = src[p + y0 * w + x0]! * (1 - tx) + src[p + y0 * w + x1]! * tx;
        const b = src[p + y1 * w + x0]! * (1 - tx) + src[p + y1 * w + x1]! * tx;
        out[k * nw * nh + y * nw + x] = a * (1 - ty) + b * ty;
      }
    }
  }
  return out;
}

/** Resizes a 1HW hole mask: a target pixel is a hole when any source pixel it covers is one. */
export function resizeHoles(src: Float32Array, w: number, h: number, nw: number, nh: number): Float32Array {
  const out = new Float32Array(nw * nh);
  for (let y = 0; y < nh; y++) {
    const ya = Math.floor((y * h) / nh);
    const yb = Math.max(ya + 1, Math.ceil(((y + 1) * h) / nh));
    for (let x = 0; x < nw; x++) {
      const xa = Math.floor((x * w) / nw);
      const xb = Math.max(xa + 1, Math.ceil(((x + 1) * w) / nw));
      let hole = 0;
      for (let yy = ya; yy < yb && !hole; yy++) for (let xx = xa; xx < xb; xx++) if (src[yy * w + xx]! > 0.5) { hole = 1; break; }
      out[y * nw + x] = hole;
    }
  }
  return out;
}

/**
 * Places a CHW image in the top-left of a larger canvas; the margin repeats the last row/column, or holds
 * `fill` when given (a hole mask's margin is "keep", 0).
 */
export function padPlanar(src: Float32Array, c: number, w: number, h: number, pw: number, ph: number, fill?: number): Float32Array {
  const out = new Float32Array(c * pw * ph);
  for (let k = 0; k < c; k++) {
    for (let y = 0; y < ph; y++) {
      const sy = Math.min(y, h - 1);
      for (let x = 0; x < pw; x++) {
        const inside = x < w && y < h;
        out[k * pw * ph + y * pw + x] = !inside && fill !== undefined ? fill : src[k * w * h + sy * w + Math.min(x, w - 1)]!;
      }
    }
  }
  return out;
}

/** Cuts the top-left w×h of a CHW image of width pw. */
export function cropPlanar(src: Float32Array, c: number, pw: number, ph: number, w: number, h: number): Float32Array {
  const out = new Float32Array(c * w * h);
  for (let k = 0; k < c; k++) for (let y = 0; y < h; y++) out.set(src.subarray(k * pw * ph + y * pw, k * pw * ph + y * pw + w), k * w * h + y * w);
  return out;
}

/**
 * Resize a raster to exactly width × height: area average when shrinking (both sides), bilinear per channel
 * otherwise (same channels and depth).
 */
export function resizeRaster(image: Raster, width: number, height: number): Raster {
  if (width <= image.width && height <= image.height) return downscaleArea(image, width, height);
  const { channels: c, data } = image;
  const n = image.width * image.height;
  const out = image.depth === 16 ? new Uint16Array(width * height * c) : new Uint8Array(width * height * c);
  const plane = new Float32Array(n);
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < n; i++) plane[i] = data[i * c + ch]!;
    const up = upsampleBilinear(plane, image.width, image.height, width, height);
    for (let i = 0; i < up.length; i++) out[i * c + ch] = Math.round(up[i]!);
  }
  return { width, height, channels: c, depth: image.depth, data: out };
}
