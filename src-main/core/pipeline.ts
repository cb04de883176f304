/**
 * Full-resolution restoration with any model: holes are cut into regions with context, tiled to the
 * model's size, filled tile by tile (cancel is checked between tiles) and pasted back, so the cost follows
 * the damage, not the photo. A mask means what it says: only its pixels change unless the caller asks for
 * growth (`grow`), and every other pixel stays bit-identical.
 */
import { cancelled, KintsugiError } from './errors.js';
import type { Mask, Progress, Raster } from './image.js';
import { dilate } from './mask.js';
import { restoreOutside, withHalo } from './halo.js';
import { featherAlpha, holeRowStarts, pasteFill } from './compose.js';
import { addGrain } from './grain.js';
import { addTexture } from './texture.js';
import { planRegions, type Region, type Tile } from './regions.js';
import { planCost, planShapedTiles, SHAPED_DEFAULTS, type ShapedTile } from './damage-tiles.js';

/** A model that fills holes in one tile. Inputs are CHW RGB in [0,1] and a 1 = hole map, both w×h. */
export interface InpaintBackend {
  id: string;
  padMultiple: number;
  fixedSize?: number;
  tileSize: number;
  overlap: number;
  /** Context kept around each hole component; defaults to DEFAULT_MARGIN. */
  margin?: number;
  /**
   * Context (pixels) the model needs around thin damage: its receptive field, for a model whose output
   * at a pixel depends only on that neighbourhood. When set, the pipeline may shape tiles to the damage
   * (core/damage-tiles.ts) whenever that feeds the model fewer pixels than the region plan.
   */
  thinContext?: number;
  run(rgb: Float32Array, hole: Float32Array, w: number, h: number): Promise<Float32Array>;
  /**
   * Several tiles of one size in one call (a batch dimension); optional. Small tiles cost the model about
   * a fifth more per pixel one by one, and a batch gives its threads more to share.
   */
  runBatch?(rgb: Float32Array[], hole: Float32Array[], w: number, h: number): Promise<Float32Array[]>;
}

/**
 * Per-call options. `grow` (pixels, default 0) is the explicit request to fill a disc of that radius
 * around the mask too, for a scratch whose soft fringe the mask missed; `feather` softens the seam, and
 * only ever inside the ring that growth added, so the mask itself is always filled fully.
 */
export interface PipelineOptions {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  grow?: number;
  feather?: number;
  /**
   * Fine detail added to the filled pixels: 'texture' copies the photo's own grain and texture from the places
   * around the hole whose structure matches (core/texture.ts), 'grain' adds synthetic grain matched to each
   * hole's surroundings (core/grain.ts; `grainSeed` makes it reproducible), 'none' leaves the fill as the
   * network made it. 'none' unless asked here; the engine decides the product default (DEFAULT_DETAIL).
   */
  detail?: FillDetail;
  grainSeed?: number;
  /**
   * Hides the damage's own soft edge just outside a tight mask from the network (core/halo.ts); the pixels
   * outside the mask are still never changed. Only when the mask is not grown. Off unless asked here; the
   * engine decides the product default (DEFAULT_HALO_GUARD).
   */
  haloGuard?: boolean;
}

/** What fine detail a fill gets (PipelineOptions.detail). */
export type FillDetail = 'texture' | 'grain' | 'none';
export const FILL_DETAILS: readonly FillDetail[] = ['texture', 'grain', 'none'];

/** Context margin (pixels) around holes when the backend does not choose one. */
export const DEFAULT_MARGIN = 64;
/** Feather width when a mask is grown (capped by the growth, so it stays in the added ring). */
export const DEFAULT_FEATHER = 2;

/** Index into [0, n) reflecting at both ends without repeating the edge sample (numpy 'reflect'). */
export function reflectIndex(i: number, n: number): number {
  if (n <= 1) return 0;
  const period = 2 * (n - 1);
  let m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - m;
}

/**
 * Model input for a tile: the tile's padded window read from the image (real pixels where they exist,
 * reflected beyond the image border), gray repeated into three channels, alpha dropped.
 */
