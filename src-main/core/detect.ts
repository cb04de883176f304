/**
 * Damage detection at full resolution: the network's probability map from overlapping tiles blended
 * smoothly (at a working size for large scans), refined by the cues (dust specks, scene lights, areas left
 * for review) and turned into a mask by the model's post-processing. Pure: no node or DOM imports.
 */
import { cancelled } from './errors.js';
import type { Mask, Progress, Raster } from './image.js';
import { probToMask } from './mask.js';
import { dropAreas } from './areas.js';
import { dropLights, type LightCue } from './lights.js';
import { addSpecks, type SpeckCue } from './specks.js';
import { downscaleArea, fitWithin, resizeRaster, upsampleBilinear } from './resample.js';
import { confirmThin, type ConfirmCue } from './confirm.js';
import { tileRect } from './regions.js';
import { checkOutput, readWindow, type PipelineOptions } from './pipeline.js';

/** A model that maps one tile (CHW RGB in [0,1]) to a w×h damage probability map. */
export interface DetectBackend {
  id: string;
  padMultiple: number;
  tileSize: number;
  overlap: number;
  run(rgb: Float32Array, w: number, h: number): Promise<Float32Array>;
}

/** Damage probability for every pixel, from overlapping tiles over the whole image blended smoothly. */
export async function detectRaster(image: Raster, backend: DetectBackend, opts: Pick<PipelineOptions, 'signal' | 'onProgress'> = {}): Promise<Float32Array> {
  const { width, height } = image;
  const region = tileRect({ x: 0, y: 0, width, height }, backend);
  const prob = new Float32Array(width * height);
  const total = region.tiles.length;
  let done = 0;
  opts.onProgress?.({ stage: 'detect', done, total });
  for (const t of region.tiles) {
    if (opts.signal?.aborted) throw cancelled('Detection');
    const rgb = readWindow(image, t.x, t.y, t.padWidth, t.padHeight);
    const p = await backend.run(rgb, t.padWidth, t.padHeight);
    checkOutput(p, t.padWidth * t.padHeight, backend.id);
    const wx = region.weightsX[t.col]!;
    const wy = region.weightsY[t.row]!;
    for (let y = 0; y < t.height; y++) {
      const row = (t.y + y) * width + t.x;
      for (let x = 0; x < t.width; x++) prob[row + x] = prob[row + x]! + wx[x]! * wy[y]! * p[y * t.padWidth + x]!;
    }
    opts.onProgress?.({ stage: 'detect', done: ++done, total });
  }
  return prob;
}

/** How a detector's probability map becomes a mask (models/manifest.json `postprocess`). */
export interface DetectPostprocess {
  threshold: number;
  /**
   * Hysteresis: a mark is kept only when some pixel of it reaches this probability (absent: `threshold`).
   * The threshold then sets how far a sure mark extends, the seed whether it is sure at all.
   */
  seed?: number;
  /**
   * Where nobody reviews the mask (CLI restore and batch without masks): stricter values that replace the
   * ones above. A false mark there is a ruined photo; a missed speck is only a speck.
   */
  unattended?: { threshold?: number; seed?: number; dilate?: number; maxRadius?: number; confirm?: ConfirmCue };
  /** Dust specks found as local outliers and confirmed by the network (specks.ts); absent: off. */
  specks?: SpeckCue;
  /** Coloured scene lights (street lights, windows) dropped from the marks (lights.ts); absent: off. */
  lights?: LightCue;
  /** Thin marks confirmed by a second, larger look (confirm.ts); absent: one look. */
  confirm?: ConfirmCue;
  /**
   * Marks thicker than this (the radius of the largest disk inside them, as a fraction of the working image's
   * longer side) are dropped: areas, not lines (areas.ts). Set under `unattended` only: a person reviews areas.
   */
  maxRadius?: number;
  /** Dilation radius in pixels of the detector's working resolution. */
  dilate: number;
  /**
   * Working resolution: photos whose longer side exceeds this are detected on an area-averaged copy of
   * that size and the probability map is scaled back up (the detector was trained on photos of a few
   * hundred pixels, so damage on a large scan looks to it like damage at that scale). Absent: full size.
   */
  maxSide?: number;
}

