/**
 * Halo guard: the fill does not learn from the damage's own edge.
 *
 * A mask drawn tight around a scratch, a hair or a tear (a hand-made mask file, a labelled one, a detector's
 * at a low dilation) leaves the damage's soft edge just outside it: a pixel or two of half-dark hair, of
 * half-white paper. Those pixels are "known" to the inpainter, so the fill continues them into the hole, and a
 * hair comes back as a dotted grey ghost, a torn patch as a grey smear (on the real labelled scans of
 * ../shared/data the fill lost up to 4 dB to this). Here the known pixels of the two rings around the hole
 * that stand out from the known pixels farther out (more than `k` robust deviations plus `delta`) are hidden
 * from the network as context — they are still never changed: the restore writes only inside the mask.
 * A clean edge next to the hole is continuous with the picture beyond it and is left as context.
 * Pure: no node or DOM imports.
 */
import type { Mask, Raster } from './image.js';

/** How a ring pixel is judged (defaults: DEFAULT_HALO). */
export interface HaloOptions {
  /** Rings around the hole that are examined (chessboard distance 1..rings). */
  rings: number;
  /** Half-side of the window the reference pixels come from. */
  window: number;
  /** A pixel is halo when it is farther than k robust deviations (1.2533 × the mean absolute deviation, σ for
   * Gaussian noise) plus `delta` from the mean of the reference pixels. */
  k: number;
  /** Absolute margin in 8-bit levels (scaled for 16-bit). */
  delta: number;
}

export const DEFAULT_HALO: HaloOptions = { rings: 2, window: 3, k: 5, delta: 25 };
const MIN_REFERENCE = 6;

/**
 * Chessboard distance to the nearest hole pixel, capped at `cap` (0 on the hole), by a breadth-first search from
 * the hole that stops at the cap: the work is proportional to the hole and the band around it, not the photo.
 * Also returns the pixels at distance 1..rings, in the order they were reached.
 */
function distanceToHole(hole: Mask, cap: number, rings: number): { dist: Uint8Array; ring: Int32Array } {
  const { width: w, height: h } = hole;
  const dist = new Uint8Array(w * h).fill(cap);
  let frontier: number[] = [];
  for (let i = 0; i < dist.length; i++) {
    if (!hole.data[i]) continue;
    dist[i] = 0;
    frontier.push(i);
  }
  const ring: number[] = [];
  for (let r = 1; r < cap && frontier.length > 0; r++) {
    const next: number[] = [];
    for (const p of frontier) {
      const x = p % w;
      const y = (p - x) / w;
      for (let yy = Math.max(0, y - 1); yy <= Math.min(h - 1, y + 1); yy++) {
        for (let xx = Math.max(0, x - 1); xx <= Math.min(w - 1, x + 1); xx++) {
          const q = yy * w + xx;
          if (dist[q]! <= r) continue;
          dist[q] = r;
          next.push(q);
          if (r <= rings) ring.push(q);
        }
      }
    }
    frontier = next;
  }
  return { dist, ring: Int32Array.from(ring) };
}

/**
 * The hole plus the halo pixels around it (see above), as a new mask (255 = hidden from the network). Returns
 * `hole` itself when nothing stands out. Alpha and channels beyond the third are ignored.
 */
export function withHalo(image: Raster, hole: Mask, opts: HaloOptions = DEFAULT_HALO): Mask {
  const { width: w, height: h, channels: C, depth } = image;
  const colours = Math.min(3, C);
  const delta = opts.delta * (depth === 16 ? 257 : 1);
  const { dist, ring } = distanceToHole(hole, opts.rings + opts.window + 1, opts.rings);
  const d = image.data;
  let out: Uint8Array | null = null;
  const mean = new Float64Array(3);
  const dmg = new Float64Array(3);
  for (const i of ring) {
    const x = i % w;
    const y = (i - x) / w;
    const r = dist[i]!;
    const y0 = Math.max(0, y - opts.window), y1 = Math.min(h - 1, y + opts.window);
    const x0 = Math.max(0, x - opts.window), x1 = Math.min(w - 1, x + opts.window);
    // The picture here: the mean of the known pixels farther from the hole than this one.
    mean.fill(0);
    let n = 0;
    for (let yy = y0; yy <= y1; yy++) {
      for (let xx = x0; xx <= x1; xx++) {
        const j = yy * w + xx;
        if (dist[j]! <= r) continue;
        for (let c = 0; c < colours; c++) mean[c] = mean[c]! + d[j * C + c]!;
        n++;
      }
    }
    if (n < MIN_REFERENCE) continue;
    // The damage next to it (mean of the hole pixels within `r`): a halo is a blend of the damage and the
    // picture, so it departs from the picture towards the damage's colour, never away from it.
    dmg.fill(0);
    let nd = 0;
    for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++) {
      for (let xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) {
        const j = yy * w + xx;
        if (!hole.data[j]) continue;
        for (let c = 0; c < colours; c++) dmg[c] = dmg[c]! + d[j * C + c]!;
        nd++;
      }
    }
    if (nd === 0) continue;
    let off = 0;
    let towards = false;
    for (let c = 0; c < colours; c++) {
      mean[c] = mean[c]! / n;
      const dev = d[i * C + c]! - mean[c]!;
      if (Math.abs(dev) > off) {
        off = Math.abs(dev);
        towards = dev * (dmg[c]! / nd - mean[c]!) > 0;
      }
    }
    if (!towards || off <= delta) continue;
    // How much the picture itself varies there (mean absolute deviation): texture and edges are not halo.
    let spread = 0;
    for (let yy = y0; yy <= y1; yy++) {
      for (let xx = x0; xx <= x1; xx++) {
        const j = yy * w + xx;
        if (dist[j]! <= r) continue;
        for (let c = 0; c < colours; c++) spread += Math.abs(d[j * C + c]! - mean[c]!);
      }
    }
    if (off > opts.k * 1.2533 * (spread / (n * colours)) + delta) {
      out ??= hole.data.slice();
      out[i] = 255;
    }
  }
  return out ? { width: w, height: h, data: out } : hole;
}

/** Puts back the original of every pixel that was filled only as hidden context (in `hidden`, not in `hole`). */
export function restoreOutside(out: Raster, image: Raster, hole: Mask, hidden: Mask): void {
  const C = image.channels;
  for (let i = 0; i < hole.data.length; i++) {
    if (!hidden.data[i] || hole.data[i]) continue;
    for (let c = 0; c < C; c++) out.data[i * C + c] = image.data[i * C + c]!;
  }
}
