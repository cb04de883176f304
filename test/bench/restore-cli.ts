/**
 * Issue 17's case as a user runs it: `kintsugi restore` on a 4000×3000 JPEG with a given mask of 12 long thin
 * scratches and 200 specks (≈0.4 % of the picture), whole process (start, decode, restore, encode), median of
 * three, next to OpenCV's Telea in Python (process start + decode + cv2.inpaint r=3 + encode) and the built-in
 * classical fill, all in the same run and interleaved so a busy machine slows every method alike. Wall time,
 * CPU time (user + system, every thread) and peak RSS come from GNU time; a 40 MP restore gives the memory
 * ceiling. Used by restore.bench.ts.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { tempDir } from '../support/temp-dir.js';
import { hostNote } from './host.js';
import { lcg, traceScratch } from './masks.js';

const TIME = '/usr/bin/time';
const PYTHON = '/usr/bin/python3';
const RUNS = Number(process.env['KINTSUGI_BENCH_RUNS'] ?? 3);

/** One measured process. */
interface Sample { wall: number; cpu: number; rssMiB: number }

/** The issue's mask: 12 long 1–3 px near-straight scratches (mostly vertical) and 200 specks of radius 2–7. */
export function issueMask(w: number, h: number): Uint8Array {
  const data = new Uint8Array(w * h);
  const rnd = lcg(777);
  const k = Math.sqrt((w * h) / 12e6);
  for (let n = 0; n < 12; n++) {
    const vertical = rnd() < 0.7;
    const len = (vertical ? h : w) * (0.5 + 0.5 * rnd());
    const x = rnd() * w;
    const y = vertical ? rnd() * h * 0.3 : rnd() * h;
    const angle = (vertical ? Math.PI / 2 : 0) + (rnd() - 0.5) * 0.15;
    const width = Math.max(1, Math.round((1 + Math.round(rnd() * 1.6)) * k));
    traceScratch(data, w, h, rnd, { x, y, angle, len, width, vertical });
  }
  for (let n = 0; n < 200; n++) {
    const cx = Math.floor(rnd() * w);
    const cy = Math.floor(rnd() * h);
    const r = (2 + rnd() * 5) * k;
    const R = Math.ceil(r);
    for (let dy = -R; dy <= R; dy++) {
      for (let dx = -R; dx <= R; dx++) {
        const X = cx + dx;
        const Y = cy + dy;
        if (dx * dx + dy * dy <= r * r && X >= 0 && Y >= 0 && X < w && Y < h) data[Y * w + X] = 255;
      }
    }
  }
  return data;
}

