import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEDGER_FILE } from '../../../src-main/node/batch/index.js';
import { makePhotos, pixels, repoRoot, sha256, type MadePhoto } from './fixtures.js';
import { tempDir } from '../../support/temp-dir.js';

const bin = path.join(repoRoot, 'src-main/cli/bin.js');

let root: string;
let inDir: string;
let maskDir: string;
let made: MadePhoto[];
beforeAll(async () => {
  root = tempDir('kintsugi-batch-kill-');
  inDir = path.join(root, 'in');
  maskDir = path.join(root, 'masks');
  // Large enough that one photo takes a noticeable time, so the kill lands mid-batch.
  made = await makePhotos(inDir, 8, { maskDir, scale: 3 });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function cli(outDir: string): ChildProcess {
  return spawn(process.execPath, [bin, 'batch', inDir, '--out', outDir, '--masks', maskDir, '--model', 'classical', '--json'], {
    cwd: repoRoot,
    // The source under test, never a stale dist/ build.
    env: { ...process.env, KINTSUGI_FROM_SOURCE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so kill -9 reaches every process of the CLI (bin.js may start the TS source
    // through a child), as a power cut would.
    detached: true,
  });
}

function finished(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

function ledgerCounts(outDir: string): Record<string, number> {
  const file = path.join(outDir, LEDGER_FILE);
  if (!existsSync(file)) return {};
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    const rows = db.prepare('SELECT state, COUNT(*) AS n FROM files GROUP BY state').all() as Array<{ state: string; n: number }>;
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  } catch {
    return {}; // not migrated yet
  } finally {
    db?.close();
  }
}

describe('kintsugi batch killed with SIGKILL', () => {
  it('resumes to outputs identical to a clean run, with the originals untouched', async () => {
    const hashes = await Promise.all(made.map((m) => sha256(m.abs)));
    const killedOut = path.join(root, 'out-killed');
    const cleanOut = path.join(root, 'out-clean');

    const child = cli(killedOut);
    const exit = finished(child);
    let countsAtKill: Record<string, number> = {};
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        const c = ledgerCounts(killedOut);
        // Kill while the next photo is being restored (a `running` row), so resume must redo it.
        if (((c['done'] ?? 0) >= 1 && (c['running'] ?? 0) >= 1) || (c['done'] ?? 0) >= 3) {
          clearInterval(timer);
          countsAtKill = c;
          process.kill(-child.pid!, 'SIGKILL');
          resolve();
        }
      }, 20);
      child.on('exit', () => {
        clearInterval(timer);
        reject(new Error('the batch finished before it could be killed; make the photos larger'));
      });
    });
    const killed = await exit;
    console.info(`killed with ledger states ${JSON.stringify(countsAtKill)}; after the kill: ${JSON.stringify(ledgerCounts(killedOut))}`);
    expect(killed.signal).toBe('SIGKILL');
    expect(countsAtKill['done'] ?? 0).toBeLessThan(made.length);

    const resumed = await finished(cli(killedOut));
    expect(resumed.code, resumed.stderr).toBe(0);
    const summary = JSON.parse(resumed.stdout) as { restored: string[]; skipped: Array<{ reason: string }>; failed: unknown[] };
    expect(summary.failed).toEqual([]);
    expect(summary.skipped.length).toBeGreaterThanOrEqual(1);
    expect(summary.restored.length + summary.skipped.length).toBe(made.length);

    const clean = await finished(cli(cleanOut));
    expect(clean.code, clean.stderr).toBe(0);

    for (const m of made) {
      const a = await pixels(path.join(killedOut, m.rel));
      const b = await pixels(path.join(cleanOut, m.rel));
      expect([a.width, a.height, a.format]).toEqual([b.width, b.height, b.format]);
      expect(a.data.equals(b.data), `${m.rel} differs from the clean run`).toBe(true);
    }
    const leftovers = (await readdir(killedOut)).filter((n) => n.endsWith('.tmp'));
    expect(leftovers).toEqual([]);
    expect(await Promise.all(made.map((m) => sha256(m.abs)))).toEqual(hashes);
    expect(ledgerCounts(killedOut)).toEqual({ done: made.length });
  });
});
