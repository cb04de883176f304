/**
 * A second look, twice as large, for long thin marks where nobody reviews the mask.
 *
 * At the detector's working size a rope, a mast's rigging or a branch against the sky is a thin line with an
 * edge — what a scratch or a hair looks like. Seen twice as large the network tells many of them apart: the
 * picture's lines grow into objects with shading and ends. So a long thin mark keeps, pixel by pixel, the lower
 * of the two probabilities (`min`): it must be damage at both sizes. Marks thicker than `thinRadius` (tears,
 * flakes: areas) keep the first look's probability, because enlarged they stop looking like anything the
 * network learned as damage, and so do marks shorter than `minLength` (specks: dust blown up by upsampling
 * stops looking like dust to it, and a speck is not what ruins a photo; a painted-out rope is).
 *
 * The second look runs only around the judged marks (detect.ts), so its cost follows them.
 *
 * It costs recall, so the shipped manifest sets it under `unattended` only (CLI restore and batch without a
 * mask, where a false mark is a ruined photo); the app's review proposal looks once. On the real benchmark
 * (models/cards/detect-damage-unet.md) it brought the unattended marks on the clean scans bopbtl-old/f (a
 * harbour's rigging and mooring rope) from 0.94 % to 0.23 % and /e (glove, reeds, branches) from 0.36 % to
 * 0.23 %, while the auto restore still beats doing nothing near the real damage of both labelled scans.
 * Pure: no node or DOM imports.
 */
import { forEachMark } from './areas.js';
import type { Mask } from './image.js';

/** Manifest `postprocess.confirm`: the second look's size and which marks it judges. */
export interface ConfirmCue {
  /** Size of the second look relative to the working image (2 = twice as large). */
  scale: number;
  /**
   * Marks whose thickest point (radius of the largest disk inside them) is at most this fraction of the working
   * image's longer side are confirmed; thicker ones are left as the first look found them.
   */
  thinRadius: number;
  /**
   * Marks shorter than this (the longer side of their bounding box, as a fraction of the working image's longer
   * side) are not judged: specks and short hairs are the first look's call. Dust enlarged by upsampling stops
   * looking like dust to the network, and a speck is not what ruins a photo; long picture lines are. Absent: 0.
   */
  minLength?: number;
  /**
   * How the two looks combine on a thin mark: `min` (damage at both sizes; the strict choice for restores nobody
   * reviews) or `geometric` (their geometric mean: a sure first look survives a doubtful second one).
   */
  combine: 'min' | 'geometric';
}

/**
 * The marks the second look judges: every connected mark (probability above `threshold`) whose thickest point is
 * at most `thinRadius` and whose bounding box's longer side is at least `minLength` (both × the image's longer
 * side). 255 = judged. Returns null when there is none (then the second look is skipped).
 */
export function judgedMarks(prob: Float32Array, width: number, height: number, threshold: number, cue: ConfirmCue): Mask | null {
  const limit = cue.thinRadius * Math.max(width, height);
  const shortest = (cue.minLength ?? 0) * Math.max(width, height);
  const judged = new Uint8Array(width * height);
  let any = false;
  forEachMark(prob, width, height, threshold, ({ members, thickest, length }) => {
    if (thickest > limit || length < shortest) return;
    for (const q of members) judged[q] = 255;
    any = true;
  });
  return any ? { width, height, data: judged } : null;
}

/**
 * Combines `prob` with `second` (the second look's probabilities at the same size) over the judged pixels;
 * both combinations only ever lower a probability.
 */
export function combineLooks(prob: Float32Array, second: Float32Array, judged: Mask, cue: ConfirmCue): void {
  if (second.length !== prob.length) throw new Error(`second look has ${second.length} values, expected ${prob.length}`);
  const both = cue.combine === 'min' ? Math.min : (a: number, b: number): number => Math.min(a, Math.sqrt(a * b));
  for (let i = 0; i < prob.length; i++) if (judged.data[i]) prob[i] = both(prob[i]!, Math.max(0, second[i]!));
}
