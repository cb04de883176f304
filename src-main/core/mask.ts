/**
 * Binary hole masks: thresholding, disc dilation and connected components. Everything here is linear in
 * the image size or better, so 40 MP masks stay cheap; components are found on run-length rows, not with a
 * per-pixel label image.
 */
import type { Mask } from './image.js';
import { flood8 } from './flood.js';

/** An axis-aligned rectangle in image pixels (x, y inclusive; width, height ≥ 1). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One 8-connected group of hole pixels: its bounding box and how many pixels it holds. */
export interface Component extends Rect {
  pixels: number;
}

/**
 * Largest explicit mask growth (pixels) any surface accepts: enough to cover the soft fringe of a scan's
 * scratches at any resolution, small enough that a typo cannot turn a scratch into a repainted photo.
 */
export const MAX_GROW = 64;

/** Mask from any gray samples: a sample above `threshold` marks a hole (the CLI's "> 127" rule). */
export function maskFromGray(gray: ArrayLike<number>, width: number, height: number, threshold = 127): Mask {
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = gray[i]! > threshold ? 255 : 0;
  return { width, height, data };
}

/** Number of hole pixels; used to skip work and to report what a restore touched. */
export function countHoles(mask: Mask): number {
  let n = 0;
  const d = mask.data;
  for (let i = 0; i < d.length; i++) if (d[i]) n++;
  return n;
}

/**
 * Grows holes by a disc of radius `r` (Euclidean), so fills also cover the fringe of a scratch that the
 * mask missed. A disc is the union of horizontal runs, so each row is a running-count dilation per dy.
 */
export function dilate(mask: Mask, r: number): Mask {
  const { width: w, height: h, data } = mask;
  const radius = Math.max(0, Math.floor(r));
  if (radius === 0) return { width: w, height: h, data: data.slice() };
  // Horizontal dilation by half-width k of every row, for each distinct k the disc needs.
  const halfWidths = new Map<number, number>();
  for (let dy = -radius; dy <= radius; dy++) halfWidths.set(dy, Math.floor(Math.sqrt(radius * radius - dy * dy)));
  const rowHas = new Uint8Array(h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) if (data[row + x]) { rowHas[y] = 1; break; }
  }
  const byK = new Map<number, Uint8Array>();
  for (const k of new Set(halfWidths.values())) {
    const out = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) if (rowHas[y]) dilateRow(data, out, y * w, w, k);
    byK.set(k, out);
  }
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const dst = y * w;
    for (let dy = -radius; dy <= radius; dy++) {
      const sy = y + dy;
      if (sy < 0 || sy >= h || !rowHas[sy]) continue;
      const src = byK.get(halfWidths.get(dy)!)!;
      const s = sy * w;
      for (let x = 0; x < w; x++) if (src[s + x]) out[dst + x] = 255;
    }
  }
  return { width: w, height: h, data: out };
}

function dilateRow(src: Uint8Array, dst: Uint8Array, row: number, w: number, k: number): void {
  // Sliding count of holes in [x-k, x+k].
  let count = 0;
  for (let x = 0; x < Math.min(k, w); x++) if (src[row + x]) count++;
  for (let x = 0; x < w; x++) {
    const add = x + k;
    if (add < w && src[row + add]) count++;
    const drop = x - k - 1;
    if (drop >= 0 && src[row + drop]) count--;
    if (count > 0) dst[row + x] = 255;
  }
}

/**
 * 8-connected components of the holes, as bounding boxes. Works on runs of hole pixels per row joined
 * with union–find, so memory follows the number of runs rather than the pixel count.
 */
