/**
 * Damage detection speed at 1 and 12 MP with the shipped detector, as the CLI and the app run it: the review
 * proposal (`kintsugi detect`, the app's Detect, with its suggestions) and the unattended mask (restore / batch
 * without a mask), each with the manifest's post-processing as shipped and with its second look (`confirm`)
 * switched off, and without the growth of marks (completion, rims, bridges, overshoot), in the same run. Ratios are against the one-look review detection at the same size: the review
 * as it was before it had a second look (one look at the suggestions' seed, areas kept, nothing suggested). Real photo: bopbtl-old/f (a harbour
 * with rigging) upscaled with Lanczos; every case is a fresh engine and the first call warms it up. The same photo
 * made a sepia print goes to the detector for old prints (core/print-kind.ts), and unattended to both detectors; its
 * review is timed with and without following marks on (`extend`, the post-processing run a second time).
 *
 *   npx tsx test/bench/detect.bench.ts      (also run by `npm run bench`)
 *   KINTSUGI_BENCH_SIZES=1 npx tsx test/bench/detect.bench.ts
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { Raster } from '../../src-main/core/image.js';
import { Engine } from '../../src-main/node/engine.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const modelsDir = path.join(repoRoot, 'models');
const source = path.resolve(repoRoot, '../shared/data/real-damage/bopbtl-old/f.png');
const SIZES = (process.env['KINTSUGI_BENCH_SIZES'] ?? '1,12').split(',').map(Number);
const ROUNDS = 2;

interface Manifest { models: Array<{ id: string; task: string; postprocess?: Record<string, unknown> & { unattended?: Record<string, unknown> } }> }

/** A models folder like the shipped one whose detector's post-processing `edit` changes. */
function modelsWith(edit: (pp: NonNullable<Manifest['models'][number]['postprocess']>) => void): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kintsugi-bench-detect-'));
  for (const f of readdirSync(modelsDir)) if (f.endsWith('.onnx')) symlinkSync(path.join(modelsDir, f), path.join(dir, f));
  const manifest = JSON.parse(readFileSync(path.join(modelsDir, 'manifest.json'), 'utf8')) as Manifest;
  for (const m of manifest.models) if (m.task === 'detect-damage' && m.postprocess) edit(m.postprocess);
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

/**
 * The growth of marks off: completion of thick marks, rims of long marks (session 12), the sharpening overshoot
 * (session 13), bridges across the gaps of a crack (session 14).
 */
function withoutGrowth(pp: NonNullable<Manifest['models'][number]['postprocess']>): void {
  delete pp['complete'];
  delete pp['rims'];
  delete pp['overshoot'];
  delete pp['bridges'];
  if (pp.unattended) {
    delete pp.unattended['complete'];
    delete pp.unattended['rims'];
  }
}

/**
 * The detector looking once (no `confirm`, anywhere), its review proposal what one look marks (the suggestions'
 * seed, areas kept), and no growth of marks: the review before it had suggestions.
 */
function oneLookModels(): string {
  return modelsWith((pp) => {
    delete pp['confirm'];
    delete pp['maxRadius'];
    if (pp['suggestSeed'] !== undefined) pp['seed'] = pp['suggestSeed'];
    delete pp['suggestSeed'];
    if (pp.unattended) delete pp.unattended['confirm'];
    withoutGrowth(pp);
  });
}

async function photo(mp: number): Promise<Raster> {
  const meta = await sharp(source).metadata();
  const k = Math.sqrt((mp * 1e6) / (meta.width! * meta.height!));
  const width = Math.round(meta.width! * k), height = Math.round(meta.height! * k);
  const { data } = await sharp(source).removeAlpha().resize(width, height, { kernel: 'lanczos3' }).raw().toBuffer({ resolveWithObject: true });
  return { width, height, channels: 3, depth: 8, data: new Uint8Array(data) };
}

/** The photo as a sepia print: each channel a fixed share of its luma. */
function sepia(image: Raster): Raster {
  const data = new Uint8Array(image.data.length);
  for (let i = 0; i < data.length; i += 3) {
    const y = 0.299 * image.data[i]! + 0.587 * image.data[i + 1]! + 0.114 * image.data[i + 2]!;
    data[i] = Math.round(y);
    data[i + 1] = Math.round(y * 0.85);
    data[i + 2] = Math.round(y * 0.62);
  }
  return { ...image, data };
}

async function seconds(dir: string, image: Raster, unattended: boolean): Promise<{ s: number; marked: number }> {
  const engine = await Engine.create({ modelsDir: dir });
  try {
    const opts = { unattended, suggest: !unattended }; // as the app asks: a person reviews, with suggestions
    await engine.detect(image, opts); // warm-up: session creation, first run
    let best = Infinity;
    let marked = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const t = performance.now();
      const { mask } = await engine.detect(image, opts);
      best = Math.min(best, (performance.now() - t) / 1000);
      marked = mask.data.reduce((n, v) => n + (v ? 1 : 0), 0) / mask.data.length;
    }
    return { s: best, marked };
  } finally {
    await engine.close();
  }
}

const oneLook = oneLookModels();
const noGrowth = modelsWith(withoutGrowth);
const noExtend = modelsWith((pp) => {
  delete pp['extend'];
});
try {
  const rows: string[] = [];
  for (const mp of SIZES) {
    const image = await photo(mp);
    const print = sepia(image);
    const base = await seconds(oneLook, image, false);
    const cases: Array<[string, string, boolean, Raster]> = [
      ['review, one look', oneLook, false, image],
      ['review, as shipped', modelsDir, false, image],
      ['review, as shipped without completion, rims, bridges and overshoot', noGrowth, false, image],
      ['unattended, one look', oneLook, true, image],
      ['unattended, as shipped', modelsDir, true, image],
      ['unattended, as shipped without completion, rims, bridges and overshoot', noGrowth, true, image],
      ['sepia print: review, as shipped (the detector for old prints)', modelsDir, false, print],
      ['sepia print: review, without following marks on (`extend`)', noExtend, false, print],
      ['sepia print: unattended, as shipped (both detectors)', modelsDir, true, print],
    ];
    for (const [name, dir, unattended, img] of cases) {
      const r = name === 'review, one look' ? base : await seconds(dir, img, unattended);
      rows.push(`| ${mp} MP | ${name} | ${r.s.toFixed(2)} | ${(r.s / base.s).toFixed(2)}× | ${(100 * r.marked).toFixed(2)} % |`);
    }
  }
  console.log(`Detection on ${path.basename(path.dirname(source))}/${path.basename(source)} (a clean scan) upscaled; best of ${ROUNDS} after a warm-up; ratios against the one-look review detection at the same size.\n`);
  console.log('| size | detection | seconds | ratio | marked |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(r);
} finally {
  rmSync(oneLook, { recursive: true, force: true });
  rmSync(noGrowth, { recursive: true, force: true });
  rmSync(noExtend, { recursive: true, force: true });
}
