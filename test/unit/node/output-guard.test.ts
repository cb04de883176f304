/**
 * The write guard on real files: identity beats spelling (links, hard links, `..`), a case-folding file
 * system is honoured (a probe that says so, since this machine's file systems are case-sensitive), and
 * folder relations are found through links.
 */
import { link, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identify, probeCaseFolding, relateFolders, WriteGuard } from '../../../src-main/node/output-guard.js';
import { tempDir } from '../../support/temp-dir.js';

let root: string;
let photo: string;
let mask: string;
beforeAll(async () => {
  root = tempDir('kintsugi-guard-');
  await mkdir(path.join(root, 'in', 'sub'), { recursive: true });
  photo = path.join(root, 'in', 'Photo.jpg');
  mask = path.join(root, 'in', 'mask.png');
  await writeFile(photo, 'original');
  await writeFile(mask, 'mask');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const caseSensitive = async (): Promise<boolean> => false;
const caseFolding = async (): Promise<boolean> => true;

describe('WriteGuard', () => {
  it('refuses the input itself, and names the file and its role', async () => {
    const guard = await WriteGuard.create([{ path: photo, role: 'input photo' }], caseSensitive);
    await expect(guard.check(photo)).rejects.toThrow(/Photo\.jpg: the output would replace the input photo/);
  });

  it('refuses another spelling of the same path (.., ./)', async () => {
    const guard = await WriteGuard.create([{ path: photo, role: 'input photo' }], caseSensitive);
    await expect(guard.check(path.join(root, 'in', 'sub', '..', '.', 'Photo.jpg'))).rejects.toMatchObject({ code: 'bad-input' });
  });

  it('refuses a symlink to a protected file, and a path through a symlinked folder', async () => {
    const guard = await WriteGuard.create([{ path: mask, role: 'mask' }], caseSensitive);
    const viaLink = path.join(root, 'link-to-mask.png');
    await symlink(mask, viaLink);
    await expect(guard.check(viaLink)).rejects.toThrow(/would replace the mask/);
    const folderLink = path.join(root, 'in-link');
    await symlink(path.join(root, 'in'), folderLink);
    await expect(guard.check(path.join(folderLink, 'mask.png'))).rejects.toThrow(/would replace the mask/);
  });

  it('refuses a hard link to a protected file (same device and inode)', async () => {
    const guard = await WriteGuard.create([{ path: photo, role: 'input photo' }], caseSensitive);
    const hard = path.join(root, 'hard.jpg');
    await link(photo, hard);
    await expect(guard.check(hard)).rejects.toThrow(/input photo/);
  });

  it('allows a new file and an unrelated existing one', async () => {
    const guard = await WriteGuard.create([{ path: photo, role: 'input photo' }], caseSensitive);
    await expect(guard.check(path.join(root, 'in', 'restored.jpg'))).resolves.toBeUndefined();
    await writeFile(path.join(root, 'other.jpg'), 'x');
    await expect(guard.check(path.join(root, 'other.jpg'))).resolves.toBeUndefined();
  });

  it('on a file system that folds case, another case of a protected name is the same file', async () => {
    const upper = path.join(root, 'in', 'PHOTO.JPG'); // does not exist here: this file system is case-sensitive
    const folding = await WriteGuard.create([{ path: photo, role: 'input photo' }], caseFolding);
    await expect(folding.check(upper)).rejects.toThrow(/would replace the input photo/);
    const sensitive = await WriteGuard.create([{ path: photo, role: 'input photo' }], caseSensitive);
    await expect(sensitive.check(upper)).resolves.toBeUndefined();
  });

  it('remembers protected files that do not exist yet by their real path', async () => {
    const ledger = path.join(root, 'in-link', 'sub', '.ledger');
    const guard = await WriteGuard.create([{ path: ledger, role: 'batch ledger' }], caseSensitive);
    await expect(guard.check(path.join(root, 'in', 'sub', '.ledger'))).rejects.toThrow(/batch ledger/);
  });
});

describe('probeCaseFolding', () => {
  it('asks the file system itself (tmp here is case-sensitive)', async () => {
    expect(await probeCaseFolding(path.join(root, 'in'))).toBe(false);
  });
});

describe('relateFolders', () => {
  it('sees the same folder through a link and through ..', async () => {
    expect(await relateFolders(path.join(root, 'in-link'), path.join(root, 'in'), caseSensitive)).toBe('same');
    expect(await relateFolders(path.join(root, 'in', 'sub', '..'), path.join(root, 'in'), caseSensitive)).toBe('same');
  });

  it('knows inside from containing, also for a folder still to be created', async () => {
    expect(await relateFolders(path.join(root, 'in', 'sub'), path.join(root, 'in'), caseSensitive)).toBe('inside');
    expect(await relateFolders(root, path.join(root, 'in'), caseSensitive)).toBe('contains');
    expect(await relateFolders(path.join(root, 'in-link', 'new', 'deeper'), path.join(root, 'in'), caseSensitive)).toBe('inside');
    expect(await relateFolders(path.join(root, 'elsewhere'), path.join(root, 'in'), caseSensitive)).toBe('apart');
  });

  it('folds case for folders that do not exist yet where the file system folds case', async () => {
    const a = path.join(root, 'Later');
    const b = path.join(root, 'later');
    expect(await relateFolders(a, b, caseFolding)).toBe('same');
    expect(await relateFolders(a, b, caseSensitive)).toBe('apart');
  });
});

describe('identify', () => {
  it('gives device and inode for existing files and a real path for missing ones', async () => {
    const real = await identify(photo);
    expect(real.id).toMatch(/^\d+:\d+$/);
    const missing = await identify(path.join(root, 'in-link', 'nope', 'x.png'));
    expect(missing.id).toBeUndefined();
    expect(missing.real).toBe(path.join(await (await import('node:fs/promises')).realpath(root), 'in', 'nope', 'x.png'));
  });
});
