/**
 * The shared workspace of the CLI fault tests (issue 13, test/integration/cli/faults-*.test.ts): real photos
 * and masks in a temp folder, the `kintsugi` command run on them, and the check that every input's sha256
 * is unchanged after each test. A test file calls `setUpFaultWorkspace()` once at top level; the folders
 * and paths below are set by its beforeAll (they are live bindings, read them inside tests only).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { makePhotos } from '../batch/fixtures.js';
import { tempDir } from '../../support/temp-dir.js';
import { runKintsugi, type CliRun } from '../../support/cli.js';

/** The temp folder every fault test works in (the command's cwd). */
export let work: string;
/** Three real photos (PNG, JPEG, PNG) and an empty `sub` folder. */
export let inDir: string;
/** A mask for each photo of `inDir`. */
export let masksDir: string;
/** The first photo of `inDir`. */
export let photo: string;
/** The mask of `photo`. */
export let mask: string;
/** sha256 of every input file, taken once; compared after every test. */
export const hashes = new Map<string, string>();

export type Run = CliRun;

/** Runs `kintsugi args…` from source in `work`, with user models kept inside `work`. */
export function kintsugi(args: string[], timeoutMs = 90_000): Promise<Run> {
  const env = { ...process.env, KINTSUGI_FROM_SOURCE: '1', KINTSUGI_USER_MODELS: join(work, 'user-models') };
  delete env.KINTSUGI_PIXEL_LIMIT;
  return runKintsugi(args, { cwd: work, env, timeoutMs });
}

/** Exit 1 and exactly one `kintsugi:` line naming `file` and the problem; never a stack or "internal". */
export function expectFault(r: Run, file: string, problem: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('kintsugi:') && !l.startsWith('kintsugi: warning:'));
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toContain(file);
  expect(lines[0]).toMatch(problem);
  expect(r.stderr).not.toMatch(/\n\s+at |internal error|SqliteError|ENOENT:|EROFS:/);
}

/** sha256 of a file, to prove inputs are untouched. */
export function sha(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Records the sha256 of every file under `dir`, so each later test checks it is unchanged. */
export function remember(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const abs = join(dir, e.name);
    if (e.isDirectory()) remember(abs);
    else if (e.isFile()) hashes.set(abs, sha(abs));
  }
}

/** A fresh empty folder under the work folder. */
export function fresh(name: string): string {
  const dir = join(work, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** `kintsugi batch` on the shared photos and masks into `out`. */
export const batch = (out: string, ...more: string[]): string[] => ['batch', inDir, '--out', out, '--masks', masksDir, '--model', 'classical', ...more];
/** `kintsugi restore` of the shared photo and mask into `out`. */
export const restore = (out: string, ...more: string[]): string[] => ['restore', photo, '--mask', mask, '--model', 'classical', '--out', out, ...more];

/** Makes the workspace before the file's tests, checks the inputs after each test, and removes it at the end. */
export function setUpFaultWorkspace(): void {
  beforeAll(async () => {
    work = tempDir('kintsugi-faults-');
    inDir = join(work, 'in');
    masksDir = join(work, 'masks');
    const made = await makePhotos(inDir, 3, { maskDir: masksDir, scale: 0.5 });
    mkdirSync(join(inDir, 'sub'));
    photo = made[0]!.abs;
    mask = join(masksDir, 'photo-000.png');
    const frames = await Promise.all([0, 1, 2].map((i) => sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 90 * i, g: 60, b: 20 } } }).png().toBuffer()));
    mkdirSync(join(work, 'animated'));
    await sharp(frames, { join: { animated: true } }).gif().toFile(join(work, 'animated', 'wave.gif'));
    await sharp(frames, { join: { animated: true } }).webp().toFile(join(work, 'animated', 'wave.webp'));
    for (const dir of [inDir, masksDir, join(work, 'animated')]) remember(dir);
  });

  afterEach(() => {
    for (const [file, digest] of hashes) expect(sha(file), `${relative(work, file)} changed`).toBe(digest);
  });

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });
}
