/**
 * The app's batch, round two (issue 14), through the real service, real SQLite, real photos and models:
 * subfolders, elapsed time and ETA, photos finished by an earlier run shown as done, "Open in editor" with
 * the original, the batch's mask and the restored copy, comparisons of a whole run, and the mask review of a
 * batch without masks (the shipped detector proposes, the person accepts, skips or fixes, then restores).
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvent, BatchStatus } from '../../../src-main/core/api/contract.js';
import { AppService } from '../../../src-main/node/app/service.js';
import { appCaller, folderId } from '../helpers/app-call.js';
import { tempDir } from '../../support/temp-dir.js';
import { batchEnded, makePhotos, repoRoot } from './fixtures.js';

let root: string;
let service: AppService;
const events: AppEvent[] = [];
const call = appCaller(() => service);

/** The batch's status once `done` holds for it (polled from the pushed events). */
function until(batchId: string, done: (s: BatchStatus) => boolean, ms = 240_000): Promise<BatchStatus> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const timer = setInterval(() => {
      const last = events.filter((e) => e.type === 'batch' && e.batchId === batchId).at(-1);
      if (last?.type === 'batch' && done(last.status)) {
        clearInterval(timer);
        resolve(last.status);
      } else if (Date.now() - t0 > ms) {
        clearInterval(timer);
        reject(new Error(`batch ${batchId} did not get there: ${JSON.stringify(last?.type === 'batch' ? last.status : null)}`));
      }
    }, 50);
  });
}

beforeAll(async () => {
  root = tempDir('kintsugi-batch-app2-');
  service = await AppService.create({ dataDir: path.join(root, 'data'), engine: { modelsDir: path.join(repoRoot, 'models') } });
  service.subscribe((e) => events.push(e));
});
afterAll(async () => {
  await service?.close();
  await rm(root, { recursive: true, force: true });
});

