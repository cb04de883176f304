/**
 * The crack wand: one click on a crack selects the crack network it belongs to, for the mask. A crazed print
 * (bopbtl-scratched/d) carries hundreds of cream cracks the detector does not see; brushing each costs minutes,
 * a click costs a second.
 * - The clicked line: a white or black top-hat of the luma, of the polarity that stands out more within NEAR px of
 *   the click, taken where it is strongest within REACH px (its middle).
 * - The scale: a copy at most WORK_SIDE px long, halved while the line is wider than (half) the top-hat's disk.
 * - The flood: pixels of the clicked line's hue (opponent colour within `tolerance`) where a line of its polarity
 *   stands out by `contrast`, by RELATIVE of the clicked line's contrast and by ABOVE_TEXTURE times the texture
 *   around the clicked line (a rope before foliage is followed, not the foliage).
 * - What is kept: the lines' core (pixels at least half as strong as the strongest within 2 px, so the picture
 *   beside a crack is not taken), judged for a thin clicked line (a hairline across a face) at the narrowest disk
 *   that keeps most of its contrast, where the skin's broad highlights do not stand out; thick parts only when they
 *   are small at twice the scale and nearly as strong as the line (a flake of paper where cracks meet; not the edge
 *   of a bright forehead).
 * The working copies of a photo are kept for its next click. Pure: no node or DOM imports.
 */
import { flood8 } from './flood.js';
import { median } from './grain-noise.js';
import { lumaPlane, type Mask, type Raster } from './image.js';
import { countHoles, dilate } from './mask.js';
import { downscaleArea, fitWithin, upsampleBilinear } from './resample.js';
import { diskFilter, topHats, type Ridges } from './ridges.js';

/** How the wand decides what belongs to the clicked crack. */
export interface CrackWandOptions {
  /** Largest hue difference from the clicked line (opponent colour, 0–255 scale). Default 24. */
  tolerance?: number;
  /** Least contrast of a line pixel (luma levels, 0–255). Default 12. */
  contrast?: number;
  /**
   * Extra pixels of the working copy taken around the lines (besides the one every selection gets): erasing a
   * marked rope takes the fringe the detector's mask grew around it too. Default 0.
   */
  margin?: number;
}

/** Longer side of the copy the wand works on. */
export const WORK_SIDE = 1024;
/** The working copy is never halved below this many px (longer side). */
const MIN_SIDE = 256;
/** The clicked line is wider than the disk when at twice the radius it stands out this many times as much. */
const WIDER = 1.5;
/** Top-hat disk radius at the working size: lines up to ~12 px wide there stand out. */
const RADIUS = 6;
/** Narrower disks tried for the clicked line, narrowest first, and the share of its contrast one must keep. */
const NARROWER = [2, 4] as const;
const NARROW_SHARE = 0.75;
/** The clicked line's polarity is the one standing out more within NEAR px of the click; its middle, within REACH. */
const NEAR = 1;
const REACH = 4;
/**
 * A line pixel stands out ABOVE_TEXTURE times the texture around the clicked line (the median top-hat TEXTURE_WINDOW
 * px each way from it), or is as strong as a flake.
 */
const ABOVE_TEXTURE = 3;
const TEXTURE_WINDOW = 15;
/** A click where no line stands out by this much selects nothing. */
const MIN_SEED = 10;
/** Share of the clicked line's contrast a pixel needs too (a strong crack's faint halo is not taken). */
const RELATIVE = 0.1;
/**
 * A thick part is kept when it stands out at least THICK_CONTRAST as much as the clicked line (a flake of paper is
 * as light as the crack it breaks from; the rounded edge of a bright face beside dark hair is not) and, at twice
 * the radius, at least SMALL_AT_TWICE as much as at the radius (it is small, not the corner of a region).
 */
const THICK_CONTRAST = 0.5;
const SMALL_AT_TWICE = 0.7;

/** What the wand selected, at the photo's size, and the line it started from. */
export interface CrackSelection {
  mask: Mask;
  /** Selected pixels at the photo's size. */
  pixels: number;
  /** The clicked line is lighter than its surroundings (a crack to the paper) or darker (a scratch, a hair). */
  light: boolean;
}

/**
 * Selects the crack under `at` (photo pixels). Returns null when no thin line stands out near the click.
 */
