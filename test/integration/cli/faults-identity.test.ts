/**
 * Outputs never replace an input (issue 13): the real `kintsugi` command refuses an --out, --compare,
 * --save-mask or ledger that is an input photo, a mask or a folder holding them, however it is spelled
 * (symbolic links, hard links, `..`), with exit 1 and one clear line; the inputs' sha256 stay unchanged.
 */
import { copyFileSync, linkSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { batch, expectFault, fresh, hashes, inDir, kintsugi, mask, masksDir, photo, remember, restore, setUpFaultWorkspace, sha, work } from '../helpers/cli-faults.js';

setUpFaultWorkspace();

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
