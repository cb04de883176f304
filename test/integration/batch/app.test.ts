import { rm } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvent, BatchStatus, PathGrant, SessionView } from '../../../src-main/core/api/contract.js';
import { appCaller, folderId } from '../helpers/app-call.js';
import { AppService } from '../../../src-main/node/app/service.js';
import { batchEnded, makePhotos, repoRoot, sha256 } from './fixtures.js';
import { tempDir } from '../../support/temp-dir.js';

let root: string;
let service: AppService;
const events: AppEvent[] = [];

const call = appCaller(() => service);

const ended = (batchId: string): Promise<BatchStatus> => batchEnded(events, batchId);

beforeAll(async () => {
  root = tempDir('kintsugi-batch-app-');
  service = await AppService.create({
    dataDir: path.join(root, 'data'),
    engine: { modelsDir: path.join(repoRoot, 'models') },
  });
  service.subscribe((e) => events.push(e));
});
afterAll(async () => {
  await service?.close();
  await rm(root, { recursive: true, force: true });
});

describe('batch through the app API', () => {
  it('lists the queue up front, restores each photo with a thumbnail, pauses and resumes', async () => {
    const inDir = path.join(root, 'in');
    const masksDir = path.join(root, 'masks');
    const outputDir = path.join(root, 'out');
    const made = await makePhotos(inDir, 3, { maskDir: masksDir });
    const hashes = await Promise.all(made.map((m) => sha256(m.abs)));
    const started = await call<BatchStatus>('app:batch.start', {
      photosFolderId: await folderId(call, inDir), outputFolderId: await folderId(call, outputDir), masksFolderId: await folderId(call, masksDir), modelId: 'classical',
    });
    expect(started.state).toBe('running');
    const paused = await call<BatchStatus>('app:batch.pause', { batchId: started.batchId });
    expect(paused.state).toBe('paused');
    await new Promise((r) => setTimeout(r, 300));
    const resumed = await call<BatchStatus>('app:batch.resume', { batchId: started.batchId });
    expect(resumed.state).toBe('running');
    const final = await ended(started.batchId);

    expect(final.state).toBe('done');
    expect(final.files.map((f) => [path.basename(f.path), f.state]).sort()).toEqual(made.map((m) => [m.rel, 'done']).sort());
    const first = events.find((e) => e.type === 'batch' && e.batchId === started.batchId);
    expect(first?.type === 'batch' && first.status.files.length).toBe(3); // the whole queue at once
    // Thumbnails arrive as blobs the renderer can show.
    await new Promise((r) => setTimeout(r, 500));
    const status = await call<BatchStatus>('app:batch.status', { batchId: started.batchId });
    for (const f of status.files) {
      expect(f.thumbBlobId).toMatch(/^[0-9a-f]{64}$/);
      const blob = await service.readBlob(f.thumbBlobId!);
      const meta = await sharp(blob!.bytes).metadata();
      expect(meta.format).toBe('jpeg');
      expect(Math.max(meta.width!, meta.height!)).toBe(160);
      expect(f.outPath && (await sharp(f.outPath).metadata()).width).toBeGreaterThan(0);
    }
    // "Open in editor" opens the restored copy by the id the service issued for it, never by a path.
    const done = status.files[0]!;
    expect(done.outFileId).toMatch(/^f[0-9a-f]{20}$/);
    const opened = await call<SessionView>('app:photo.open', { source: { kind: 'file', fileId: done.outFileId } });
    expect(opened.photo.name).toBe(path.basename(done.outPath!));
    expect(await Promise.all(made.map((m) => sha256(m.abs)))).toEqual(hashes);
  });

  it('takes the folders Electron chose in its dialogs (photos, output, masks) as ids main issued, not paths from the renderer', async () => {
    const inDir = path.join(root, 'in-dialog');
    const masksDir = path.join(root, 'masks-dialog');
    const outputDir = path.join(root, 'out-dialog');
    const made = await makePhotos(inDir, 2, { maskDir: masksDir });
    // What main passes after each of its folder dialogs; the renderer only learns the ids.
    const desktop = appCaller(() => service, {});
    const chosen = async (purpose: 'photos' | 'output' | 'masks', dir: string): Promise<string> => {
      const r = await service.invoke('app:folder.choose', { purpose }, { chosenPath: dir });
      if (!r.ok) throw new Error(r.error.message);
      return (r.value as PathGrant).id;
    };
    const ids = { photosFolderId: await chosen('photos', inDir), outputFolderId: await chosen('output', outputDir), masksFolderId: await chosen('masks', masksDir) };
    // The desktop host never lets the page name a path itself.
    await expect(desktop('app:path.grant', { path: inDir, kind: 'folder' })).rejects.toThrow(/own dialogs/);
    const r = await service.invoke('app:batch.start', { ...ids, modelId: 'classical' }, {});
    if (!r.ok) throw new Error(r.error.message);
    const final = await ended((r.value as BatchStatus).batchId);
    expect(final.state).toBe('done');
    expect(final.outputDir).toBe(outputDir);
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(path.join(outputDir, '.kintsugi-batch.sqlite'), { readonly: true });
    const rows = db.prepare("SELECT mask_path FROM files WHERE state = 'done' ORDER BY mask_path").all() as Array<{ mask_path: string | null }>;
    db.close();
    expect(rows).toHaveLength(made.length);
    for (const row of rows) expect(path.dirname(row.mask_path ?? '')).toBe(masksDir); // the given masks, not detection
  });

  it('cancel stops the batch and names a missing folder clearly', async () => {
    const inDir = path.join(root, 'in2');
    const masksDir = path.join(root, 'masks2');
    await makePhotos(inDir, 3, { maskDir: masksDir });
    const started = await call<BatchStatus>('app:batch.start', {
      photosFolderId: await folderId(call, inDir), outputFolderId: await folderId(call, path.join(root, 'out2')), masksFolderId: await folderId(call, masksDir), modelId: 'classical',
    });
    const c = await call<BatchStatus>('app:batch.cancel', { batchId: started.batchId });
    expect(c.state).toBe('cancelled');
    const final = await ended(started.batchId);
    expect(final.state).toBe('cancelled');
    expect(final.files.filter((f) => f.state === 'done').length).toBeLessThan(3);

    // After Cancel, nothing is left "Queued": every photo not finished says Cancelled.
    expect(final.files.filter((f) => f.state !== 'done').map((f) => f.state)).toEqual(final.files.filter((f) => f.state !== 'done').map(() => 'cancelled'));

    // A missing folder is refused before anything starts: one message naming it, no batch, no per-photo failure.
    const missing = path.join(root, 'missing');
    const bad = await service.invoke('app:batch.start', {
      photosFolderId: await folderId(call, missing), outputFolderId: await folderId(call, path.join(root, 'out3')), modelId: 'classical',
    });
    expect(bad).toEqual({ ok: false, error: { code: 'bad-input', message: expect.stringContaining(`the folder of photos ${missing} does not exist`) } });
  });
});
