/**
 * Texture for fills. An inpainting network trained on L1/SSIM losses returns the *expected* picture inside a
 * hole: the right structure, but smooth (the detail ratio of its fills is about 0.1 of the real photo's). Here
 * the photo's own fine detail is copied into the fill from the place around the hole whose broad structure
 * matches it best — patch-based synthesis guided by the network's structure:
 *
 * - fine detail is the photo minus its Gaussian blur (DETAIL_SIGMA), taken from known pixels only (the blur is
 *   normalised over the known pixels, so the hole's content never leaks into it);
 * - the guide is the luma of the filled photo blurred by GUIDE_SIGMA: the network's structure inside the hole,
 *   the picture outside it;
 * - every PATCH×PATCH patch of the hole (on a STEP grid) looks for the known patch within `search` px whose guide
 *   neighbourhood (GUIDE_SIDE px square, sampled every 2 px) is closest: a grid of about CANDIDATES_SIDE²
 *   candidates over the reach, then every position around the grid's best; a patch with no known patch in reach
 *   searches twice as far, up to MAX_SEARCH;
 * - as in PatchMatch, a patch keeps copying from where its left or upper neighbour copies (same offset) unless
 *   that matches clearly worse, and no source patch is copied twice: over a smooth fill every patch would
 *   otherwise pick the same best source and tile it, a grid every STEP px;
 * - the sources' detail is blended with a Hann window over the overlapping patches and added to the fill, more
 *   of it deep inside wide holes (THIN_GAIN, DEEP_GAIN);
 * - thin parts of a hole (a 1–5 px scratch, a small speck: no pixel deeper than THIN_DEPTH) are left to synthetic
 *   grain (core/grain.ts): a patch copied over them is mostly the scratch's own surroundings, and the search would
 *   cost more there than everywhere else (a 12 MP scan with long scratches: seconds).
 *
 * The detail is zero-mean, so each pixel's expected value — its colour — stays where the fill put it. It costs
 * PSNR (a copied texture is never exactly the lost one), less than synthetic grain of the same detail because
 * the sources are chosen for their structure; `kintsugi eval` measures both, next to the detail ratio.
 * Deterministic: the same photo and mask give the same result.
 */
import { LUMA, type Mask, type Raster } from './image.js';
import { insideDistance } from './areas.js';
import { kernel1d } from './grain-noise.js';

/** Options of addTexture. */
export interface TextureOptions {
  /** Opacity at a hole pixel (e.g. the seam feather of a grown mask); default 1 everywhere. */
  weight?: (x: number, y: number) => number;
  /** Pixels that are not the picture as it is (default: `hole`); never used as sources. */
  unknown?: Mask;
  /** Multiplies the copied detail (default 1). */
  strength?: number;
}

const PATCH = 8;
const STEP = PATCH / 2;
/** Blur that splits the fine detail (what is copied) from the structure (what the network gives). */
const DETAIL_SIGMA = 0.8;
const GUIDE_SIGMA = 2;
const BLUR_REACH = 2.5;
const GUIDE_SIDE = 16;
const SEARCH = 24;
const MAX_SEARCH = 384;
const CANDIDATES_SIDE = 16;
/**
 * A neighbour's offset is kept when its guide distance is within this ratio of the best candidate's, plus this
 * slack per guide sample (squared levels): near-ties go to the contiguous copy.
 */
const COHERENCE_RATIO = 2;
const COHERENCE_SLACK = 9;
const BLOCK = 64;
/**
 * How much of the sources' detail is added, by depth in the hole (px to the nearest known pixel): THIN_GAIN up to
 * DEPTH_FROM, rising to DEEP_GAIN at DEPTH_TO. A copied texture is never exactly the lost one, so every bit of it
 * costs PSNR: near the edge, where the network's fill is closest to the truth, a little less than the sources
 * hold; deep in a wide hole, where the fill is smoothest and its guide finds the quieter sources, all of it.
 * Chosen on 12 dev photos per band for a detail ratio of about 0.55 (README, "Detail in the fill").
 */
const THIN_GAIN = 0.76;
const DEEP_GAIN = 1.08;
const DEPTH_FROM = 2;
const DEPTH_TO = 10;
const DEPTH_PAD = DEPTH_TO + 6;
/** Hole pixels at most this deep (px to the nearest known pixel) are thin: see addTexture. */
const THIN_DEPTH = 2.5;

