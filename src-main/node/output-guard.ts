/**
 * The one check every writer makes before it writes: an output may never replace a file Kintsugi was
 * given to read (an original photo, a mask) or its own records (the batch ledger, its lock, the library).
 * Paths are compared by what they are, not how they are spelled: device + inode for everything that
 * exists (which also sees through symlinks, hard links, `..`, bind mounts and, on a case-insensitive
 * file system, `Photo.JPG` vs `photo.jpg`), and the real path — case-folded where the file system folds
 * case — for what does not exist yet. Folders are related the same way (is OUT the input folder, or an
 * ancestor of it?) by walking real ancestors and comparing their identities.
 */
import { randomBytes } from 'node:crypto';
import { lstat, readdir, realpath, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { badInput } from '../core/errors.js';

/** A file that must never be written, with what it is ("input photo", "mask", "batch ledger"). */
export interface ProtectedFile {
  path: string;
  role: string;
}

/** What a path is on disk: its real path, and device + inode when it exists. */
export interface FileIdentity {
  /** Absolute path with every symlink resolved (for a missing file: its deepest existing ancestor's). */
  real: string;
  /** `dev:ino` of the file (following symlinks), when it exists. */
  id?: string;
  isDirectory?: boolean;
}

/** Tells whether the file system holding `dir` (an existing folder) treats `a` and `A` as one name. */
export type CaseFoldProbe = (dir: string) => Promise<boolean>;

function idOf(st: { dev: number | bigint; ino: number | bigint }): string {
  return `${st.dev}:${st.ino}`;
}

/** The deepest existing ancestor of an absolute path, and the missing components below it. */
async function splitExisting(abs: string): Promise<{ existing: string; rest: string[] }> {
  const rest: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      await stat(cur);
      return { existing: cur, rest };
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return { existing: cur, rest };
      rest.unshift(path.basename(cur));
      cur = parent;
    }
  }
}

/** Resolves a path (existing or not) to its identity. Never throws for a missing file. */
export async function identify(p: string): Promise<FileIdentity> {
  const abs = path.resolve(p);
  try {
    const st = await stat(abs);
    return { real: await realpath(abs), id: idOf(st), isDirectory: st.isDirectory() };
  } catch {
    const { existing, rest } = await splitExisting(abs);
    const base = await realpath(existing).catch(() => existing);
    return { real: path.join(base, ...rest) };
  }
}

const foldCache = new Map<string, boolean>();

function swapCase(name: string): string {
  return [...name].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
}

/**
 * Finds out whether the file system of `dir` folds case, by asking it: an entry of the folder (or a
 * probe file written there when the folder has no cased names) is looked up with its case swapped.
 * Cached per device. A folder that cannot be probed counts as folding on macOS and Windows (their
 * defaults) and as case-sensitive elsewhere.
 */
export const probeCaseFolding: CaseFoldProbe = async (dir) => {
  const st = await stat(dir).catch(() => null);
  if (!st) return process.platform === 'darwin' || process.platform === 'win32';
  const key = String(st.dev);
  const cached = foldCache.get(key);
  if (cached !== undefined) return cached;
  const answer = async (name: string): Promise<boolean> => {
    const a = await stat(path.join(dir, name)).catch(() => null);
    const b = await stat(path.join(dir, swapCase(name))).catch(() => null);
    return !!a && !!b && idOf(a) === idOf(b);
  };
  let folds: boolean | undefined;
  const names = await readdir(dir).catch(() => [] as string[]);
  const cased = names.find((n) => swapCase(n) !== n && !names.includes(swapCase(n)));
  if (cased !== undefined) folds = await answer(cased);
  else {
    const probe = `.kintsugi-case-probe-${randomBytes(4).toString('hex')}`;
    try {
      await writeFile(path.join(dir, probe), '', { flag: 'wx' });
      folds = await answer(probe);
    } catch {
      folds = undefined;
    } finally {
      await rm(path.join(dir, probe), { force: true }).catch(() => undefined);
    }
  }
  const result = folds ?? (process.platform === 'darwin' || process.platform === 'win32');
  foldCache.set(key, result);
  return result;
};

function fold(real: string): string {
  return real.normalize('NFC').toLowerCase();
}

/**
 * Remembers the identities of protected files and refuses any output that is one of them. Build one per
 * command (or per batch) from everything it reads; check every path before writing to it.
 */