export function traceCrack(image: Raster, at: { x: number; y: number }, opts: CrackWandOptions = {}): CrackSelection | null {
  const tolerance = opts.tolerance ?? 24;
  const contrast = opts.contrast ?? 12;
  const look = lookAtLineScale(image, at);
  if (look.seed.v < MIN_SEED) return null;
  const { work, fit, luma, rg, yb, ridges } = look;
  const { width: w, height: h } = work;
  const n = w * h;
  const whole = { x0: 0, x1: w - 1, y0: 0, y1: h - 1 };
  const { i: best, v: bestV, light } = look.seed;
  // The line's own scale: the narrowest disk that still finds most of its contrast, so a hairline crack across a
  // face is followed at a radius where the broad highlights beside it do not stand out.
  const wide = light ? ridges.light : ridges.dark;
  let t = wide;
  const bx = best % w, by = (best - bx) / w;
  for (const r of NARROWER) {
    const near = topHats(luma, w, h, { x0: bx, x1: bx, y0: by, y1: by }, r);
    if ((light ? near.light : near.dark)[best]! >= NARROW_SHARE * bestV) {
      const at = topHats(luma, w, h, whole, r);
      t = light ? at.light : at.dark;
      break;
    }
  }
  // The flood takes pixels of the clicked line's hue where a line stands out by `contrast` and by RELATIVE of the
  // clicked line's contrast, at RADIUS (so a flake of paper where cracks meet joins them, though it is no line at a
  // narrow radius); and, at the line's own radius, by ABOVE_TEXTURE times the texture around the clicked line (the
  // median top-hat TEXTURE_WINDOW px each way), unless it is as strong as a flake: a rope in front of foliage or in
  // a busy harbour is followed, not the foliage's countless faint lines; a crack on a print's smooth ground stands
  // far above its texture.
  const floor = Math.max(contrast, RELATIVE * bestV);
  const around: number[] = [];
  for (let y = Math.max(0, by - TEXTURE_WINDOW); y <= Math.min(h - 1, by + TEXTURE_WINDOW); y++) {
    for (let x = Math.max(0, bx - TEXTURE_WINDOW); x <= Math.min(w - 1, bx + TEXTURE_WINDOW); x++) around.push(t[y * w + x]!);
  }
  const above = ABOVE_TEXTURE * median(around);
  const flake = THICK_CONTRAST * bestV;
  const rg0 = rg[best]!, yb0 = yb[best]!;
  const reached = flood8(best, w, h, (i) => wide[i]! >= floor && (t[i]! >= above || wide[i]! >= flake) && Math.hypot(rg[i]! - rg0, yb[i]! - yb0) <= tolerance, new Uint8Array(n));
  // The line's core: at least half as strong as the strongest pixel within 2 px, at RADIUS (then its flakes are
  // judged, dropThickParts) and, followed at a narrow radius, there too (flakes kept).
  const core = coreOf(reached, wide, 0, w, h);
  const thick = dropThickParts(luma, core, wide, w, h, light, bestV);
  if (t !== wide) {
    const thin = coreOf(reached, t, Math.max(contrast, RELATIVE * t[best]!), w, h);
    for (let i = 0; i < n; i++) if (!thin[i] && !(thick[i] && core[i])) core[i] = 0;
  }
  const grown = dilate({ width: w, height: h, data: core }, 1 + (opts.margin ?? 0));
  const mask = fit ? toPhotoSize(grown, image.width, image.height) : grown;
  const pixels = countHoles(mask);
  return pixels > 0 ? { mask, pixels, light } : null;
}

/**
 * The working copy the clicked line is followed on: at most WORK_SIDE long, and halved (down to MIN_SIDE) while
 * the line is wider than the disk (it stands out more at twice the radius, or only there) or than half of it (where
 * wide cracks meet, the junction would be wider than the disk and break the flood).
 */
