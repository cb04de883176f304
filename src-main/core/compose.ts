/**
 * Putting a fill back into the photo without touching anything else: only pixels of the (dilated) hole
 * are written, with a short feather that fades from the fill to the original just inside the hole's
 * edge. Pixels outside the dilated hole are never written, so they stay bit-identical. Alpha is never
 * changed; gray images get the fill's luma.
 */
import { lumaAt, type Mask, type Raster } from './image.js';
import type { Rect } from './mask.js';

/**
 * Opacity of the fill at a hole pixel: distance to the nearest kept pixel over `feather`, capped at 1,
 * so the seam fades over `feather` pixels that all lie inside the hole. With feather ≤ the dilation
 * radius, every pixel of the undilated mask is more than `feather` from a kept pixel and gets the fill.
 */
export function featherAlpha(hole: Mask, x: number, y: number, feather: number): number {
  if (feather <= 0) return 1;
  const { width: w, height: h, data } = hole;
  const reach = Math.ceil(feather);
  let best = feather * feather;
  for (let dy = -reach; dy <= reach; dy++) {
    const yy = y + dy;
    if (yy < 0 || yy >= h) continue;
    for (let dx = -reach; dx <= reach; dx++) {
      const d2 = dx * dx + dy * dy;
      if (d2 >= best) continue;
      const xx = x + dx;
      if (xx < 0 || xx >= w || data[yy * w + xx]) continue;
      best = d2;
    }
  }
  return Math.min(1, Math.sqrt(best) / feather);
}

/**
 * Index of each hole pixel of `rect` in row-major order, as per-row offsets: `rowStart[r]` is the index
 * of the first hole pixel of rect row r (length height+1). Fills are stored densely in this order.
 */
export function holeRowStarts(hole: Mask, rect: Rect): Int32Array {
  const starts = new Int32Array(rect.height + 1);
  let n = 0;
  for (let r = 0; r < rect.height; r++) {
    starts[r] = n;
    const row = (rect.y + r) * hole.width + rect.x;
    for (let x = 0; x < rect.width; x++) if (hole.data[row + x]) n++;
  }
  starts[rect.height] = n;
  return starts;
}

/**
 * Writes a region's fill into `target`. `fill` holds RGB in [0,1] for each hole pixel of `rect`
 * (row-major, see holeRowStarts); `original` supplies the pixel the feather blends towards.
 */
export function pasteFill(target: Raster, original: Raster, hole: Mask, rect: Rect, fill: Float32Array, feather: number): void {
  const { width, channels, depth } = target;
  const max = depth === 16 ? 65535 : 255;
  const isColor = channels >= 3;
  const out = target.data;
  const src = original.data;
  let k = 0;
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    for (let x = rect.x; x < rect.x + rect.width; x++) {
      const i = y * width + x;
      if (!hole.data[i]) continue;
      const a = featherAlpha(hole, x, y, feather);
      const o = i * channels;
      if (isColor) {
        out[o] = blend(fill[k * 3]!, src[o]!, a, max);
        out[o + 1] = blend(fill[k * 3 + 1]!, src[o + 1]!, a, max);
        out[o + 2] = blend(fill[k * 3 + 2]!, src[o + 2]!, a, max);
      } else {
        out[o] = blend(lumaAt(fill, k * 3, 3), src[o]!, a, max);
      }
      k++;
      // channels 2 and 4: alpha at o + channels - 1 is left as it was.
    }
  }
}

function blend(v: number, orig: number, a: number, max: number): number {
  const fillV = Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)) * max;
  return Math.round(a * fillV + (1 - a) * orig);
}
