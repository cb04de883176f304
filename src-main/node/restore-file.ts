/**
 * File-level restore and detect used by the CLI and the batch runner: read, (detect,) inpaint, (tone,) write —
 * refusing to write over the input, writing atomically in the input's format with its metadata kept.
 */
import type { Mask } from '../core/image.js';
import { countHoles, dilate } from '../core/mask.js';
import { checkGrow, checkStrength, type DetectOptions, type Engine, type RestoreOptions } from './engine.js';
import { outputFormatFor, readImage, readMask, writeImage, type ImageFormat, type ReadOptions } from './image-io.js';
import { checkOutputFile } from './output-folder.js';
import { WriteGuard, type ProtectedFile } from './output-guard.js';

/** What a restore or a detection wrote: the file, the model and provider that made it, the mask's size. */
export interface FileJobResult {
  outPath: string;
  modelId: string;
  provider: string;
  /** Pixels of the mask filled (restore) or proposed (detect). */
  holePixels: number;
  width: number;
  height: number;
}

/** What one restore did. */
export interface RestoreFileResult extends FileJobResult {
  /** Model that proposed the mask when no mask file was given. */
  detectModelId?: string;
  /** Provider the detector ran on. */
  detectProvider?: string;
  /** Marked areas (not lines or specks) the detector proposed but a restore without a mask leaves for review. */
  areasLeft?: number;
  /** When the tone was restored: the model, its provider, and whether the photo was treated as black-and-white. */
  tone?: { modelId: string; provider: string; strength: number; isMono: boolean };
}

/** The tone step after the fill (fading, colour cast, see-through stains); see Engine.tone. */
export interface ToneStepOptions {
  /** 0 = unchanged, 1 = the model's full correction (default 1). */
  strength?: number;
  /** Black-and-white prints keep their sepia toning instead of coming out neutral grey. */
  keepSepia?: boolean;
  /** A `restore-tone` model instead of the default one. */
  modelId?: string;
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
  /** Files the caller protects as well (a batch: every input, mask and its ledger). */
  guard?: WriteGuard;
  /** Also restore the tone after the damage is filled (the detector and inpainter see the photo before it). */
  tone?: ToneStepOptions;
  /**
   * Let the engine's inference worker go once the pixels are done, before the output is encoded (the CLI's
   * one-photo restore: onnxruntime's memory arenas are not held through a 40 MP encode). Batches keep it.
   */
  releaseBeforeWrite?: boolean;
}

/** One file a command is about to write, what to call it in messages, and its format when it has no extension. */
interface PlannedOutput {
  path: string;
  what: string;
  fallback?: ImageFormat;
}

/**
 * Refuses, before any work, outputs that would replace one of `inputs` (by real identity, see
 * output-guard.ts) or each other, that have an extension we cannot write, or whose folder is missing,
 * read-only or not a folder.
 */
async function checkOutputs(outputs: PlannedOutput[], inputs: ProtectedFile[], extra?: WriteGuard): Promise<void> {
  const guard = await WriteGuard.create(inputs);
  const earlier: ProtectedFile[] = [];
  for (const o of outputs) {
    outputFormatFor(o.path, o.fallback);
    await guard.check(o.path, o.what);
    await extra?.check(o.path, o.what);
    if (earlier.length > 0) await (await WriteGuard.create(earlier)).check(o.path, o.what);
    await checkOutputFile(o.path);
    earlier.push({ path: o.path, role: o.what });
  }
}

async function writeMask(path: string, mask: Mask): Promise<void> {
  await writeImage(path, { width: mask.width, height: mask.height, channels: 1, depth: 8, data: mask.data }, { format: outputFormatFor(path, 'png') });
}

