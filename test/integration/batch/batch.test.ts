import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PauseGate, readLedger, runBatch, LEDGER_FILE, type FileEvent } from '../../../src-main/node/batch/index.js';
import { makePhotos, pixels, repoRoot, sha256 } from './fixtures.js';
import { tempDir } from '../../support/temp-dir.js';

let root: string;
beforeAll(async () => {
  root = tempDir('kintsugi-batch-');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...(await listFiles(path.join(dir, e.name), `${prefix}${e.name}/`)));
    else out.push(prefix + e.name);
  }
  return out.sort();
}

describe('runBatch with given masks and the classical model', () => {
  it('restores every photo into OUT_DIR inside IN_DIR, keeps structure and format, and does not reprocess outputs', async () => {
    const inDir = path.join(root, 'nested');
    const maskDir = path.join(root, 'nested-masks');
    const made = await makePhotos(inDir, 5, { maskDir, subdirEvery: 2 });
    const before = await Promise.all(made.map((m) => sha256(m.abs)));
    const outDir = path.join(inDir, 'restored');
    const compareDir = path.join(inDir, 'compare');
    const events: FileEvent[] = [];
    let queue: FileEvent[] = [];
    const s1 = await runBatch(
      { inDir, outDir, masksDir: maskDir, recursive: true, modelId: 'classical', compareDir },
      { onFile: (e) => events.push(e), onQueue: (q) => (queue = q) },
    );
    expect(queue.map((q) => [q.rel, q.state])).toEqual(made.map((m) => [m.rel, 'pending']).sort());
    expect(s1.failed).toEqual([]);
    expect(s1.restored.sort()).toEqual(made.map((m) => m.rel).sort());
    for (const m of made) {
      const out = path.join(outDir, ...m.rel.split('/'));
      const meta = await sharp(out).metadata();
      expect(meta.format).toBe(m.rel.endsWith('.png') ? 'png' : 'jpeg');
      expect([meta.width, meta.height]).toEqual([m.width, m.height]);
    }
    expect(await listFiles(outDir)).toEqual(
      expect.arrayContaining(['photo-000.png', 'sub/photo-001.jpg', 'sub/photo-003.jpg']),
    );
    // Every state change was announced: running then done for each photo.
    for (const m of made) {
      expect(events.filter((e) => e.rel === m.rel).map((e) => e.state)).toEqual(['running', 'done']);
    }
    expect(existsSync(path.join(compareDir, 'index.html'))).toBe(true);

    // Second run: outputs and comparisons inside IN_DIR are not inputs; everything is already done.
    const s2 = await runBatch({ inDir, outDir, masksDir: maskDir, recursive: true, modelId: 'classical', compareDir });
    expect(s2.total).toBe(made.length);
    expect(s2.restored).toEqual([]);
    expect(s2.skipped.map((x) => x.reason)).toEqual(made.map(() => 'already restored by an earlier run'));
    expect(readLedger(outDir).map((r) => r.rel)).toEqual(made.map((m) => m.rel).sort());
    expect(await Promise.all(made.map((m) => sha256(m.abs)))).toEqual(before);
  });

  it('redoes a changed input, a crash-left running row and a missing output; removes stale temp files', async () => {
    const inDir = path.join(root, 'resume-in');
    const maskDir = path.join(root, 'resume-masks');
    const outDir = path.join(root, 'resume-out');
    const made = await makePhotos(inDir, 4, { maskDir });
    await runBatch({ inDir, outDir, masksDir: maskDir, modelId: 'classical' });

    // 1: input replaced by another photo; 2: left "running" by a killed process; 3: output deleted.
    await makePhotos(path.join(root, 'other'), 2, { offset: 10 });
    await sharp(path.join(root, 'other', 'photo-001.jpg')).resize(made[1]!.width, made[1]!.height).jpeg().toFile(made[1]!.abs);
    const db = new BetterSqlite3(path.join(outDir, LEDGER_FILE));
    db.prepare("UPDATE files SET state = 'running' WHERE rel = ?").run(made[2]!.rel);
    db.close();
    await rm(path.join(outDir, made[3]!.rel));
    const stale = path.join(outDir, `.${made[0]!.rel}.999999.abcd1234.tmp`);
    await writeFile(stale, 'half a file');

    const s = await runBatch({ inDir, outDir, masksDir: maskDir, modelId: 'classical' });
    expect(s.restored.sort()).toEqual([made[1]!.rel, made[2]!.rel, made[3]!.rel].sort());
    expect(s.skipped.map((x) => x.rel)).toEqual([made[0]!.rel]);
    expect(existsSync(stale)).toBe(false);
    expect(readLedger(outDir).every((r) => r.state === 'done' && r.inputSha256 !== null)).toBe(true);
  });

  it('pauses between photos, resumes, and on cancel leaves the rest pending for the next run', async () => {
    const inDir = path.join(root, 'pause-in');
    const maskDir = path.join(root, 'pause-masks');
    const outDir = path.join(root, 'pause-out');
    const made = await makePhotos(inDir, 4, { maskDir });
    const gate = new PauseGate();
    const controller = new AbortController();
    let doneCount = 0;
    const run = runBatch(
      { inDir, outDir, masksDir: maskDir, modelId: 'classical', gate },
      {
        onFile: (e) => {
          if (e.state !== 'done') return;
          doneCount++;
          if (doneCount === 1) {
            gate.pause();
            // While paused nothing new starts; then cancel.
            setTimeout(() => {
              expect(readLedger(outDir).filter((r) => r.state === 'running')).toEqual([]);
              controller.abort();
            }, 300);
          }
        },
      },
      controller.signal,
    );
    const s = await run;
    expect(s.cancelled).toBe(true);
    expect(s.restored).toHaveLength(1);
    const rows = readLedger(outDir);
    expect(rows.filter((r) => r.state === 'done')).toHaveLength(1);
    expect(rows.filter((r) => r.state === 'pending')).toHaveLength(3);

    const s2 = await runBatch({ inDir, outDir, masksDir: maskDir, modelId: 'classical' });
    expect(s2.restored).toHaveLength(3);
    expect(readLedger(outDir).every((r) => r.state === 'done')).toBe(true);
    expect(made).toHaveLength(4);
  });

  it('matches masks by stem with any extension, skips photos that have none, and refuses OUT_DIR = IN_DIR', async () => {
    const inDir = path.join(root, 'stem-in');
    const maskDir = path.join(root, 'stem-masks');
    const outDir = path.join(root, 'stem-out');
    const made = await makePhotos(inDir, 3, { maskDir });
    // Mask of photo-001 as JPEG instead of PNG; photo-002 has no mask at all.
    const m1 = path.join(maskDir, 'photo-001.png');
    await sharp(m1).jpeg({ quality: 100 }).toFile(path.join(maskDir, 'photo-001.jpeg'));
    await rm(m1);
    await rm(path.join(maskDir, 'photo-002.png'));
    const s = await runBatch({ inDir, outDir, masksDir: maskDir, modelId: 'classical' });
    expect(s.restored.sort()).toEqual([made[0]!.rel, made[1]!.rel]);
    expect(s.skipped).toEqual([{ rel: made[2]!.rel, reason: expect.stringContaining('no mask') }]);
    expect(readLedger(outDir).find((r) => r.rel === made[1]!.rel)?.maskPath).toBe(path.join(maskDir, 'photo-001.jpeg'));
    // The restored pixels differ from the input only where the mask says.
    const a = await pixels(made[0]!.abs);
    const b = await pixels(path.join(outDir, made[0]!.rel));
    expect(a.data.equals(b.data)).toBe(false);

    await expect(runBatch({ inDir, outDir: inDir, modelId: 'classical' })).rejects.toMatchObject({ code: 'bad-input' });
    await expect(runBatch({ inDir, outDir: path.dirname(inDir), modelId: 'classical' })).rejects.toThrow(/contains the input folder/);
    await expect(runBatch({ inDir: path.join(root, 'nope'), outDir, modelId: 'classical' })).rejects.toThrow(/nope: the input folder does not exist/);
  });

  it('runs two photos at a time with --jobs 2 and gets the same pixels as --jobs 1', async () => {
    const inDir = path.join(root, 'jobs-in');
    const maskDir = path.join(root, 'jobs-masks');
    const made = await makePhotos(inDir, 4, { maskDir });
    const o1 = path.join(root, 'jobs-out-1');
    const o2 = path.join(root, 'jobs-out-2');
    await runBatch({ inDir, outDir: o1, masksDir: maskDir, modelId: 'classical', jobs: 1 });
    let maxRunning = 0;
    let running = 0;
    await runBatch(
      { inDir, outDir: o2, masksDir: maskDir, modelId: 'classical', jobs: 2 },
      {
        onFile: (e) => {
          if (e.state === 'running') maxRunning = Math.max(maxRunning, ++running);
          else if (e.state === 'done' || e.state === 'failed') running--;
        },
      },
    );
    expect(maxRunning).toBe(2);
    for (const m of made) {
      expect((await pixels(path.join(o1, m.rel))).data.equals((await pixels(path.join(o2, m.rel))).data)).toBe(true);
    }
  });
});

