/**
 * Bad input and faults against the real `kintsugi` command (issue 13): every case runs the CLI on real
 * files (real photos, real SQLite ledgers, real small file systems where a full disk and a read-only disk
 * are real) and asserts the exit code, that stderr is one clear line naming the file and the problem with
 * no stack trace, and that the sha256 of every input (photos, masks) is unchanged afterwards.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makePhotos } from '../batch/fixtures.js';
import { isMounted, mountTmpfs, type Tmpfs } from '../helpers/tmpfs.js';
import { tempDir } from '../../support/temp-dir.js';
import { runKintsugi, type CliRun } from '../../support/cli.js';

let work: string;
let inDir: string;
let masksDir: string;
let photo: string;
let mask: string;
/** sha256 of every input file, taken once; compared after every test. */
const hashes = new Map<string, string>();

type Run = CliRun;

function kintsugi(args: string[], timeoutMs = 90_000): Promise<Run> {
  const env = { ...process.env, KINTSUGI_FROM_SOURCE: '1', KINTSUGI_USER_MODELS: join(work, 'user-models') };
  delete env.KINTSUGI_PIXEL_LIMIT;
  return runKintsugi(args, { cwd: work, env, timeoutMs });
}

/** Exit 1 and exactly one `kintsugi:` line naming `file` and the problem; never a stack or "internal". */
function expectFault(r: Run, file: string, problem: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('kintsugi:') && !l.startsWith('kintsugi: warning:'));
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toContain(file);
  expect(lines[0]).toMatch(problem);
  expect(r.stderr).not.toMatch(/\n\s+at |internal error|SqliteError|ENOENT:|EROFS:/);
}

function sha(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function remember(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const abs = join(dir, e.name);
    if (e.isDirectory()) remember(abs);
    else if (e.isFile()) hashes.set(abs, sha(abs));
  }
}

