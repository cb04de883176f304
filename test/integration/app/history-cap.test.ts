import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { SessionView } from '../../../src-main/core/api/contract.js';
import { AppService, type AppEngine } from '../../../src-main/node/app/service.js';
import { Engine } from '../../../src-main/node/engine.js';

const photo = resolve(__dirname, '../../../../shared/data/real-damage/bopbtl-scratched/a.png');
const dataDir = mkdtempSync(join(tmpdir(), 'kintsugi-cap-'));
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
      createEngine: async () => (await Engine.create({ modelsDir: join(dataDir, 'no-models') })) as AppEngine,
    });
  let service = await open(600_000);
  const call = async <T,>(c: string, a: unknown = {}): Promise<T> => {
    const r = await service.invoke(c, a);
    if (!r.ok) throw new Error(r.error.message);
    return r.value as T;
  };
  const s = await call<SessionView>('app:photo.open', { source: { kind: 'path', path: photo } });
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