describe('batch from the app, round two', () => {
  it('includes subfolders when asked, times the run, shows an earlier run\'s photos as done, opens the original with mask and result, and exports comparisons', async () => {
    const inDir = path.join(root, 'in');
    const masksDir = path.join(root, 'masks');
    const outDir = path.join(root, 'out');
    const made = await makePhotos(inDir, 3, { maskDir: masksDir, scale: 0.5, subdirEvery: 3 });
    expect(made.map((m) => m.rel)).toContain('sub/photo-002.png');
    const ids = { photosFolderId: await folderId(call, inDir), outputFolderId: await folderId(call, outDir), masksFolderId: await folderId(call, masksDir), modelId: 'classical' };

    // Without "include subfolders" the photo in sub/ is not part of the batch; with it, it is.
    const flat = await batchEnded(events, (await call('app:batch.start', ids)).batchId);
    expect(flat.files.map((f) => path.relative(inDir, f.path)).sort()).toEqual(['photo-000.png', 'photo-001.jpg']);
    const started = await call('app:batch.start', { ...ids, recursive: true });
    expect(started.startedAt).toBeGreaterThan(0);
    const deep = await batchEnded(events, started.batchId);
    expect(deep.state).toBe('done');
    expect(deep.files.map((f) => path.relative(inDir, f.path).split(path.sep).join('/')).sort()).toEqual(made.map((m) => m.rel).sort());
    // The two restored by the first run are done (not failures), marked as from an earlier run, without an error.
    const resumed = deep.files.filter((f) => f.isResumed);
    expect(resumed.map((f) => path.basename(f.path)).sort()).toEqual(['photo-000.png', 'photo-001.jpg']);
    for (const f of resumed) expect([f.state, f.error]).toEqual(['done', undefined]);
    expect(deep.done).toBe(3);
    expect(deep.failed).toBe(0);
    expect(deep.elapsedMs).toBeGreaterThan(0);
    expect(deep.etaSec).toBeNull();
    // While it ran, the photo in hand reported its progress.
    const running = events.filter((e) => e.type === 'batch' && e.batchId === started.batchId).flatMap((e) => (e.type === 'batch' ? e.status.files : []));
    // (The first report of each photo is never throttled away; later ones go out at ~10 Hz.)
    const reports = running.filter((f) => f.state === 'running' && f.progress !== undefined).map((f) => f.progress!);
    expect(reports.length).toBeGreaterThan(0);
    for (const p of reports) expect(p.fraction >= 0 && p.fraction <= 1 && p.stage.length > 0).toBe(true);

    // Open in editor: the ORIGINAL photo, the batch's mask as a step, the restored copy as the restore's result.
    const index = deep.files.findIndex((f) => f.path.endsWith('photo-002.png'));
    const session = await call('app:batch.openInEditor', { batchId: started.batchId, index });
    expect(session.photo.name).toBe('photo-002.png');
    expect(session.history.entries.map((e) => e.kind)).toEqual(['open', 'mask-import', 'restore']);
    expect(session.holePixels).toBeGreaterThan(0);
    const given = await sharp(path.join(masksDir, 'sub', 'photo-002.png')).greyscale().raw().toBuffer();
    expect(session.holePixels).toBe(given.filter((v) => v > 127).length);
    const original = (await service.readBlob(session.originalBlobId))!;
    const result = (await service.readBlob(session.resultBlobId!))!;
    const [o, r, out] = await Promise.all([original.bytes, result.bytes, path.join(outDir, 'sub', 'photo-002.png')].map((b) => sharp(b).raw().toBuffer()));
    expect(Buffer.compare(o!, r!)).not.toBe(0); // before and after differ
    expect(Buffer.compare(r!, out!)).toBe(0); // the result is the restored copy, decoded

    // Comparisons of the whole run: contact sheet, index, and each per-photo form the CLI offers.
    const cmp = await call('app:batch.compare', { batchId: started.batchId, forms: ['side-by-side', 'stacked', 'split', 'slider'] });
    expect(cmp.dir).toBe(`${outDir}-compare`);
    expect(cmp.files).toBe(12);
    expect(cmp.failed).toEqual([]);
    expect(existsSync(cmp.index)).toBe(true);
    expect(cmp.sheets).toHaveLength(1);
    expect((await sharp((await service.readBlob(cmp.sheets[0]!.blobId))!.bytes).metadata()).format).toBe('jpeg');
    expect(readdirSync(path.join(cmp.dir, 'sub')).sort()).toEqual(['photo-002-png.compare.jpg', 'photo-002-png.slider.html', 'photo-002-png.split.jpg', 'photo-002-png.stacked.jpg']);
    const stacked = await sharp(path.join(cmp.dir, 'sub', 'photo-002-png.stacked.jpg')).metadata();
    expect(stacked.height!).toBeGreaterThan(2 * made[2]!.height - 1);
  }, 300_000);

  it('says in one message, not per photo, when the output folder is the folder of photos', async () => {
    const inDir = path.join(root, 'same');
    await makePhotos(inDir, 2, { scale: 0.3 });
    const s = await call('app:batch.start', { photosFolderId: await folderId(call, inDir), outputFolderId: await folderId(call, inDir), modelId: 'classical' });
    const end = await batchEnded(events, s.batchId);
    expect(end.state).toBe('failed');
    expect(end.error).toMatch(/the output folder is the input folder/);
    expect(end.files).toEqual([]);
  });

  it('starts again at once after Cancel: the new run waits for the cancelled one to let go of the output folder', async () => {
    const inDir = path.join(root, 'again');
    await makePhotos(inDir, 4, { scale: 0.5 });
    const ids = { photosFolderId: await folderId(call, inDir), outputFolderId: await folderId(call, path.join(root, 'again-out')), modelId: 'classical' };
    const first = await call('app:batch.start', ids);
    await until(first.batchId, (s) => s.files.some((f) => f.state === 'running'));
    // Cancel shows Cancelled at once, while the photo in hand is still being finished and the lock is held.
    expect((await call('app:batch.cancel', { batchId: first.batchId })).state).toBe('cancelled');
    const second = await call('app:batch.start', ids);
    const end = await batchEnded(events, second.batchId);
    expect([end.state, end.error]).toEqual(['done', undefined]);
    expect(end.files.map((f) => f.state)).toEqual(['done', 'done', 'done', 'done']);
    // Every copy of a status carries a higher revision than the ones before (views keep the highest).
    const revs = events.filter((e) => e.type === 'batch' && e.batchId === second.batchId).map((e) => (e.type === 'batch' ? e.status.rev : 0));
    expect(revs.every((r, i) => r > (i === 0 ? second.rev - 1 : revs[i - 1]!))).toBe(true);
    expect(end.rev).toBeGreaterThan(second.rev);
  }, 240_000);

  it('expands ~ in a typed folder', async () => {
    const g = await call('app:path.grant', { path: '~', kind: 'folder' });
    expect(g.path).toBe(path.resolve(homedir()));
  });

  it('reviews the masks the detector proposes before restoring: accept, skip, fix in the editor, then restore the accepted', async () => {
    const inDir = path.join(root, 'review-in');
    const outDir = path.join(root, 'review-out');
    await makePhotos(inDir, 3, { scale: 0.4 });
    const started = await call('app:batch.start', { photosFolderId: await folderId(call, inDir), outputFolderId: await folderId(call, outDir), review: true, modelId: 'classical' });
    expect(started.phase).toBe('detect');
    const review = await until(started.batchId, (s) => s.phase === 'review' || s.state === 'failed');
    expect(review.error).toBeUndefined();
    expect(review.files.map((f) => f.review)).toEqual(['proposed', 'proposed', 'proposed']);
    for (const f of review.files) expect(f.maskBlobId).toMatch(/^[0-9a-f]{64}$/);
    expect(existsSync(outDir) && readdirSync(outDir).some((n) => !n.startsWith('.'))).toBe(false); // nothing restored yet
    await expect(call('app:batch.restoreAccepted', { batchId: started.batchId })).rejects.toThrow(/no mask is accepted/);

    await call('app:batch.review', { batchId: started.batchId, index: 0, decision: 'accept' });
    await call('app:batch.review', { batchId: started.batchId, index: 1, decision: 'skip' });
    // Fix in the editor: the original opens with the proposal (as the detection it was: this photo has
    // suggestions too); a stroke later, the editor's mask is taken back.
    const opened = await call('app:batch.openInEditor', { batchId: started.batchId, index: 2 });
    expect(opened.history.entries.map((e) => e.kind)).toEqual(['open', 'detect']);
    await call('app:history.append', { command: { kind: 'clear' } });
    const fixed = await call('app:history.append', { command: { kind: 'stroke', tool: 'brush', points: [10, 10, 60, 10], size: 6, hardness: 1 } });
    const s = await call('app:batch.review', { batchId: started.batchId, index: 2, decision: 'use-editor-mask' });
    expect(s.files.map((f) => f.review)).toEqual(['accepted', 'skipped', 'accepted']);

    await call('app:batch.restoreAccepted', { batchId: started.batchId });
    const end = await batchEnded(events, started.batchId);
    expect(end.state).toBe('done');
    expect(end.files.map((f) => f.state)).toEqual(['done', 'skipped', 'done']);
    expect(end.files[1]!.error).toBe('skipped in the mask review');
    // The fixed photo was restored with the editor's mask: reopened, its mask is the stroke.
    const again = await call('app:batch.openInEditor', { batchId: started.batchId, index: 2 });
    expect(again.history.entries.map((e) => e.kind)).toEqual(['open', 'mask-import', 'restore']);
    expect(again.holePixels).toBe(fixed.holePixels);
  }, 300_000);

  it('keeps what the detector left out of a proposed mask: amber in the review grid, suggestions in the editor', async () => {
    const inDir = path.join(root, 'review-suggest-in');
    mkdirSync(inDir, { recursive: true });
    copyFileSync(path.resolve(repoRoot, '../shared/data/real-damage/bopbtl-scratched/b.png'), path.join(inDir, 'boy.png'));
    const started = await call('app:batch.start', { photosFolderId: await folderId(call, inDir), outputFolderId: await folderId(call, path.join(root, 'review-suggest-out')), review: true, modelId: 'classical' });
    const review = await until(started.batchId, (s) => s.phase === 'review' || s.state === 'failed');
    expect(review.files.map((f) => f.review)).toEqual(['proposed']);
    // The grid's thumbnail shows the suggestions (the collar, left out of the mask) in amber.
    const { data, info } = await sharp((await service.readBlob(review.files[0]!.maskBlobId!))!.bytes).raw().toBuffer({ resolveWithObject: true });
    let amber = 0;
    for (let i = 0; i < info.width * info.height; i++) {
      const [r, g, b] = [data[i * info.channels]!, data[i * info.channels + 1]!, data[i * info.channels + 2]!];
      if (r > 180 && g > 110 && g < 200 && b < 90) amber++;
    }
    expect(amber / (info.width * info.height)).toBeGreaterThan(0.02);
    // Fix in the editor: the proposal opens as the detection it was, with its suggestions to add.
    const opened = await call('app:batch.openInEditor', { batchId: started.batchId, index: 0 });
    expect(opened.history.entries.map((e) => e.kind)).toEqual(['open', 'detect']);
    expect(opened.suggestions?.marks).toBeGreaterThan(0);
    const added = await call('app:history.append', { command: { kind: 'add-suggestions' } });
    expect(added.holePixels).toBe(opened.holePixels + opened.suggestions!.pixels);
    await call('app:batch.cancel', { batchId: started.batchId });
  }, 300_000);
});
