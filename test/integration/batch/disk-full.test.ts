/**
 * A full disk mid-batch, by injection (runs without root; test/integration/cli/faults.test.ts fills a real
 * tmpfs where it can mount one): the atomic writer's real code runs until the Nth output, whose write fails
 * with ENOSPC as the file system would say it. The batch stops with one message, the photo in hand goes
 * back to the queue (never "failed"), and the same call later resumes without redoing finished photos.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makePhotos, sha256 } from './fixtures.js';
import { tempDir } from '../../support/temp-dir.js';

/** Writes allowed before the disk "fills"; Infinity = plenty of space. */
const disk = vi.hoisted(() => ({ writesLeft: Infinity }));

vi.mock('../../../src-main/node/atomic-write.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src-main/node/atomic-write.js')>();
  return {
    ...real,
    writeFileAtomic: async (file: string, data: Uint8Array): Promise<void> => {
      if (disk.writesLeft <= 0) {
        const { explainWriteError } = await import('../../../src-main/node/output-folder.js');
        throw explainWriteError(file, Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC', errno: -28 }));
      }
      disk.writesLeft--;
      return real.writeFileAtomic(file, data);
    },
  };
});

const { readLedger, runBatch } = await import('../../../src-main/node/batch/index.js');

let root: string;
beforeAll(async () => {
  root = tempDir('kintsugi-disk-full-');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('a batch on a disk that fills up', () => {
  it('stops cleanly with one message, keeps what is done, and resumes losing nothing', async () => {
    const inDir = path.join(root, 'in');
    const masksDir = path.join(root, 'masks');
    const outDir = path.join(root, 'out');
    const made = await makePhotos(inDir, 5, { maskDir: masksDir, scale: 0.4 });
    const inputs = await Promise.all(made.map((m) => sha256(m.abs)));

    disk.writesLeft = 2;
    const err = await runBatch({ inDir, outDir, masksDir, modelId: 'classical' }).catch((e: unknown) => e as Error & { code?: string });
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe('bad-input');
    expect(err.message).toMatch(new RegExp(`^${outDir}: no space left on the device while writing photo-002\\.png: the batch stopped cleanly after restoring 2 photos`));
    let rows = readLedger(outDir);
    expect(rows.filter((r) => r.state === 'done').map((r) => r.rel)).toEqual(['photo-000.png', 'photo-001.jpg']);
    expect(rows.filter((r) => r.state === 'failed')).toEqual([]);
    expect(rows.filter((r) => r.state === 'pending').map((r) => r.rel)).toEqual(['photo-002.png', 'photo-003.jpg', 'photo-004.png']);
    expect((await readdir(outDir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const first = await Promise.all(['photo-000.png', 'photo-001.jpg'].map((n) => sha256(path.join(outDir, n))));

    disk.writesLeft = Infinity;
    const s = await runBatch({ inDir, outDir, masksDir, modelId: 'classical' });
    expect(s.restored).toEqual(['photo-002.png', 'photo-003.jpg', 'photo-004.png']);
    expect(s.skipped.map((x) => x.rel)).toEqual(['photo-000.png', 'photo-001.jpg']);
    expect(s.failed).toEqual([]);
    rows = readLedger(outDir);
    expect(rows.every((r) => r.state === 'done')).toBe(true);
    expect(await Promise.all(['photo-000.png', 'photo-001.jpg'].map((n) => sha256(path.join(outDir, n))))).toEqual(first);
    expect(await Promise.all(made.map((m) => sha256(m.abs)))).toEqual(inputs);
  });

  it('a full disk while writing the comparisons stops the same way', async () => {
    const inDir = path.join(root, 'in2');
    const masksDir = path.join(root, 'masks2');
    const outDir = path.join(root, 'out2');
    const compareDir = path.join(root, 'compare2');
    await makePhotos(inDir, 2, { maskDir: masksDir, scale: 0.4 });
    disk.writesLeft = 3; // both photos, then one comparison
    const err = await runBatch({ inDir, outDir, masksDir, modelId: 'classical', compareDir }).catch((e: unknown) => e as Error);
    expect(err.message).toMatch(new RegExp(`^${compareDir}: no space left on the device`));
    disk.writesLeft = Infinity;
    const s = await runBatch({ inDir, outDir, masksDir, modelId: 'classical', compareDir });
    expect(s.compare?.files).toHaveLength(2);
  });
});