function lookAtLineScale(image: Raster, at: { x: number; y: number }): Look {
  let look = lookAt(image, at, WORK_SIDE);
  for (;;) {
    const { work, luma, seed, click } = look;
    const { width: w, height: h } = work;
    const longer = Math.max(w, h);
    if (longer / 2 < MIN_SIDE) break;
    // At twice the radius, around the clicked line (or around the click, when nothing thin stands out there).
    const box = seed.v >= MIN_SEED
      ? { x0: seed.i % w, x1: seed.i % w, y0: Math.floor(seed.i / w), y1: Math.floor(seed.i / w) }
      : { x0: Math.max(0, click.x - REACH), x1: Math.min(w - 1, click.x + REACH), y0: Math.max(0, click.y - REACH), y1: Math.min(h - 1, click.y + REACH) };
    const twice = topHats(luma, w, h, box, 2 * RADIUS);
    let atTwice = 0;
    for (let y = box.y0; y <= box.y1; y++) {
      for (let x = box.x0; x <= box.x1; x++) {
        const i = y * w + x;
        atTwice = Math.max(atTwice, seed.v >= MIN_SEED ? (seed.light ? twice.light : twice.dark)[i]! : Math.max(twice.light[i]!, twice.dark[i]!));
      }
    }
    let narrowEnough = false;
    if (seed.v >= MIN_SEED) {
      const half = topHats(luma, w, h, box, NARROWER[1]);
      narrowEnough = (seed.light ? half.light : half.dark)[seed.i]! >= NARROW_SHARE * seed.v;
    }
    if (atTwice <= WIDER * Math.max(seed.v, MIN_SEED) && narrowEnough) break;
    look = lookAt(image, at, Math.floor(longer / 2), work);
  }
  return look;
}

/** The working copy at most `side` px long, its planes and top-hats, and the clicked line in it. */
interface Look {
  work: Raster;
  fit: { width: number; height: number; scale: number } | null;
  luma: Float32Array;
  rg: Float32Array;
  yb: Float32Array;
  ridges: Ridges;
  /** The clicked line's strongest pixel near the click, its top-hat and polarity. */
  seed: { i: number; v: number; light: boolean };
  /** The click on the working copy. */
  click: { x: number; y: number };
}

/** What a working copy costs to make, kept per photo and size: a person clicks one crack after another. */
type Copy = Pick<Look, 'work' | 'fit' | 'luma' | 'rg' | 'yb' | 'ridges'>;
const copies = new WeakMap<Raster, Map<number, Copy>>();

/**
 * The working copy at most `side` px long (area-averaged from `from`, the photo or a larger copy of it, which is
 * much cheaper than from a 12 MP photo), remembered for the photo while it lives.
 */
function copyOf(image: Raster, from: Raster, side: number): Copy {
  let bySide = copies.get(image);
  if (!bySide) copies.set(image, (bySide = new Map()));
  const known = bySide.get(side);
  if (known) return known;
  const fit = fitWithin(image.width, image.height, side);
  const work = fit ? downscaleArea(from, fit.width, fit.height) : image;
  const { width: w, height: h } = work;
  const { luma, rg, yb } = planes(work);
  const copy = { work, fit, luma, rg, yb, ridges: topHats(luma, w, h, { x0: 0, x1: w - 1, y0: 0, y1: h - 1 }, RADIUS) };
  bySide.set(side, copy);
  return copy;
}

function lookAt(image: Raster, at: { x: number; y: number }, side: number, from: Raster = image): Look {
  const copy = copyOf(image, from, side);
  const { work, fit, ridges } = copy;
  const { width: w, height: h } = work;
  const scale = fit ? fit.scale : 1;
  const cx = Math.min(w - 1, Math.max(0, Math.round(at.x * scale)));
  const cy = Math.min(h - 1, Math.max(0, Math.round(at.y * scale)));
  // The clicked line: its polarity is the one standing out more right at the click (within NEAR px: a light crack
  // beside a dark collar is light), and it is taken where it stands out most within REACH (its middle).
  const strongest = (reach: number, polarities: readonly boolean[]): Look['seed'] => {
    let found = { i: -1, v: -Infinity, light: true };
    for (const isLight of polarities) {
      const t = isLight ? ridges.light : ridges.dark;
      for (let y = Math.max(0, cy - reach); y <= Math.min(h - 1, cy + reach); y++) {
        for (let x = Math.max(0, cx - reach); x <= Math.min(w - 1, cx + reach); x++) {
          const i = y * w + x;
          if (t[i]! > found.v) found = { i, v: t[i]!, light: isLight };
        }
      }
    }
    return found;
  };
  const atClick = strongest(NEAR, [true, false]);
  const seed = strongest(REACH, atClick.v >= MIN_SEED ? [atClick.light] : [true, false]);
  return { ...copy, seed, click: { x: cx, y: cy } };
}

