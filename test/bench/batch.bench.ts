/**
 * Batch throughput: photos per minute for 100 photos of ~3 MP on this machine, with given masks and with
 * the damage detector proposing them, `--jobs 1` vs `--jobs 2`, and each run's peak memory. Every
 * configuration runs the real CLI in its own process (so peak RSS is that run's alone) over the same
 * generated photos, in the same session; figures are printed as ratios against the first row (the
 * built-in classical fill with given masks and one job, the cheapest configuration).
 * Rows: KINTSUGI_BENCH_BATCH_ROWS=given,detected (default both) picks the mask sources to measure.
 *
 *   npx tsx test/bench/batch.bench.ts            (also run by `npm run bench`)
 *   KINTSUGI_BENCH_PHOTOS=20 npx tsx test/bench/batch.bench.ts   (a quicker look)
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { tempDir } from '../support/temp-dir.js';
import { hostNote } from './host.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const devImages = path.resolve(repoRoot, '../shared/data/dev-eval/images');
const trainImages = path.resolve(repoRoot, '../shared/data/train');
const bin = path.join(repoRoot, 'src-main/cli/bin.js');
const PHOTOS = Number(process.env['KINTSUGI_BENCH_PHOTOS'] ?? 100);
const TARGET_PIXELS = 3_000_000;

interface Row {
  name: string;
  masks: boolean;
  jobs: number;
  seconds: number;
  perMinute: number;
  peakMiB: number;
  failed: number;
  model: string;
}

async function sources(): Promise<string[]> {
  const pick = async (dir: string): Promise<string[]> =>
    existsSync(dir) ? (await readdir(dir)).filter((n) => /\.(png|jpe?g)$/i.test(n)).sort().map((n) => path.join(dir, n)) : [];
  return [...(await pick(devImages)), ...(await pick(trainImages))];
}

/** ~3 MP JPEGs upscaled from the shared photos, with a scratch mask each (white = hole). */
async function makeInputs(dir: string, maskDir: string): Promise<void> {
  const srcs = await sources();
  if (srcs.length === 0) throw new Error(`no photos under ${devImages}`);
  await mkdir(dir, { recursive: true });
  await mkdir(maskDir, { recursive: true });
  for (let i = 0; i < PHOTOS; i++) {
    const src = srcs[i % srcs.length]!;
    const meta = await sharp(src).metadata();
    const k = Math.sqrt(TARGET_PIXELS / (meta.width! * meta.height!));
    const w = Math.round(meta.width! * k);
    const h = Math.round(meta.height! * k);
    const name = `scan-${String(i).padStart(3, '0')}`;
    await sharp(src).resize(w, h, { kernel: 'lanczos3' }).jpeg({ quality: 90 }).toFile(path.join(dir, `${name}.jpg`));
    let s = i + 1;
    const r = (): number => ((s = (s * 16807) % 2147483647) / 2147483647);
    const lines = Array.from({ length: 4 }, () =>
      `<line x1="${r() * w}" y1="${r() * h}" x2="${r() * w}" y2="${r() * h}" stroke="#fff" stroke-width="${4 + r() * 10}"/>`).join('');
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%"/>${lines}</svg>`;
    await sharp(Buffer.from(svg)).greyscale().png().toFile(path.join(maskDir, `${name}.png`));
  }
}

/** Runs the CLI, sampling the process's high-water RSS (VmHWM) until it exits. */
function runCli(args: string[]): Promise<{ seconds: number; peakMiB: number; stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: repoRoot,
      env: { ...process.env, KINTSUGI_FROM_SOURCE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const sample = (): void => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peak = Math.max(peak, Number(m[1]) / 1024);
      } catch {
        /* exited */
      }
    };
    const timer = setInterval(sample, 100);
    child.on('exit', (code) => {
      clearInterval(timer);
      resolve({ seconds: (performance.now() - t0) / 1000, peakMiB: peak, stdout, stderr, code });
    });
  });
}

function hasDetector(): boolean {
  const manifest = path.join(repoRoot, 'models/manifest.json');
  if (!existsSync(manifest)) return false;
  const m = JSON.parse(readFileSync(manifest, 'utf8')) as { defaults?: Record<string, string> };
  return typeof m.defaults?.['detect-damage'] === 'string';
}