export function readWindow(image: Raster, x0: number, y0: number, pw: number, ph: number): Float32Array {
  const { width, height, channels, depth, data } = image;
  const scale = 1 / (depth === 16 ? 65535 : 255);
  const plane = pw * ph;
  const out = new Float32Array(3 * plane);
  const isColor = channels >= 3;
  for (let y = 0; y < ph; y++) {
    const sy = reflectIndex(y0 + y, height);
    for (let x = 0; x < pw; x++) {
      const o = (sy * width + reflectIndex(x0 + x, width)) * channels;
      const j = y * pw + x;
      if (isColor) {
        out[j] = data[o]! * scale;
        out[plane + j] = data[o + 1]! * scale;
        out[2 * plane + j] = data[o + 2]! * scale;
      } else {
        const v = data[o]! * scale;
        out[j] = v;
        out[plane + j] = v;
        out[2 * plane + j] = v;
      }
    }
  }
  return out;
}

function readHoleWindow(hole: Mask, x0: number, y0: number, pw: number, ph: number): Float32Array {
  const out = new Float32Array(pw * ph);
  for (let y = 0; y < ph; y++) {
    const row = reflectIndex(y0 + y, hole.height) * hole.width;
    for (let x = 0; x < pw; x++) if (hole.data[row + reflectIndex(x0 + x, hole.width)]) out[y * pw + x] = 1;
  }
  return out;
}

function tileHasHole(hole: Mask, t: Tile): boolean {
  for (let y = t.y; y < t.y + t.height; y++) {
    const row = y * hole.width;
    for (let x = t.x; x < t.x + t.width; x++) if (hole.data[row + x]) return true;
  }
  return false;
}

/** Per region row and tile column: index of the first hole pixel at or right of that column's start. */
function columnRanks(hole: Mask, region: Region, rowStarts: Int32Array): { ranks: Int32Array; cols: number } {
  const colX = [...new Set(region.tiles.map((t) => t.x))].sort((a, b) => a - b);
  const cols = colX.length;
  const ranks = new Int32Array(region.height * cols);
  for (let r = 0; r < region.height; r++) {
    const row = (region.y + r) * hole.width;
    let n = rowStarts[r]!;
    let c = 0;
    for (let x = region.x; x < region.x + region.width && c < cols; x++) {
      while (c < cols && colX[c] === x) ranks[r * cols + c++] = n;
      if (hole.data[row + x]) n++;
    }
  }
  return { ranks, cols };
}

export function checkOutput(out: Float32Array, expected: number, backend: string): void {
  if (!(out instanceof Float32Array) || out.length !== expected) {
    throw new KintsugiError('internal', `backend "${backend}" returned ${out?.length ?? 0} values, expected ${expected}`);
  }
}

