/**
 * The mask review of a batch without masks: the detector proposes a mask for every photo first (nothing is
 * restored yet), the view shows each photo with its mask in red, and the person accepts it, skips the photo,
 * or fixes the mask in the editor and takes it back. Accepted masks go to the batch's `accepted/` folder,
 * which the restore phase then uses as its masks folder.
 */
import { copyFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { BatchFileView } from '../../core/api/contract.js';
import { badInput, isKintsugiError } from '../../core/errors.js';
import { toFailure } from '../../core/api/wire.js';
import { detectFile } from '../restore-file.js';
import { maskPathIn, maskOverlayThumb, relOf } from './batch-masks.js';
import type { BatchRun } from './batches.js';
import type { AppContext } from './context.js';
import { maskToPng } from './mask-png.js';

/** Proposes a mask for every photo (the detect phase), then waits for the review. */
export async function detectForReview(ctx: AppContext, b: BatchRun): Promise<void> {
  const { status } = b;
  const signal = b.controller.signal;
  try {
    const { scanInputs } = await import('../batch/scan.js');
    const scan = await scanInputs(b.inDir, { recursive: b.recursive, exclude: [b.outDir] });
    for (const f of scan.files) status.files.push({ path: f.abs, rel: f.rel, state: 'pending', review: 'proposed' });
    status.total = status.files.length;
    b.emit(true);
    const engine = await ctx.getEngine();
    if (!(await engine.listModels()).some((m) => m.task === 'detect-damage')) {
      throw badInput(undefined, 'no damage-detection model installed: give a masks folder or install a detector');
    }
    const proposed = path.join(b.maskStore, 'proposed');
    const suggested = path.join(b.maskStore, 'suggested');
    await rm(path.join(b.maskStore, 'accepted'), { recursive: true, force: true });
    let processed = 0;
    const t0 = Date.now();
    for (const f of status.files) {
      if (signal.aborted) break;
      const out = maskPathIn(proposed, relOf(b, f));
      const sugg = maskPathIn(suggested, relOf(b, f));
      await mkdir(path.dirname(out), { recursive: true });
      await mkdir(path.dirname(sugg), { recursive: true });
      f.state = 'running';
      b.emit(true);
      const started = Date.now();
      try {
        await detectFile(engine, f.path, out, {
          ...(b.choice.device ? { device: b.choice.device } : {}), signal, suggestionsPath: sugg,
          onProgress: (p) => {
            f.progress = { stage: 'detect', fraction: p.total > 0 ? p.done / p.total : 0 };
            b.emit();
          },
        });
        const thumb = await maskOverlayThumb(f.path, out, undefined, sugg);
        if (thumb) f.maskBlobId = ctx.lib.blobs.put(thumb);
        f.state = 'pending';
        f.durationMs = Date.now() - started;
      } catch (e) {
        if (signal.aborted || (isKintsugiError(e) && e.code === 'cancelled')) break;
        f.state = 'failed';
        f.error = toFailure(e).error.message;
        delete f.review;
      }
      delete f.progress;
      processed += 1;
      const perPhoto = (Date.now() - t0) / processed;
      status.etaSec = Math.round((perPhoto * (status.files.length - processed)) / 1000);
      status.failed = status.files.filter((x) => x.state === 'failed').length;
      b.emit(true);
    }
    if (signal.aborted) {
      status.state = 'cancelled';
      for (const f of status.files) if (f.state === 'pending' || f.state === 'running') f.state = 'cancelled';
    } else {
      status.phase = 'review';
      status.state = 'paused';
    }
  } catch (e) {
    status.state = 'failed';
    status.error = toFailure(e).error.message;
  } finally {
    status.elapsedMs = Date.now() - (status.startedAt ?? Date.now());
    status.etaSec = null;
    b.emit(true);
  }
}

/** Accept a proposal, skip the photo, or take the editor's mask of this photo as its accepted mask. */
export async function reviewDecision(ctx: AppContext, b: BatchRun, f: BatchFileView, decision: 'accept' | 'skip' | 'use-editor-mask'): Promise<void> {
  if (b.status.phase !== 'review') throw badInput(undefined, 'masks are reviewed after the detector has proposed them, before restoring');
  if (f.review === undefined) throw badInput(f.path, 'this photo has no proposed mask (its detection failed)');
  const rel = relOf(b, f);
  const accepted = maskPathIn(path.join(b.maskStore, 'accepted'), rel);
  if (decision === 'skip') {
    await rm(accepted, { force: true });
    f.review = 'skipped';
  } else if (decision === 'accept') {
    await mkdir(path.dirname(accepted), { recursive: true });
    await copyFile(maskPathIn(path.join(b.maskStore, 'proposed'), rel), accepted);
    f.review = 'accepted';
  } else {
    const s = ctx.session;
    if (!s || path.resolve(s.project.sourcePath) !== path.resolve(f.path)) {
      throw badInput(f.path, `open ${path.basename(f.path)} in the editor (Fix in editor) before taking its mask`);
    }
    await mkdir(path.dirname(accepted), { recursive: true });
    const { writeFile } = await import('node:fs/promises');
    await writeFile(accepted, await maskToPng(s.engineMask()));
    // The proposal becomes the fixed mask too, so the grid shows what will be filled.
    await copyFile(accepted, maskPathIn(path.join(b.maskStore, 'proposed'), rel));
    const thumb = await maskOverlayThumb(f.path, accepted);
    if (thumb) f.maskBlobId = ctx.lib.blobs.put(thumb);
    f.review = 'accepted';
  }
  b.emit(true);
}
