import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { badInput } from '../../core/errors.js';

/** Lock file next to the ledger; a dot file so scans skip it. */
export const LOCK_FILE = '.kintsugi-batch.lock';

/**
 * Makes sure only one batch writes to an OUT_DIR at a time (two would redo each other's `running` files).
 * Holds an exclusive SQLite transaction on a small lock file for the whole run: the OS drops the lock
 * when the process dies, even by SIGKILL or power loss, so a crashed run never blocks the next one —
 * unlike a pid file, which a reused pid can keep "alive". Returns the release function.
 */
export function acquireRunLock(outDir: string): () => void {
  const file = path.join(outDir, LOCK_FILE);
  const db = new BetterSqlite3(file, { timeout: 0 });
  try {
    db.exec('CREATE TABLE IF NOT EXISTS lock (id INTEGER PRIMARY KEY)');
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code === 'SQLITE_BUSY') {
      throw badInput(outDir, 'another batch is already writing to this output folder; wait for it or stop it first');
    }
    throw e;
  }
  return () => {
    try {
      db.exec('ROLLBACK');
    } finally {
      db.close();
    }
  };
}
