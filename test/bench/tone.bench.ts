/**
 * What `--tone` costs (issue 15: at most 1.5 s more at 12 MP on a 2-core machine): a real faded print upscaled
 * to each size, restored with an all-black mask (nothing to fill) without and with the tone step, through the
 * product's file path (read, restore, tone, write JPEG) — and the tone step alone (Engine.tone: transfer to the
 * inference worker, small copy, network, full-resolution transform, transfer back). Median of --runs runs each,
 * after a warm-up, in one engine; ratios against the run without tone, measured in the same run.
 *
 *   npx tsx test/bench/tone.bench.ts                 (also run by `npm run bench`)
 *   KINTSUGI_BENCH_SIZES=12,40 KINTSUGI_BENCH_RUNS=5 npx tsx test/bench/tone.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { Raster } from '../../src-main/core/image.js';
import { Engine } from '../../src-main/node/engine.js';
import { readImage } from '../../src-main/node/image-io.js';
import { restoreFile } from '../../src-main/node/restore-file.js';
import { hostNote } from './host.js';
import { median } from './timing.js';

const self = fileURLToPath(import.meta.url);
const repoRoot = path.resolve(path.dirname(self), '../..');
const source = path.resolve(repoRoot, '../shared/data/real-damage/bopbtl-old/c.png');
const SIZES = (process.env['KINTSUGI_BENCH_SIZES'] ?? '12').split(',').map(Number);
const RUNS = Number(process.env['KINTSUGI_BENCH_RUNS'] ?? 3);

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'kintsugi-tone-bench-'));
  const engine = await Engine.create({ device: 'cpu' });
  const rows: string[] = [];
  try {
    for (const mp of SIZES) {
      const meta = await sharp(source).metadata();
      const aspect = meta.width! / meta.height!;
      const height = Math.round(Math.sqrt((mp * 1e6) / aspect));
      const width = Math.round(height * aspect);
      const photo = path.join(work, `photo-${mp}.jpg`);
      const mask = path.join(work, `mask-${mp}.png`);
      await sharp(source, { limitInputPixels: false }).removeAlpha().resize(width, height, { kernel: 'lanczos3' }).jpeg({ quality: 92 }).toFile(photo);
      await sharp(Buffer.alloc(width * height), { raw: { width, height, channels: 1 } }).png().toFile(mask);
      const out = path.join(work, `out-${mp}.jpg`);
      const plain = await median(RUNS, () => restoreFile(engine, photo, out, { maskPath: mask }));
      const toned = await median(RUNS, () => restoreFile(engine, photo, out, { maskPath: mask, tone: {} }));
      const decoded: Raster = (await readImage(photo)).raster;
      const step = await median(RUNS, () => engine.tone(decoded));
      rows.push(`| ${((width * height) / 1e6).toFixed(1)} MP (${width}×${height}) | ${plain.toFixed(2)} | ${toned.toFixed(2)} | ${(toned - plain).toFixed(2)} | ${(toned / plain).toFixed(2)} | ${step.toFixed(2)} |`);
      process.stderr.write(`${mp} MP done\n`);
    }
  } finally {
    await engine.close();
    rmSync(work, { recursive: true, force: true });
  }
  const table = [
    `Tone benchmark — ${new Date().toISOString().slice(0, 10)}, ${process.platform} ${process.arch}, Node ${process.version}, ${hostNote()}; median of ${RUNS} runs after a warm-up`,
    `Photo: ${path.basename(source)} (bopbtl-old) upscaled (Lanczos) to each size, JPEG in and out, all-black mask (nothing to fill).`,
    '',
    '| size | restore s | restore --tone s | extra s | ratio | Engine.tone alone s |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n') + '\n';
  process.stdout.write(table);
}

await main();