function table(rows: Row[]): string {
  const base = rows[0]!;
  const lines = [
    '| run | masks | jobs | model | photos/min | × first row | wall s | peak RSS MiB | × first row | failed |',
    '|---|---|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.name} | ${r.masks ? 'given' : 'detected'} | ${r.jobs} | ${r.model} | ${r.perMinute.toFixed(1)} | ` +
        `${(r.perMinute / base.perMinute).toFixed(2)} | ${r.seconds.toFixed(1)} | ${r.peakMiB.toFixed(0)} | ` +
        `${(r.peakMiB / base.peakMiB).toFixed(2)} | ${r.failed} |`,
    );
  }
  return lines.join('\n');
}

/** Runs every configuration and returns the markdown table (also written to KINTSUGI_BENCH_OUT when set). */
export async function benchBatch(): Promise<string> {
  const root = tempDir('kintsugi-bench-batch-');
  try {
    const inDir = path.join(root, 'in');
    const maskDir = path.join(root, 'masks');
    console.log(`batch bench: generating ${PHOTOS} photos of ~3 MP…`);
    await makeInputs(inDir, maskDir);
    const wanted = new Set((process.env['KINTSUGI_BENCH_BATCH_ROWS'] ?? 'given,detected').split(','));
    const configs: Array<{ name: string; masks: boolean; jobs: number; model?: string }> = [
      { name: 'baseline: classical fill, given masks, --jobs 1', masks: true, jobs: 1, model: 'classical' },
    ];
    if (wanted.has('given')) {
      configs.push({ name: 'given masks, --jobs 1', masks: true, jobs: 1 }, { name: 'given masks, --jobs 2', masks: true, jobs: 2 });
    }
    if (wanted.has('detected') && hasDetector()) {
      configs.push({ name: 'detected masks, --jobs 1', masks: false, jobs: 1 }, { name: 'detected masks, --jobs 2', masks: false, jobs: 2 });
    } else if (wanted.has('detected')) console.log('batch bench: no damage-detection model in models/manifest.json; detection rows skipped');
    const rows: Row[] = [];
    for (const [i, c] of configs.entries()) {
      const outDir = path.join(root, `out-${i}`);
      const args = ['batch', inDir, '--out', outDir, '--jobs', String(c.jobs), '--json', ...(c.masks ? ['--masks', maskDir] : []), ...(c.model ? ['--model', c.model] : [])];
      console.log(`batch bench: ${c.name}… (${new Date().toISOString().slice(11, 19)})`);
      const r = await runCli(args);
      if (r.code !== 0 && r.code !== 1) throw new Error(`kintsugi batch exited ${r.code}: ${r.stderr.slice(-2000)}`);
      const summary = JSON.parse(r.stdout) as { restored: string[]; failed: unknown[] };
      const ledger = path.join(outDir, '.kintsugi-batch.sqlite');
      let model = '?';
      if (existsSync(ledger)) {
        const { default: Database } = await import('better-sqlite3');
        const db = new Database(ledger, { readonly: true });
        model = (db.prepare("SELECT group_concat(DISTINCT model_id) AS m FROM files WHERE state = 'done'").get() as { m: string | null }).m ?? '?';
        db.close();
      }
      rows.push({ name: c.name, masks: c.masks, jobs: c.jobs, seconds: r.seconds, perMinute: (summary.restored.length / r.seconds) * 60, peakMiB: r.peakMiB, failed: summary.failed.length, model });
      await rm(outDir, { recursive: true, force: true });
    }
    const md = table(rows);
    const note =
      `# Batch benchmark (test/bench/batch.bench.ts)\n\n` +
      `${new Date().toISOString()} · ${PHOTOS} JPEG photos of ~3 MP generated from /work/shared/data, ` +
      `${hostNote()}, real \`kintsugi batch\` CLI per row (wall time includes ` +
      `process start and model loading); peak RSS is the CLI process's VmHWM (inference workers are threads, ` +
      `so included).\n\n${md}\n`;
    const out = process.env['KINTSUGI_BENCH_OUT'];
    if (out) await writeFile(out, note);
    return md;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(await benchBatch());
}
