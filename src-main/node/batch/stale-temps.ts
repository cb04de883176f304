import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Temp files of atomic writes (image-io writes `<dir>/.<name>.<random>.tmp`, fsyncs, renames). One left
 * behind means the process died before the rename: it is garbage, never a valid output.
 */
export function isStaleTempName(name: string): boolean {
  return name.startsWith('.') && (/\.tmp$/i.test(name) || /\.tmp-[A-Za-z0-9]+$/i.test(name));
}

/**
 * Deletes temp files that a killed run left under OUT_DIR, so half-written outputs never survive a
 * crash. Call before a run starts (no writer of ours is active then). Returns what was removed.
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