describe('the ledger schema', () => {
  it('migration 1 turns an empty file into a current ledger and reopening keeps rows', async () => {
    const outDir = path.join(root, 'ledger');
    await mkdir(outDir, { recursive: true });
    new BetterSqlite3(path.join(outDir, LEDGER_FILE)).close(); // version 0: an empty database
    expect(readLedger(outDir)).toEqual([]);
    const db = new BetterSqlite3(path.join(outDir, LEDGER_FILE));
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.prepare("INSERT INTO files (rel, state, updated_at) VALUES ('a.jpg', 'failed', 1)").run();
    expect(() => db.prepare("INSERT INTO files (rel, state, updated_at) VALUES ('b.jpg', 'weird', 1)").run()).toThrow();
    db.close();
    expect(readLedger(outDir)).toMatchObject([{ rel: 'a.jpg', state: 'failed', attempts: 0 }]);
  });
});

describe('utimes sanity', () => {
  it('mtime changes alone do not force a redo when the hash is unchanged', async () => {
    const inDir = path.join(root, 'mtime-in');
    const maskDir = path.join(root, 'mtime-masks');
    const outDir = path.join(root, 'mtime-out');
    const made = await makePhotos(inDir, 1, { maskDir });
    await runBatch({ inDir, outDir, masksDir: maskDir, modelId: 'classical' });
    await utimes(made[0]!.abs, new Date(), new Date(Date.now() + 5000));
    const s = await runBatch({ inDir, outDir, masksDir: maskDir, modelId: 'classical' });
    expect(s.restored).toEqual([]);
  });
});