export function connectedComponents(mask: Mask): Component[] {
  const { width: w, height: h, data } = mask;
  const runY: number[] = [];
  const runX0: number[] = [];
  const runX1: number[] = []; // inclusive
  const parent: number[] = [];
  const find = (a: number): number => {
    while (parent[a] !== a) {
      parent[a] = parent[parent[a]!]!;
      a = parent[a]!;
    }
    return a;
  };
  let prevStart = 0;
  let prevEnd = 0;
  for (let y = 0; y < h; y++) {
    const rowStart = runY.length;
    const row = y * w;
    let x = 0;
    while (x < w) {
      if (!data[row + x]) { x++; continue; }
      const x0 = x;
      while (x < w && data[row + x]) x++;
      const id = runY.length;
      runY.push(y); runX0.push(x0); runX1.push(x - 1); parent.push(id);
      // Join with runs of the previous row that touch [x0-1, x] (8-connectivity).
      for (let p = prevStart; p < prevEnd; p++) {
        if (runX1[p]! < x0 - 1) continue;
        if (runX0[p]! > x) break;
        const a = find(p);
        const b = find(id);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
    prevStart = rowStart;
    prevEnd = runY.length;
  }
  const boxes = new Map<number, { x0: number; y0: number; x1: number; y1: number; pixels: number }>();
  for (let i = 0; i < runY.length; i++) {
    const root = find(i);
    const b = boxes.get(root);
    const y = runY[i]!;
    const n = runX1[i]! - runX0[i]! + 1;
    if (!b) boxes.set(root, { x0: runX0[i]!, y0: y, x1: runX1[i]!, y1: y, pixels: n });
    else {
      b.x0 = Math.min(b.x0, runX0[i]!);
      b.x1 = Math.max(b.x1, runX1[i]!);
      b.y1 = Math.max(b.y1, y);
      b.pixels += n;
    }
  }
  return [...boxes.values()].map((b) => ({ x: b.x0, y: b.y0, width: b.x1 - b.x0 + 1, height: b.y1 - b.y0 + 1, pixels: b.pixels }));
}

/**
 * Damage proposal from a detector's probability map: threshold, keep only the connected marks the detector
 * is sure of somewhere (hysteresis: a mark survives when some pixel of it reaches `seed`), then grow by
 * `dilateRadius`. Hysteresis is what lets a scratch be marked end to end at a modest threshold while a faint
 * lone false mark (a light edge, a glint) never reaches the seed and is dropped whole. `seed` at or below
 * `threshold` is a plain threshold.
 */
export function probToMask(
  prob: Float32Array, width: number, height: number, threshold: number, dilateRadius: number, seed = threshold,
): Mask {
  const data = new Uint8Array(width * height);
  if (seed <= threshold) {
    for (let i = 0; i < data.length; i++) data[i] = prob[i]! > threshold ? 255 : 0;
  } else {
    hysteresisInto(prob, width, height, threshold, seed, data);
  }
  const mask = { width, height, data };
  return dilateRadius > 0 ? dilate(mask, dilateRadius) : mask;
}

/** Marks (255) every pixel above `low` that is 8-connected through such pixels to one at or above `high`. */
function hysteresisInto(prob: Float32Array, w: number, h: number, low: number, high: number, out: Uint8Array): void {
  const above = (q: number): boolean => prob[q]! > low;
  const members: number[] = [];
  for (let i = 0; i < out.length; i++) {
    if (out[i] || prob[i]! < high) continue;
    flood8(i, w, h, above, out, members);
  }
}

/** Extending the proposal's marks (`DetectPostprocess.extend`). */
export interface ExtendCue {
  /** The lower threshold at which the cues run again to find how far each proposed mark reaches. */
  low: number;
}

/** Marks in `mask` (in place) every pixel `other` marks; both the same size. Returns `mask`. */
export function addInto(mask: Mask, other: Mask): Mask {
  for (let i = 0; i < mask.data.length; i += 1) if (other.data[i]) mask.data[i] = 255;
  return mask;
}

/**
 * Calls `visit` with the pixels of each 8-connected mark of `mask` (the array is reused between calls). Both
 * joinTouching and countUnfilled work mark by mark.
 */
function forEachComponent(mask: Mask, visit: (members: number[]) => void): void {
  const { width, height, data } = mask;
  const marked = (q: number): boolean => data[q]! > 0;
  const seen = new Uint8Array(data.length);
  const members: number[] = [];
  for (let i = 0; i < data.length; i++) {
    if (seen[i] || !marked(i)) continue;
    visit(flood8(i, width, height, marked, seen, members));
  }
}

/**
 * Adds to `mask` (in place) every 8-connected mark of `reach` that touches it: the extent of a mark comes from
 * `reach`, its existence from `mask`. Both masks have the same size. Returns how many pixels joined.
 */
export function joinTouching(mask: Mask, reach: Mask): number {
  const { data } = mask;
  let joined = 0;
  forEachComponent(reach, (members) => {
    if (!members.some((q) => data[q])) return;
    for (const q of members) {
      if (data[q]) continue;
      data[q] = 255;
      joined++;
    }
  });
  return joined;
}

/**
 * How many of the 8-connected marks of `areas` a fill of `filled` leaves: a mark counts when more than half of its
 * pixels are outside `filled` (an area one detector left for review that another one's mask filled is not left).
 * Both masks have the same size.
 */
export function countUnfilled(areas: Mask, filled: Mask): number {
  let left = 0;
  forEachComponent(areas, (members) => {
    if (2 * members.reduce((n, q) => n + (filled.data[q] ? 1 : 0), 0) < members.length) left++;
  });
  return left;
}
