/**
 * A mask means what it says (issue 12): the real `kintsugi restore` and `kintsugi batch` with the shipped
 * default inpainting model (models/) on real photos fill a given mask as given — every pixel outside it
 * comes out bit-identical — and `--grow N` fills exactly N pixels further. A detected mask is filled as the
 * detector's own post-processing left it (not grown a second time).
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mask } from '../../src-main/core/image.js';
import { dilate } from '../../src-main/core/mask.js';
import { tempDir } from '../support/temp-dir.js';
import { runKintsugi, type CliRun } from '../support/cli.js';

const repoRoot = resolve(__dirname, '../..');
const data = resolve(repoRoot, '../shared/data');
const photo = join(data, 'fixtures/iopaint-overture-creations-5sI6fQgYIuo.png');
const photoMask = join(data, 'fixtures/iopaint-overture-creations-5sI6fQgYIuo_mask.png');
const devPhoto = join(data, 'dev-eval/images/101085.png');

let work: string;
let env: NodeJS.ProcessEnv;

type Run = CliRun;

function kintsugi(args: string[]): Promise<Run> {
  return runKintsugi(args, { cwd: work, env });
}

interface Pixels { data: Buffer; width: number; height: number; channels: number }

async function pixels(file: string): Promise<Pixels> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

async function readMaskFile(file: string): Promise<Mask> {
  const { data, info } = await sharp(file).greyscale().raw().toBuffer({ resolveWithObject: true });
  const out = new Uint8Array(info.width * info.height);
  for (let i = 0; i < out.length; i++) out[i] = data[i * info.channels]! > 127 ? 255 : 0;
  return { width: info.width, height: info.height, data: out };
}

/** Thin scratches (1–3 px, the commonest real damage) and a speck, written as a real PNG. */
async function writeScratchMask(file: string, width: number, height: number): Promise<Mask> {
  const m = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const x = Math.round(width * 0.3 + y * 0.2);
    for (let d = 0; d < 2; d++) if (x + d < width) m[y * width + x + d] = 255;
  }
  for (let x = 10; x < width - 10; x++) m[Math.round(height * 0.6) * width + x] = 255;
  for (let y = 40; y < 46; y++) for (let x = 70; x < 76; x++) m[y * width + x] = 255;
  await sharp(Buffer.from(m), { raw: { width, height, channels: 1 } }).png().toFile(file);
  return { width, height, data: m };
}

/** Pixels (any channel) that differ, split by whether `region` covers them. */
function changes(a: Pixels, b: Pixels, region: Mask): { inside: number; outside: number } {
  expect([b.width, b.height, b.channels]).toEqual([a.width, a.height, a.channels]);
  let inside = 0;
  let outside = 0;
  for (let p = 0; p < a.width * a.height; p++) {
    let differs = false;
    for (let k = 0; k < a.channels; k++) if (a.data[p * a.channels + k] !== b.data[p * b.channels + k]) differs = true;
    if (!differs) continue;
    if (region.data[p]) inside++;
    else outside++;
  }
  return { inside, outside };
}

