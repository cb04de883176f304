import { readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { ArgsOf, Channel, SessionView } from '../../../src-main/core/api/contract.js';
import { AppService, type HostContext } from '../../../src-main/node/app/service.js';
import { STROKES_PER_KEYFRAME } from '../../../src-main/node/app/session.js';
import sharp from 'sharp';
import { tempDir } from '../../support/temp-dir.js';

const photo = resolve(__dirname, '../../../../shared/data/real-damage/bopbtl-scratched/a.png');
const dataDir = tempDir('kintsugi-cap-');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const blobFiles = (): number => {
  const root = join(dataDir, 'blobs');
  return readdirSync(root).reduce((n, d) => n + readdirSync(join(root, d)).length, 0);
};

it('caps history by bytes: old steps are dropped up to a keyframe, their blobs collected, the project still reopens', async () => {
  const open = (cap: number) =>
    AppService.create({
      dataDir,
      historyCapBytes: cap,
      engine: { modelsDir: join(dataDir, 'no-models') },
    });
  let service = await open(600_000);
  const call = async <T,>(c: string, a: unknown = {}, host: HostContext = {}): Promise<T> => {
    const r = await service.invoke(c as Channel, a as ArgsOf<Channel>, host);
    if (!r.ok) throw new Error(r.error.message);
    return r.value as T;
  };
  const s = await call<SessionView>('app:photo.openDialog', {}, { openPath: photo });
  for (let i = 0; i < 6; i++) {
    const y = 30 + i * 40;
    await call('app:history.append', { command: { kind: 'stroke', tool: 'line', points: [20, y, 300, y + 5], size: 6, hardness: 1 } });
    const job = await call<{ jobId: string }>('app:restore.run', { modelId: 'classical' });
    await call('app:job.wait', job);
  }
  const h = await call<SessionView['history']>('app:history.list');
  // 1 open + 6 × (stroke + restore) = 13 without a cap; the cap cut the oldest ones away.
  expect(h.entries.length).toBeLessThan(13);
  expect(h.entries[0]!.kind).toBe('restore'); // cut at a keyframe
  expect(blobFiles()).toBeLessThanOrEqual(2 * h.entries.filter((e) => e.kind === 'restore').length);
  const last = await call<SessionView>('app:session.current');
  await service.close();
  service = await open(600_000);
  const re = await call<SessionView>('app:project.open', { projectId: s.projectId });
  expect(re.history).toEqual(h);
  expect(re.resultBlobId).toBe(last.resultBlobId);
  await service.close();
});

it('cuts a long run of strokes too: every Nth stroke keeps a mask snapshot, and the mask survives the cut and a reopen', async () => {
  const dir = tempDir('kintsugi-cap-strokes-');
  const open = (cap?: number) =>
    AppService.create({
      dataDir: dir,
      ...(cap !== undefined ? { historyCapBytes: cap } : {}),
      engine: { modelsDir: join(dir, 'no-models') },
    });
  const strokes = 3 * STROKES_PER_KEYFRAME + 5;
  const paint = async (service: AppService): Promise<{ view: SessionView; mask: Buffer }> => {
    const call = async <T,>(c: string, a: unknown = {}, host: HostContext = {}): Promise<T> => {
      const r = await service.invoke(c as Channel, a as ArgsOf<Channel>, host);
      if (!r.ok) throw new Error(r.error.message);
      return r.value as T;
    };
    await call<SessionView>('app:photo.openDialog', {}, { openPath: photo });
    for (let i = 0; i < strokes; i++) {
      // Long brush strokes with many points (a few KB of payload each); every 5th erases a bit.
      const y = 10 + (i * 7) % 600;
      const points = Array.from({ length: 120 }, (_, k) => [10 + k * 4, y + Math.round(6 * Math.sin(k / 5))]).flat();
      await call('app:history.append', { command: { kind: 'stroke', tool: i % 5 === 4 ? 'eraser' : 'brush', points, size: 5, hardness: 1 } });
    }
    const view = await call<SessionView>('app:session.current');
    return { view, mask: (await service.readBlob(view.maskBlobId!))!.bytes };
  };
  try {
    // Reference: no cap to speak of.
    const free = await open();
    const ref = await paint(free);
    await free.close();
    expect(ref.view.history.entries).toHaveLength(strokes + 1);
    expect(ref.view.history.entries.filter((e) => e.keyframe && e.kind === 'stroke')).toHaveLength(3);

    // A cap far below the strokes' payload: without stroke keyframes nothing could be cut.
    let service = await open(60_000);
    const capped = await paint(service);
    const entries = capped.view.history.entries;
    expect(entries.length).toBeLessThan(strokes + 1);
    expect(entries[0]).toMatchObject({ kind: 'stroke', keyframe: true });
    expect(entries.at(-1)!.stroke).toEqual(ref.view.history.entries.at(-1)!.stroke);
    expect(capped.view.holePixels).toBe(ref.view.holePixels);
    const decode = (png: Buffer) => sharp(png).extractChannel(0).raw().toBuffer();
    expect((await decode(capped.mask)).equals(await decode(ref.mask))).toBe(true);

    // Reopen from the library: rebuilt from the stroke keyframe plus the strokes after it.
    await service.close();
    service = await open(60_000);
    const re = await service.invoke('app:project.open', { projectId: capped.view.projectId });
    if (!re.ok) throw new Error(re.error.message);
    const view = re.value as SessionView;
    expect(view.history).toEqual(capped.view.history);
    expect(view.holePixels).toBe(ref.view.holePixels);
    expect((await decode((await service.readBlob(view.maskBlobId!))!.bytes)).equals(await decode(ref.mask))).toBe(true);
    await service.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
