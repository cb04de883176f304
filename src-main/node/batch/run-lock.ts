import { lstatSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { badInput } from '../../core/errors.js';
import { isOutOfSpace, writeProblem } from '../output-folder.js';

/** Lock file next to the ledger; a dot file so scans skip it. */
export const LOCK_FILE = '.kintsugi-batch.lock';

/**
 * Makes sure only one batch writes to an OUT_DIR at a time (two would redo each other's `running` files).
 * Holds an exclusive SQLite transaction on a small lock file for the whole run: the OS drops the lock
 * when the process dies, even by SIGKILL or power loss, so a crashed run never blocks the next one —
 * unlike a pid file, which a reused pid can keep "alive". A lock path that is a folder, a link or not a
 * SQLite file is refused naming it (it is not ours; the lock holds no data, so removing it loses
 * nothing). Returns the release function.
 */
export function acquireRunLock(outDir: string): () => void {
  const file = path.join(outDir, LOCK_FILE);
  let st;
  try {
    st = lstatSync(file);
  } catch {
    st = null;
  }
  if (st && !st.isFile()) {
    const kind = st.isDirectory() ? 'a folder' : st.isSymbolicLink() ? 'a symbolic link' : 'not a regular file';
    throw badInput(file, `the batch lock is ${kind}, not the lock file Kintsugi makes; remove it and run again`);
  }
  let db: BetterSqlite3.Database;
  try {
    db = new BetterSqlite3(file, { timeout: 0 });
  } catch (e) {
    throw lockProblem(file, e);
  }
  try {
    db.exec('CREATE TABLE IF NOT EXISTS lock (id INTEGER PRIMARY KEY)');
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code === 'SQLITE_BUSY') {
      throw badInput(outDir, 'another batch is already writing to this output folder; wait for it or stop it first');
    }
    throw lockProblem(file, e);
  }
  return () => {
    try {
      db.exec('ROLLBACK');
    } finally {
      db.close();
    }
  };
}

function lockProblem(file: string, e: unknown): Error {
  const code = String((e as { code?: unknown }).code ?? '');
  if (isOutOfSpace(e)) return badInput(file, 'no space left on the device for the batch lock', e);
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return badInput(file, 'the batch lock is not a lock file Kintsugi made (not SQLite); delete it and run again', e);
  }
  if (code.startsWith('SQLITE_READONLY')) return badInput(file, 'the batch lock cannot be written (read-only); check the output folder', e);
  const errno = (e as NodeJS.ErrnoException).code;
  const problem = writeProblem(errno);
  if (problem) return badInput(file, `the output folder ${problem}`, e);
  return badInput(file, `cannot take the batch lock (${(e as Error).message ?? String(e)})`, e);
}
