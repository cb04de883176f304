/**
 * What a click of the crack wand costs: bopbtl-scratched/d (a crazed print) enlarged to each size, one click on its
 * cream crack network (src-main/core/crack-wand.ts: a copy at most 1024 px long, top-hats, flood, the selection
 * back at full size): the first click on a photo, which makes its working copies, and the clicks after it, which
 * reuse them. Median of KINTSUGI_BENCH_RUNS runs after a warm-up, next to decoding the same photo (what opening it
 * costs), measured in the same run; and how much the process's memory grew.
 *
 *   npx tsx test/bench/wand.bench.ts                 (also run by `npm run bench`)
 *   KINTSUGI_BENCH_SIZES=1,12,40 KINTSUGI_BENCH_RUNS=5 npx tsx test/bench/wand.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { traceCrack } from '../../src-main/core/crack-wand.js';
import { readImage } from '../../src-main/node/image-io.js';
import { hostNote } from './host.js';
import { median } from './timing.js';

const self = fileURLToPath(import.meta.url);
const repoRoot = path.resolve(path.dirname(self), '../..');
const source = path.resolve(repoRoot, '../shared/data/real-damage/bopbtl-scratched/d.png');
/** A cream crack on the 400 × 256 print, in its own pixels. */
const CLICK = { x: 93, y: 32 };
const SIZES = (process.env['KINTSUGI_BENCH_SIZES'] ?? '1,12').split(',').map(Number);
const RUNS = Number(process.env['KINTSUGI_BENCH_RUNS'] ?? 3);

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'kintsugi-wand-bench-'));
  const rows: string[] = [];
  try {
    const meta = await sharp(source).metadata();
    for (const mp of SIZES) {
      const aspect = meta.width! / meta.height!;
      const height = Math.round(Math.sqrt((mp * 1e6) / aspect));
      const width = Math.round(height * aspect);
      const photo = path.join(work, `d-${mp}.png`);
      await sharp(source).removeAlpha().resize(width, height, { kernel: 'lanczos3' }).png({ compressionLevel: 1 }).toFile(photo);
      const decode = await median(RUNS, () => readImage(photo));
      const { raster } = await readImage(photo);
      const at = { x: Math.round((CLICK.x + 0.5) * (width / meta.width!)), y: Math.round((CLICK.y + 0.5) * (height / meta.height!)) };
      const rss0 = process.memoryUsage().rss;
      let selected = 0;
      // First click on a photo (its working copies made; a new object is a new photo to the wand's cache)...
      const first = await median(RUNS, () => { selected = traceCrack({ ...raster }, at)?.pixels ?? 0; });
      // ...and every click after it on the same photo.
      const next = await median(RUNS, () => traceCrack(raster, at));
      const grown = (process.memoryUsage().rss - rss0) / 2 ** 20;
      rows.push(`| ${mp} MP (${width}×${height}) | ${decode.toFixed(2)} s | ${first.toFixed(2)} s (${(first / decode).toFixed(1)}×) | ${next.toFixed(2)} s (${(next / decode).toFixed(1)}×) | ${((100 * selected) / (width * height)).toFixed(1)} % | ${grown.toFixed(0)} MB |`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  process.stdout.write(`Crack wand, one click on bopbtl-scratched/d enlarged (${hostNote()}; median of ${RUNS} after a warm-up)\n\n`);
  process.stdout.write('| photo | decode (baseline) | first click (× decode) | next clicks (× decode) | selected | memory grown |\n|---|---|---|---|---|---|\n');
  process.stdout.write(rows.join('\n') + '\n');
}

await main();