const manifestPath = path.join(repoRoot, 'models/manifest.json');
const manifest = existsSync(manifestPath)
  ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as { defaults?: Record<string, string> })
  : null;
const hasDefaults = typeof manifest?.defaults?.['inpaint'] === 'string' && typeof manifest?.defaults?.['detect-damage'] === 'string';
if (!hasDefaults) console.info('batch: no shipped default inpaint + detect-damage models in models/manifest.json; skipping the default-model run');

describe.skipIf(!hasDefaults)('runBatch with the shipped default models', () => {
  it('detects damage and restores two photos with the defaults', async () => {
    const inDir = path.join(root, 'default-in');
    const outDir = path.join(root, 'default-out');
    const made = await makePhotos(inDir, 2);
    const s = await runBatch({ inDir, outDir });
    expect(s.failed).toEqual([]);
    expect(s.restored.sort()).toEqual(made.map((m) => m.rel).sort());
    const rows = readLedger(outDir);
    expect(rows.every((r) => r.modelId === manifest!.defaults!['inpaint'] || r.holePixels === 0)).toBe(true);
    for (const m of made) expect((await sharp(path.join(outDir, m.rel)).metadata()).width).toBe(m.width);
  });
});

describe.skipIf(hasDefaults)('runBatch without masks and without a detector', () => {
  it('stops once with a clear message instead of failing every photo', async () => {
    const inDir = path.join(root, 'nodetector-in');
    await makePhotos(inDir, 2);
    await expect(runBatch({ inDir, outDir: path.join(root, 'nodetector-out') })).rejects.toThrow(
      /no damage-detection model installed: give a masks folder/,
    );
  });
});

describe('one batch per output folder', () => {
  it('refuses a second concurrent batch into the same OUT_DIR and frees the folder when the first ends', async () => {
    const inDir = path.join(root, 'lock-in');
    const maskDir = path.join(root, 'lock-masks');
    const outDir = path.join(root, 'lock-out');
    await makePhotos(inDir, 2, { maskDir });
    let queued!: () => void;
    const isQueued = new Promise<void>((r) => (queued = r));
    const first = runBatch({ inDir, outDir, masksDir: maskDir, modelId: 'classical' }, { onQueue: () => queued() });
    await isQueued;
    await expect(runBatch({ inDir, outDir, masksDir: maskDir, modelId: 'classical' })).rejects.toThrow(/another batch is already writing/);
    expect((await first).restored).toHaveLength(2);
    const again = await runBatch({ inDir, outDir, masksDir: maskDir, modelId: 'classical' });
    expect(again.skipped).toHaveLength(2);
  });
});
