import { copyFile, mkdir, readFile, rm, symlink, chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { accessSync, constants } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSummary } from '../../../src-main/cli/commands/batch.js';
import { readLedger, runBatch } from '../../../src-main/node/batch/index.js';
import { makePhotos, sha256 } from './fixtures.js';
import { tempDir } from '../../support/temp-dir.js';

let root: string;
beforeAll(async () => {
  root = tempDir('kintsugi-batch-bad-');
});
afterAll(async () => {
  await chmod(path.join(root, 'in', 'locked'), 0o755).catch(() => undefined);
  await rm(root, { recursive: true, force: true });
});

/** chmod 000 blocks nobody when tests run as root; detect it instead of trusting the uid. */
async function chmodBlocksReads(dir: string): Promise<boolean> {
  try {
    accessSync(dir, constants.R_OK);
    return false;
  } catch {
    return true;
  }
}

describe('a batch over a folder with broken files', () => {
  it('restores every good photo and names each failure in the summary', async () => {
    const inDir = path.join(root, 'in');
    const maskDir = path.join(root, 'masks');
    const outDir = path.join(root, 'out');
    const good = await makePhotos(inDir, 3, { maskDir });
    const mask0 = path.join(maskDir, 'photo-000.png');
    // A JPEG header followed by garbage, a zero-byte PNG, text wearing a .jpg name, and a plain text file.
    const realJpeg = await readFile(good[1]!.abs);
    await writeFile(path.join(inDir, 'corrupt.jpg'), Buffer.concat([realJpeg.subarray(0, 200), Buffer.alloc(4000, 0x5a)]));
    await writeFile(path.join(inDir, 'empty.png'), Buffer.alloc(0));
    await writeFile(path.join(inDir, 'letter.jpg'), 'Dear Aunt Mary, here are the scans.\n');
    await writeFile(path.join(inDir, 'notes.txt'), 'not a photo');
    for (const n of ['corrupt', 'empty', 'letter']) await copyFile(mask0, path.join(maskDir, `${n}.png`));

    // An unreadable subfolder. As root chmod 000 does not block reads, so use a folder link that leads
    // nowhere (readdir fails with ENOENT) and say so.
    const locked = path.join(inDir, 'locked');
    await mkdir(locked);
    await makePhotos(locked, 1);
    await chmod(locked, 0o000);
    let unreadable = 'locked/';
    if (!(await chmodBlocksReads(locked))) {
      console.info('running as root: chmod 000 does not block reads here; testing a dangling folder link instead');
      await chmod(locked, 0o755);
      await rm(locked, { recursive: true });
      await symlink(path.join(root, 'gone-folder'), path.join(inDir, 'unreachable'));
      unreadable = 'unreachable';
    }
    const hashes = await Promise.all(good.map((g) => sha256(g.abs)));

    const s = await runBatch({ inDir, outDir, masksDir: maskDir, recursive: true, modelId: 'classical' });
    expect(s.restored.sort()).toEqual(good.map((g) => g.rel).sort());
    const failed = Object.fromEntries(s.failed.map((f) => [f.rel, f.reason]));
    expect(Object.keys(failed).sort()).toEqual(['corrupt.jpg', 'empty.png', 'letter.jpg', unreadable].sort());
    expect(failed[unreadable]).toMatch(/cannot read/);
    expect(failed['empty.png']).toMatch(/empty|0 bytes|cannot|not/i);
    expect(s.ignored).toEqual(['notes.txt']);
    const text = formatSummary(s);
    console.info(text);
    for (const rel of Object.keys(failed)) expect(text).toContain(rel);
    expect(text).toMatch(/restored 3/);
    expect(text).toMatch(/failed 4/);
    // No stack traces reach people.
    expect(text).not.toMatch(/\n\s+at /);
    // The ledger keeps the failures with their reasons; originals untouched.
    const rows = readLedger(outDir);
    expect(rows.filter((r) => r.state === 'failed').map((r) => r.rel).sort()).toEqual(['corrupt.jpg', 'empty.png', 'letter.jpg']);
    expect(rows.find((r) => r.rel === 'letter.jpg')?.errorCode).toBe('bad-input');
    expect(await Promise.all(good.map((g) => sha256(g.abs)))).toEqual(hashes);
  });
});
