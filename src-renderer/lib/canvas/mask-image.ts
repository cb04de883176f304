/**
 * Converts between the mask overlay (red, coverage in alpha) and the hole-mask images the engine
 * speaks (white = hole on black). These pixel loops run once per detect or restore, never per frame.
 */
import { MASK_RGB } from '../tools/mask-ops.js';

const [R, G, B] = MASK_RGB.split(',').map((s) => Number(s.trim())) as [number, number, number];

/** A canvas of the given size with a 2D context that keeps its pixels readable. */
export function makeCanvas(width: number, height: number): { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D } {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: false });
  if (!ctx) throw new Error('This browser cannot create a 2D canvas');
  return { canvas, ctx };
}

/** Turns a white-on-black mask image into overlay pixels (red with coverage = luminance). */
export function tintMask(source: CanvasImageSource, width: number, height: number): HTMLCanvasElement {
  const { canvas, ctx } = makeCanvas(width, height);
  ctx.drawImage(source, 0, 0, width, height);
  const img = ctx.getImageData(0, 0, width, height);
  const d = img.data;
  for (let i = 0; i < d.length; i += 4) {
    const lum = Math.max(d[i]!, d[i + 1]!, d[i + 2]!) * (d[i + 3]! / 255);
    d[i] = R;
    d[i + 1] = G;
    d[i + 2] = B;
    d[i + 3] = lum;
  }
  ctx.putImageData(img, 0, 0);
  return canvas;
}

/** The overlay as a binary hole mask PNG (coverage > 50 % = hole) plus its hole-pixel count. */
export async function overlayToMaskPng(overlay: HTMLCanvasElement): Promise<{ png: Blob; holePixels: number }> {
  const { width, height } = overlay;
  const src = overlay.getContext('2d')!.getImageData(0, 0, width, height).data;
  const { canvas, ctx } = makeCanvas(width, height);
  const out = ctx.createImageData(width, height);
  const d = out.data;
  let holePixels = 0;
  for (let i = 0; i < d.length; i += 4) {
    const v = src[i + 3]! > 127 ? 255 : 0;
    if (v) holePixels++;
    d[i] = d[i + 1] = d[i + 2] = v;
    d[i + 3] = 255;
  }
  ctx.putImageData(out, 0, 0);
  const png = await new Promise<Blob>((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('Could not encode the mask'))), 'image/png'),
  );
  return { png, holePixels };
}

/** Loads an image URL (blob endpoint or object URL) fully decoded, ready to draw. */
export async function loadImage(url: string): Promise<HTMLImageElement> {
  const img = new Image();
  img.decoding = 'async';
  img.src = url;
  await img.decode();
  return img;
}