/** Restores one file: mask from `maskPath` or the detector; output atomically, metadata kept. */
export async function restoreFile(engine: Engine, inPath: string, outPath: string, opts: RestoreFileOptions = {}): Promise<RestoreFileResult> {
  if (opts.grow !== undefined) checkGrow(opts.grow);
  if (opts.tone?.strength !== undefined) checkStrength(opts.tone.strength);
  if (opts.tone) engine.requireModel('restore-tone', opts.tone.modelId); // refuse before any work, not after the fill
  const inputs: ProtectedFile[] = [{ path: inPath, role: 'input photo' }, ...(opts.maskPath ? [{ path: opts.maskPath, role: 'mask' }] : [])];
  await checkOutputs(
    [...(opts.saveMaskPath ? [{ path: opts.saveMaskPath, what: 'saved mask', fallback: 'png' as const }] : []), { path: outPath, what: 'output' }],
    inputs,
    opts.guard,
  );
  // The worker and the first model's session start while the photo is decoded.
  engine.warmUp(opts.maskPath ? 'inpaint' : 'detect-damage', { modelId: opts.maskPath ? opts.modelId : opts.detectModelId, device: opts.device });
  const decoded = await readImage(inPath, { pixelLimit: opts.pixelLimit });
  const { width, height } = decoded.raster;
  let mask: Mask;
  let detectModelId: string | undefined;
  let detectProvider: string | undefined;
  let areasLeft: number | undefined;
  if (opts.maskPath) mask = await readMask(opts.maskPath, { width, height });
  else {
    const found = await engine.detect(decoded.raster, {
      ...opts, modelId: opts.detectModelId, transferInput: false, unattended: true,
      ...(opts.detectThreshold !== undefined ? { threshold: opts.detectThreshold } : {}),
    });
    mask = found.mask;
    detectModelId = found.modelId;
    detectProvider = found.provider;
    areasLeft = found.areasLeft;
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
  let tone: RestoreFileResult['tone'];
  if (opts.tone) {
    const strength = opts.tone.strength ?? 1;
    const toned = await engine.tone(result, {
      ...(opts.device ? { device: opts.device } : {}), signal: opts.signal, onProgress: opts.onProgress,
      ...(opts.tone.modelId ? { modelId: opts.tone.modelId } : {}), strength, keepSepia: !!opts.tone.keepSepia,
      // the filled result is ours to give away; the decoded pixels are not needed again either
      transferInput: true,
    });
    result = toned.image;
    tone = { modelId: toned.modelId, provider: toned.provider, strength, isMono: toned.isMono };
  }
  // A one-photo run has no further use for the worker: its memory goes before the (large) encode.
  if (opts.releaseBeforeWrite) await engine.release();
  await writeImage(outPath, result, { format: outputFormatFor(outPath, decoded.format), like: decoded, quality: opts.quality });
  return {
    outPath, modelId, provider, holePixels, width, height,
    ...(detectModelId ? { detectModelId } : {}), ...(detectProvider ? { detectProvider } : {}), ...(tone ? { tone } : {}),
    ...(areasLeft ? { areasLeft } : {}),
  };
}

/** Writes the detector's mask proposal for a file (white = damage). */
export async function detectFile(
  engine: Engine,
  inPath: string,
  outMaskPath: string,
  opts: DetectOptions & ReadOptions & { suggestionsPath?: string } = {},
): Promise<DetectFileResult> {
  const { suggestionsPath, ...detectOpts } = opts;
  await checkOutputs(
    [{ path: outMaskPath, what: 'mask output', fallback: 'png' }, ...(suggestionsPath ? [{ path: suggestionsPath, what: 'suggestions output', fallback: 'png' as const }] : [])],
    [{ path: inPath, role: 'input photo' }],
  );
  const decoded = await readImage(inPath, { pixelLimit: opts.pixelLimit });
  const found = await engine.detect(decoded.raster, { ...detectOpts, transferInput: true, ...(suggestionsPath ? { suggest: true } : {}) });
  await writeMask(outMaskPath, found.mask);
  const { width, height } = found.mask;
  // Always written when asked for (all black when there is nothing to suggest), so a script can rely on it.
  if (suggestionsPath) await writeMask(suggestionsPath, found.suggested ?? { width, height, data: new Uint8Array(width * height) });
  return {
    outPath: outMaskPath, modelId: found.modelId, provider: found.provider, holePixels: countHoles(found.mask), width, height,
    suggestedPixels: found.suggested ? countHoles(found.suggested) : 0,
    ...(suggestionsPath ? { suggestionsPath } : {}),
  };
}

/** What one detection wrote. */
export interface DetectFileResult extends FileJobResult {
  /** Pixels the proposal leaves out but the detector's first look marked (areas, doubted thin marks). */
  suggestedPixels: number;
  /** Where they were written, when asked for. */
  suggestionsPath?: string;
}