export class WriteGuard {
  private readonly byId = new Map<string, ProtectedFile>();
  private readonly byReal = new Map<string, ProtectedFile>();
  private readonly byFolded = new Map<string, ProtectedFile>();

  constructor(private readonly foldsCase: CaseFoldProbe = probeCaseFolding) {}

  /** A guard that protects `files` (missing ones are remembered by real path). */
  static async create(files: ProtectedFile[], foldsCase?: CaseFoldProbe): Promise<WriteGuard> {
    const guard = new WriteGuard(foldsCase);
    await guard.protect(files);
    return guard;
  }

  /** Adds files to protect. */
  async protect(files: ProtectedFile[]): Promise<void> {
    for (const f of files) {
      const who = await identify(f.path);
      if (who.id !== undefined && !this.byId.has(who.id)) this.byId.set(who.id, f);
      if (!this.byReal.has(who.real)) this.byReal.set(who.real, f);
      const folded = fold(who.real);
      if (!this.byFolded.has(folded)) this.byFolded.set(folded, f);
    }
  }

  /** The protected file `out` would replace, or undefined when writing `out` is safe. */
  async conflict(out: string): Promise<ProtectedFile | undefined> {
    const abs = path.resolve(out);
    const who = await identify(abs);
    if (who.id !== undefined) {
      const hit = this.byId.get(who.id);
      if (hit) return hit;
    }
    // The name itself, when it is a link: writing replaces the link, but a link to a protected file
    // is still refused above; a link *named* like a protected file is caught here.
    const link = await lstat(abs).catch(() => null);
    if (link) {
      const hit = this.byId.get(idOf(link));
      if (hit) return hit;
    }
    const exact = this.byReal.get(who.real);
    if (exact) return exact;
    if (await this.foldsCase((await splitExisting(path.dirname(who.real))).existing)) {
      return this.byFolded.get(fold(who.real));
    }
    return undefined;
  }

  /** Throws bad input naming `out` and the protected file it would replace. */
  async check(out: string, what = 'output'): Promise<void> {
    const hit = await this.conflict(out);
    if (hit) {
      const same = path.resolve(hit.path) === path.resolve(out) ? '' : ` ${hit.path}`;
      throw badInput(out, `the ${what} would replace the ${hit.role}${same}; choose another ${what} (originals are never written)`);
    }
  }
}

/** How two folders relate, by real identity. */
export type FolderRelation = 'same' | 'inside' | 'contains' | 'apart';

/** `dev:ino` of a path and of every real ancestor, nearest first (only those that exist). */
async function ancestry(p: string): Promise<{ self?: string; ancestors: string[]; real: string }> {
  const who = await identify(p);
  const ancestors: string[] = [];
  let cur = who.real;
  for (;;) {
    const parent = path.dirname(cur);
    if (parent === cur) break;
    cur = parent;
    const st = await stat(cur).catch(() => null);
    if (st) ancestors.push(idOf(st));
  }
  return { ...(who.id !== undefined ? { self: who.id } : {}), ancestors, real: who.real };
}

/**
 * Where folder `a` sits relative to folder `b`: the same folder, inside it, containing it, or apart.
 * A folder that does not exist yet can still be inside another (through its existing ancestors).
 */
export async function relateFolders(a: string, b: string, foldsCase: CaseFoldProbe = probeCaseFolding): Promise<FolderRelation> {
  const [x, y] = await Promise.all([ancestry(a), ancestry(b)]);
  if (x.self !== undefined && x.self === y.self) return 'same';
  if (y.self !== undefined && x.ancestors.includes(y.self)) return 'inside';
  if (x.self !== undefined && y.ancestors.includes(x.self)) return 'contains';
  if (x.self === undefined || y.self === undefined) {
    // Neither identity settles it: compare real paths, folded where the file system folds case.
    const base = (await splitExisting(x.real)).existing;
    const folds = await foldsCase(base);
    const [ra, rb] = folds ? [fold(x.real), fold(y.real)] : [x.real, y.real];
    if (ra === rb) return 'same';
    const rel = path.relative(rb, ra);
    if (rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel)) return 'inside';
    const back = path.relative(ra, rb);
    if (back !== '' && !back.startsWith('..') && !path.isAbsolute(back)) return 'contains';
  }
  return 'apart';
}

/** Identity key (`dev:ino`) of an existing folder, for remembering which real folders were visited. */
export async function folderKey(dir: string): Promise<string | undefined> {
  const st = await stat(dir).catch(() => null);
  return st?.isDirectory() ? idOf(st) : undefined;
}
