/**
 * File-level restore and detect used by the CLI and the batch runner: read, (detect,) inpaint, write —
 * refusing to write over the input, writing atomically in the input's format with its metadata kept.
 */
import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { badInput } from '../core/errors.js';
import type { Mask } from '../core/image.js';
import { dilate } from '../core/mask.js';
import { checkGrow, type DetectOptions, type Engine, type RestoreOptions } from './engine.js';
import { formatFromPath, readImage, readMask, writeImage, type ReadOptions } from './image-io.js';

/** What one restore did. */
export interface RestoreFileResult {
  outPath: string;
  modelId: string;
  provider: string;
  holePixels: number;
  width: number;
  height: number;
  /** Model that proposed the mask when no mask file was given. */
  detectModelId?: string;
}

/**
 * Options of restoreFile: a mask file (else the detector proposes one), where to save the mask used, and
 * `grow` (RestoreOptions), which is 0 unless asked: a given mask is filled as given, a detected one as the
 * detector's own post-processing grew it.
 */
export interface RestoreFileOptions extends RestoreOptions, ReadOptions {
  maskPath?: string;
  saveMaskPath?: string;
  /** Detector model when no mask is given (JobOptions.modelId picks the inpainting model). */
  detectModelId?: string;
  /** Detection threshold instead of the detector's own, when no mask is given. */
  detectThreshold?: number;
  quality?: number;
}

async function sameFile(a: string, b: string): Promise<boolean> {
  if (resolve(a) === resolve(b)) return true;
  const [ra, rb] = await Promise.all([realpath(a).catch(() => resolve(a)), realpath(b).catch(() => resolve(b))]);
  if (ra === rb) return true;
  const [sa, sb] = await Promise.all([stat(a).catch(() => undefined), stat(b).catch(() => undefined)]);
  return !!sa && !!sb && sa.dev === sb.dev && sa.ino === sb.ino;
}

/** Refuses outputs that would overwrite an input, and unwritable output folders, before any work. */
async function checkOutput(outPath: string, inputs: string[]): Promise<void> {
  for (const input of inputs) {
    if (await sameFile(outPath, input)) {
      throw badInput(outPath, 'output path is the input file; choose another output (originals are never overwritten)');
    }
  }
  const folder = dirname(resolve(outPath));
  try {
    await access(folder, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw badInput(outPath, code === 'ENOENT' ? `output folder ${folder} does not exist` : `output folder ${folder} is not writable`, e);
  }
}

function countHoles(mask: Mask): number {
  let n = 0;
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i]) n++;
  return n;
}

async function writeMask(path: string, mask: Mask): Promise<void> {
  await writeImage(path, { width: mask.width, height: mask.height, channels: 1, depth: 8, data: mask.data }, { format: formatFromPath(path) ?? 'png' });
}

/** Restores one file: mask from `maskPath` or the detector; output atomically, metadata kept. */
export async function restoreFile(engine: Engine, inPath: string, outPath: string, opts: RestoreFileOptions = {}): Promise<RestoreFileResult> {
  if (opts.grow !== undefined) checkGrow(opts.grow);
  await checkOutput(outPath, [inPath, ...(opts.maskPath ? [opts.maskPath] : [])]);
  if (opts.saveMaskPath) await checkOutput(opts.saveMaskPath, [inPath, outPath, ...(opts.maskPath ? [opts.maskPath] : [])]);
  const decoded = await readImage(inPath, { pixelLimit: opts.pixelLimit });
  const { width, height } = decoded.raster;
  let mask: Mask;
  let detectModelId: string | undefined;
  if (opts.maskPath) mask = await readMask(opts.maskPath, { width, height });
  else {
    const found = await engine.detect(decoded.raster, {
      ...opts, modelId: opts.detectModelId, transferInput: false, unattended: true,
      ...(opts.detectThreshold !== undefined ? { threshold: opts.detectThreshold } : {}),
    });
    mask = found.mask;
    detectModelId = found.modelId;
  }
  // What gets filled: the mask as given, or grown when --grow asked (the saved mask shows that area).
  const filled = opts.grow ? dilate(mask, opts.grow) : mask;
  if (opts.saveMaskPath) await writeMask(opts.saveMaskPath, filled);
  const holePixels = countHoles(filled);
  let result = decoded.raster;
  let modelId = opts.modelId ?? 'none';
  let provider = 'none';
  if (holePixels > 0) {
    // The decoded pixels are not needed afterwards (only their metadata), so they move to the worker.
    const restored = await engine.restore(decoded.raster, mask, { ...opts, transferInput: true });
    result = restored.image;
    modelId = restored.modelId;
    provider = restored.provider;
  }
  await writeImage(outPath, result, { format: formatFromPath(outPath) ?? decoded.format, like: decoded, quality: opts.quality });
  return { outPath, modelId, provider, holePixels, width, height, ...(detectModelId ? { detectModelId } : {}) };
}

/** Writes the detector's mask proposal for a file (white = damage). */
export async function detectFile(
  engine: Engine,
  inPath: string,
  outMaskPath: string,
  opts: DetectOptions & ReadOptions = {},
): Promise<{ outPath: string; modelId: string; provider: string; holePixels: number; width: number; height: number }> {
  await checkOutput(outMaskPath, [inPath]);
  const decoded = await readImage(inPath, { pixelLimit: opts.pixelLimit });
  const found = await engine.detect(decoded.raster, { ...opts, transferInput: true });
  await writeMask(outMaskPath, found.mask);
  const { width, height } = found.mask;
  return { outPath: outMaskPath, modelId: found.modelId, provider: found.provider, holePixels: countHoles(found.mask), width, height };
}
