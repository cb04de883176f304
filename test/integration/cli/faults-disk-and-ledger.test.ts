/**
 * Faults of the places the command writes and reads (issue 13): a real full disk and a real read-only disk
 * (small tmpfs mounts), damaged ledgers and locks, and missing or wrong input, masks, output and compare
 * folders. Each ends with exit 1 and one clear line naming the file, and leaves the inputs unchanged.
 */
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePhotos } from '../batch/fixtures.js';
import { isMounted, mountTmpfs, type Tmpfs } from '../helpers/tmpfs.js';
import { batch, expectFault, fresh, inDir, kintsugi, masksDir, photo, remember, restore, setUpFaultWorkspace, sha, work } from '../helpers/cli-faults.js';

setUpFaultWorkspace();

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