/** A fresh empty folder under the work folder. */
function fresh(name: string): string {
  const dir = join(work, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

const batch = (out: string, ...more: string[]): string[] => ['batch', inDir, '--out', out, '--masks', masksDir, '--model', 'classical', ...more];
const restore = (out: string, ...more: string[]): string[] => ['restore', photo, '--mask', mask, '--model', 'classical', '--out', out, ...more];

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

describe('outputs never replace an input, a mask or the ledger (proved by identity)', () => {
  it('batch --compare IN (the input folder) is refused', async () => {
    expectFault(await kintsugi(batch(join(work, 'out-c1'), '--compare', inDir)), inDir, /compare folder is the input folder/);
  });

  it('batch --compare through a link to the input folder is refused', async () => {
    const link = join(work, 'link-to-in-c');
    symlinkSync(inDir, link);
    expectFault(await kintsugi(batch(join(work, 'out-c2'), '--compare', link)), link, /compare folder is the input folder/);
  });

  it('batch --compare on a folder that contains the input folder is refused', async () => {
    expectFault(await kintsugi(batch(join(work, 'out-c3'), '--compare', work)), work, /compare folder contains the input folder/);
  });

  it('batch --compare on the masks folder is refused', async () => {
    expectFault(await kintsugi(batch(join(work, 'out-c4'), '--compare', masksDir)), masksDir, /compare folder is the masks folder/);
  });

  it('batch --out through a link to the input folder is refused', async () => {
    const link = join(work, 'link-to-in-o');
    symlinkSync(inDir, link);
    expectFault(await kintsugi(batch(link)), link, /output folder is the input folder/);
  });

  it('batch --out spelled IN/sub/.. is refused', async () => {
    const spelled = `${inDir}/sub/..`;
    expectFault(await kintsugi(batch(spelled)), inDir, /output folder is the input folder/);
  });

  it('batch --out on a parent of the input folder is refused', async () => {
    expectFault(await kintsugi(batch(work)), work, /output folder contains the input folder/);
  });

  it('batch --out on the masks folder is refused', async () => {
    expectFault(await kintsugi(batch(masksDir)), masksDir, /output folder is the masks folder/);
  });

  it('batch --out on a folder that contains the masks folder is refused', async () => {
    const outer = fresh('outer');
    const inner = join(outer, 'masks');
    mkdirSync(inner);
    for (const n of readdirSync(masksDir)) copyFileSync(join(masksDir, n), join(inner, n));
    remember(inner);
    expectFault(await kintsugi(['batch', inDir, '--out', outer, '--masks', inner, '--model', 'classical']), outer, /output folder contains the masks folder/);
  });

  it('batch refuses a ledger that is a link to an input photo', async () => {
    const out = fresh('out-ledger-link');
    symlinkSync(photo, join(out, '.kintsugi-batch.sqlite'));
    expectFault(await kintsugi(batch(out)), '.kintsugi-batch.sqlite', /would replace the input photo|batch ledger is a symbolic link/);
  });

  it('batch never writes an output over an input photo reached through a link', async () => {
    // IN/linked.png is a link to OUT/linked.png: the output for it is the very file the link reads.
    const out = fresh('out-linked');
    const real = join(out, 'linked.png');
    copyFileSync(photo, real);
    hashes.set(real, sha(real));
    const linkIn = fresh('in-linked');
    symlinkSync(real, join(linkIn, 'linked.png'));
    const linkMasks = fresh('masks-linked');
    copyFileSync(mask, join(linkMasks, 'linked.png'));
    const r = await kintsugi(['batch', linkIn, '--out', out, '--masks', linkMasks, '--model', 'classical']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/linked\.png: .*would replace the input photo/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    hashes.delete(real);
    expect(sha(real)).toBe(sha(photo));
  });

  it('restore --out through a link to the input is refused', async () => {
    const link = join(work, 'link-to-photo.png');
    symlinkSync(photo, link);
    expectFault(await kintsugi(restore(link)), link, /would replace the input photo/);
  });

  it('restore --out on a hard link of the input is refused', async () => {
    const hard = join(work, 'hard-link.png');
    linkSync(photo, hard);
    expectFault(await kintsugi(restore(hard)), hard, /would replace the input photo/);
  });

  it('restore --out on the mask is refused', async () => {
    expectFault(await kintsugi(restore(mask)), mask, /would replace the mask/);
  });

  it('restore --save-mask on the input is refused', async () => {
    expectFault(await kintsugi(restore(join(work, 'r.png'), '--save-mask', photo)), photo, /saved mask would replace the input photo/);
  });

  it('restore --out and --save-mask naming the same file are refused', async () => {
    const same = join(work, 'same.png');
    expectFault(await kintsugi(restore(same, '--save-mask', same)), same, /would replace the saved mask/);
  });

  it('detect --out spelled dir/../name of the input is refused', async () => {
    const spelled = join(inDir, 'sub', '..', 'photo-000.png');
    expectFault(await kintsugi(['detect', photo, '--out', spelled]), 'photo-000.png', /would replace the input photo/);
  });

  it('compare --out through a link to the before photo is refused', async () => {
    const link = join(work, 'link-before.png');
    symlinkSync(photo, link);
    expectFault(await kintsugi(['compare', photo, join(inDir, 'photo-002.png'), '--out', link]), link, /would replace the before photo/);
  });

  it('compare --out on a hard link of the after photo is refused', async () => {
    const hard = join(work, 'hard-after.jpg');
    linkSync(join(inDir, 'photo-001.jpg'), hard);
    expectFault(await kintsugi(['compare', photo, join(inDir, 'photo-001.jpg'), '--out', hard]), hard, /would replace the after photo/);
  });
});

describe('faults end with exit 1 and one clear line', () => {
  let tiny: Tmpfs | { reason: string } = { reason: 'not mounted yet' };
  afterAll(() => {
    if (isMounted(tiny)) tiny.unmount();
  });

  it('a full disk stops the batch cleanly, naming the output folder, with nothing half-written', async (ctx) => {
    tiny = mountTmpfs(join(work, 'tiny'), 700 * 1024);
    if (!isMounted(tiny)) return ctx.skip(tiny.reason);
    const big = fresh('in-big');
    await makePhotos(big, 6, { scale: 1 });
    const bigMasks = fresh('masks-big');
    await makePhotos(fresh('scratch-big'), 6, { scale: 1, maskDir: bigMasks });
    remember(big);
    remember(bigMasks);
    const out = join(tiny.dir, 'out');
    const r = await kintsugi(['batch', big, '--out', out, '--masks', bigMasks, '--model', 'classical']);
    expectFault(r, out, /no space left on the device.*stopped cleanly.*run the same command again to resume/);
    // Nothing half-written survives: no temp files, and every output there decodes whole.
    const names = readdirSync(out);
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const outputs = names.filter((n) => !n.startsWith('.'));
    expect(outputs.length).toBeGreaterThan(0);
    expect(outputs.length).toBeLessThan(6);
    for (const n of outputs) expect((await sharp(join(out, n)).metadata()).width).toBeGreaterThan(0);
    const db = new BetterSqlite3(join(out, '.kintsugi-batch.sqlite'), { readonly: true });
    const states = db.prepare('SELECT state, count(*) AS n FROM files GROUP BY state').all() as Array<{ state: string; n: number }>;
    db.close();
    expect(states.find((s) => s.state === 'failed')).toBeUndefined();
  });

  it('after a full disk, the same command resumes once there is space and loses nothing', async (ctx) => {
    if (!isMounted(tiny)) return ctx.skip(tiny.reason);
    const out = join(tiny.dir, 'out');
    const kept = new Map(readdirSync(out).filter((n) => !n.startsWith('.')).map((n) => [n, sha(join(out, n))]));
    tiny.resize(64 * 1024 * 1024);
    const r = await kintsugi(['batch', join(work, 'in-big'), '--out', out, '--masks', join(work, 'masks-big'), '--model', 'classical']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`restored ${6 - kept.size}, skipped ${kept.size} \\(${kept.size} already restored earlier\\)`));
    const outputs = readdirSync(out).filter((n) => !n.startsWith('.'));
    expect(outputs).toHaveLength(6);
    for (const [n, digest] of kept) expect(sha(join(out, n))).toBe(digest); // finished work was not redone
  });

  it('a damaged ledger (a bad page) says what is wrong and how to start over', async () => {
    const out = fresh('out-corrupt');
    expect((await kintsugi(batch(out))).code).toBe(0);
    const ledger = join(out, '.kintsugi-batch.sqlite');
    const bytes = readFileSync(ledger);
    expect(bytes.length).toBeGreaterThan(4096 * 2);
    bytes.fill(0x5a, 4096 + 16, 4096 * 2); // scribble over the table's page, keep the header
    writeFileSync(ledger, bytes);
    expectFault(await kintsugi(batch(out)), ledger, /batch ledger is damaged \(.+\)\. To start over, delete \.kintsugi-batch\.sqlite/);
  });

  it('a ledger whose table is missing says so and how to start over', async () => {
    const out = fresh('out-notable');
    expect((await kintsugi(batch(out))).code).toBe(0);
    const ledger = join(out, '.kintsugi-batch.sqlite');
    const db = new BetterSqlite3(ledger);
    db.exec('DROP TABLE files');
    db.close();
    expectFault(await kintsugi(batch(out)), ledger, /batch ledger is damaged \(its table of files is missing\)\. To start over/);
  });

  it('a ledger that is not SQLite at all is named as damaged', async () => {
    const out = fresh('out-notsqlite');
    writeFileSync(join(out, '.kintsugi-batch.sqlite'), 'these are my notes, not a database\n'.repeat(50));
    expectFault(await kintsugi(batch(out)), '.kintsugi-batch.sqlite', /batch ledger is damaged/);
  });

  it('a ledger that is a folder is refused', async () => {
    const out = fresh('out-ledgerdir');
    mkdirSync(join(out, '.kintsugi-batch.sqlite'));
    expectFault(await kintsugi(batch(out)), '.kintsugi-batch.sqlite', /batch ledger is a folder/);
  });

  it('--out that is an existing file is refused', async () => {
    const file = join(work, 'i-am-a-file.txt');
    writeFileSync(file, 'x');
    expectFault(await kintsugi(batch(file)), file, /output folder is an existing file, not a folder/);
  });

  it('--out below an existing file names the file in the way', async () => {
    const file = join(work, 'blocking-file');
    writeFileSync(file, 'x');
    expectFault(await kintsugi(batch(join(file, 'out'))), file, /is a file, not a folder/);
  });

  describe('on a read-only file system', () => {
    let ro: Tmpfs | { reason: string } = { reason: 'not mounted yet' };
    beforeAll(() => {
      ro = mountTmpfs(join(work, 'ro'), 256 * 1024);
      if (isMounted(ro)) {
        mkdirSync(join(ro.dir, 'existing'));
        ro.setReadOnly(true);
      }
    });
    afterAll(() => {
      if (isMounted(ro)) ro.unmount();
    });

    it('batch --out on an existing folder names the read-only file system', async (ctx) => {
      if (!isMounted(ro)) return ctx.skip(ro.reason);
      const out = join(ro.dir, 'existing');
      expectFault(await kintsugi(batch(out)), out, /read-only file system/);
    });

    it('batch --out on a folder still to be created names the read-only file system, not a missing folder', async (ctx) => {
      if (!isMounted(ro)) return ctx.skip(ro.reason);
      const out = join(ro.dir, 'new', 'deeper');
      const r = await kintsugi(batch(out));
      expectFault(r, out, /cannot create the output folder: .* is on a read-only file system/);
      expect(r.stderr).not.toMatch(/does not exist|no such/i);
    });

    it('restore --out there names the read-only file system', async (ctx) => {
      if (!isMounted(ro)) return ctx.skip(ro.reason);
      const out = join(ro.dir, 'existing', 'restored.png');
      expectFault(await kintsugi(restore(out)), out, /read-only file system/);
    });
  });

  it('restore --out in a folder that does not exist says so', async () => {
    const out = join(work, 'no-such-folder', 'x.png');
    expectFault(await kintsugi(restore(out)), out, /output folder .*no-such-folder does not exist/);
  });

  it('a lock that is a folder is refused', async () => {
    const out = fresh('out-lockdir');
    mkdirSync(join(out, '.kintsugi-batch.lock'));
    expectFault(await kintsugi(batch(out)), '.kintsugi-batch.lock', /batch lock is a folder/);
  });

  it('a lock that is a symbolic link is refused', async () => {
    const out = fresh('out-locklink');
    symlinkSync(photo, join(out, '.kintsugi-batch.lock'));
    expectFault(await kintsugi(batch(out)), '.kintsugi-batch.lock', /batch lock is a symbolic link/);
  });

  it('a lock file that is not SQLite is refused', async () => {
    const out = fresh('out-lockjunk');
    writeFileSync(join(out, '.kintsugi-batch.lock'), 'not a lock\n'.repeat(100));
    expectFault(await kintsugi(batch(out)), '.kintsugi-batch.lock', /not a lock file Kintsugi made/);
  });

  it('a missing input folder is named as missing (not as a file that disappeared)', async () => {
    const missing = join(work, 'no-photos-here');
    const r = await kintsugi(['batch', missing, '--out', join(work, 'out-missing'), '--masks', masksDir, '--model', 'classical']);
    expectFault(r, missing, /the input folder does not exist/);
    expect(r.stderr).not.toMatch(/disappeared/);
  });

  it('an input "folder" that is a file is refused', async () => {
    expectFault(await kintsugi(['batch', photo, '--out', join(work, 'out-file-in'), '--masks', masksDir, '--model', 'classical']), photo, /input folder is a file, not a folder/);
  });

  it('a missing masks folder is named as missing', async () => {
    const missing = join(work, 'no-masks-here');
    expectFault(await kintsugi(['batch', inDir, '--out', join(work, 'out-nomasks'), '--masks', missing, '--model', 'classical']), missing, /masks folder does not exist/);
  });

  it('--compare that is an existing file is refused', async () => {
    const file = join(work, 'compare-file.txt');
    writeFileSync(file, 'x');
    expectFault(await kintsugi(batch(join(work, 'out-cmpfile'), '--compare', file)), file, /compare folder is an existing file/);
  });
});

describe('--recursive visits each real folder once', () => {
  const restoredOnce = (r: Run, out: string, expected: string[]): void => {
    expect(r.code, r.stderr).toBe(0);
    const found: string[] = [];
    const walk = (d: string, rel: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.name.startsWith('.')) continue;
        if (e.isDirectory()) walk(join(d, e.name), `${rel}${e.name}/`);
        else found.push(`${rel}${e.name}`);
      }
    };
    walk(out, '');
    expect(found.sort()).toEqual(expected.sort());
  };

  it('a link to its own folder restores each photo once', async () => {
    const tree = fresh('tree-self');
    await makePhotos(tree, 2, { scale: 0.3 });
    symlinkSync(tree, join(tree, 'again'));
    remember(tree);
    const out = join(work, 'out-self');
    const r = await kintsugi(['batch', tree, '--out', out, '--masks', fresh('no-masks-self'), '--model', 'classical', '--recursive'], 60_000);
    // No masks: both photos are skipped for want of one, but each is listed once, and the link is noted.
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/again\/: same folder as the input folder/);
    expect(r.stdout.match(/photo-000\.png: no mask/g)).toHaveLength(1);
  });

  it('two links that lead into each other end, with every photo restored once', async () => {
    const tree = fresh('tree-loop');
    await makePhotos(join(tree, 'a'), 1, { scale: 0.3 });
    await makePhotos(join(tree, 'b'), 1, { scale: 0.3 });
    symlinkSync(join(tree, 'b'), join(tree, 'a', 'to-b'));
    symlinkSync(join(tree, 'a'), join(tree, 'b', 'to-a'));
    remember(tree);
    const loopMasks = fresh('masks-loop');
    await makePhotos(fresh('scratch-loop'), 1, { scale: 0.3, maskDir: loopMasks });
    const out = join(work, 'out-loop');
    const r = await kintsugi(['batch', tree, '--out', out, '--masks', loopMasks, '--model', 'classical', '--recursive'], 60_000);
    restoredOnce(r, out, ['a/photo-000.png', 'b/photo-000.png']);
    expect(r.stdout).toMatch(/a\/to-b\/: same folder as b\//);
    expect(r.stdout).toMatch(/b\/to-a\/: same folder as a\//);
  });

  it('a link to a sibling folder that is also scanned directly restores its photos once', async () => {
    const tree = fresh('tree-sibling');
    await makePhotos(join(tree, 'real'), 1, { scale: 0.3 });
    symlinkSync(join(tree, 'real'), join(tree, 'alias'));
    remember(tree);
    const sibMasks = fresh('masks-sib');
    await makePhotos(fresh('scratch-sib'), 1, { scale: 0.3, maskDir: sibMasks });
    const out = join(work, 'out-sib');
    const r = await kintsugi(['batch', tree, '--out', out, '--masks', sibMasks, '--model', 'classical', '--recursive'], 60_000);
    // The real folder keeps its photos; the link to it is noted, not followed.
    restoredOnce(r, out, ['real/photo-000.png']);
    expect(r.stdout).toMatch(/alias\/: same folder as real\//);
  });
});

describe('smaller promises', () => {
  it('an animated GIF is refused rather than losing all frames but the first', async () => {
    const gif = join(work, 'animated', 'wave.gif');
    expectFault(await kintsugi(['detect', gif, '--out', join(work, 'wave-mask.png')]), gif, /animated GIF \(3 frames\)/);
  });

  it('an animated WebP is refused too', async () => {
    const webp = join(work, 'animated', 'wave.webp');
    expectFault(await kintsugi(['restore', webp, '--model', 'classical', '--out', join(work, 'wave-out.webp')]), webp, /animated WebP \(3 frames\)/);
  });

  it('restore --out x.bmp is refused (no PNG bytes in a .bmp)', async () => {
    const out = join(work, 'restored.bmp');
    expectFault(await kintsugi(restore(out)), out, /cannot write "\.bmp" files/);
    expect(existsSync(out)).toBe(false);
  });

  it('detect --out mask.bmp is refused before any work', async () => {
    const out = join(work, 'mask.bmp');
    expectFault(await kintsugi(['detect', photo, '--out', out]), out, /cannot write "\.bmp" files/);
    expect(existsSync(out)).toBe(false);
  });

  it('restore --save-mask mask.txt is refused', async () => {
    const out = join(work, 'mask.txt');
    expectFault(await kintsugi(restore(join(work, 'fine.png'), '--save-mask', out)), out, /cannot write "\.txt" files/);
    expect(existsSync(join(work, 'fine.png'))).toBe(false);
  });

  it('compare --out x.bmp is refused', async () => {
    const out = join(work, 'cmp.bmp');
    expectFault(await kintsugi(['compare', photo, join(inDir, 'photo-002.png'), '--out', out]), out, /unsupported comparison format "\.bmp"/);
  });

  it('--device cuda without CUDA says on stderr where it ran instead', async () => {
    const out = join(work, 'cuda.png');
    const r = await kintsugi(['restore', photo, '--mask', mask, '--device', 'cuda', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/kintsugi: warning: --device cuda is not available for \S+; it ran on cpu \(cuda: /);
  });

  it('batch --device cuda without CUDA says so on stderr too', async () => {
    const r = await kintsugi(['batch', inDir, '--out', join(work, 'out-cuda'), '--masks', masksDir, '--device', 'cuda']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/--device cuda is not available for \S+; it ran on cpu/);
  });

  it('the hidden temp files killed writers left are removed by the next write into that folder', async () => {
    const out = join(work, 'after-kill.png');
    // A temp named by a writer that is gone: spawn a process, let it end, and use its pid.
    const dead = await new Promise<number>((ok) => {
      const c = spawn(process.execPath, ['-e', '0']);
      c.on('close', () => ok(c.pid!));
    });
    const stale = join(work, `.after-kill.png.${dead}.0badc0de.tmp`);
    const other = join(work, `.another-photo.jpg.${dead}.1234abcd.tmp`);
    const live = join(work, `.busy.png.${process.pid}.feedface.tmp`); // a writer that is still running
    for (const f of [stale, other, live]) writeFileSync(f, 'half a photo');
    const r = await kintsugi(restore(out));
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(other)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(statSync(out).size).toBeGreaterThan(0);
  });
});