beforeAll(() => {
  work = tempDir('kintsugi-given-mask-');
  mkdirSync(join(work, 'user-models'));
  env = { ...process.env, KINTSUGI_FROM_SOURCE: '1', KINTSUGI_MODELS_DIR: join(repoRoot, 'models'), KINTSUGI_USER_MODELS: join(work, 'user-models') };
  delete env.KINTSUGI_PIXEL_LIMIT;
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('kintsugi restore with a given mask and the shipped default model', () => {
  it('fills the mask and changes no pixel outside it by default', async () => {
    const out = join(work, 'given.png');
    const r = await kintsugi(['restore', photo, '--mask', photoMask, '--out', out, '--device', 'cpu', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as { modelId: string; holePixels: number };
    expect(res.modelId).toBe('inpaint-partial-conv');
    const mask = await readMaskFile(photoMask);
    const c = changes(await pixels(photo), await pixels(out), mask);
    expect(res.holePixels).toBe(mask.data.filter((v) => v).length);
    expect(c.outside).toBe(0);
    expect(c.inside).toBeGreaterThan(res.holePixels / 2);
  });

  it('on thin scratches too, and --grow N fills exactly N pixels around the mask', async () => {
    const { width, height } = await pixels(devPhoto);
    const maskFile = join(work, 'scratches.png');
    const mask = await writeScratchMask(maskFile, width, height);
    const before = await pixels(devPhoto);

    const exact = join(work, 'scratches-exact.png');
    const r0 = await kintsugi(['restore', devPhoto, '--mask', maskFile, '--out', exact, '--device', 'cpu', '--json']);
    expect(r0.code, r0.stderr).toBe(0);
    expect(changes(before, await pixels(exact), mask).outside).toBe(0);

    const grown = join(work, 'scratches-grow3.png');
    const saved = join(work, 'scratches-grow3-mask.png');
    const r3 = await kintsugi(['restore', devPhoto, '--mask', maskFile, '--grow', '3', '--save-mask', saved, '--out', grown, '--device', 'cpu', '--json']);
    expect(r3.code, r3.stderr).toBe(0);
    const after = await pixels(grown);
    // Nothing beyond 3 px changes; pixels more than 2 px out do (the growth reaches 3 px, not less).
    expect(changes(before, after, dilate(mask, 3)).outside).toBe(0);
    expect(changes(before, after, dilate(mask, 2)).outside).toBeGreaterThan(100);
    // The saved mask is the area that was filled, and the reported count matches it.
    const savedMask = await readMaskFile(saved);
    expect(Buffer.from(savedMask.data).equals(Buffer.from(dilate(mask, 3).data))).toBe(true);
    expect((JSON.parse(r3.stdout) as { holePixels: number }).holePixels).toBe(savedMask.data.filter((v) => v).length);
  });

  it('refuses a bad --grow with exit 1 and a clear message', async () => {
    for (const bad of ['-1', '2.5', 'lots', '65']) {
      const r = await kintsugi(['restore', photo, '--mask', photoMask, '--grow', bad, '--out', join(work, 'never.png')]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/--grow .*whole number of pixels from 0 to 64/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('fills a detected mask as the detector left it (grown once, by its own post-processing)', async () => {
    const input = join(data, 'real-damage/swinir-oldphoto6.png');
    const out = join(work, 'detected.png');
    const saved = join(work, 'detected-mask.png');
    const r = await kintsugi(['restore', input, '--out', out, '--save-mask', saved, '--device', 'cpu', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const mask = await readMaskFile(saved);
    const c = changes(await pixels(input), await pixels(out), mask);
    expect(c.inside).toBeGreaterThan(0);
    expect(c.outside).toBe(0);
  }, 120_000);
});

describe('kintsugi batch with given masks and the shipped default model', () => {
  it('changes no pixel outside each mask by default (with or without added detail), and with --grow N only within N pixels', async () => {
    const inDir = join(work, 'batch-in');
    const maskDir = join(work, 'batch-masks');
    mkdirSync(inDir);
    mkdirSync(maskDir);
    copyFileSync(photo, join(inDir, 'overture.png'));
    copyFileSync(photoMask, join(maskDir, 'overture.png'));
    copyFileSync(devPhoto, join(inDir, 'dev.png'));
    const { width, height } = await pixels(devPhoto);
    const masks: Record<string, Mask> = {
      'overture.png': await readMaskFile(photoMask),
      'dev.png': await writeScratchMask(join(maskDir, 'dev.png'), width, height),
    };
    const originals: Record<string, Pixels> = { 'overture.png': await pixels(photo), 'dev.png': await pixels(devPhoto) };

    const exactDir = join(work, 'batch-exact');
    const r0 = await kintsugi(['batch', inDir, '--masks', maskDir, '--out', exactDir, '--device', 'cpu', '--json']);
    expect(r0.code, r0.stderr).toBe(0);
    const grownDir = join(work, 'batch-grow2');
    const r2 = await kintsugi(['batch', inDir, '--masks', maskDir, '--grow', '2', '--out', grownDir, '--device', 'cpu', '--json']);
    expect(r2.code, r2.stderr).toBe(0);
    const bareDir = join(work, 'batch-no-detail');
    const rb = await kintsugi(['batch', inDir, '--masks', maskDir, '--detail', 'none', '--out', bareDir, '--device', 'cpu', '--json']);
    expect(rb.code, rb.stderr).toBe(0);
    for (const name of Object.keys(masks)) {
      // --detail none: the bare fill, also only inside the mask, and not the (textured) default.
      const bare = await pixels(join(bareDir, name));
      expect(changes(originals[name]!, bare, masks[name]!).outside, name).toBe(0);
      expect(bare.data.equals((await pixels(join(exactDir, name))).data), name).toBe(false);
      const exact = changes(originals[name]!, await pixels(join(exactDir, name)), masks[name]!);
      expect(exact.inside, name).toBeGreaterThan(0);
      expect(exact.outside, name).toBe(0);
      const grown = await pixels(join(grownDir, name));
      expect(changes(originals[name]!, grown, dilate(masks[name]!, 2)).outside, name).toBe(0);
      expect(changes(originals[name]!, grown, masks[name]!).outside, name).toBeGreaterThan(0);
    }
  }, 120_000);
});
