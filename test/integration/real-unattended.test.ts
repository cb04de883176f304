/**
 * What a person gets from `kintsugi restore PHOTO` without a mask (nobody reviews it), with the shipped models,
 * on a real cracked print (../shared/data/real-damage/bopbtl-scratched/b.png, 256 × 256): the cracks are filled,
 * the boy's white collar and sleeve are left alone (issue 11). The detector marks collar and sleeve as surely as
 * it marks a torn patch; the unattended post-processing fills lines and specks only (core/areas.ts). And on a
 * clean real harbour scan (bopbtl-old/f.png), whose rigging and mooring rope the detector takes for scratches at
 * its working size, the second look at twice the size (core/confirm.ts) keeps an unattended restore to what
 * issue 11 allows a clean scan: at most 0.3 % of the photo.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { lumaAt } from '../../src-main/core/image.js';
import { runKintsugi } from '../support/cli.js';
import { tempDir } from '../support/temp-dir.js';

const repoRoot = resolve(__dirname, '../..');
const photo = join(resolve(repoRoot, '../shared/data'), 'real-damage/bopbtl-scratched/b.png');

/** Luma of an 8-bit RGB buffer at pixel i. */
const luma = (b: Buffer, i: number): number => lumaAt(b, 3 * i, 3);

async function rgb(file: string): Promise<Buffer> {
  return (await sharp(file).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true })).data;
}

/** Share of pixels in [x0, x1) × [y0, y1) where some channel moved more than 8 levels. */
function changed(a: Buffer, b: Buffer, width: number, [x0, y0, x1, y1]: number[]): number {
  let n = 0;
  let moved = 0;
  for (let y = y0!; y < y1!; y++) {
    for (let x = x0!; x < x1!; x++) {
      const o = (y * width + x) * 3;
      n++;
      if (Math.max(Math.abs(a[o]! - b[o]!), Math.abs(a[o + 1]! - b[o + 1]!), Math.abs(a[o + 2]! - b[o + 2]!)) > 8) moved++;
    }
  }
  return moved / n;
}

describe('unattended restore of a real cracked print (shipped models)', () => {
  it('fills the cracks and leaves the white collar and sleeve as they are', async () => {
    const work = tempDir('kintsugi-unattended-');
    const out = join(work, 'b-restored.png');
    const r = await runKintsugi(['restore', photo, '--out', out, '--models-dir', join(repoRoot, 'models'), '--json'], {
      cwd: work, env: { ...process.env },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).areasLeft).toBeGreaterThanOrEqual(2); // collar and sleeve, said to the user
    const [before, after] = await Promise.all([rgb(photo), rgb(out)]);
    expect(changed(before, after, 256, [0, 0, 256, 256])).toBeGreaterThan(0.02); // the cracks were filled
    expect(changed(before, after, 256, [80, 160, 180, 220])).toBeLessThan(0.05); // the collar
    expect(changed(before, after, 256, [215, 190, 256, 250])).toBeLessThan(0.05); // the right sleeve
  }, 120_000);

  it('fills the crack across the forehead too, where it grows faint on the skin (core/bridges.ts)', async () => {
    const work = tempDir('kintsugi-unattended-forehead-');
    const out = join(work, 'b-restored.png');
    const mask = join(work, 'b-mask.png');
    const r = await runKintsugi(['restore', photo, '--out', out, '--save-mask', mask, '--models-dir', join(repoRoot, 'models')], {
      cwd: work, env: { ...process.env },
    });
    expect(r.code, r.stderr).toBe(0);
    // The crack's course across the forehead, read off the photo: the detector marks it up to x 106 and from
    // x 174 on, and lost the faint stretch between (0 of these 65 columns marked before bridging).
    const course: Array<[number, number]> = [[106, 92], [118, 87], [130, 89], [142, 85], [154, 80], [166, 77], [174, 75]];
    const rowAt = (x: number): number => {
      const k = course.findIndex(([cx]) => cx >= x);
      const [x0, y0] = course[Math.max(0, k - 1)]!, [x1, y1] = course[k]!;
      return Math.round(x1 === x0 ? y1 : y0 + ((x - x0) * (y1 - y0)) / (x1 - x0));
    };
    const [m, before, after] = await Promise.all([sharp(mask).greyscale().raw().toBuffer(), rgb(photo), rgb(out)]);
    let covered = 0;
    let darkened = 0; // columns where the fill took the light line down by more than 3 levels somewhere
    for (let x = 108; x <= 172; x++) {
      const y = rowAt(x);
      let hit = false;
      let most = 0;
      for (let dy = -3; dy <= 3; dy++) {
        const i = (y + dy) * 256 + x;
        hit ||= m[i]! > 127;
        most = Math.max(most, luma(before, i) - luma(after, i));
      }
      if (hit) covered++;
      if (most > 3) darkened++;
    }
    expect(covered).toBeGreaterThanOrEqual(60);
    expect(darkened).toBeGreaterThanOrEqual(40); // 46 of 65 with the shipped models; none before bridging
  }, 120_000);

  it('batch names the photos whose marked areas were left for review, and only those', async () => {
    const work = tempDir('kintsugi-unattended-batch-');
    const inDir = join(work, 'in');
    mkdirSync(inDir);
    copyFileSync(photo, join(inDir, 'boy.png'));
    // a toned print with nothing to fill (it goes to the detector for old prints). bopbtl-scratched/c, used here
    // before, now has a small bright blob at its left edge that is left for review (models/cards/detect-damage-unet.md)
    copyFileSync(join(resolve(repoRoot, '../shared/data'), 'real-damage/swinir-oldphoto2.png'), join(inDir, 'lady.png'));
    const r = await runKintsugi(['batch', inDir, '--out', join(work, 'out'), '--json'], {
      cwd: work, env: { ...process.env, KINTSUGI_MODELS_DIR: join(repoRoot, 'models') },
    });
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.restored.sort()).toEqual(['boy.png', 'lady.png']);
    expect(summary.toReview).toEqual(['boy.png']);
  }, 180_000);

  it('leaves a clean harbour scan nearly untouched, though one look marks its rigging', async () => {
    const work = tempDir('kintsugi-unattended-clean-');
    const clean = join(resolve(repoRoot, '../shared/data'), 'real-damage/bopbtl-old/f.png');
    const models = ['--models-dir', join(repoRoot, 'models')];
    const out = join(work, 'f-restored.png');
    const mask = join(work, 'f-proposal.png');
    const suggested = join(work, 'f-suggested.png');
    const [restored, proposed] = await Promise.all([
      runKintsugi(['restore', clean, '--out', out, ...models, '--json'], { cwd: work, env: { ...process.env } }),
      runKintsugi(['detect', clean, '--out', mask, '--suggestions', suggested, ...models, '--json'], { cwd: work, env: { ...process.env } }),
    ]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(proposed.code, proposed.stderr).toBe(0);
    const { width, height } = await sharp(clean).metadata();
    const [before, after] = await Promise.all([rgb(clean), rgb(out)]);
    expect(changed(before, after, width!, [0, 0, width!, height!])).toBeLessThanOrEqual(0.003);
    const share = async (file: string): Promise<number> =>
      (await sharp(file).greyscale().raw().toBuffer()).reduce((n, v) => n + (v > 127 ? 1 : 0), 0) / (width! * height!);
    // What one look marks (the review proposal and its suggestions): the second look is what holds the restore back.
    expect((await share(mask)) + (await share(suggested))).toBeGreaterThan(0.006);
  }, 180_000);
});

