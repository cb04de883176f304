/**
 * Is a photo a black-and-white or toned print? Then every channel is (close to) an affine function of luma:
 * grey prints have equal channels, sepia, selenium and other toned prints colour each grey level one way.
 * A colour photo, even a faded one, has colours luma does not predict. The damage detector hands such prints to
 * its old-print model (ManifestEntry.prints, node/engine.ts): raised and crazed emulsion cracks are damage of old
 * silver prints, while the same lit line on a colour photo is far more often a rope or a wire.
 *
 * Two measures of the colour luma does not predict, both per channel (the largest counts), in 0..1:
 * - `affine`: the RMS residual of least squares of the channel on Rec.601 luma and a constant (the rule of
 *   models/training/kintsugi_train/damage.py `is_toned`);
 * - `perLevel`: the RMS spread of the channel's chroma (channel minus luma) within 16 luma levels, so toning that
 *   is not affine in luma (split toning) still counts as one colour per grey level.
 * A print is toned when affine < TONED_TOLERANCE and perLevel < LEVEL_TOLERANCE. On the benchmark's scans
 * (models/cards/detect-damage-unet.md) the toned prints have perLevel ≤ 0.014, the faded colour photos ≥ 0.023 —
 * among them an autochrome whose affine residual (0.025) alone would pass — and hand-tinted prints (pink cheeks,
 * iopaint-old_photo: affine 0.05) stay with the colour detector.
 */
import type { Raster } from './image.js';

/** RMS residual (0..1 scale) below which a photo counts as a grey or toned print. */
export const TONED_TOLERANCE = 0.03;

/** RMS chroma spread within a luma level (0..1 scale) below which a photo counts as toned. */
export const LEVEL_TOLERANCE = 0.018;

const LEVELS = 16;
/** Luma levels with fewer samples than this are left out of the per-level spread. */
const MIN_LEVEL_SAMPLES = 20;

/** At most about this many pixels are sampled (a regular grid): the statistic settles long before. */
const MAX_SAMPLES = 262_144;

/** How far a photo's colours are from what its luma predicts (see the module comment); 0 for grey photos. */
export function tonedResidual(image: Raster): { affine: number; perLevel: number } {
  const { width, height, channels, data } = image;
  if (channels < 3) return { affine: 0, perLevel: 0 };
  const scale = image.depth === 16 ? 1 / 65535 : 1 / 255;
  const stride = Math.max(1, Math.ceil(Math.sqrt((width * height) / MAX_SAMPLES)));
  // Running sums for the three regressions x_c ~ a_c * y + b_c.
  let n = 0;
  let sy = 0;
  let syy = 0;
  const sx = new Float64Array(3);
  const sxx = new Float64Array(3);
  const sxy = new Float64Array(3);
  const px = new Float64Array(3);
  // per luma level: count, and per channel the sum and sum of squares of chroma (channel minus luma)
  const levelN = new Float64Array(LEVELS);
  const levelS = new Float64Array(LEVELS * 3);
  const levelSS = new Float64Array(LEVELS * 3);
  for (let row = 0; row < height; row += stride) {
    for (let col = 0; col < width; col += stride) {
      const i = (row * width + col) * channels;
      px[0] = data[i]! * scale;
      px[1] = data[i + 1]! * scale;
      px[2] = data[i + 2]! * scale;
      const y = 0.299 * px[0] + 0.587 * px[1] + 0.114 * px[2];
      n += 1;
      sy += y;
      syy += y * y;
      const level = Math.min(LEVELS - 1, Math.max(0, Math.floor(y * LEVELS)));
      levelN[level] = levelN[level]! + 1;
      for (let c = 0; c < 3; c += 1) {
        const v = px[c]!;
        sx[c] = sx[c]! + v;
        sxx[c] = sxx[c]! + v * v;
        sxy[c] = sxy[c]! + v * y;
        const chroma = v - y;
        levelS[level * 3 + c] = levelS[level * 3 + c]! + chroma;
        levelSS[level * 3 + c] = levelSS[level * 3 + c]! + chroma * chroma;
      }
    }
  }
  const my = sy / n;
  const varY = syy / n - my * my;
  let worst = 0;
  for (let c = 0; c < 3; c += 1) {
    const mx = sx[c]! / n;
    const varX = sxx[c]! / n - mx * mx;
    const cov = sxy[c]! / n - mx * my;
    const resid = varY > 1e-12 ? varX - (cov * cov) / varY : varX;
    worst = Math.max(worst, Math.sqrt(Math.max(0, resid)));
  }
  let counted = 0;
  const within = new Float64Array(3);
  for (let k = 0; k < LEVELS; k += 1) {
    const m = levelN[k]!;
    if (m < MIN_LEVEL_SAMPLES) continue;
    counted += m;
    for (let c = 0; c < 3; c += 1) {
      const s = levelS[k * 3 + c]!;
      within[c] = within[c]! + Math.max(0, levelSS[k * 3 + c]! - (s * s) / m);
    }
  }
  const perLevel = counted > 0 ? Math.sqrt(Math.max(within[0]!, within[1]!, within[2]!) / counted) : 0;
  return { affine: worst, perLevel };
}

/** How the CLI and the app say where a detector hands grey and toned prints (ManifestEntry.prints). */
export function printsRoute(printsModelId: string): string {
  return `grey and toned prints go to ${printsModelId}`;
}

/** True for a grey or toned print (see the module comment). */
export function isTonedPrint(image: Raster): boolean {
  const r = tonedResidual(image);
  return r.affine < TONED_TOLERANCE && r.perLevel < LEVEL_TOLERANCE;
}
