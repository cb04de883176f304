/**
 * Output folders explained by their real cause, on real file systems: a file in the way, a read-only
 * file system (for an existing folder and for one still to be created, where Node's recursive mkdir
 * says "no such file"), and a full disk recognised through an error's cause chain.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badInput } from '../../../src-main/core/errors.js';
import { checkOutputFile, isOutOfSpace, prepareOutputFolder } from '../../../src-main/node/output-folder.js';
import { isMounted, mountTmpfs, type Tmpfs } from '../../integration/helpers/tmpfs.js';
import { tempDir } from '../../support/temp-dir.js';

let root: string;
let ro: Tmpfs | { reason: string };
beforeAll(async () => {
  root = tempDir('kintsugi-outfolder-');
  await writeFile(path.join(root, 'a-file'), 'x');
  ro = mountTmpfs(path.join(root, 'ro'), 256 * 1024);
  if (isMounted(ro)) {
    await mkdir(path.join(ro.dir, 'existing'));
    ro.setReadOnly(true);
  }
});
afterAll(async () => {
  if (isMounted(ro)) ro.unmount();
  await rm(root, { recursive: true, force: true });
});

describe('prepareOutputFolder', () => {
  it('creates missing levels', async () => {
    const dir = path.join(root, 'new', 'deeper');
    expect(await prepareOutputFolder(dir)).toBe(dir);
    expect(existsSync(dir)).toBe(true);
  });

  it('refuses an existing file, naming it', async () => {
    await expect(prepareOutputFolder(path.join(root, 'a-file'))).rejects.toThrow(/a-file: the output folder is an existing file, not a folder/);
  });

  it('refuses a folder under a file, naming the file in the way', async () => {
    await expect(prepareOutputFolder(path.join(root, 'a-file', 'sub'))).rejects.toThrow(/a-file is a file, not a folder/);
  });

  it('names a read-only file system for an existing folder and for one still to be created', async (ctx) => {
    if (!isMounted(ro)) return ctx.skip(ro.reason);
    await expect(prepareOutputFolder(path.join(ro.dir, 'existing'))).rejects.toThrow(/read-only file system/);
    const later = path.join(ro.dir, 'later', 'deeper');
    const e = await prepareOutputFolder(later).catch((x: unknown) => x as Error);
    expect(e.message).toMatch(/read-only file system/);
    expect(e.message).not.toMatch(/does not exist|no such/i);
    expect(e.message).toContain(later);
  });
});

describe('checkOutputFile', () => {
  it('names a missing folder as missing and a folder path as a folder', async () => {
    await expect(checkOutputFile(path.join(root, 'missing', 'x.png'))).rejects.toThrow(/output folder .*missing does not exist/);
    await expect(checkOutputFile(root)).rejects.toThrow(/output path is a folder/);
  });

  it('names a read-only file system', async (ctx) => {
    if (!isMounted(ro)) return ctx.skip(ro.reason);
    await expect(checkOutputFile(path.join(ro.dir, 'existing', 'x.png'))).rejects.toThrow(/read-only file system/);
  });
});

describe('isOutOfSpace', () => {
  it('finds ENOSPC, EDQUOT and SQLITE_FULL anywhere in the cause chain', () => {
    const errno = Object.assign(new Error('write failed'), { code: 'ENOSPC' });
    expect(isOutOfSpace(errno)).toBe(true);
    expect(isOutOfSpace(badInput('x', 'no space left on the device', errno))).toBe(true);
    expect(isOutOfSpace(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }))).toBe(true);
    expect(isOutOfSpace(Object.assign(new Error('nope'), { code: 'EACCES' }))).toBe(false);
    expect(isOutOfSpace(undefined)).toBe(false);
  });
});
