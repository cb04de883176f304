/**
 * Where a model looks: rectangles around the mask's components with a context margin (merged when they
 * overlap), each cut into model-sized tiles with overlap, plus blending weights that form a partition of
 * unity so overlapping tile outputs average without seams.
 */
import type { Mask } from './image.js';
import { connectedComponents, type Rect } from './mask.js';

export type { Rect } from './mask.js';

/** How to plan regions for one model. */
export interface PlanOptions {
  /** Context pixels kept around each component (clipped at the image border). */
  margin: number;
  /** Model input sides must be multiples of this (1 = any size). */
  padMultiple: number;
  /** Largest tile side fed to the model at once. */
  tileSize: number;
  /** Pixels shared by neighbouring tiles, blended linearly. */
  overlap: number;
  /** Models with one fixed input size (e.g. LaMa 512): tiles are exactly this size after padding. */
  fixedSize?: number;
}

/** One model call: `rect` is the image area it covers, `padWidth`×`padHeight` the size fed to the model. */
export interface Tile extends Rect {
  /** Column and row of the tile inside its region's grid (index into the axis weights). */
  col: number;
  row: number;
  padWidth: number;
  padHeight: number;
}

/** A rectangle of the image processed on its own, and how it is tiled. */
export interface Region extends Rect {
  tiles: Tile[];
  /** Per tile column / row: 1-D blend weights over the tile's width / height (see axisWeights). */
  weightsX: Float32Array[];
  weightsY: Float32Array[];
}

/** Smallest multiple of `m` that is ≥ v. */
export function roundUp(v: number, m: number): number {
  const mm = Math.max(1, Math.floor(m));
  return Math.ceil(v / mm) * mm;
}

/**
 * Start offsets of tiles of side `size` covering [0, length) with at least `overlap` shared pixels.
 * The last tile is pulled back to end exactly at `length`, so no tile sticks out.
 */
export function tileStarts(length: number, size: number, overlap: number): number[] {
  if (length <= size) return [0];
  const step = Math.max(1, size - Math.min(overlap, size - 1));
  const starts: number[] = [];
  let s = 0;
  for (; s + size < length; s += step) starts.push(s);
  starts.push(length - size);
  return starts;
}

/**
 * 1-D blend weights for tiles starting at `starts` (each `size` long, clipped to `length`): linear ramps
 * across each overlap, normalised so at every position the weights of the tiles covering it sum to 1.
 * 2-D weights are products of these, so they also sum to 1.
 */
export function axisWeights(length: number, starts: number[], size: number): Float32Array[] {
  const span = (i: number): number => Math.min(size, length - starts[i]!);
  const raw = starts.map((s, i) => {
    const n = span(i);
    const w = new Float32Array(n);
    const left = i > 0 ? starts[i - 1]! + span(i - 1) - s : 0; // pixels shared with the previous tile
    const right = i < starts.length - 1 ? s + n - starts[i + 1]! : 0;
    for (let x = 0; x < n; x++) {
      let v = 1;
      if (left > 0) v = Math.min(v, (x + 0.5) / left);
      if (right > 0) v = Math.min(v, (n - x - 0.5) / right);
      w[x] = v;
    }
    return w;
  });
  const sum = new Float64Array(length);
  raw.forEach((w, i) => { for (let x = 0; x < w.length; x++) sum[starts[i]! + x]! += w[x]!; });
  raw.forEach((w, i) => { for (let x = 0; x < w.length; x++) w[x] = w[x]! / sum[starts[i]! + x]!; });
  return raw;
}

/** Tiles (and their weights) for one rectangle; used for regions and for whole-image detection. */
export function tileRect(rect: Rect, opts: Pick<PlanOptions, 'padMultiple' | 'tileSize' | 'overlap' | 'fixedSize'>): Region {
  const m = Math.max(1, Math.floor(opts.padMultiple));
  const size = opts.fixedSize ?? Math.max(m, Math.floor(opts.tileSize / m) * m);
  const xs = tileStarts(rect.width, size, opts.overlap);
  const ys = tileStarts(rect.height, size, opts.overlap);
  const tiles: Tile[] = [];
  ys.forEach((ty, row) => {
    xs.forEach((tx, col) => {
      const width = Math.min(size, rect.width - tx);
      const height = Math.min(size, rect.height - ty);
      tiles.push({
        x: rect.x + tx, y: rect.y + ty, width, height, col, row,
        padWidth: opts.fixedSize ?? roundUp(width, opts.padMultiple),
        padHeight: opts.fixedSize ?? roundUp(height, opts.padMultiple),
      });
    });
  });
  return { ...rect, tiles, weightsX: axisWeights(rect.width, xs, size), weightsY: axisWeights(rect.height, ys, size) };
}

function grow(r: Rect, margin: number, w: number, h: number, minSide: number): Rect {
  let x0 = Math.max(0, r.x - margin);
  let y0 = Math.max(0, r.y - margin);
  let x1 = Math.min(w, r.x + r.width + margin);
  let y1 = Math.min(h, r.y + r.height + margin);
  // Fixed-size models see real context rather than padding when the image is big enough.
  if (x1 - x0 < minSide) {
    const extra = Math.min(w, minSide) - (x1 - x0);
    x0 = Math.max(0, x0 - Math.ceil(extra / 2));
    x1 = Math.min(w, x0 + Math.min(w, minSide));
    x0 = Math.max(0, x1 - Math.min(w, minSide));
  }
  if (y1 - y0 < minSide) {
    const extra = Math.min(h, minSide) - (y1 - y0);
    y0 = Math.max(0, y0 - Math.ceil(extra / 2));
    y1 = Math.min(h, y0 + Math.min(h, minSide));
    y0 = Math.max(0, y1 - Math.min(h, minSide));
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

const overlaps = (a: Rect, b: Rect): boolean =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

const union = (a: Rect, b: Rect): Rect => {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
};

/**
 * Rectangles around the mask's components, grown by `margin` (and to `minSide` when given) and merged until
 * none overlap, so every mask pixel belongs to exactly one; sorted top to bottom, left to right.
 */
export function mergedRects(mask: Mask, margin: number, minSide = 0): Rect[] {
  const { width: w, height: h } = mask;
  let rects = connectedComponents(mask).map((c) => grow(c, margin, w, h, minSide));
  // Merge overlapping rectangles until stable (sweep by x keeps this near-linear for scattered specks).
  let changed = true;
  while (changed) {
    changed = false;
    rects.sort((a, b) => a.x - b.x);
    const out: Rect[] = [];
    for (const r of rects) {
      let merged = r;
      for (let i = out.length - 1; i >= 0; i--) {
        if (overlaps(out[i]!, merged)) {
          merged = union(out[i]!, merged);
          out.splice(i, 1);
          changed = true;
        }
      }
      out.push(merged);
    }
    rects = out;
  }
  return rects.sort((a, b) => a.y - b.y || a.x - b.x);
}

/**
 * Regions around the mask's components, grown by the margin and merged until none overlap, so every
 * hole pixel belongs to exactly one region; each region comes with its tiles.
 */
export function planRegions(mask: Mask, opts: PlanOptions): Region[] {
  return mergedRects(mask, opts.margin, opts.fixedSize ?? 0).map((r) => tileRect(r, opts));
}
