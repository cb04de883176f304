import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { isStaleTempName } from '../atomic-write.js';

/**
 * Temp files of atomic writes (node/atomic-write.ts writes `<dir>/.<name>.<pid>.<hex>.tmp`, fsyncs,
 * renames). One whose writer process is gone means it died before the rename: garbage, never an output.
 */
export { isStaleTempName };

/**
 * Deletes temp files that a killed run left under OUT_DIR, so half-written outputs never survive a
 * crash. Call before a run starts; temps of another live process (a second batch) are left alone.
 * Returns what was removed.
 */
export async function removeStaleTemps(outDir: string): Promise<string[]> {
  const removed: string[] = [];
  async function walk(dir: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory() && !e.isSymbolicLink()) await walk(abs);
      else if (e.isFile() && isStaleTempName(e.name)) {
        await rm(abs, { force: true });
        removed.push(abs);
      }
    }
  }
  await walk(outDir);
  return removed;
}
