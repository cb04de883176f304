/**
 * Where a batch started from the app keeps its masks, and how one is found again: the masks folder the
 * person gave, else the app's own folder for that pair of folders (in the data folder, never next to the
 * photos) with the detector's proposals under review (`proposed/`), the masks accepted in review
 * (`accepted/`, the restore phase's masks folder) and the masks an unattended batch detected and filled
 * (`used/`). "Open in editor" and the review grid read them from here.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { BatchFileView } from '../../core/api/contract.js';
import { lumaAt } from '../../core/image.js';
import { findMask, indexMasks } from '../batch/scan.js';

/** The folders of one batch as the app runs it. */
export interface BatchFolders {
  inDir: string;
  outDir: string;
  masksDir?: string;
  /** The app's own mask folder for this input/output pair. */
  maskStore: string;
}

/** The app's mask folder for a pair of folders: the same folders find the same masks on a later run. */
export function maskStoreFor(dataDir: string, inDir: string, outDir: string): string {
  const key = createHash('sha256').update(`${inDir}\0${outDir}`).digest('hex').slice(0, 16);
  return path.join(dataDir, 'batch-masks', key);
}

/** A photo's path relative to the input folder, with POSIX separators (the batch ledger's key). */
export function relOf(folders: BatchFolders, file: Pick<BatchFileView, 'path'>): string {
  return path.relative(folders.inDir, file.path).split(path.sep).join('/');
}

/** Where the mask of `rel` goes in one of the app's mask folders: the same subfolder, the stem + .png. */
export function maskPathIn(dir: string, rel: string): string {
  return path.join(dir, ...`${rel.replace(/\.[^./]*$/, '')}.png`.split('/'));
}

/** The mask a photo was (or will be) restored with, if the batch has it. */
export async function batchMaskOf(folders: BatchFolders, file: BatchFileView): Promise<string | null> {
  const rel = relOf(folders, file);
  if (folders.masksDir !== undefined) return findMask(await indexMasks(folders.masksDir), rel);
  const kinds = file.review === 'proposed' || file.review === 'skipped' ? ['proposed'] : ['accepted', 'used', 'proposed'];
  for (const kind of kinds) {
    const p = maskPathIn(path.join(folders.maskStore, kind), rel);
    if (existsSync(p)) return p;
  }
  return null;
}

/** The detector's suggestions for a photo under review (what it left out of the proposed mask), when kept. */
export function batchSuggestionsOf(folders: BatchFolders, file: BatchFileView): string | null {
  const p = maskPathIn(path.join(folders.maskStore, 'suggested'), relOf(folders, file));
  return existsSync(p) ? p : null;
}

/**
 * A small JPEG of the photo in grey with its mask in red over it, for the review grid: what will be filled, at a
 * glance, and never confused with red in the photo itself; the detector's suggestions (what it left out of the
 * mask: `suggestedPath`), if any, in amber. Null when the photo or the mask cannot be read.
 */
export async function maskOverlayThumb(photoPath: string, maskPath: string, width = 320, suggestedPath?: string): Promise<Buffer | null> {
  try {
    const photo = await sharp(photoPath).rotate().resize({ width, withoutEnlargement: true }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    const { width: w, height: h } = photo.info;
    const scaled = (p: string): Promise<Buffer> => sharp(p).resize(w, h, { fit: 'fill' }).greyscale().raw().toBuffer();
    const mask = await scaled(maskPath);
    const suggested = suggestedPath && existsSync(suggestedPath) ? await scaled(suggestedPath) : null;
    const rgb = photo.data;
    const c = photo.info.channels;
    const out = Buffer.alloc(w * h * 3);
    for (let i = 0; i < w * h; i++) {
      const grey = lumaAt(rgb, i * c, c);
      const a = (mask[i]! / 255) * 0.85;
      const s = suggested && !mask[i] ? (suggested[i]! / 255) * 0.7 : 0;
      out[i * 3] = Math.round(grey * (1 - a - s) + 255 * a + 255 * s);
      out[i * 3 + 1] = Math.round(grey * (1 - a - s) + 30 * a + 176 * s);
      out[i * 3 + 2] = Math.round(grey * (1 - a - s) + 30 * a);
    }
    return await sharp(out, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 82 }).toBuffer();
  } catch {
    return null;
  }
}
