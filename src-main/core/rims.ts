/**
 * The rims of marks. A detector marks the core of a scratch or crack and is unsure at its edges: a bright crack
 * in a dark curtain comes out marked along its middle with a 1–2 px light edge left beside the mark. The fill
 * then takes that edge as the picture around the hole, copies its light into the hole (a grey ghost of the crack)
 * and leaves the edge itself standing. Here a mark takes in the pixels around it that look like the mark rather
 * than like the picture beyond it, one pixel ring at a time: a pixel next to the mark joins when its luma is
 * far from the picture around it (the pixels more than BEYOND px from the mark: median, and spread from the
 * median absolute deviation) and the mark near it holds pixels at least half as far from the picture on the same
 * side (a light rim beside a light crack, a dark one beside a dark hair). Only long marks (scratches, cracks,
 * tears) take in rims: see RimCue.minLength. Then the final mask takes in its overshoot (takeOvershoot): the light line a
 * scanner's sharpening draws just outside a dark hair, on the other side from the mark (not halo.ts's halo guard,
 * which hides a damage's own soft edge from the fill). Pure: no node or DOM imports.
 */
import { lumaPlane, type Mask, type Raster } from './image.js';
import { forEachMark } from './areas.js';
import { histogramRank, median } from './grain-noise.js';
import { dilate } from './mask.js';

/** How far marks take in their rims (`DetectPostprocess.rims`). */
export interface RimCue {
  /** Rings of pixels, one at a time (pixels of the detector's working image). */
  steps: number;
  /** Half-side of the square around a pixel where the picture's luma is read and the mark's pixels compared. */
  window: number;
  /** A rim pixel differs from the picture by at least this much luma (0–255). */
  contrast: number;
  /**
   * Only marks at least this long (their bounding box's longer side, as a fraction of the image's longer side)
   * take in their rims: scratches, cracks, tears. Specks and short marks are mostly whole already, and a short
   * false mark (a knot in a rope) should not grow.
   */
  minLength: number;
}

/** Fewest picture pixels in the window for a judgement. */
const MIN_PICTURE = 8;
/** The picture around a mark is what lies more than this many pixels from it (a rim is a few pixels wide). */
const BEYOND = 4;
/** A rim pixel stands out from the picture by more than this many of the picture's standard deviations. */
const SPREADS = 3;
const MAD_TO_SIGMA = 1.4826;

/**
 * Lifts the probability of rim pixels (see above) of every mark above `threshold` just over it, in place, over
 * `cue.steps` rings. `image` is the photo at the probability map's size. Returns how many pixels joined.
 */
export function takeRims(image: Raster, prob: Float32Array, threshold: number, cue: RimCue): number {
  const { width: w, height: h } = image;
  const luma = lumaPlane(image, 255);
  const marked = new Uint8Array(w * h); // pixels of the marks that take in their rims
  const minLength = cue.minLength * Math.max(w, h);
  forEachMark(prob, w, h, threshold, ({ members, length }) => {
    if (length >= minLength) for (const q of members) marked[q] = 1;
  });
  const lifted = Math.fround(Math.min(1, threshold + 1e-4));
  const k = cue.window;
  let joined = 0;
  for (let step = 0; step < cue.steps; step++) {
    const near = dilate({ width: w, height: h, data: marked }, BEYOND).data; // the picture is what lies beyond
    const next = dilate({ width: w, height: h, data: marked }, 1).data;
    const join: number[] = [];
    const picture: number[] = [];
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        if (marked[i] || !next[i]) continue;
        // the picture beyond the mark: its median and spread (robust: other rims and marks may lie in it)
        picture.length = 0;
        for (let yy = Math.max(0, y - k); yy <= Math.min(h - 1, y + k); yy++) {
          for (let xx = Math.max(0, x - k); xx <= Math.min(w - 1, x + k); xx++) {
            const j = yy * w + xx;
            if (!marked[j] && !near[j]) picture.push(luma[j]!);
          }
        }
        if (picture.length < MIN_PICTURE) continue;
        const lb = median(picture);
        for (let n = 0; n < picture.length; n++) picture[n] = Math.abs(picture[n]! - lb);
        const spread = MAD_TO_SIGMA * median(picture);
        const d = luma[i]! - lb;
        if (Math.abs(d) < Math.max(cue.contrast, SPREADS * spread)) continue;
        let like = false;
        for (let yy = Math.max(0, y - k); yy <= Math.min(h - 1, y + k) && !like; yy++) {
          for (let xx = Math.max(0, x - k); xx <= Math.min(w - 1, x + k); xx++) {
            const j = yy * w + xx;
            if (marked[j] && Math.sign(d) * (luma[j]! - lb) >= 0.5 * Math.abs(d)) { like = true; break; }
          }
        }
        if (like) join.push(i);
      }
    }
    if (join.length === 0) break;
    for (const i of join) {
      marked[i] = 1;
      if (prob[i]! <= threshold) prob[i] = lifted;
    }
    joined += join.length;
  }
  return joined;
}

