import { readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from '../../src-main/cli/commands/compare.js';
import {
  compareFiles,
  contactSheet,
  layoutSize,
  parseLabels,
  sheetSize,
  writeBatchComparisons,
  COMPARE_LAYOUTS,
} from '../../src-main/node/compare/index.js';
import { tempDir } from '../support/temp-dir.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const data = path.resolve(repoRoot, '../shared/data');
const photo = path.join(data, 'dev-eval/images/101085.png');

let dir: string;
let before: string;
let after: string;
let W = 0;
let H = 0;

beforeAll(async () => {
  dir = tempDir('kintsugi-compare-');
  before = path.join(dir, 'before.png');
  after = path.join(dir, 'after.jpg');
  const meta = await sharp(photo).metadata();
  W = meta.width!;
  H = meta.height!;
  await writeFile(before, await readFile(photo));
  // A visibly different "after": negated, so a swapped half would be caught by pixel checks.
  await sharp(photo).negate({ alpha: false }).jpeg({ quality: 95 }).toFile(after);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rgbAt(file: string, x: number, y: number): Promise<number[]> {
  const { data: px, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * info.channels;
  return [px[i]!, px[i + 1]!, px[i + 2]!];
}

describe('compareFiles', () => {
  it.each(COMPARE_LAYOUTS)('%s decodes with the expected size and shows both photos', async (layout) => {
    const out = path.join(dir, `cmp-${layout}.png`);
    const r = await compareFiles(before, after, out, { layout, labels: ['Before & <old>', 'After'] });
    const meta = await sharp(out).metadata();
    const want = layoutSize(layout, W, H);
    expect({ width: meta.width, height: meta.height }).toEqual(want);
    expect({ width: r.width, height: r.height }).toEqual(want);
    // Bottom-left comes from before, bottom-right (or bottom of the stack) from after (negated).
    const orig = await rgbAt(before, 2, H - 3);
    expect(await rgbAt(out, 2, H - 3)).toEqual(orig);
    const [ax, ay] = layout === 'side-by-side' ? [want.width - 3, H - 3] : layout === 'stacked' ? [W - 3, want.height - 3] : [W - 3, H - 3];
    const afterPx = await rgbAt(after, W - 3, H - 3);
    const got = await rgbAt(out, ax, ay);
    got.forEach((v, i) => expect(Math.abs(v - afterPx[i]!)).toBeLessThanOrEqual(2));
  });

  it('draws the labels (pixels under the caption box differ from the photo)', async () => {
    const plain = path.join(dir, 'nolabel.png');
    const labelled = path.join(dir, 'label.png');
    await compareFiles(before, after, plain, { layout: 'side-by-side', labels: ['', ''] });
    await compareFiles(before, after, labelled, { layout: 'side-by-side', labels: ['Before', 'After'] });
    const a = await sharp(plain).raw().toBuffer();
    const b = await sharp(labelled).raw().toBuffer();
    expect(a.equals(b)).toBe(false);
  });

  it('writes a self-contained slider page with both photos embedded and no network URLs', async () => {
    const out = path.join(dir, 'slider.html');
    const r = await compareFiles(before, after, out, { labels: ['Avant', 'Après'] });
    expect(r.kind).toBe('html');
    const html = await readFile(out, 'utf8');
    const uris = [...html.matchAll(/src="data:image\/jpeg;base64,([A-Za-z0-9+/=]+)"/g)].map((m) => m[1]!);
    expect(uris).toHaveLength(2);
    for (const b64 of uris) {
      const meta = await sharp(Buffer.from(b64, 'base64')).metadata();
      expect([meta.width, meta.height]).toEqual([W, H]);
    }
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).toContain('Avant');
    expect(html).toContain('type="range"');
  });

  it('refuses to overwrite an input and rejects unknown formats and unreadable files clearly', async () => {
    await expect(compareFiles(before, after, before)).rejects.toMatchObject({ code: 'bad-input' });
    await expect(compareFiles(before, after, path.join(dir, 'x.bmp'))).rejects.toThrow(/unsupported comparison format/);
    const junk = path.join(dir, 'junk.jpg');
    await writeFile(junk, 'not a picture');
    await expect(compareFiles(junk, after, path.join(dir, 'y.png'))).rejects.toThrow(/junk\.jpg: cannot be read as an image/);
  });

  it('parses --labels', () => {
    expect(parseLabels('Old, New')).toEqual(['Old', 'New']);
    expect(parseLabels('Only')).toEqual(['Only', '']);
    expect(parseLabels(undefined)).toEqual(['Before', 'After']);
  });
});

describe('kintsugi compare', () => {
  async function run(args: string[]): Promise<number> {
    const program = new Command('kintsugi').exitOverride();
    register(program);
    process.exitCode = 0;
    await program.parseAsync(['node', 'kintsugi', ...args]);
    const code = Number(process.exitCode ?? 0);
    process.exitCode = 0;
    return code;
  }

  it('writes the requested layout and exits 0; bad input exits 1', async () => {
    const out = path.join(dir, 'cli-stacked.webp');
    expect(await run(['compare', before, after, '--out', out, '--layout', 'stacked', '--labels', 'A,B'])).toBe(0);
    expect(await sharp(out).metadata()).toMatchObject(layoutSize('stacked', W, H));
    expect(await run(['compare', path.join(dir, 'missing.png'), after, '--out', path.join(dir, 'z.png')])).toBe(1);
    expect(await run(['compare', before, after, '--out', path.join(dir, 'p.png'), '--layout', 'split', '--position', '2'])).toBe(1);
  });
});

describe('batch comparisons', () => {
  it('writes a comparison per photo, a contact sheet of the expected size and an offline index', async () => {
    const inDir = path.join(dir, 'in');
    const outDir = path.join(dir, 'out');
    await mkdir(path.join(inDir, 'sub'), { recursive: true });
    await mkdir(path.join(outDir, 'sub'), { recursive: true });
    for (const rel of ['a.png', 'sub/b.png']) {
      await sharp(photo).toFile(path.join(inDir, rel));
      await sharp(photo).blur(2).toFile(path.join(outDir, rel));
    }
    const cmp = path.join(dir, 'cmp');
    const r = await writeBatchComparisons([{ rel: 'a.png' }, { rel: 'sub/b.png' }], { inDir, outDir, compareDir: cmp });
    expect(r.failed).toEqual([]);
    expect(r.files.map((f) => path.relative(cmp, f.comparison))).toEqual(['a-png.compare.jpg', path.join('sub', 'b-png.compare.jpg')]);
    for (const f of r.files) expect(await sharp(f.comparison).metadata()).toMatchObject(layoutSize('side-by-side', W, H));
    expect(r.sheets).toHaveLength(1);
    const sheet = await sharp(r.sheets[0]!).metadata();
    const want = sheetSize(2);
    expect([sheet.width, sheet.height]).toEqual([want.width, want.height]);
    const index = await readFile(r.index, 'utf8');
    expect(index).toContain('contact-sheet-001.jpg');
    expect(index).toContain('sub/b-png.compare.jpg');
    expect(index).not.toMatch(/https?:\/\//i);
  });

  it('a contact sheet keeps going when one photo vanished', async () => {
    const buf = await contactSheet([
      { caption: 'ok', beforePath: photo, afterPath: photo },
      { caption: 'gone', beforePath: path.join(dir, 'gone.png'), afterPath: path.join(dir, 'gone2.png') },
    ]);
    expect((await sharp(buf).metadata()).width).toBe(sheetSize(2).width);
  });
});
