import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findMask, indexMasks, isImageName, scanInputs } from '../../../../src-main/node/batch/scan.js';
import { isStaleTempName } from '../../../../src-main/node/batch/stale-temps.js';
import { ProgressTracker } from '../../../../src-main/node/batch/progress.js';
import { PauseGate } from '../../../../src-main/node/batch/pause-gate.js';
import { tempDir } from '../../../support/temp-dir.js';

let root: string;
beforeAll(async () => {
  root = tempDir('kintsugi-scan-');
  for (const f of ['a.jpg', 'B.PNG', 'c.txt', '.hidden.jpg', 'sub/d.tif', 'sub/deeper/e.webp', 'out/x.jpg', 'cmp/y.jpg']) {
    await mkdir(path.dirname(path.join(root, f)), { recursive: true });
    await writeFile(path.join(root, f), 'x');
  }
  await symlink(path.join(root, 'nowhere'), path.join(root, 'broken.jpg'));
  for (const f of ['a.png', 'B.jpeg', 'sub/d.png', 'e.png']) {
    await mkdir(path.dirname(path.join(root, 'masks', f)), { recursive: true });
    await writeFile(path.join(root, 'masks', f), 'm');
  }
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('scanInputs', () => {
  it('lists images sorted, skips hidden and excluded folders, reports a dangling link and ignores non-images', async () => {
    const exclude = ['out', 'cmp', 'masks'].map((d) => path.join(root, d));
    const flat = await scanInputs(root, { recursive: false, exclude });
    expect(flat.files.map((f) => f.rel)).toEqual(['B.PNG', 'a.jpg']);
    expect(flat.ignored).toEqual(['c.txt']);
    expect(flat.problems).toEqual([{ rel: 'broken.jpg', reason: expect.stringMatching(/cannot read/) }]);
    const deep = await scanInputs(root, { recursive: true, exclude });
    expect(deep.files.map((f) => f.rel)).toEqual(['B.PNG', 'a.jpg', 'sub/d.tif', 'sub/deeper/e.webp']);
  });

  it('visits each real folder once: links back to a scanned folder are noted, loops end, real paths win', async () => {
    const tree = path.join(root, 'links');
    for (const f of ['a/1.jpg', 'b/2.jpg']) {
      await mkdir(path.dirname(path.join(tree, f)), { recursive: true });
      await writeFile(path.join(tree, f), 'x');
    }
    await symlink(path.join(tree, 'b'), path.join(tree, 'a', 'to-b'));
    await symlink(path.join(tree, 'a'), path.join(tree, 'b', 'to-a'));
    await symlink(tree, path.join(tree, 'a', 'top'));
    const s = await scanInputs(tree, { recursive: true, exclude: [] });
    expect(s.files.map((f) => f.rel)).toEqual(['a/1.jpg', 'b/2.jpg']);
    expect(s.revisits.map((r) => [r.rel, r.reason.replace(/ \(a link\).*/, '')])).toEqual([
      ['a/to-b/', 'same folder as b/'],
      ['a/top/', 'same folder as the input folder'],
      ['b/to-a/', 'same folder as a/'],
    ]);
    // A link to an excluded folder (OUT_DIR) is no way in either.
    await symlink(path.join(root, 'out'), path.join(tree, 'b', 'outputs'));
    const again = await scanInputs(tree, { recursive: true, exclude: [path.join(root, 'out')] });
    expect(again.files.map((f) => f.rel)).toEqual(['a/1.jpg', 'b/2.jpg']);
  });

  it('recognises image extensions case-insensitively', () => {
    expect(isImageName('x.JPEG')).toBe(true);
    expect(isImageName('x.tiff')).toBe(true);
    expect(isImageName('x.pdf')).toBe(false);
  });
});

describe('findMask', () => {
  it('matches by relative path and stem with any extension, then by bare stem', async () => {
    const index = await indexMasks(path.join(root, 'masks'));
    expect(findMask(index, 'a.jpg')).toBe(path.join(root, 'masks', 'a.png'));
    expect(findMask(index, 'B.PNG')).toBe(path.join(root, 'masks', 'B.jpeg'));
    expect(findMask(index, 'sub/d.tif')).toBe(path.join(root, 'masks', 'sub', 'd.png'));
    expect(findMask(index, 'sub/deeper/e.webp')).toBe(path.join(root, 'masks', 'e.png'));
    expect(findMask(index, 'zzz.jpg')).toBeNull();
  });
});

describe('isStaleTempName', () => {
  it('claims temps of dead writers only', () => {
    expect(isStaleTempName('.a.jpg.4242.deadbeef.tmp', () => false)).toBe(true);
    expect(isStaleTempName('.a.jpg.4242.deadbeef.tmp', () => true)).toBe(false);
    expect(isStaleTempName('a.jpg', () => false)).toBe(false);
    expect(isStaleTempName('.kintsugi-batch.sqlite', () => false)).toBe(false);
  });
});

describe('ProgressTracker', () => {
  it('derives rate and ETA from processed files only', () => {
    let now = 0;
    const t = new ProgressTracker(10, () => now);
    t.settle('skipped', false);
    expect(t.snapshot()).toMatchObject({ done: 1, rate: null, etaSec: null });
    now = 60_000;
    t.settle('restored', true);
    t.settle('failed', true);
    expect(t.snapshot()).toMatchObject({ done: 3, rate: 2, etaSec: 210, restored: 1, failed: 1, skipped: 1 });
  });
});

describe('PauseGate', () => {
  it('holds waiters until resumed and rejects them on abort', async () => {
    const gate = new PauseGate();
    await gate.wait();
    gate.pause();
    let passed = false;
    const w = gate.wait().then(() => (passed = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(passed).toBe(false);
    gate.resume();
    await w;
    expect(passed).toBe(true);
    gate.pause();
    const c = new AbortController();
    const aborted = gate.wait(c.signal);
    c.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'cancelled' });
  });
});