/** How a mask takes in the sharpening overshoot just outside it (`DetectPostprocess.overshoot`). */
export interface OvershootCue {
  /** An overshoot pixel differs from the picture by at least this much luma (0–255). */
  contrast: number;
  /** ... and by more than this many of the picture's standard deviations. */
  spreads: number;
  /** Half-side of the square around a pixel where the picture's luma is read. */
  window: number;
}

/** The rank of the lower median of n values. */
const LOWER_MEDIAN = (n: number): number => ((n + 1) >> 1) - 1;

/** How far inside the mask (pixels) the mark an overshoot pixel stands beside is looked for. */
const OVERSHOOT_REACH = 2;

/**
 * Adds to `mask`, in place, its overshoot: the pixels just outside it that stand out from the picture beyond (see
 * takeRims) on the other side from the mark beside them, which stands out at least as far. A scanner's
 * sharpening draws a light line along a dark hair; left outside the mask, the fill takes it for the picture
 * around the hole and a light trail stays where the hair was. One ring of pixels, at the mask's resolution.
 * Returns how many pixels joined.
 */
export function takeOvershoot(image: Raster, mask: Mask, cue: OvershootCue): number {
  const { width: w, height: h } = image;
  const data = mask.data;
  const luma = lumaPlane(image, 255);
  const near = dilate(mask, BEYOND).data;
  const edge = dilate(mask, 1).data;
  const k = cue.window;
  // the picture's luma in whole levels: its median and spread from two 256-bin histograms (a ring pixel each)
  const levels = new Int32Array(256);
  const deviations = new Int32Array(256);
  const join: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (data[i] || !edge[i]) continue;
      levels.fill(0);
      let n = 0;
      for (let yy = Math.max(0, y - k); yy <= Math.min(h - 1, y + k); yy++) {
        for (let xx = Math.max(0, x - k); xx <= Math.min(w - 1, x + k); xx++) {
          const j = yy * w + xx;
          if (!near[j]) { levels[Math.round(luma[j]!)]!++; n++; }
        }
      }
      if (n < MIN_PICTURE) continue;
      const lb = histogramRank(levels, LOWER_MEDIAN(n));
      deviations.fill(0);
      for (let v = 0; v < 256; v++) if (levels[v]) deviations[Math.abs(v - lb)]! += levels[v]!;
      const d = luma[i]! - lb;
      if (Math.abs(d) < Math.max(cue.contrast, cue.spreads * MAD_TO_SIGMA * histogramRank(deviations, LOWER_MEDIAN(n)))) continue;
      let beside = false;
      for (let yy = Math.max(0, y - OVERSHOOT_REACH); yy <= Math.min(h - 1, y + OVERSHOOT_REACH) && !beside; yy++) {
        for (let xx = Math.max(0, x - OVERSHOOT_REACH); xx <= Math.min(w - 1, x + OVERSHOOT_REACH); xx++) {
          const j = yy * w + xx;
          if (data[j] && -Math.sign(d) * (luma[j]! - lb) >= Math.abs(d)) { beside = true; break; }
        }
      }
      if (beside) join.push(i);
    }
  }
  for (const i of join) data[i] = 255;
  return join.length;
}