/** A Gaussian kernel cut at BLUR_REACH sigmas (beyond that its taps add nothing visible), normalised. */
function truncatedKernel(sigma: number): Float64Array {
  const full = kernel1d(sigma);
  const r = Math.min((full.length - 1) / 2, Math.ceil(BLUR_REACH * sigma));
  const mid = (full.length - 1) / 2;
  const k = full.slice(mid - r, mid + r + 1);
  const sum = k.reduce((a, b) => a + b, 0);
  return k.map((v) => v / sum);
}

/** Separable Gaussian blur of a w×h plane (edges clamped). */
function blur(src: Float32Array, w: number, h: number, sigma: number): Float32Array {
  const k = truncatedKernel(sigma);
  const r = (k.length - 1) / 2;
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  const clampX = (x: number): number => (x < 0 ? 0 : x >= w ? w - 1 : x);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      let acc = 0;
      if (x >= r && x < w - r) for (let i = -r; i <= r; i++) acc += k[i + r]! * src[row + x + i]!;
      else for (let i = -r; i <= r; i++) acc += k[i + r]! * src[row + clampX(x + i)]!;
      tmp[row + x] = acc;
    }
  }
  // vertical pass row by row: out row y = sum over taps of a whole tmp row
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let i = -r; i <= r; i++) {
      const from = Math.min(h - 1, Math.max(0, y + i)) * w;
      const kk = k[i + r]!;
      for (let x = 0; x < w; x++) out[row + x] = out[row + x]! + kk * tmp[from + x]!;
    }
  }
  return out;
}

/** The pixels of one window of the photo that the search needs, as planes. */
interface Window {
  x0: number;
  y0: number;
  w: number;
  h: number;
  /** 1 where the pixel is known (not `unknown`). */
  known: Float32Array;
  /** Luma of the filled photo, blurred. */
  guide: Float32Array;
  /** 1 where a patch with its top-left corner here is known entirely (a possible source). */
  source: Uint8Array;
  /** One 8-bit level, squared, in sample units (1, or 257² for 16-bit photos). */
  level2: number;
}


/** Reach of the detail blur (px): the margin of known pixels a source patch needs around it. */
const DETAIL_R = (truncatedKernel(DETAIL_SIGMA).length - 1) / 2;

function readWindow(out: Raster, unknown: Mask, x0: number, y0: number, x1: number, y1: number, colours: number): Window {
  const { width: W, channels: C } = out;
  const w = x1 - x0;
  const h = y1 - y0;
  const known = new Float32Array(w * h);
  const luma = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = (y0 + y) * W + x0 + x;
      const j = y * w + x;
      known[j] = unknown.data[p] ? 0 : 1;
      let l = 0;
      for (let c = 0; c < colours; c++) l += (colours === 3 ? LUMA[c]! : 1) * out.data[p * C + c]!;
      luma[j] = l;
    }
  }
  // A source patch must be known, and so must the pixels its detail was measured from (the blur's reach).
  const reach = PATCH + 2 * DETAIL_R;
  const off = DETAIL_R;
  const rowRun = new Int32Array(w * h); // known pixels in a row from here to the right, capped
  for (let y = 0; y < h; y++) for (let x = w - 1; x >= 0; x--) rowRun[y * w + x] = known[y * w + x] ? Math.min(reach, 1 + (x + 1 < w ? rowRun[y * w + x + 1]! : 0)) : 0;
  const source = new Uint8Array(w * h);
  for (let y = off; y + PATCH + off <= h; y++) {
    for (let x = off; x + PATCH + off <= w; x++) {
      let ok = true;
      for (let dy = -off; dy < PATCH + off && ok; dy++) ok = rowRun[(y + dy) * w + x - off]! >= reach;
      if (ok) source[y * w + x] = 1;
    }
  }
  return { x0, y0, w, h, known, guide: blur(luma, w, h, GUIDE_SIGMA), source, level2: out.depth === 16 ? 257 * 257 : 1 };
}

