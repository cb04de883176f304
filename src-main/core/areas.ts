/**
 * Lines and specks, not areas, where nobody reviews the mask.
 *
 * At the size the detector works, a torn-off corner or a flake of lost emulsion looks like a white collar, a
 * sleeve or a bright sky: a large pale region with an edge. The network cannot tell them apart (on
 * bopbtl-scratched/b the collar and sleeve are marked as surely as iopaint-old_photo's torn patch), and a
 * wrong guess costs very differently: a missed tear leaves the photo as it was, a filled collar ruins it. So
 * a restore without a mask (CLI restore, batch) fills only marks that are thin somewhere everywhere — scratches,
 * cracks, hairs, dust — and leaves every mark thicker than `maxRadius` for a person to review in the app,
 * which still proposes it. Thickness is the radius of the largest disk that fits inside the mark (a chamfer
 * distance transform), relative to the working image's longer side, so the rule does not depend on scan
 * resolution. Pure: no node or DOM imports.
 */
import { flood8 } from './flood.js';

const DIAGONAL = Math.SQRT2;

/**
 * Distance of every marked pixel to the nearest unmarked one (two-pass chamfer, steps 1 and √2; 0 on unmarked
 * pixels). Beyond the image edge counts as neither: a mark running off the photo is as thick as it is inside it.
 */
export function insideDistance(marked: Uint8Array, width: number, height: number): Float32Array {
  const d = new Float32Array(width * height);
  const far = width + height;
  for (let i = 0; i < d.length; i++) d[i] = marked[i] ? far : 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!d[i]) continue;
      let v = d[i]!;
      if (x > 0) v = Math.min(v, d[i - 1]! + 1);
      if (y > 0) {
        v = Math.min(v, d[i - width]! + 1);
        if (x > 0) v = Math.min(v, d[i - width - 1]! + DIAGONAL);
        if (x < width - 1) v = Math.min(v, d[i - width + 1]! + DIAGONAL);
      }
      d[i] = v;
    }
  }
  for (let y = height - 1; y >= 0; y--) {
    for (let x = width - 1; x >= 0; x--) {
      const i = y * width + x;
      if (!d[i]) continue;
      let v = d[i]!;
      if (x < width - 1) v = Math.min(v, d[i + 1]! + 1);
      if (y < height - 1) {
        v = Math.min(v, d[i + width]! + 1);
        if (x < width - 1) v = Math.min(v, d[i + width + 1]! + DIAGONAL);
        if (x > 0) v = Math.min(v, d[i + width - 1]! + DIAGONAL);
      }
      d[i] = v;
    }
  }
  // A mark that fills the whole image never met an unmarked pixel: it is as thick as the image.
  for (let i = 0; i < d.length; i++) if (d[i]! >= far) d[i] = Math.max(width, height);
  return d;
}

/** One connected mark: its pixels, the radius of the largest disk inside it, and its bounding box's longer side. */
export interface Mark {
  members: readonly number[];
  thickest: number;
  length: number;
}

/**
 * Calls `visit` for every connected mark (8-connected pixels with probability above `threshold`), with its
 * thickness from the inside distance transform. `members` is reused between calls: copy it to keep it.
 */
export function forEachMark(prob: Float32Array, width: number, height: number, threshold: number, visit: (mark: Mark) => void): void {
  const n = width * height;
  const marked = new Uint8Array(n);
  for (let i = 0; i < n; i++) marked[i] = prob[i]! > threshold ? 1 : 0;
  const dist = insideDistance(marked, width, height);
  const seen = new Uint8Array(n);
  const members: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!marked[i] || seen[i]) continue;
    flood8(i, width, height, (q) => marked[q] === 1, seen, members);
    let thickest = 0;
    let x0 = width, x1 = -1, y0 = height, y1 = -1;
    for (const q of members) {
      thickest = Math.max(thickest, dist[q]!);
      const x = q % width, y = (q - x) / width;
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    }
    visit({ members, thickest, length: Math.max(x1 - x0, y1 - y0) + 1 });
  }
}

/**
 * Sets `prob` to 0 over every connected mark (probability above `threshold`) whose thickest point is more than
 * `maxRadius` × the longer side from its edge (radius 1 = a one-pixel-wide line), and to 1 in `into` when given.
 * Returns how many marks were left for review.
 */
export function dropAreas(
  prob: Float32Array, width: number, height: number, threshold: number, maxRadius: number, into?: Float32Array,
): number {
  const limit = Math.max(1, maxRadius * Math.max(width, height));
  let dropped = 0;
  forEachMark(prob, width, height, threshold, ({ members, thickest }) => {
    if (thickest <= limit) return;
    for (const q of members) {
      prob[q] = 0;
      if (into) into[q] = 1;
    }
    dropped++;
  });
  return dropped;
}

/** Completing thick marks (`DetectPostprocess.complete`). */
export interface CompleteCue {
  /** Probability a pixel next to a thick mark needs to join it. */
  low: number;
  /** Marks at least this thick (px of the working image, radius of the largest disk inside) are completed. */
  minThick: number;
}

/**
 * Completes thick marks (a torn patch, a flake): the pixels connected to one through pixels above `cue.low` join
 * it (their probability is lifted just over `threshold`), unless they are more than the mark itself — then they
 * are a region of their own the network is unsure of, not the rest of this mark. Where such a patch meets a
 * background of its own brightness (white paper torn off over a pale forehead) the network grows unsure towards
 * its tip; at the threshold the fill would stop there and leave a white point. Thin marks (lines: rigging,
 * wires, the marks the second look judges) are left as they are. Returns how many pixels joined.
 */
export function completeMarks(prob: Float32Array, width: number, height: number, threshold: number, cue: CompleteCue): number {
  const seen = new Uint8Array(width * height);
  const region: number[] = [];
  const grown: number[] = [];
  forEachMark(prob, width, height, threshold, ({ members, thickest }) => {
    if (thickest < cue.minThick || seen[members[0]!]) return; // thin, or reached from a mark before it
    // the mark and what joins it, at most as many pixels again
    flood8(members[0]!, width, height, (q) => prob[q]! > cue.low, seen, region, 2 * members.length);
    if (region.length <= 2 * members.length) grown.push(...region);
  });
  const lifted = Math.fround(Math.min(1, threshold + 1e-4));
  let joined = 0;
  for (const q of grown) {
    if (prob[q]! > threshold) continue;
    prob[q] = lifted;
    joined++;
  }
  return joined;
}
