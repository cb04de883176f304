/**
 * What a batch's results lead to in the app: a photo opened in the editor as the person would have made it
 * there (the ORIGINAL, the batch's mask as a history step, the restored copy as the restore's result, so the
 * editor's before/after and every mask tool work), and before/after comparisons of a whole run written by the
 * CLI's own code (node/compare writeBatchComparisons: contact sheets, index page, a file per photo and form).
 */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import type { BatchCompareResult, BatchFileView, SessionView } from '../../core/api/contract.js';
import { badInput } from '../../core/errors.js';
import { sha256File } from '../batch/hash.js';
import { countHoles } from '../../core/mask.js';
import { readImage, readMask } from '../image-io.js';
import { batchMaskOf, batchSuggestionsOf, relOf } from './batch-masks.js';
import type { BatchRun } from './batches.js';
import type { AppContext } from './context.js';
import { Session } from './session.js';

/** Opens a batch's photo in the editor: original + its mask (+ the restored copy as the result, once done). */
export function openBatchPhoto(ctx: AppContext, b: BatchRun, f: BatchFileView): Promise<SessionView> {
  return ctx.serial(async () => {
    ctx.requireIdle();
    const sha = await sha256File(f.path).catch(() => {
      throw badInput(f.path, 'the original photo is no longer there');
    });
    const maskPath = await batchMaskOf(b, f);
    const s = await Session.open(ctx.lib, f.path, sha);
    const suggestedPath = maskPath !== null && f.review === 'proposed' ? batchSuggestionsOf(b, f) : null;
    if (suggestedPath !== null && maskPath !== null) {
      // Under review, with what the detector left out: opened as the detection it was, suggestions and all.
      const size = { width: s.decoded.raster.width, height: s.decoded.raster.height };
      const [mask, suggested] = await Promise.all([readMask(maskPath, size), readMask(suggestedPath, size)]);
      await s.commitDetect(mask, 'batch review', 'batch', 'add', countHoles(suggested) > 0 ? suggested : undefined);
    } else if (maskPath !== null) await s.append({ kind: 'mask-import', uploadId: 'batch-mask' }, maskPath);
    if (f.state === 'done' && f.outPath) {
      const { readLedger } = await import('../batch/ledger.js');
      const row = readLedger(b.outDir).find((r) => r.rel === relOf(b, f));
      const restored = await readImage(f.outPath);
      const { width, height } = s.decoded.raster;
      if (restored.raster.width !== width || restored.raster.height !== height) {
        throw badInput(f.outPath, `the restored copy is ${restored.raster.width}×${restored.raster.height}, the original ${width}×${height}`);
      }
      await s.commitRestore(restored.raster, row?.modelId ?? 'batch', row?.provider ?? 'batch');
    }
    ctx.session = s;
    return s.view();
  });
}

/** The folder a batch's comparisons go to: next to its output folder, never inside the photos. */
export function compareDirOf(b: BatchRun): string {
  return `${b.outDir}-compare`;
}

/** Writes the run's comparisons (restored photos only) and lists the contact sheets as blobs to view. */
export async function compareBatch(ctx: AppContext, b: BatchRun, forms: Array<'side-by-side' | 'stacked' | 'split' | 'slider'>): Promise<BatchCompareResult> {
  const done = b.status.files.filter((f) => f.state === 'done');
  if (done.length === 0) throw badInput(undefined, 'no photo of this batch is restored yet: nothing to compare');
  const { writeBatchComparisons } = await import('../compare/batch-compare.js');
  const r = await writeBatchComparisons(done.map((f) => ({ rel: relOf(b, f) })), {
    inDir: b.inDir, outDir: b.outDir, compareDir: compareDirOf(b), forms: forms.length > 0 ? forms : ['side-by-side'],
  });
  const sheets = [];
  for (const sheet of r.sheets) sheets.push({ path: sheet, fileName: path.basename(sheet), blobId: ctx.lib.blobs.put(await readFile(sheet)) });
  return {
    dir: r.dir, index: r.index, sheets, files: r.files.length,
    failed: r.failed.map((x) => ({ path: path.join(b.inDir, ...x.rel.split('/')), reason: x.reason })),
  };
}