/** The pixels of `reached` where `t` is at least `floor` and at least half the strongest within 2 px (255). */
function coreOf(reached: readonly number[], t: Float32Array, floor: number, w: number, h: number): Uint8Array {
  const core = new Uint8Array(w * h);
  for (const i of reached) {
    if (t[i]! < floor) continue;
    const x = i % w, y = (i - x) / w;
    let peak = 0;
    for (let yy = Math.max(0, y - 2); yy <= Math.min(h - 1, y + 2); yy++) {
      for (let xx = Math.max(0, x - 2); xx <= Math.min(w - 1, x + 2); xx++) peak = Math.max(peak, t[yy * w + xx]!);
    }
    if (t[i]! >= 0.5 * peak) core[i] = 255;
  }
  return core;
}

/** Luma (the project's, `lumaPlane`) and two opponent-colour planes (red–green, yellow–blue), 0–255 scale. */
function planes(image: Raster): { luma: Float32Array; rg: Float32Array; yb: Float32Array } {
  const { width: w, height: h, channels: c, data } = image;
  const n = w * h;
  const rg = new Float32Array(n), yb = new Float32Array(n);
  if (c >= 3) {
    const scale = 255 / (image.depth === 16 ? 65535 : 255);
    for (let i = 0; i < n; i++) {
      const o = i * c;
      const r = data[o]! * scale, g = data[o + 1]! * scale, b = data[o + 2]! * scale;
      rg[i] = r - g;
      yb[i] = (r + g) / 2 - b;
    }
  }
  return { luma: lumaPlane(image, 255), rg, yb };
}

/**
 * Removes the parts of `sel` thicker than a disk of radius 3 (a binary opening finds them) unless they stand out
 * like the clicked line and are small at twice the top-hat's radius too (THICK_CONTRAST, SMALL_AT_TWICE): a flake
 * of paper at a crack's junction does both, the edge of a bright face beside dark hair does neither. `t` is the
 * top-hat at RADIUS. Returns the thick parts found (kept or not).
 */
function dropThickParts(luma: Float32Array, sel: Uint8Array, t: Float32Array, w: number, h: number, light: boolean, seedContrast: number): Uint8Array {
  const whole = { x0: 0, x1: w - 1, y0: 0, y1: h - 1 };
  const f = Float32Array.from(sel);
  const opened = diskFilter(diskFilter(f, w, h, whole, true, 3), w, h, whole, false, 3);
  const thick = new Uint8Array(w * h);
  let any = false;
  for (let i = 0; i < thick.length; i++) if (opened[i]! > 0 && sel[i]) { thick[i] = 255; any = true; }
  if (!any) return thick;
  const seen = new Uint8Array(w * h);
  const members: number[] = [];
  for (let s = 0; s < thick.length; s++) {
    if (!thick[s] || seen[s]) continue;
    const part = flood8(s, w, h, (i) => thick[i] === 255, seen, members).slice();
    let x0 = w, x1 = 0, y0 = h, y1 = 0;
    for (const i of part) {
      const x = i % w, y = (i - x) / w;
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    }
    const box = { x0, x1, y0, y1 };
    const twice = topHats(luma, w, h, box, 2 * RADIUS);
    const tw = light ? twice.light : twice.dark;
    let atRadius = 0, atTwice = 0;
    for (const i of part) { atRadius += t[i]!; atTwice += tw[i]!; }
    const strongEnough = atRadius >= THICK_CONTRAST * seedContrast * part.length;
    if (!strongEnough || atTwice < SMALL_AT_TWICE * atRadius) for (const i of part) sel[i] = 0;
  }
  return thick;
}

/** A working-size selection at the photo's size (bilinear, half coverage and up). */
function toPhotoSize(m: Mask, width: number, height: number): Mask {
  const up = upsampleBilinear(Float32Array.from(m.data, (v) => (v ? 1 : 0)), m.width, m.height, width, height);
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = up[i]! >= 0.5 ? 255 : 0;
  return { width, height, data };
}
