import { readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvent, ExportResult, HistoryView, ProjectSummary, SessionView } from '../../../src-main/core/api/contract.js';
import { appCaller, openByPath } from '../helpers/app-call.js';
import { AppService } from '../../../src-main/node/app/service.js';
import { tempDir } from '../../support/temp-dir.js';

const data = resolve(__dirname, '../../../../shared/data');
const photo = join(data, 'real-damage/bopbtl-scratched/b.png');
const repo = resolve(__dirname, '../../..');

let dataDir: string;
let service: AppService;
const events: AppEvent[] = [];

const call = appCaller(() => service);
const make = () =>
  AppService.create({
    dataDir,
    engine: { modelsDir: join(repo, 'models'), userModelsDir: join(dataDir, 'models') },
  });

beforeAll(async () => {
  dataDir = tempDir('kintsugi-app-');
  service = await make();
  service.subscribe((e) => events.push(e));
});
afterAll(async () => {
  await service?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('app service', () => {
  const originalBytes = readFileSync(photo);
  const originalMtime = statSync(photo).mtimeMs;
  let restored: SessionView;

  it('edits the mask, restores with progress events, and the result is a history step', async () => {
    const s0 = await openByPath(call, photo);
    const w = s0.photo.width;
    await call('app:history.append', { command: { kind: 'stroke', tool: 'brush', points: [40, 40, 80, 60, 120, 50], size: 9, hardness: 0.8 } });
    await call('app:history.append', { command: { kind: 'stroke', tool: 'line', points: [20, 100, w - 20, 110], size: 5, hardness: 1 } });
    await expect(call('app:restore.run', { modelId: 'no-such-model' }).then((j) => call('app:job.wait', { jobId: (j as { jobId: string }).jobId }))).rejects.toThrow(/no-such-model/);
    const job = await call<{ jobId: string }>('app:restore.run', { modelId: 'classical' });
    restored = await call<SessionView>('app:job.wait', { jobId: job.jobId });
    expect(restored.resultBlobId).toMatch(/^[0-9a-f]{64}$/);
    expect(restored.history.entries.map((e) => e.kind)).toEqual(['open', 'stroke', 'stroke', 'restore']);
    expect(restored.history.entries[3]!.label).toBe('Restore (classical)');
    expect(events.filter((e) => e.type === 'job' && e.jobId === job.jobId).map((e) => (e as { state: string }).state)).toEqual(['running', 'done']);
    expect(events.some((e) => e.type === 'progress' && e.jobId === job.jobId && e.done === e.total)).toBe(true);

    // Outside the (dilated) hole the result is the original, inside it changed.
    const blob = await service.readBlob(restored.resultBlobId!);
    const res = await sharp(blob!.bytes).raw().toBuffer({ resolveWithObject: true });
    const org = await sharp(photo).raw().toBuffer({ resolveWithObject: true });
    expect([res.info.width, res.info.height]).toEqual([org.info.width, org.info.height]);
    const c = org.info.channels;
    const at = (b: Buffer, x: number, y: number) => [...b.subarray((y * w + x) * c, (y * w + x) * c + c)];
    expect(at(res.data, 5, 5)).toEqual(at(org.data, 5, 5));
    expect(at(res.data, w - 5, 200)).toEqual(at(org.data, w - 5, 200));
  });

  it('undo goes back to the strokes without the result; jumpTo and redo come back; the photo is never written', async () => {
    const u = await call<SessionView>('app:history.undo');
    expect(u.resultBlobId).toBeNull();
    expect(u.holePixels).toBe(restored.holePixels);
    const j = await call<SessionView>('app:history.jumpTo', { index: 1 });
    expect(j.history.cursor).toBe(1);
    expect(j.holePixels).toBeLessThan(restored.holePixels);
    await call('app:history.redo');
    const r = await call<SessionView>('app:history.redo');
    expect(r.resultBlobId).toBe(restored.resultBlobId);
    expect(readFileSync(photo).equals(originalBytes)).toBe(true);
    expect(statSync(photo).mtimeMs).toBe(originalMtime);
  });

  it('exports in the original format with its metadata, and a before/after comparison', async () => {
    const exp = await call<ExportResult>('app:export.save', {});
    expect(exp).toMatchObject({ fileName: 'b-restored.png', format: 'png', path: null });
    const blob = await service.readBlob(exp.blobId);
    expect(blob!.contentType).toBe('image/png');
    const m = await sharp(blob!.bytes).metadata();
    expect(m.format).toBe('png');
    const jpg = await call<ExportResult>('app:export.save', { format: 'jpeg', quality: 90 });
    expect(jpg.fileName).toBe('b-restored.jpg');
    expect((await sharp((await service.readBlob(jpg.blobId))!.bytes).metadata()).format).toBe('jpeg');
    const cmp = await call<ExportResult>('app:compare.export', { layout: 'side-by-side' });
    const cm = await sharp((await service.readBlob(cmp.blobId))!.bytes).metadata();
    expect(cm.width).toBeGreaterThan(2 * restored.photo.width);
  });

  it('reopening the project (after a restart) restores photo, mask edits, result and the whole history', async () => {
    const before = await call<HistoryView>('app:history.list');
    const s = await call<SessionView>('app:session.current');
    await call('app:project.save', { name: 'Grandma' });
    await service.close();
    service = await make();
    const list = await call<ProjectSummary[]>('app:project.list');
    expect(list[0]).toMatchObject({ id: s!.projectId, name: 'Grandma', sourceName: 'b.png', historyLength: 4 });
    const re = await call<SessionView>('app:project.open', { projectId: s!.projectId });
    expect(re.history).toEqual(before);
    expect(re.resultBlobId).toBe(restored.resultBlobId);
    expect(re.holePixels).toBe(restored.holePixels);
    // Going back across the restore rebuilds the strokes from their point lists.
    const back = await call<SessionView>('app:history.jumpTo', { index: 2 });
    expect(back.holePixels).toBe(restored.holePixels);
    expect(back.resultBlobId).toBeNull();
    // Appending after an undo drops the redo branch (and its result blob is collected).
    const cleared = await call<SessionView>('app:history.append', { command: { kind: 'clear' } });
    expect(cleared.history.entries.map((e) => e.kind)).toEqual(['open', 'stroke', 'stroke', 'clear']);
    expect(cleared.holePixels).toBe(0);
    expect(await service.readBlob(restored.resultBlobId!)).toBeNull();
  });

  it('refuses a restore with an empty mask, a cancelled job reports cancelled, and a missing detector is a clear error', async () => {
    await expect(call('app:restore.run', {})).rejects.toThrow(/mask is empty/);
    await call('app:history.append', { command: { kind: 'stroke', tool: 'brush', points: [30, 30, 200, 200], size: 30, hardness: 1 } });
    const job = await call<{ jobId: string }>('app:restore.run', { modelId: 'classical' });
    expect(await call('app:job.cancel', { jobId: job.jobId })).toEqual({ cancelled: true });
    await expect(call('app:job.wait', { jobId: job.jobId })).rejects.toMatchObject({ code: 'cancelled' });
    const h = await call<HistoryView>('app:history.list');
    expect(h.entries.at(-1)!.kind).toBe('stroke');
  });
});
