/**
 * Damage detection at full resolution: the network's probability map from overlapping tiles blended
 * smoothly (at a working size for large scans), refined by the cues (dust specks, scene lights, areas left
 * for review) and turned into a mask by the model's post-processing. Pure: no node or DOM imports.
 */
import { cancelled } from './errors.js';
import type { Mask, Progress, Raster } from './image.js';
import { dilate, joinTouching, probToMask, type ExtendCue } from './mask.js';
import { flood8 } from './flood.js';
import { completeMarks, dropAreas, type CompleteCue } from './areas.js';
import { dropLights, type LightCue } from './lights.js';
import { takeOvershoot, takeRims, type OvershootCue, type RimCue } from './rims.js';
import { bridgeGaps, type BridgeCue } from './bridges.js';
import { addSpecks, type SpeckCue } from './specks.js';
import { downscaleArea, fitWithin, resizeRaster, upsampleBilinear } from './resample.js';
import { combineLooks, judgedMarks, type ConfirmCue } from './confirm.js';
import { mergedRects, tileRect, type Rect } from './regions.js';
import { checkOutput, readWindow, type PipelineOptions } from './pipeline.js';

/** A model that maps one tile (CHW RGB in [0,1]) to a w×h damage probability map. */
export interface DetectBackend {
  id: string;
  padMultiple: number;
  tileSize: number;
  overlap: number;
  run(rgb: Float32Array, w: number, h: number): Promise<Float32Array>;
}

/**
 * Damage probability for every pixel, from overlapping tiles blended smoothly: over the whole image, or over
 * `rect` only (then the map is rect-sized; the network sees nothing beyond the rect but what tiles pad with).
 */
