/**
 * Planar float resampling for adapters whose model wants another size than the crop (LaMa's fixed 512).
 * Images are bilinear; hole masks shrink with "any hole in the footprint is a hole" so thin scratches
 * survive the downscale.
 */

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