/** Runs a command under GNU time; wall, CPU and peak RSS of the whole process tree's main process. */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, out: string): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const stats = `${out}.time`;
    const child = spawn(TIME, ['-f', '%e %U %S %M', '-o', stats, cmd, ...args], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.slice(-1500)}`));
      const [wall, user, sys, rssKiB] = readFileSync(stats, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
      resolve({ wall: wall!, cpu: user! + sys!, rssMiB: rssKiB! / 1024 });
    });
  });
}

/** Whether the compiled CLI (dist/) is at least as new as every main-process source file. */
function distIsFresh(repoRoot: string): boolean {
  const built = path.join(repoRoot, 'dist/main/cli/main.js');
  if (!existsSync(built)) return false;
  const t = statSync(built).mtimeMs;
  const walk = (dir: string): boolean => readdirSync(dir, { withFileTypes: true }).every((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : !e.name.endsWith('.ts') || statSync(p).mtimeMs <= t;
  });
  return walk(path.join(repoRoot, 'src-main'));
}

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1]!;

async function photo(source: string, w: number, h: number, dir: string, name: string): Promise<{ image: string; mask: string; holes: number }> {
  const image = path.join(dir, `${name}.jpg`);
  const mask = path.join(dir, `${name}-mask.png`);
  await sharp(source, { limitInputPixels: false }).removeAlpha().resize(w, h, { kernel: 'lanczos3' }).jpeg({ quality: 92 }).toFile(image);
  const m = issueMask(w, h);
  await sharp(Buffer.from(m.buffer), { raw: { width: w, height: h, channels: 1 }, limitInputPixels: false }).png().toFile(mask);
  let holes = 0;
  for (const v of m) if (v) holes++;
  return { image, mask, holes };
}

/** Measures the issue's case and returns a markdown table with ratios against Telea and the classical fill. */
export async function benchIssueCase(repoRoot: string, source: string): Promise<string> {
  const dir = tempDir('kintsugi-bench-restore-cli-');
  try {
    const fresh = distIsFresh(repoRoot);
    const env = { ...process.env, ...(fresh ? {} : { KINTSUGI_FROM_SOURCE: '1' }) };
    const bin = path.join(repoRoot, 'src-main/cli/bin.js');
    const p12 = await photo(source, 4000, 3000, dir, 'scan12');
    const teleaPy = path.join(dir, 'telea.py');
    writeFileSync(teleaPy, [
      'import sys, cv2',
      'img = cv2.imread(sys.argv[1], cv2.IMREAD_UNCHANGED)',
      'mask = cv2.imread(sys.argv[2], cv2.IMREAD_GRAYSCALE)',
      'cv2.imwrite(sys.argv[3], cv2.inpaint(img, (mask > 127).astype("uint8") * 255, 3, cv2.INPAINT_TELEA))',
    ].join('\n'));
    const hasTelea = await timed(PYTHON, ['-c', 'import cv2'], process.env, dir, path.join(dir, 'probe')).then(() => true, () => false);
    const methods: Array<{ name: string; run: (out: string) => Promise<Sample> }> = [];
    if (hasTelea) methods.push({ name: 'OpenCV Telea r=3 (Python)', run: (o) => timed(PYTHON, [teleaPy, p12.image, p12.mask, o], process.env, dir, o) });
    methods.push({ name: 'classical fill (kintsugi restore --model classical)', run: (o) => timed(process.execPath, [bin, 'restore', p12.image, '--mask', p12.mask, '-o', o, '--model', 'classical'], env, repoRoot, o) });
    methods.push({ name: 'default model (kintsugi restore)', run: (o) => timed(process.execPath, [bin, 'restore', p12.image, '--mask', p12.mask, '-o', o], env, repoRoot, o) });
    const samples = methods.map(() => [] as Sample[]);
    for (let r = 0; r < RUNS; r++) {
      for (const [i, m] of methods.entries()) {
        process.stderr.write(`issue case: ${m.name}, run ${r + 1}/${RUNS}…\n`);
        samples[i]!.push(await m.run(path.join(dir, `out-${i}-${r}.jpg`)));
      }
    }
    const rows = methods.map((m, i) => ({
      name: m.name, wall: median(samples[i]!.map((s) => s.wall)), cpu: median(samples[i]!.map((s) => s.cpu)),
      rss: Math.max(...samples[i]!.map((s) => s.rssMiB)),
    }));
    const telea = hasTelea ? rows[0]! : undefined;
    const classical = rows[hasTelea ? 1 : 0]!;
    const ratio = (a: number, b: number | undefined): string => (b ? `${(a / b).toFixed(2)}×` : '—');
    await rm(p12.image);
    process.stderr.write('issue case: default model at 40 MP…\n');
    const p40 = await photo(source, 7300, 5475, dir, 'scan40');
    const big = await timed(process.execPath, [bin, 'restore', p40.image, '--mask', p40.mask, '-o', path.join(dir, 'out40.jpg')], env, repoRoot, path.join(dir, 'out40.jpg'));
    return [
      `Issue 17 case: 4000×3000 JPEG, given mask of 12 long 1–3 px scratches + 200 specks (${p12.holes} px, ${(100 * p12.holes / 12e6).toFixed(2)} %),`,
      `whole process, median of ${RUNS} (interleaved); CLI ${fresh ? 'compiled (dist/)' : 'from source through tsx (dist/ is older than src-main)'}; CPU = user + system of every thread; ${hostNote()}.`,
      '',
      '| method | wall s | CPU s | peak RSS MiB | wall × Telea | CPU × Telea | wall × classical |',
      '|---|---:|---:|---:|---:|---:|---:|',
      ...rows.map((r) => `| ${r.name} | ${r.wall.toFixed(2)} | ${r.cpu.toFixed(2)} | ${r.rss.toFixed(0)} | ${ratio(r.wall, telea?.wall)} | ${ratio(r.cpu, telea?.cpu)} | ${ratio(r.wall, classical.wall)} |`),
      `| default model, 40 MP (7300×5475, ${p40.holes} px) | ${big.wall.toFixed(2)} | ${big.cpu.toFixed(2)} | ${big.rssMiB.toFixed(0)} | | | |`,
      '',
      hasTelea ? '' : `(${PYTHON} has no cv2: no Telea row.)`,
    ].join('\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