/** Progress and cancel state shared by the two ways of filling. */
interface Steps {
  done: number;
  total: number;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

/**
 * The damage-shaped tiles for this backend when it allows them and they feed the model at most
 * SHAPED_MAX_SHARE of the pixels (plus a per-call cost) of the region plan's tiles that hold holes; else null.
 */
function shapedPlan(hole: Mask, backend: InpaintBackend, work: Tile[][]): ShapedTile[] | null {
  if (backend.thinContext === undefined || backend.fixedSize !== undefined) return null;
  const maxContext = backend.margin ?? DEFAULT_MARGIN;
  const tiles = planShapedTiles(hole, {
    ...SHAPED_DEFAULTS,
    padMultiple: backend.padMultiple,
    minContext: Math.min(backend.thinContext, maxContext),
    maxContext,
    maxSide: Math.max(backend.tileSize, SHAPED_DEFAULTS.cell + 2 * maxContext),
  });
  const regionCost = planCost(work.flat(), SHAPED_DEFAULTS.callCost);
  return planCost(tiles, SHAPED_DEFAULTS.callCost) <= SHAPED_MAX_SHARE * regionCost ? tiles : null;
}

/**
 * Shaped tiles are used only when they cost at most this share of the region plan: large scans with thin
 * damage (the 12 MP scratch scan: 0.16–0.22, ~3 MP batch photos with four strokes: 0.17–0.30). On a 12 MP
 * mosaic of dev photos they moved the hole PSNR by −0.002 dB. Used at any saving they took over most dev-set
 * photos (savings of 3–25 %) and moved the eval by +0.016 / −0.002 / −0.004 / +0.001 dB per band; at half,
 * six of 328 (−0.16 to +0.08 dB each); at a third, none, so the dev eval is unchanged.
 */
export const SHAPED_MAX_SHARE = 1 / 3;

/** Pixels per batched model call of shaped tiles (tiles of one size are run together up to this). */
const BATCH_PIXELS = 1 << 18;

/**
 * Shaped tiles grouped by size, in chunks of at most BATCH_PIXELS (a chunk always holds at least one); a
 * backend without runBatch takes a chunk's tiles one by one.
 */
function batches(tiles: ShapedTile[]): ShapedTile[][] {
  const bySize = new Map<string, ShapedTile[]>();
  for (const t of tiles) {
    const key = `${t.padWidth}x${t.padHeight}`;
    const list = bySize.get(key);
    if (list) list.push(t);
    else bySize.set(key, [t]);
  }
  const out: ShapedTile[][] = [];
  for (const list of bySize.values()) {
    const per = Math.max(1, Math.floor(BATCH_PIXELS / (list[0]!.padWidth * list[0]!.padHeight)));
    for (let i = 0; i < list.length; i += per) out.push(list.slice(i, i + per));
  }
  return out;
}

/** Each shaped tile's prediction is pasted, as it is, into the hole pixels of the cells it owns. */
async function fillShaped(image: Raster, hole: Mask, backend: InpaintBackend, tiles: ShapedTile[], out: Raster, feather: number, s: Steps): Promise<void> {
  for (const chunk of batches(tiles)) {
    if (s.signal?.aborted) throw cancelled('Restore');
    const { padWidth: pw, padHeight: ph } = chunk[0]!;
    const rgbs = chunk.map((t) => readWindow(image, t.x, t.y, pw, ph));
    const holes = chunk.map((t) => readHoleWindow(hole, t.x, t.y, pw, ph));
    let preds: Float32Array[];
    if (backend.runBatch && chunk.length > 1) preds = await backend.runBatch(rgbs, holes, pw, ph);
    else {
      preds = [];
      for (let i = 0; i < chunk.length; i++) preds.push(await backend.run(rgbs[i]!, holes[i]!, pw, ph));
    }
    if (preds.length !== chunk.length) throw new KintsugiError('internal', `backend "${backend.id}" returned ${preds.length} tiles, expected ${chunk.length}`);
    chunk.forEach((t, i) => {
      checkOutput(preds[i]!, 3 * pw * ph, backend.id);
      pasteTile(out, image, hole, t, preds[i]!, feather);
    });
    s.done += chunk.length;
    s.onProgress?.({ stage: 'inpaint', done: s.done, total: s.total });
  }
}

/** Pastes one shaped tile's prediction into the hole pixels of the cells it owns. */
function pasteTile(out: Raster, image: Raster, hole: Mask, t: ShapedTile, pred: Float32Array, feather: number): void {
  const { x: x0, y: y0, padWidth: pw, padHeight: ph } = t;
  const plane = pw * ph;
  for (const cell of t.cells) {
    const rowStarts = holeRowStarts(hole, cell);
    const fill = new Float32Array(rowStarts[cell.height]! * 3);
    let k = 0;
    for (let y = cell.y; y < cell.y + cell.height; y++) {
      const row = y * hole.width;
      for (let x = cell.x; x < cell.x + cell.width; x++) {
        if (!hole.data[row + x]) continue;
        // The window lies inside the image whenever the image is large enough; otherwise it was read
        // with reflection, and a cell pixel is at the same offset either way.
        const j = (y - y0) * pw + (x - x0);
        fill[k * 3] = pred[j]!;
        fill[k * 3 + 1] = pred[plane + j]!;
        fill[k * 3 + 2] = pred[2 * plane + j]!;
        k++;
      }
    }
    pasteFill(out, image, hole, cell, fill, feather);
  }
}

/** The region plan: overlapping tiles blended with a partition of unity, each region pasted once filled. */
async function fillRegions(image: Raster, hole: Mask, backend: InpaintBackend, regions: Region[], work: Tile[][], out: Raster, feather: number, s: Steps): Promise<void> {
  const { width } = image;
  for (let ri = 0; ri < regions.length; ri++) {
    const region = regions[ri]!;
    const rowStarts = holeRowStarts(hole, region);
    const { ranks, cols } = columnRanks(hole, region, rowStarts);
    const colIndex = new Map([...new Set(region.tiles.map((t) => t.x))].sort((a, b) => a - b).map((x, i) => [x, i]));
    const fill = new Float32Array(rowStarts[region.height]! * 3);
    for (const t of work[ri]!) {
      if (s.signal?.aborted) throw cancelled('Restore');
      const rgb = readWindow(image, t.x, t.y, t.padWidth, t.padHeight);
      const holeIn = readHoleWindow(hole, t.x, t.y, t.padWidth, t.padHeight);
      const pred = await backend.run(rgb, holeIn, t.padWidth, t.padHeight);
      checkOutput(pred, 3 * t.padWidth * t.padHeight, backend.id);
      const plane = t.padWidth * t.padHeight;
      const wx = region.weightsX[t.col]!;
      const wy = region.weightsY[t.row]!;
      const c = colIndex.get(t.x)!;
      for (let y = 0; y < t.height; y++) {
        const r = t.y + y - region.y;
        let k = ranks[r * cols + c]!;
        const row = (t.y + y) * width + t.x;
        for (let x = 0; x < t.width; x++) {
          if (!hole.data[row + x]) continue;
          const w = wx[x]! * wy[y]!;
          const j = y * t.padWidth + x;
          fill[k * 3] = fill[k * 3]! + w * pred[j]!;
          fill[k * 3 + 1] = fill[k * 3 + 1]! + w * pred[plane + j]!;
          fill[k * 3 + 2] = fill[k * 3 + 2]! + w * pred[2 * plane + j]!;
          k++;
        }
      }
      s.onProgress?.({ stage: 'inpaint', done: ++s.done, total: s.total });
    }
    pasteFill(out, image, hole, region, fill, feather);
  }
}

/**
 * Fills `mask`'s holes (grown by `opts.grow`, default 0) with `backend` at full resolution. The result is
 * a new raster of the same size, channels and depth; only pixels inside the (grown) holes differ from `image`.
 */
export async function inpaintRaster(image: Raster, mask: Mask, backend: InpaintBackend, opts: PipelineOptions = {}): Promise<Raster> {
  const { width, height } = image;
  if (mask.width !== width || mask.height !== height) {
    throw new KintsugiError('bad-input', `mask is ${mask.width}×${mask.height} but the image is ${width}×${height}`);
  }
  const grow = opts.grow ?? 0;
  const hole = grow > 0 ? dilate(mask, grow) : mask;
  // The feather stays inside the ring the growth added, so the mask itself is filled fully.
  const feather = Math.min(opts.feather ?? DEFAULT_FEATHER, grow);
  // What the network is told is unknown: the hole, and with the halo guard the damage's edge around it.
  const hidden = opts.haloGuard && grow === 0 ? withHalo(image, hole) : hole;
  const regions = planRegions(hidden, {
    margin: backend.margin ?? DEFAULT_MARGIN,
    padMultiple: backend.padMultiple,
    tileSize: backend.tileSize,
    overlap: backend.overlap,
    ...(backend.fixedSize !== undefined ? { fixedSize: backend.fixedSize } : {}),
  });
  const work = regions.map((r) => r.tiles.filter((t) => tileHasHole(hidden, t)));
  const shaped = shapedPlan(hidden, backend, work);
  const total = shaped ? shaped.length : work.reduce((n, ts) => n + ts.length, 0);
  const out: Raster = { ...image, data: image.data.slice() };
  const step = { done: 0, total, onProgress: opts.onProgress, signal: opts.signal };
  opts.onProgress?.({ stage: 'inpaint', done: 0, total });
  if (shaped) await fillShaped(image, hidden, backend, shaped, out, feather, step);
  else await fillRegions(image, hidden, backend, regions, work, out, feather, step);
  if (opts.signal?.aborted) throw cancelled('Restore');
  if (hidden !== hole) restoreOutside(out, image, hole, hidden);
  const detail = opts.detail ?? 'none';
  if (detail !== 'none' && total > 0) {
    const where = {
      unknown: hidden,
      ...(feather > 0 ? { weight: (x: number, y: number) => featherAlpha(hole, x, y, feather) } : {}),
    };
    // Copied texture leaves the thin parts of the hole to grain (core/texture.ts addTexture).
    const grainHole = detail === 'texture' ? addTexture(out, image, hole, where) : hole;
    if (grainHole) addGrain(out, image, grainHole, { seed: opts.grainSeed ?? 0, ...where });
  }
  return out;
}
