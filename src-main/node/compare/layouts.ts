import sharp, { type OverlayOptions } from 'sharp';
import { labelFontSize, labelOverlay } from './labels.js';
import { rawInput, type ComparePixels } from './load.js';

/** How a before/after pair is arranged in one picture. */
export type CompareLayout = 'side-by-side' | 'stacked' | 'split';
export const COMPARE_LAYOUTS: readonly CompareLayout[] = ['side-by-side', 'stacked', 'split'];

/** White gutter between the two halves of side-by-side and stacked pictures, relative to the image. */
export function gutter(width: number, height: number): number {
  return Math.max(4, Math.round(Math.min(width, height) * 0.01));
}

/** Size of the picture a layout makes from a `width` × `height` pair (after is fitted to before). */
export function layoutSize(layout: CompareLayout, width: number, height: number): { width: number; height: number } {
  const g = gutter(width, height);
  if (layout === 'side-by-side') return { width: 2 * width + g, height };
  if (layout === 'stacked') return { width, height: 2 * height + g };
  return { width, height };
}

/** Columns `left … left+width` of a raw picture (sharp's composite wants whole buffers, not pipelines). */
function cropColumns(p: ComparePixels, left: number, width: number): ComparePixels {
  const out = Buffer.alloc(width * p.height * 3);
  for (let y = 0; y < p.height; y++) {
    p.data.copy(out, y * width * 3, (y * p.width + left) * 3, (y * p.width + left + width) * 3);
  }
  return { data: out, width, height: p.height };
}

export interface ComposeOptions {
  layout: CompareLayout;
  labels: [string, string];
  /** Where the split wipe sits, 0 = all after … 1 = all before. */
  position?: number;
}

/**
 * Lays a before/after pair out as one labelled picture and returns a sharp pipeline for the caller to
 * encode. Labels are SVG overlays composited by sharp, so no font rendering code of our own.
 */
export function composeComparison(before: ComparePixels, after: ComparePixels, opts: ComposeOptions): sharp.Sharp {
  const { width: w, height: h } = before;
  const size = layoutSize(opts.layout, w, h);
  const fs = labelFontSize(w, h);
  const margin = Math.round(fs * 0.5);
  const layers: OverlayOptions[] = [];
  const label = (text: string, left: number, top: number, maxWidth: number, alignRight = false): void => {
    if (text === '') return;
    const l = labelOverlay(text, fs, Math.max(1, maxWidth - 2 * margin));
    if (l.height + margin > h) return;
    layers.push({ input: l.svg, left: alignRight ? left - margin - l.width : left + margin, top: top + margin });
  };

  if (opts.layout === 'split') {
    const x = Math.min(w, Math.max(0, Math.round(w * (opts.position ?? 0.5))));
    layers.push({ ...rawInput(before), left: 0, top: 0 });
    if (x < w) {
      layers.push({ ...rawInput(cropColumns(after, x, w - x)), left: x, top: 0 });
    }
    const line = Math.max(2, Math.round(fs / 8));
    const lineLeft = Math.min(w - line, Math.max(0, x - Math.floor(line / 2)));
    layers.push({
      input: { create: { width: line, height: h, channels: 3, background: '#ffffff' } },
      left: lineLeft,
      top: 0,
    });
    label(opts.labels[0], 0, 0, Math.max(x, 1));
    label(opts.labels[1], w, 0, Math.max(w - x, 1), true);
  } else {
    const g = gutter(w, h);
    const ax = opts.layout === 'side-by-side' ? w + g : 0;
    const ay = opts.layout === 'stacked' ? h + g : 0;
    layers.push({ ...rawInput(before), left: 0, top: 0 }, { ...rawInput(after), left: ax, top: ay });
    label(opts.labels[0], 0, 0, w);
    label(opts.labels[1], ax, ay, w);
  }
  return sharp({ create: { width: size.width, height: size.height, channels: 3, background: '#ffffff' } })
    .composite(layers);
}
