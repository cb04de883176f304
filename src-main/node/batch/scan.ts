import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** Extensions a batch picks up; anything else in the folder is reported as ignored, never touched. */
export const IMAGE_EXTENSIONS: readonly string[] = [
  '.jpg', '.jpeg', '.jpe', '.png', '.tif', '.tiff', '.webp', '.avif', '.gif', '.heic', '.heif',
];

/** True when the file name has an extension the batch treats as an image. */
export function isImageName(name: string): boolean {
  return IMAGE_EXTENSIONS.includes(path.extname(name).toLowerCase());
}

/** One input photo, addressed by its path relative to IN_DIR (POSIX separators, the ledger key). */
export interface ScannedFile {
  rel: string;
  abs: string;
}

/** Something the scan could not read (an unreadable folder, a dangling link): reported, never fatal. */
export interface ScanProblem {
  rel: string;
  reason: string;
}

/** What a scan found: photos to process, problems to report, and names ignored as not images. */
export interface ScanResult {
  files: ScannedFile[];
  problems: ScanProblem[];
  ignored: string[];
  /** Folder links not followed because their real folder was already scanned (a loop, or a second way in). */
  revisits: ScanProblem[];
}

export interface ScanOptions {
  recursive: boolean;
  /** Folders never descended into (OUT_DIR and the compare folder when they sit inside IN_DIR), by identity. */
  exclude: string[];
}

function toRel(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/');
}

function describe(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'does not exist (dangling link?)';
  if (code === 'ELOOP') return 'symbolic link loop';
  return e instanceof Error ? e.message : String(e);
}

function idOf(st: { dev: number; ino: number }): string {
  return `${st.dev}:${st.ino}`;
}

/**
 * Lists the photos under `root`, sorted by relative path so runs are reproducible. Hidden entries
 * (dot files, our ledger, temp files) are skipped silently; excluded folders are not entered, so an
 * OUT_DIR inside IN_DIR is never re-read as input — recognised by device and inode, so a link to it is
 * not a way in either. Each real folder is visited once: a folder link that leads back to a folder
 * already scanned (its own parent, a loop of links, a second link to one folder) is noted, not followed.
 * Problems are collected, not thrown: one unreadable folder must not stop the batch.
 */
export async function scanInputs(root: string, opts: ScanOptions): Promise<ScanResult> {
  const result: ScanResult = { files: [], problems: [], ignored: [], revisits: [] };
  const excluded = new Set<string>();
  for (const p of opts.exclude) {
    const st = await stat(p).catch(() => null);
    if (st?.isDirectory()) excluded.add(idOf(st));
  }
  /** Real folders already scanned (or being scanned), by identity, with the relative path they were first seen at. */
  const visited = new Map<string, string>();
  const top = path.resolve(root);

  /** Folder links met during the walk; followed after every real folder has been seen. */
  const links: Array<{ abs: string; key: string }> = [];

  async function walk(dir: string, id: string | null): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      if (dir === top) throw e;
      result.problems.push({ rel: toRel(top, dir) + '/', reason: `cannot read folder: ${describe(e)}` });
      return;
    }
    if (id !== null) visited.set(id, toRel(top, dir));
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const abs = path.join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      let st: Awaited<ReturnType<typeof stat>> | null = null;
      if (entry.isSymbolicLink() || isDir) {
        try {
          st = await stat(abs);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch (e) {
          if (isImageName(entry.name) || opts.recursive) {
            result.problems.push({ rel: toRel(top, abs), reason: `cannot read: ${describe(e)}` });
          }
          continue;
        }
      }
      if (isDir) {
        const key = st === null ? null : idOf(st);
        if (key !== null && excluded.has(key)) continue;
        if (!opts.recursive) continue;
        // Real folders first, links afterwards: a photo keeps its real path when a link also leads to it.
        if (entry.isSymbolicLink() && key !== null) links.push({ abs, key });
        else if (key !== null && visited.has(key)) {
          result.revisits.push({ rel: toRel(top, abs) + '/', reason: `same folder as ${visited.get(key) || 'the input folder'}/ (a second mount); its photos are restored once` });
        } else await walk(abs, key);
        continue;
      }
      if (!isFile) continue;
      if (isImageName(entry.name)) result.files.push({ rel: toRel(top, abs), abs });
      else result.ignored.push(toRel(top, abs));
    }
  }

  const rootStat = await stat(top).catch(() => null);
  await walk(top, rootStat ? idOf(rootStat) : null);
  // Links are followed in the order met (breadth-first), each only when its real folder is new.
  for (let i = 0; i < links.length; i++) {
    const { abs, key } = links[i]!;
    const first = visited.get(key);
    if (first !== undefined) {
      result.revisits.push({ rel: toRel(top, abs) + '/', reason: `same folder as ${first === '' ? 'the input folder' : `${first}/`} (a link); its photos are restored once` });
    } else await walk(abs, key);
  }
  result.files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  result.revisits.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return result;
}

/** Masks found under MASK_DIR, keyed by relative path without extension ("a/b" for a/b.png). */
export type MaskIndex = Map<string, string>;

/** Reads MASK_DIR once (recursively) so matching a mask per photo costs a map lookup. */
export async function indexMasks(maskDir: string, exclude: string[] = []): Promise<MaskIndex> {
  const index: MaskIndex = new Map();
  const scan = await scanInputs(maskDir, { recursive: true, exclude });
  for (const f of scan.files) {
    const p = path.posix.parse(f.rel);
    const key = p.dir === '' ? p.name : `${p.dir}/${p.name}`;
    if (!index.has(key)) index.set(key, f.abs);
  }
  return index;
}

/**
 * Finds the mask for `rel`: same relative folder and same stem, any image extension (photo `a/b.jpg` ↔
 * mask `a/b.png`), falling back to the bare stem at the top of MASK_DIR, which is how people usually lay
 * masks out for a flat folder. Null when there is none.
 */
export function findMask(index: MaskIndex, rel: string): string | null {
  const p = path.posix.parse(rel);
  const key = p.dir === '' ? p.name : `${p.dir}/${p.name}`;
  return index.get(key) ?? index.get(p.name) ?? null;
}