export async function detectRaster(
  image: Raster,
  backend: DetectBackend,
  opts: Pick<PipelineOptions, 'signal' | 'onProgress'> = {},
  rect: Rect = { x: 0, y: 0, width: image.width, height: image.height },
): Promise<Float32Array> {
  const region = tileRect(rect, backend);
  const prob = new Float32Array(rect.width * rect.height);
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
      const row = (t.y - rect.y + y) * rect.width + (t.x - rect.x);
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
   * The seed of the suggestions (`DetectMaskOptions.suggest`; absent: `seed`): a mark not sure enough for the
   * proposal is still worth showing to the person reviewing it.
   */
  suggestSeed?: number;
  /**
   * Where nobody reviews the mask (CLI restore and batch without masks): stricter values that replace the
   * ones above. A false mark there is a ruined photo; a missed speck is only a speck.
   */
  unattended?: {
    threshold?: number; seed?: number; dilate?: number; maxRadius?: number; confirm?: ConfirmCue; complete?: CompleteCue; rims?: RimCue;
    extend?: ExtendCue;
  };
  /** Thick marks (a torn patch) completed into the less sure pixels around them (areas.ts); absent: off. */
  complete?: CompleteCue;
  /** Marks take in the rims around them that look like the mark, not the picture (rims.ts); absent: off. */
  rims?: RimCue;
  /** Line marks that point at each other across a gap are joined along the ridge between them (bridges.ts); absent: off. */
  bridges?: BridgeCue;
  /**
   * The final mask takes in the sharpening overshoot just outside it (rims.ts takeOvershoot), at the photo's
   * resolution, where the mask grows by less than OVERSHOOT_COVERED px there; absent: off.
   */
  overshoot?: OvershootCue;
  /**
   * How far a proposed mark reaches: the cues run again at `extend.low`, and each mark found there that touches
   * the proposal joins it (a crack found with confidence is followed on where its contrast fades, across a face).
   * Whether a mark exists is still decided at `threshold`. Review only: where nobody reviews the mask it applies
   * only when `unattended` names it. Absent: off.
   */
  extend?: ExtendCue;
  /** Dust specks found as local outliers and confirmed by the network (specks.ts); absent: off. */
  specks?: SpeckCue;
  /** Coloured scene lights (street lights, windows) dropped from the marks (lights.ts); absent: off. */
  lights?: LightCue;
  /** Thin marks confirmed by a second, larger look (confirm.ts); absent: one look. */
  confirm?: ConfirmCue;
  /**
   * Marks thicker than this (the radius of the largest disk inside them, as a fraction of the working image's
   * longer side) are dropped: areas, not lines (areas.ts) — left unfilled where nobody reviews the mask, offered
   * as suggestions in the review proposal.
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
  if (opts.unattended && !pp.unattended?.extend) delete base.extend;
  delete base.unattended;
  if (opts.threshold === undefined) return base;
  const lifted = (seed: number | undefined): number | undefined =>
    seed === undefined ? undefined : Math.min(0.995, opts.threshold! + seed - base.threshold);
  const seed = lifted(base.seed), suggestSeed = lifted(base.suggestSeed);
  // the extension's floor moves with the threshold too, and stays below it
  const extend = base.extend && { low: Math.max(0.01, Math.min(opts.threshold, opts.threshold + base.extend.low - base.threshold)) };
  return {
    ...base, threshold: opts.threshold, ...(seed !== undefined ? { seed } : {}), ...(suggestSeed !== undefined ? { suggestSeed } : {}),
    ...(extend ? { extend } : {}),
  };
}

/** What a detector without a manifest `postprocess` gets. */
export const DEFAULT_DETECT_POSTPROCESS: DetectPostprocess = { threshold: 0.5, dilate: 2 };

/**
 * A detected mask; `areasLeft` counts the marks `maxRadius` left for review (set only when it applies);
 * `suggested` (asked for with `suggest`) holds the marks the first look found (at `suggestSeed`) that the proposal
 * leaves out entirely — the areas `maxRadius` dropped, the thin marks the second look doubted, marks short of the
 * proposal's seed — for a person to add or ignore.
 */
export interface DetectedMask extends Mask {
  areasLeft?: number;
  suggested?: Mask;
  /** The marks `areasLeft` counts, at the photo's resolution (asked for with `areas`). */
  areas?: Mask;
}

/** Options of `detectMask`. */
export interface DetectMaskOptions extends Pick<PipelineOptions, 'signal' | 'onProgress'> {
  /** Also return the marks the proposal leaves out (`suggested`), for a person reviewing it. */
  suggest?: boolean;
  /** Also return the marks the areas rule left unfilled (`areas`), not only how many. */
  areas?: boolean;
}

/**
 * A sharpening overshoot is a pixel or so wide at the photo's resolution: where the mask is grown by this many pixels
 * or more (a photo detected on a copy half its size or smaller), the growth already covers it.
 */
const OVERSHOOT_COVERED = 2;

/** The damage mask proposal at the photo's full resolution. */
export async function detectMask(
  image: Raster,
  backend: DetectBackend,
  pp: DetectPostprocess,
  opts: DetectMaskOptions = {},
): Promise<DetectedMask> {
  const { width, height } = image;
  const fit = pp.maxSide !== undefined ? fitWithin(width, height, pp.maxSide) : null;
  const work = fit ? downscaleArea(image, fit.width, fit.height) : image;
  const firstTiles = tileRect({ x: 0, y: 0, width: work.width, height: work.height }, backend).tiles.length;
  // Progress counts the tiles of every look; until the first look has found its marks, each second look is
  // reckoned as large as the whole enlarged photo.
  const passes = pp.extend ? 2 : 1;
  let total = firstTiles * (pp.confirm ? 1 + passes * pp.confirm.scale ** 2 : 1);
  let done = 0;
  const firstLook = await detectRaster(work, backend, { signal: opts.signal, onProgress: (p) => opts.onProgress?.({ ...p, total }) });
  done = firstTiles;
  if (pp.specks) addSpecks(work, firstLook, pp.specks);
  const oneLookWanted = opts.suggest && (pp.confirm || pp.maxRadius !== undefined || (pp.suggestSeed ?? pp.seed) !== pp.seed);
  // Everything after the first look, at one threshold: the marks the cues keep, as a probability map.
  const refine = async (
    threshold: number, pass: number,
  ): Promise<{ prob: Float32Array; oneLook: Float32Array | null; areasLeft?: number; dropped?: Float32Array }> => {
    const prob = firstLook.slice();
    if (pp.lights) dropLights(work, prob, threshold, pp.lights);
    // What one look marks, areas included: the proposal plus its suggestions.
    const oneLook = oneLookWanted && pass === 0 ? prob.slice() : null;
    if (pp.confirm) {
      const plan = planSecondLook(work, prob, backend, threshold, pp.confirm);
      total += plan.tiles - firstTiles * pp.confirm.scale ** 2; // the estimate replaced by the plan
      if (plan.judged) {
        const before = done;
        await runSecondLook(image, work, prob, backend, pp.confirm, plan, {
          signal: opts.signal,
          onProgress: (p) => opts.onProgress?.({ stage: 'detect', done: before + p.done, total }),
        });
      }
      done += plan.tiles;
      opts.onProgress?.({ stage: 'detect', done, total });
    }
    const dropped = opts.areas && pass === 0 && pp.maxRadius !== undefined ? new Float32Array(prob.length) : undefined;
    const areasLeft = pp.maxRadius !== undefined ? dropAreas(prob, work.width, work.height, threshold, pp.maxRadius, dropped) : undefined;
    if (pp.complete) completeMarks(prob, work.width, work.height, threshold, pp.complete);
    if (pp.rims) takeRims(work, prob, threshold, pp.rims);
    if (pp.bridges) bridgeGaps(work, prob, threshold, pp.bridges);
    return { prob, oneLook, ...(areasLeft !== undefined ? { areasLeft } : {}), ...(dropped ? { dropped } : {}) };
  };
  const dilation = fit ? Math.round(pp.dilate / fit.scale) : pp.dilate; // at the photo's resolution
  const toMask = (p: Float32Array, threshold = pp.threshold, seed = pp.seed): Mask =>
    fit
      ? probToMask(upsampleBilinear(p, fit.width, fit.height, width, height), width, height, threshold, dilation, seed)
      : probToMask(p, width, height, threshold, dilation, seed);
  const strict = await refine(pp.threshold, 0);
  if (pp.extend) {
    // The same cues at the lower threshold decide how far each proposed mark reaches, never whether it exists:
    // at the working size, what they mark touching a proposed mark joins it (lifted to 1, so the one mask made at
    // the photo's resolution below holds it).
    const kept = probToMask(strict.prob, work.width, work.height, pp.threshold, 0, pp.seed);
    const loose = await refine(pp.extend.low, 1);
    const proposed = kept.data.slice();
    joinTouching(kept, probToMask(loose.prob, work.width, work.height, pp.extend.low, 0, pp.seed));
    for (let i = 0; i < proposed.length; i++) if (kept.data[i] && !proposed[i]) strict.prob[i] = 1;
  }
  const mask: DetectedMask = toMask(strict.prob);
  if (pp.overshoot && dilation < OVERSHOOT_COVERED) takeOvershoot(image, mask, pp.overshoot);
  if (strict.areasLeft !== undefined) mask.areasLeft = strict.areasLeft;
  if (strict.dropped) mask.areas = toMask(strict.dropped, 0.5, 0.5);
  if (strict.oneLook) {
    const suggested = leftOut(toMask(strict.oneLook, pp.threshold, pp.suggestSeed ?? pp.seed), mask);
    if (suggested) mask.suggested = suggested;
  }
  return mask;
}

/** How close (pixels) to the proposal a left-out piece counts as its fringe rather than a mark of its own. */
const FRINGE_PX = 2;

/**
 * What `all` marks and `kept` leaves out, piece by piece (null when nothing): a piece mostly within FRINGE_PX of
 * `kept` is the fringe of a proposed mark (where one look reached a pixel further) and is not suggested; a
 * collar next to a proposed crack, or the rest of a rope, is.
 */
function leftOut(all: Mask, kept: Mask): Mask | null {
  const { width, height, data } = all;
  const near = dilate(kept, FRINGE_PX).data;
  const rest = (q: number): boolean => data[q]! > 0 && !kept.data[q];
  const seen = new Uint8Array(data.length);
  const out = new Uint8Array(data.length);
  const members: number[] = [];
  let any = false;
  for (let i = 0; i < data.length; i++) {
    if (seen[i] || !rest(i)) continue;
    flood8(i, width, height, rest, seen, members);
    if (2 * members.reduce((n, q) => n + (near[q] ? 1 : 0), 0) > members.length) continue;
    for (const q of members) out[q] = 255;
    any = true;
  }
  return any ? { width, height, data: out } : null;
}

/** Context (working-size pixels) the second look gets around the marks it judges. */
export const SECOND_LOOK_MARGIN = 32;

/** Where the second look runs: regions at the working size and the same regions in the enlarged photo. */
interface SecondLookPlan {
  judged: Mask | null;
  regions: Array<{ work: Rect; big: Rect }>;
  size: { width: number; height: number };
  tiles: number;
}

/**
 * The marks the second look judges (confirm.ts) and the regions around them, grown by SECOND_LOOK_MARGIN, in
 * working-size pixels and in the photo resized to `cue.scale` × the working size.
 */
function planSecondLook(work: Raster, prob: Float32Array, backend: DetectBackend, threshold: number, cue: ConfirmCue): SecondLookPlan {
  const judged = judgedMarks(prob, work.width, work.height, threshold, cue);
  const W = Math.max(1, Math.round(work.width * cue.scale));
  const H = Math.max(1, Math.round(work.height * cue.scale));
  const sx = W / work.width, sy = H / work.height;
  const regions = (judged ? mergedRects(judged, SECOND_LOOK_MARGIN) : []).map((r) => {
    const x0 = Math.floor(r.x * sx), y0 = Math.floor(r.y * sy);
    return { work: r, big: { x: x0, y: y0, width: Math.min(W, Math.ceil((r.x + r.width) * sx)) - x0, height: Math.min(H, Math.ceil((r.y + r.height) * sy)) - y0 } };
  });
  const tiles = regions.reduce((n, { big }) => n + tileRect(big, backend).tiles.length, 0);
  return { judged, regions, size: { width: W, height: H }, tiles };
}

/**
 * Runs the planned second look on the photo resized to the plan's size, brings each region back to the
 * working size and combines it into `prob` over the judged marks (in place). Progress counts its own tiles.
 */
async function runSecondLook(
  image: Raster,
  work: Raster,
  prob: Float32Array,
  backend: DetectBackend,
  cue: ConfirmCue,
  plan: SecondLookPlan,
  opts: Pick<PipelineOptions, 'signal' | 'onProgress'>,
): Promise<void> {
  if (!plan.judged) return;
  const big = resizeRaster(image, plan.size.width, plan.size.height);
  const second = new Float32Array(prob.length);
  let done = 0;
  for (const { work: r, big: b } of plan.regions) {
    const before = done;
    const p = await detectRaster(big, backend, { signal: opts.signal, onProgress: (q) => opts.onProgress?.({ ...q, done: before + q.done }) }, b);
    done += tileRect(b, backend).tiles.length;
    const back = upsampleBilinear(p, b.width, b.height, r.width, r.height);
    for (let y = 0; y < r.height; y++) second.set(back.subarray(y * r.width, (y + 1) * r.width), (r.y + y) * work.width + r.x);
  }
  combineLooks(prob, second, plan.judged, cue);
}
