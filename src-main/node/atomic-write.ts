/**
 * Atomic file replacement: write a temp file in the destination folder, fsync it, rename it over the
 * target, fsync the folder. A crash leaves either the old file or the new one, never half of one; the
 * temp file a killed writer leaves behind is removed by the next write into that folder (and by a batch
 * run over its output folder).
 */
import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { badInput } from '../core/errors.js';
import { explainWriteError } from './output-folder.js';

const TEMP_NAME = /^\.(.+)\.(\d+)\.[0-9a-f]+\.tmp$/i;

/** The temp name a write of `target` uses: `.<name>.<pid>.<hex>.tmp` next to it (a dot file, so scans skip it). */
export function tempNameFor(target: string): string {
  return `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether `name` is the temp file of an atomic write whose writer is gone (killed before its rename):
 * garbage, never an output. Our own pid counts as gone (a temp of ours that is not in flight).
 */
export function isStaleTempName(name: string, isAlive: (pid: number) => boolean = pidAlive): boolean {
  const m = TEMP_NAME.exec(name);
  if (m === null) return false;
  const pid = Number(m[2]);
  return pid === process.pid ? !inFlight.has(name) : !isAlive(pid);
}

/** Temp files this process is writing right now (so a signal handler can remove them). */
const inFlight = new Map<string, string>();

/** Removes the temp files of writes in flight; for exit paths (SIGINT / SIGTERM handlers). Synchronous. */
export function removeTempsInFlight(): void {
  for (const abs of inFlight.values()) {
    try {
      unlinkSync(abs);
    } catch {
      // already renamed or removed
    }
  }
  inFlight.clear();
}

/**
 * Removes the temp files that writers which died (a killed `restore`, a crash) left in the folder of
 * `target`: every write cleans up after the ones before it. Best effort.
 */
async function removeStaleTempsNear(target: string): Promise<void> {
  const dir = dirname(target);
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const n of names) {
    if (n.endsWith('.tmp') && isStaleTempName(n)) await rm(join(dir, n), { force: true }).catch(() => undefined);
  }
}

/** Writes `data` to `path` atomically; failures become bad-input errors naming the path and the real cause. */
export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw badInput(path, 'output path is a folder');
  await removeStaleTempsNear(path);
  const name = tempNameFor(path);
  const tmp = join(dirname(path), name);
  let fh;
  try {
    fh = await open(tmp, 'wx', 0o644);
  } catch (e) {
    throw explainWriteError(path, e);
  }
  inFlight.set(name, tmp);
  try {
    await fh.writeFile(data);
    await fh.sync();
    await fh.close();
    fh = undefined;
    await rename(tmp, path);
  } catch (e) {
    await fh?.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw explainWriteError(path, e);
  } finally {
    inFlight.delete(name);
  }
  // Make the rename itself durable; not every platform lets a folder be opened, so this is best effort.
  const dir = await open(dirname(path), 'r').catch(() => undefined);
  await dir?.sync().catch(() => undefined);
  await dir?.close().catch(() => undefined);
}
