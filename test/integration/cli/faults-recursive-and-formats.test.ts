/**
 * The command's smaller promises against bad input (issue 13): --recursive visits each real folder once
 * whatever links lead back into it; animated images and unwritable formats are refused; --device cuda
 * without CUDA says where it ran; the temp files of killed writers are cleaned up.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makePhotos } from '../batch/fixtures.js';
import { expectFault, fresh, inDir, kintsugi, mask, masksDir, photo, remember, restore, setUpFaultWorkspace, work, type Run } from '../helpers/cli-faults.js';

setUpFaultWorkspace();

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
