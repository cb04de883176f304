/**
 * What the fine detail added to fills costs (core/texture.ts, core/grain.ts): a real old photo upscaled to 1 and
 * 12 MP, filled by the classical fallback with no added detail (the baseline), with synthetic grain and with
 * copied texture (the default), under a scratch mask (≈0.5 % of the pixels) and a blotch mask (≈5 %). Prints
 * seconds and each run's time as a ratio against the baseline of the same size and mask, measured in this run.
 *
 *   npx tsx test/bench/detail.bench.ts      (also run by `npm run bench`)
 *   KINTSUGI_BENCH_SIZES=1 npx tsx test/bench/detail.bench.ts
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { classicalBackend } from '../../src-main/core/classical.js';
import type { Mask, Raster } from '../../src-main/core/image.js';
import { countHoles } from '../../src-main/core/mask.js';
import { FILL_DETAILS, inpaintRaster } from '../../src-main/core/pipeline.js';
import { blotchMask, scratchMask } from './masks.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const source = path.resolve(repoRoot, '../shared/data/real-damage/swinir-oldphoto6.png');
const SIZES = (process.env['KINTSUGI_BENCH_SIZES'] ?? '1,12').split(',').map(Number);
const MASKS: Record<string, (w: number, h: number) => Mask> = { scratches: scratchMask, blotches: blotchMask };

async function photo(mp: number): Promise<Raster> {
  const meta = await sharp(source).metadata();
  const aspect = meta.width! / meta.height!;
  const height = Math.round(Math.sqrt((mp * 1e6) / aspect));
  const { data, info } = await sharp(source).removeAlpha().resize(Math.round(height * aspect), height, { kernel: 'lanczos3' }).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, depth: 8, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

const rows: string[] = ['| MP | mask | holes | detail | seconds | × no detail |', '|---|---|---|---|---|---|'];
for (const mp of SIZES) {
  const image = await photo(mp);
  for (const [name, make] of Object.entries(MASKS)) {
    const mask = make(image.width, image.height);
    const share = ((100 * countHoles(mask)) / (image.width * image.height)).toFixed(2);
    let base = 0;
    for (const detail of ['none', ...FILL_DETAILS.filter((d) => d !== 'none')] as const) {
      const t0 = performance.now();
      await inpaintRaster(image, mask, classicalBackend(), { detail });
      const s = (performance.now() - t0) / 1000;
      if (detail === 'none') base = s;
      rows.push(`| ${(image.width * image.height / 1e6).toFixed(1)} | ${name} | ${share} % | ${detail} | ${s.toFixed(2)} | ${(s / base).toFixed(2)} |`);
      process.stderr.write(`${mp} MP ${name} ${detail}: ${s.toFixed(2)} s\n`);
    }
  }
}
process.stdout.write(`Fill detail cost (classical fill; ratios against the same fill with no added detail)\n${rows.join('\n')}\n`);