/**
 * A dark hair on a real film scan (../shared/data/real-damage-labelled/film-velvia50_0, the labelled hair at
 * x 199-222, y 46-86) carries the light overshoot of the scanner's sharpening. Left outside the mask, the fill took it
 * for the picture and a light trail stayed where the hair was (rims.ts takeOvershoot).
 */
describe('unattended restore of a hair on a real film scan (shipped models)', () => {
  const dir = join(resolve(repoRoot, '../shared/data'), 'real-damage-labelled/film-velvia50_0');

  it('leaves neither the hair nor a light trail where it was', async () => {
    const work = tempDir('kintsugi-unattended-hair-');
    const out = join(work, 'velvia-restored.png');
    const r = await runKintsugi(['restore', join(dir, 'damaged.jpg'), '--out', out, '--models-dir', join(repoRoot, 'models')], {
      cwd: work, env: { ...process.env },
    });
    expect(r.code, r.stderr).toBe(0);
    const label = await sharp(join(dir, 'mask.png')).greyscale().raw().toBuffer({ resolveWithObject: true });
    const width = label.info.width;
    const [before, after] = await Promise.all([rgb(join(dir, 'damaged.jpg')), rgb(out)]);
    // Chebyshev distance of each pixel of a window around the hair to the hair's label
    const [x0, y0, x1, y1] = [185, 32, 237, 101];
    const hair: Array<[number, number]> = [];
    for (let y = 46; y <= 86; y++) for (let x = 199; x <= 222; x++) if (label.data[y * width + x]! > 127) hair.push([x, y]);
    expect(hair.length).toBeGreaterThan(40);
    const near: number[] = [];
    const beyond: number[] = [];
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const d = Math.min(...hair.map(([hx, hy]) => Math.max(Math.abs(hx - x), Math.abs(hy - y))));
        if (d <= 3) near.push(y * width + x);
        else if (d >= 6 && d <= 10) beyond.push(y * width + x);
      }
    }
    const sorted = beyond.map((i) => luma(before, i)).sort((a, b) => a - b);
    const picture = sorted[sorted.length >> 1]!;
    const count = (b: Buffer, f: (v: number) => boolean): number => near.filter((i) => f(luma(b, i))).length;
    expect(count(before, (v) => v < picture - 12)).toBeGreaterThan(60); // the hair
    expect(count(before, (v) => v > picture + 12)).toBeGreaterThan(60); // its overshoot
    expect(count(after, (v) => v < picture - 12)).toBeLessThan(15);
    expect(count(after, (v) => v > picture + 12)).toBeLessThan(20); // was 49 before the overshoot was taken in
  }, 120_000);
});
