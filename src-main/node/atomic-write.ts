/**
 * Atomic file replacement: write a temp file in the destination folder, fsync it, rename it over the
 * target, fsync the folder. A crash leaves either the old file or the new one, never half of one.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { badInput } from '../core/errors.js';

function explain(path: string, e: unknown): Error {
  const code = (e as NodeJS.ErrnoException).code;
  const folder = dirname(path);
  if (code === 'ENOENT') return badInput(path, `output folder ${folder} does not exist`, e);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return badInput(path, `output folder ${folder} is not writable`, e);
  if (code === 'ENOTDIR') return badInput(path, `${folder} is not a folder`, e);
  if (code === 'ENOSPC') return badInput(path, 'no space left on the device', e);
  if (code === 'EISDIR') return badInput(path, 'output path is a folder', e);
  return badInput(path, `cannot write file (${code ?? String(e)})`, e);
}

/** Writes `data` to `path` atomically; failures become bad-input errors naming the path. */
export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw badInput(path, 'output path is a folder');
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fh;
  try {
    fh = await open(tmp, 'wx', 0o644);
  } catch (e) {
    throw explain(path, e);
  }
  try {
    await fh.writeFile(data);
    await fh.sync();
    await fh.close();
    fh = undefined;
    await rename(tmp, path);
  } catch (e) {
    await fh?.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw explain(path, e);
  }
  // Make the rename itself durable; not every platform lets a folder be opened, so this is best effort.
  const dir = await open(dirname(path), 'r').catch(() => undefined);
  await dir?.sync().catch(() => undefined);
  await dir?.close().catch(() => undefined);
}