/** The detail blur of an all-known neighbourhood (1 within float32 rounding), as the whole-plane blur gives it. */
const KNOWN_BLUR = blur(new Float32Array((2 * DETAIL_R + 1) ** 2).fill(1), 2 * DETAIL_R + 1, 2 * DETAIL_R + 1, DETAIL_SIGMA)[DETAIL_R * (2 * DETAIL_R + 2)]!;

/**
 * Fine detail (the photo minus its blur, per colour channel) of the PATCH×PATCH source patch with its corner at
 * photo pixel (px, py), as PATCH² values per channel. Only a source patch's detail is ever copied, so it is
 * measured there alone: the patch and the blur's reach around it (all known, as a source must be) are blurred
 * as one small plane, whose edge clamping never reaches the patch.
 */
function sourceDetail(original: Raster, px: number, py: number, colours: number): Float32Array[] {
  const { width: W, channels: C } = original;
  const side = PATCH + 2 * DETAIL_R;
  const plane = new Float32Array(side * side);
  return Array.from({ length: colours }, (_, c) => {
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) plane[y * side + x] = original.data[((py - DETAIL_R + y) * W + px - DETAIL_R + x) * C + c]!;
    }
    const b = blur(plane, side, side, DETAIL_SIGMA);
    const d = new Float32Array(PATCH * PATCH);
    for (let y = 0; y < PATCH; y++) {
      for (let x = 0; x < PATCH; x++) {
        const j = (y + DETAIL_R) * side + x + DETAIL_R;
        d[y * PATCH + x] = plane[j]! - b[j]! / KNOWN_BLUR;
      }
    }
    return d;
  });
}

/** Guide distance between the neighbourhoods of two patch corners (window coordinates), sampled every 2 px. */
function guideDistance(win: Window, tx: number, ty: number, sx: number, sy: number, limit: number): number {
  const { guide, w, h } = win;
  const half = (GUIDE_SIDE - PATCH) / 2;
  let d = 0;
  for (let dy = -half; dy < PATCH + half; dy += 2) {
    const ay = Math.min(h - 1, Math.max(0, ty + dy)) * w;
    const by = Math.min(h - 1, Math.max(0, sy + dy)) * w;
    for (let dx = -half; dx < PATCH + half; dx += 2) {
      const e = guide[ay + Math.min(w - 1, Math.max(0, tx + dx))]! - guide[by + Math.min(w - 1, Math.max(0, sx + dx))]!;
      d += e * e;
    }
    if (d >= limit) return d;
  }
  return d;
}

/**
 * The source corner for the target patch at (tx, ty) within `search` px, or -1: the best-matching candidate, unless
 * one of `coherent` (window indices: the sources the neighbouring patches' offsets point to) matches nearly as
 * well — then the copy continues a contiguous piece of the photo instead of tiling one best patch over a flat
 * fill, which shows as a STEP-px grid.
 */
function bestSource(win: Window, tx: number, ty: number, search: number, coherent: number[], taken: (s: number) => boolean): number {
  let best = -1;
  let bestD = Infinity;
  const scan = (x0: number, x1: number, y0: number, y1: number, step: number): void => {
    for (let sy = Math.max(0, y0); sy <= Math.min(win.h - PATCH, y1); sy += step) {
      for (let sx = Math.max(0, x0); sx <= Math.min(win.w - PATCH, x1); sx += step) {
        if (!win.source[sy * win.w + sx] || taken(sy * win.w + sx)) continue;
        const d = guideDistance(win, tx, ty, sx, sy, bestD);
        if (d < bestD) {
          bestD = d;
          best = sy * win.w + sx;
        }
      }
    }
  };
  // coarse grid over the whole reach, then every position around its best
  const step = Math.max(2, Math.ceil((2 * search) / CANDIDATES_SIDE));
  scan(tx - search, tx + search, ty - search, ty + search, step);
  if (best < 0) return best;
  const cx = best % win.w;
  const cy = (best - cx) / win.w;
  const r = step >> 1;
  scan(cx - r, cx + r, cy - r, cy + r, 1);
  let pick = best;
  let pickD = bestD * COHERENCE_RATIO + COHERENCE_SLACK * win.level2 * (GUIDE_SIDE / 2) ** 2;
  for (const c of coherent) {
    if (c < 0 || c === best || !win.source[c]) continue;
    const d = guideDistance(win, tx, ty, c % win.w, Math.floor(c / win.w), pickD);
    if (d <= pickD) {
      pick = c;
      pickD = d;
    }
  }
  return pick;
}