/**
 * The post-processing a detection runs with: the manifest's own, its `unattended` values when nobody will
 * review the mask, and a user's threshold on top (the seed moves with it, so "more sensitive" lowers both).
 */
export function effectivePostprocess(pp: DetectPostprocess, opts: { threshold?: number; unattended?: boolean }): DetectPostprocess {
  const base: DetectPostprocess = opts.unattended && pp.unattended ? { ...pp, ...pp.unattended } : { ...pp };
  delete base.unattended;
  if (opts.threshold === undefined) return base;
  const lift = base.seed !== undefined ? base.seed - base.threshold : 0;
  return { ...base, threshold: opts.threshold, ...(base.seed !== undefined ? { seed: Math.min(0.995, opts.threshold + lift) } : {}) };
}

/** What a detector without a manifest `postprocess` gets. */
export const DEFAULT_DETECT_POSTPROCESS: DetectPostprocess = { threshold: 0.5, dilate: 2 };

/** A detected mask; `areasLeft` counts the marks `maxRadius` left for review (set only when it applies). */
export interface DetectedMask extends Mask {
  areasLeft?: number;
}

/** The damage mask proposal at the photo's full resolution. */
export async function detectMask(
  image: Raster,
  backend: DetectBackend,
  pp: DetectPostprocess,
  opts: Pick<PipelineOptions, 'signal' | 'onProgress'> = {},
): Promise<DetectedMask> {
  const { width, height } = image;
  const fit = pp.maxSide !== undefined ? fitWithin(width, height, pp.maxSide) : null;
  const work = fit ? downscaleArea(image, fit.width, fit.height) : image;
  const second = pp.confirm ? secondLookSize(work, pp.confirm) : null;
  const looks = [work, ...(second ? [second] : [])].map((r) => tileRect({ x: 0, y: 0, width: r.width, height: r.height }, backend).tiles.length);
  const total = looks.reduce((a, b) => a + b, 0);
  const stage = (offset: number) => (p: Progress): void => opts.onProgress?.({ stage: 'detect', done: offset + p.done, total });
  const workProb = await detectRaster(work, backend, { signal: opts.signal, onProgress: stage(0) });
  let secondProb: Float32Array | undefined;
  if (second) {
    const big = resizeRaster(image, second.width, second.height);
    secondProb = upsampleBilinear(await detectRaster(big, backend, { signal: opts.signal, onProgress: stage(looks[0]!) }), big.width, big.height, work.width, work.height);
  }
  const areasLeft = applyCues(work, workProb, pp, secondProb);
  if (!fit) return withAreas(probToMask(workProb, width, height, pp.threshold, pp.dilate, pp.seed), areasLeft);
  const prob = upsampleBilinear(workProb, fit.width, fit.height, width, height);
  return withAreas(probToMask(prob, width, height, pp.threshold, Math.round(pp.dilate / fit.scale), pp.seed), areasLeft);
}

/** The second look's size: `scale` × the working image's. */
function secondLookSize(work: Raster, cue: ConfirmCue): { width: number; height: number } {
  return { width: Math.max(1, Math.round(work.width * cue.scale)), height: Math.max(1, Math.round(work.height * cue.scale)) };
}

/**
 * The cues that refine the network's probabilities, in order, on the raster the network saw: specks added,
 * scene lights dropped, thin marks confirmed by the second look, and (unattended) areas dropped. Returns how
 * many areas were dropped, when that rule applies.
 */
function applyCues(image: Raster, prob: Float32Array, pp: DetectPostprocess, second: Float32Array | undefined): number | undefined {
  if (pp.specks) addSpecks(image, prob, pp.specks);
  if (pp.lights) dropLights(image, prob, pp.threshold, pp.lights);
  if (pp.confirm && second) confirmThin(prob, second, image.width, image.height, pp.threshold, pp.confirm);
  return pp.maxRadius !== undefined ? dropAreas(prob, image.width, image.height, pp.threshold, pp.maxRadius) : undefined;
}

function withAreas(mask: Mask, areasLeft: number | undefined): DetectedMask {
  return areasLeft === undefined ? mask : { ...mask, areasLeft };
}
