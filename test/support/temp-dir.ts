/**
 * Temporary folders for tests: one prefix convention (`kintsugi-…`) and one place that knows how to make
 * and remove them, so a test says what the folder is for instead of repeating mkdtemp + tmpdir + join.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A new empty folder under the system temp folder, named `<prefix>XXXXXX`; the caller removes it. */
export function tempDir(prefix = 'kintsugi-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Removes a folder made by {@link tempDir} (or anything else) with its contents; a missing one is fine. */
export function removeDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}
