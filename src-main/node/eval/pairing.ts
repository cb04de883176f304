import { readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { badInput } from '../../core/errors.js';
import { lumaAt, type Mask, type Raster } from '../../core/image.js';
import { readImage } from '../image-io.js';

/** Extensions `kintsugi eval` picks up in IMAGES_DIR and MASKS_DIR. */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.png', '.jpg', '.jpeg', '.tif', '.tiff', '.webp', '.bmp', '.avif']);

/** Image files of a folder sorted by file name (code-point order, as Python's sorted() does). */
export async function listImages(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    throw badInput(dir, 'cannot read this folder', e);
  }
  const files = names.filter((n) => IMAGE_EXTENSIONS.has(extname(n).toLowerCase())).sort(byCodePoint);
  if (files.length === 0) throw badInput(dir, 'has no images (.png, .jpg, .tif, .webp)');
  return files.map((n) => join(dir, n));
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Masks grouped by hole-ratio band from the `bandB-` file-name prefix (one group named 'all' when no file
 * has one), each group sorted by file name. Shared with devset.py so the two evals pair identically.
 */
export function groupMasks(files: string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  const hasBands = files.some((f) => /^band\d+-/.test(basename(f)));
  for (const f of [...files].sort((a, b) => byCodePoint(basename(a), basename(b)))) {
    const band = hasBands ? (/^(band\d+)-/.exec(basename(f))?.[1] ?? 'other') : 'all';
    groups.set(band, [...(groups.get(band) ?? []), f]);
  }
  return new Map([...groups].sort(([a], [b]) => byCodePoint(a, b)));
}

/** The pairing rule: image i (in file-name order) gets group[i % group.length]. */
export function maskFor<T>(group: readonly T[], imageIndex: number): T {
  if (group.length === 0) throw new Error('empty mask group');
  return group[imageIndex % group.length]!;
}

/**
 * Nearest-neighbour resize with OpenCV's INTER_NEAREST arithmetic (sx = floor(x · 1/(dw/sw))), so a mask
 * resized here covers exactly the pixels cv2.resize covers in the Python eval.
 */
export function resizeNearest(src: Uint8Array, sw: number, sh: number, dw: number, dh: number): Uint8Array {
  if (sw === dw && sh === dh) return src.slice();
  const ifx = 1 / (dw / sw);
  const ify = 1 / (dh / sh);
  const xs = new Int32Array(dw);
  for (let x = 0; x < dw; x++) xs[x] = Math.min(Math.floor(x * ifx), sw - 1);
  const out = new Uint8Array(dw * dh);
  for (let y = 0; y < dh; y++) {
    const row = Math.min(Math.floor(y * ify), sh - 1) * sw;
    for (let x = 0; x < dw; x++) out[y * dw + x] = src[row + xs[x]!]!;
  }
  return out;
}

/**
 * 8-bit RGB as the eval scores it: gray expanded to three equal channels, alpha dropped, 16-bit samples
 * divided by 257 and truncated (what numpy's astype(uint8) does in devset.read_rgb).
 */
export function toRgb8(r: Raster): Raster {
  const n = r.width * r.height;
  const out = new Uint8Array(n * 3);
  const c = r.channels;
  const scale = r.depth === 16 ? (v: number) => Math.trunc(v / 257) : (v: number) => v;
  for (let p = 0; p < n; p++) {
    for (let k = 0; k < 3; k++) out[p * 3 + k] = scale(r.data[p * c + (c >= 3 ? k : 0)]!);
  }
  return { width: r.width, height: r.height, channels: 3, depth: 8, data: out };
}

/** Reads a clean photo as 8-bit RGB; bad files give bad-input naming the file. */
export async function readRgb8(path: string): Promise<Raster> {
  return toRgb8((await readImage(path)).raster);
}

/** Reads a mask of any size, resizes it nearest-neighbour to the image and thresholds gray > 127 (255 = hole). */
export async function readMaskResized(path: string, width: number, height: number): Promise<Mask> {
  const r = (await readImage(path)).raster;
  const gray = new Uint8Array(r.width * r.height);
  const c = r.channels;
  for (let p = 0; p < gray.length; p++) {
    const v = Math.round(lumaAt(r.data, p * c, c)); // whole samples: rounding a grey one changes nothing
    gray[p] = r.depth === 16 ? Math.trunc(v / 257) : v;
  }
  const resized = resizeNearest(gray, r.width, r.height, width, height);
  for (let i = 0; i < resized.length; i++) resized[i] = resized[i]! > 127 ? 255 : 0;
  return { width, height, data: resized };
}