/**
 * Adds the photo's own fine detail, copied from the best-matching known places, to every hole pixel of `out`
 * (in place). `original` supplies the known pixels (outside the hole it equals `out`); pixels outside `hole`
 * and alpha are never touched. Returns the hole pixels it left as they are (null when none): the thin parts of
 * the hole (no pixel deeper than THIN_DEPTH in any patch over them, e.g. a 1–5 px scratch or a small speck), where a
 * copied patch is mostly context and the search costs far more than it brings, and pixels no known patch within
 * MAX_SEARCH matches. The pipeline gives those synthetic grain.
 */
export function addTexture(out: Raster, original: Raster, hole: Mask, opts: TextureOptions = {}): Mask | null {
  const { width: W, height: H, channels: C, depth } = out;
  const max = depth === 16 ? 65535 : 255;
  const colours = C >= 3 ? 3 : 1;
  const unknown = opts.unknown ?? hole;
  const strength = opts.strength ?? 1;
  const win = new Float32Array(PATCH * PATCH);
  for (let i = 0; i < PATCH; i++) {
    for (let j = 0; j < PATCH; j++) win[i * PATCH + j] = Math.sin((Math.PI * (i + 1)) / (PATCH + 1)) * Math.sin((Math.PI * (j + 1)) / (PATCH + 1));
  }
  const left: Mask = { width: W, height: H, data: new Uint8Array(W * H) };
  let leftAny = false;
  for (let by0 = 0; by0 < H; by0 += BLOCK) {
    for (let bx0 = 0; bx0 < W; bx0 += BLOCK) {
      const bx1 = Math.min(W, bx0 + BLOCK);
      const by1 = Math.min(H, by0 + BLOCK);
      let any = false;
      for (let yy = by0; yy < by1 && !any; yy++) for (let xx = bx0; xx < bx1; xx++) if (hole.data[yy * W + xx]) { any = true; break; }
      if (!any) continue;
      const dx0 = Math.max(0, bx0 - DEPTH_PAD), dy0 = Math.max(0, by0 - DEPTH_PAD);
      const dw = Math.min(W, bx1 + DEPTH_PAD) - dx0, dh = Math.min(H, by1 + DEPTH_PAD) - dy0;
      const marked = new Uint8Array(dw * dh);
      for (let y = 0; y < dh; y++) for (let x = 0; x < dw; x++) marked[y * dw + x] = hole.data[(dy0 + y) * W + dx0 + x] ? 1 : 0;
      const depth = insideDistance(marked, dw, dh);
      const depthAt = (xx: number, yy: number): number => depth[(yy - dy0) * dw + xx - dx0]!;
      // Targets: patch corners on the STEP grid whose patch holds a hole pixel of this block deeper than THIN_DEPTH.
      const cx0 = bx0 - PATCH + STEP;
      const cy0 = by0 - PATCH + STEP;
      const cols = Math.ceil((bx1 - cx0) / STEP);
      const rows = Math.ceil((by1 - cy0) / STEP);
      const corner = new Uint8Array(cols * rows);
      for (let yy = by0; yy < by1; yy++) {
        for (let xx = bx0; xx < bx1; xx++) {
          if (depthAt(xx, yy) <= THIN_DEPTH) continue;
          // the corners x with x <= xx < x + PATCH
          const i1 = Math.floor((xx - cx0) / STEP);
          const j1 = Math.floor((yy - cy0) / STEP);
          for (let j = Math.max(0, j1 - PATCH / STEP + 1); j <= j1; j++) for (let i = Math.max(0, i1 - PATCH / STEP + 1); i <= i1; i++) corner[j * cols + i] = 1;
        }
      }
      const targets: Array<[number, number]> = [];
      for (let j = 0; j < rows; j++) for (let i = 0; i < cols; i++) if (corner[j * cols + i]) targets.push([cx0 + i * STEP, cy0 + j * STEP]);
      if (targets.length === 0) {
        for (let yy = by0; yy < by1; yy++) for (let xx = bx0; xx < bx1; xx++) if (hole.data[yy * W + xx]) left.data[yy * W + xx] = 255;
        leftAny = true;
        continue;
      }
      const acc = Array.from({ length: colours }, () => new Float32Array((bx1 - bx0) * (by1 - by0)));
      const wacc = new Float32Array((bx1 - bx0) * (by1 - by0));
      let pending = targets;
      const offsets = new Map<number, [number, number]>(); // target corner -> offset of its source
      const used = new Set<number>(); // source corners already copied (a patch copied twice repeats)
      const key = (x: number, y: number): number => (y + PATCH) * (W + 2 * PATCH) + x + PATCH;
      for (let search = SEARCH; pending.length > 0 && search <= MAX_SEARCH; search *= 2) {
        // the window: what the pending patches can reach (a scratch's window is a band, not the block's square)
        let tx0 = Infinity, ty0 = Infinity, tx1 = -Infinity, ty1 = -Infinity;
        for (const [x, y] of pending) {
          tx0 = Math.min(tx0, x);
          ty0 = Math.min(ty0, y);
          tx1 = Math.max(tx1, x + PATCH);
          ty1 = Math.max(ty1, y + PATCH);
        }
        const pad = search + (GUIDE_SIDE - PATCH) / 2 + BLUR_REACH * 2;
        const x0 = Math.max(0, tx0 - pad);
        const y0 = Math.max(0, ty0 - pad);
        const w = readWindow(out, unknown, x0, y0, Math.min(W, tx1 + pad), Math.min(H, ty1 + pad), colours);
        const missed: Array<[number, number]> = [];
        for (const [x, y] of pending) {
          const coherent = [offsets.get(key(x - STEP, y)), offsets.get(key(x, y - STEP))].map((o) => {
            if (o === undefined) return -1;
            const sx = x + o[0] - x0;
            const sy = y + o[1] - y0;
            return sx >= 0 && sy >= 0 && sx + PATCH <= w.w && sy + PATCH <= w.h ? sy * w.w + sx : -1;
          });
          const s = bestSource(w, x - x0, y - y0, search, coherent, (q) => used.has((Math.floor(q / w.w) + y0) * W + (q % w.w) + x0));
          if (s < 0) {
            missed.push([x, y]);
            continue;
          }
          const sx = s % w.w;
          const sy = (s - sx) / w.w;
          offsets.set(key(x, y), [sx + x0 - x, sy + y0 - y]);
          used.add((sy + y0) * W + sx + x0);
          const detail = sourceDetail(original, sx + x0, sy + y0, colours);
          for (let dy = 0; dy < PATCH; dy++) {
            const yy = y + dy;
            if (yy < by0 || yy >= by1) continue;
            for (let dx = 0; dx < PATCH; dx++) {
              const xx = x + dx;
              if (xx < bx0 || xx >= bx1) continue;
              const k = win[dy * PATCH + dx]!;
              const j = (yy - by0) * (bx1 - bx0) + xx - bx0;
              for (let c = 0; c < colours; c++) acc[c]![j] = acc[c]![j]! + k * detail[c]![dy * PATCH + dx]!;
              wacc[j] = wacc[j]! + k;
            }
          }
        }
        pending = missed;
      }
      for (let yy = by0; yy < by1; yy++) {
        for (let xx = bx0; xx < bx1; xx++) {
          const p = yy * W + xx;
          const j = (yy - by0) * (bx1 - bx0) + xx - bx0;
          if (!hole.data[p]) continue;
          if (wacc[j]! <= 0) {
            left.data[p] = 255;
            leftAny = true;
            continue;
          }
          const t = Math.min(1, Math.max(0, (depthAt(xx, yy) - DEPTH_FROM) / (DEPTH_TO - DEPTH_FROM)));
          const gain = THIN_GAIN + t * (DEEP_GAIN - THIN_GAIN);
          const k = (strength * gain * (opts.weight ? opts.weight(xx, yy) : 1)) / wacc[j]!;
          for (let c = 0; c < colours; c++) {
            const v = out.data[p * C + c]! + k * acc[c]![j]!;
            out.data[p * C + c] = Math.round(Math.min(max, Math.max(0, v)));
          }
        }
      }
    }
  }
  return leftAny ? left : null;
}
