/**
 * Output folders and files, checked before any work and explained by their real cause: a folder that is
 * a file, one on a read-only file system (also when it is still to be created: Node's recursive mkdir
 * reports that as "no such file"), one without permission, a full disk. Every message names the path.
 */
import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { badInput, type KintsugiError } from '../core/errors.js';

/** Error codes that mean the device cannot take more bytes (a batch stops on them and resumes later). */
const OUT_OF_SPACE = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);

/** Whether `e` (or anything in its cause chain) says the disk is full or the quota is used up. */
export function isOutOfSpace(e: unknown): boolean {
  for (let cur = e, depth = 0; cur && depth < 8; cur = (cur as { cause?: unknown }).cause, depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && OUT_OF_SPACE.has(code)) return true;
  }
  return false;
}

/** One phrase for a write failure's errno, or undefined for codes we have no words for. */
export function writeProblem(code: string | undefined): string | undefined {
  switch (code) {
    case 'EROFS':
      return 'is on a read-only file system';
    case 'EACCES':
    case 'EPERM':
      return 'is not writable (permission denied)';
    case 'ENOSPC':
      return 'has no space left on the device';
    case 'EDQUOT':
      return 'is over the disk quota';
    default:
      return undefined;
  }
}

/** Turns a failed write of `file` in `folder` into bad input naming the file and the real cause. */
export function explainWriteError(file: string, e: unknown): KintsugiError {
  const code = (e as NodeJS.ErrnoException).code;
  const folder = path.dirname(path.resolve(file));
  if (code === 'ENOSPC') return badInput(file, 'no space left on the device', e);
  if (code === 'EDQUOT') return badInput(file, 'disk quota exceeded', e);
  if (code === 'EISDIR') return badInput(file, 'output path is a folder', e);
  if (code === 'ENOTDIR') return badInput(file, `${folder} is not a folder`, e);
  if (code === 'ENOENT') return badInput(file, `output folder ${folder} does not exist`, e);
  const problem = writeProblem(code);
  if (problem) return badInput(file, `output folder ${folder} ${problem}`, e);
  return badInput(file, `cannot write the file (${code ?? (e instanceof Error ? e.message : String(e))})`, e);
}

async function checkWritable(dir: string, what: string): Promise<void> {
  try {
    await access(dir, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw badInput(dir, `the ${what} ${writeProblem(code) ?? `cannot be written (${code ?? String(e)})`}`, e);
  }
}

/**
 * Makes sure `dir` is a writable folder, creating missing levels one at a time so a failure names the
 * level and its real cause. Returns the absolute path.
 */
export async function prepareOutputFolder(dir: string, what = 'output folder'): Promise<string> {
  const abs = path.resolve(dir);
  const st = await stat(abs).catch((e: NodeJS.ErrnoException) => e);
  if (!(st instanceof Error)) {
    if (!st.isDirectory()) throw badInput(abs, `the ${what} is an existing file, not a folder`);
    await checkWritable(abs, what);
    return abs;
  }
  if (st.code !== 'ENOENT' && st.code !== 'ENOTDIR') {
    throw badInput(abs, `cannot use the ${what} (${writeProblem(st.code) ?? st.code ?? st.message})`, st);
  }
  const missing: string[] = [];
  let cur = abs;
  for (;;) {
    const s = await stat(cur).catch(() => null);
    if (s) {
      if (!s.isDirectory()) throw badInput(abs, `cannot create the ${what}: ${cur} is a file, not a folder`);
      break;
    }
    const parent = path.dirname(cur);
    if (parent === cur) break;
    missing.unshift(cur);
    cur = parent;
  }
  for (const level of missing) {
    try {
      await mkdir(level);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && (await stat(level).catch(() => null))?.isDirectory()) continue;
      const parent = path.dirname(level);
      const problem = code === 'ENOSPC' ? 'no space left on the device' : writeProblem(code) ? `${parent} ${writeProblem(code)}` : (code ?? String(e));
      throw badInput(abs, `cannot create the ${what}: ${problem}`, e);
    }
  }
  return abs;
}

/**
 * Checks, before any work, that `file` can be written: not a folder, in a folder that exists and is
 * writable. (The write itself is atomic; see atomic-write.ts.)
 */
export async function checkOutputFile(file: string): Promise<void> {
  const abs = path.resolve(file);
  const st = await stat(abs).catch(() => null);
  if (st?.isDirectory()) throw badInput(file, 'output path is a folder');
  const folder = path.dirname(abs);
  const fst = await stat(folder).catch((e: NodeJS.ErrnoException) => e);
  if (fst instanceof Error) {
    if (fst.code === 'ENOENT') throw badInput(file, `output folder ${folder} does not exist`, fst);
    if (fst.code === 'ENOTDIR') throw badInput(file, `${folder} is not a folder`, fst);
    throw badInput(file, `cannot use the output folder ${folder} (${fst.code ?? fst.message})`, fst);
  }
  if (!fst.isDirectory()) throw badInput(file, `${folder} is not a folder`);
  try {
    await access(folder, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw badInput(file, `output folder ${folder} ${writeProblem(code) ?? `cannot be written (${code})`}`, e);
  }
}
