/**
 * Restore speed and memory at 1, 12 and 40 MP: a real old photo upscaled to each size with a realistic
 * scratch mask (long thin near-straight scratches plus specks, ≈0.5 % of the pixels), restored by the
 * default ONNX inpainting model and by the classical fallback in the same run, on CPU and on every other
 * provider that is available. Each case runs in its own child process, so peak RSS is that case's alone
 * (it includes the inference worker thread). Ratios are against the first row (classical, 1 MP, CPU).
 *
 * First, issue 17's case as a user runs it (restore-cli.ts): the 12 MP scratch scan through the CLI with wall,
 * CPU and peak RSS as ratios against OpenCV Telea and the classical fill in the same run, and 40 MP's peak RSS.
 *
 *   npx tsx test/bench/restore.bench.ts     (also run by `npm run bench`)
 *   KINTSUGI_BENCH_SIZES=1,12 npx tsx test/bench/restore.bench.ts
 *   KINTSUGI_BENCH_SIZES=none (only the issue case)   KINTSUGI_BENCH_ISSUE=0 (only the size sweep)
 * Writes the table to ../notes/bench-restore.md when that folder exists.
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { Mask, Raster } from '../../src-main/core/image.js';
import { countHoles } from '../../src-main/core/mask.js';
import { Engine } from '../../src-main/node/engine.js';
import { hostNote } from './host.js';
import { scratchMask } from './masks.js';
import { benchIssueCase } from './restore-cli.js';

const self = fileURLToPath(import.meta.url);
const repoRoot = path.resolve(path.dirname(self), '../..');
const source = path.resolve(repoRoot, '../shared/data/real-damage/swinir-oldphoto6.png');
const SIZES = (process.env['KINTSUGI_BENCH_SIZES'] ?? '1,12,40').split(',').filter((v) => v !== 'none').map(Number);

interface Case { model: string; mp: number; device: string }
interface Result extends Case { modelId: string; provider: string; holePixels: number; seconds: number; peakRssMB: number; mpPerSec: number }

async function runCase(c: Case): Promise<Result> {
  const meta = await sharp(source).metadata();
  const aspect = meta.width! / meta.height!;
  const height = Math.round(Math.sqrt((c.mp * 1e6) / aspect));
  const width = Math.round(height * aspect);
  const { data, info } = await sharp(source, { limitInputPixels: false }).removeAlpha().resize(width, height, { kernel: 'lanczos3' }).raw().toBuffer({ resolveWithObject: true });
  const image: Raster = { width: info.width, height: info.height, channels: 3, depth: 8, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  const mask = scratchMask(info.width, info.height);
  const engine = await Engine.create({ device: c.device as 'cpu' });
  try {
    const t0 = performance.now();
    const r = await engine.restore(image, mask, { ...(c.model === 'default' ? {} : { modelId: c.model }), device: c.device as 'cpu' });
    const seconds = (performance.now() - t0) / 1000;
    const peakRssMB = process.resourceUsage().maxRSS / 1024;
    const mp = (info.width * info.height) / 1e6;
    return { ...c, mp, modelId: r.modelId, provider: r.provider, holePixels: countHoles(mask), seconds, peakRssMB, mpPerSec: mp / seconds };
  } finally {
    await engine.close();
  }
}

function child(c: Case): Promise<Result> {
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, ['--import', 'tsx', self, JSON.stringify(c)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{')) done(JSON.parse(line) as Result);
      else fail(new Error(`case ${JSON.stringify(c)} failed (exit ${code}): ${out}`));
    });
  });
}

async function main(): Promise<void> {
  const issue = process.env['KINTSUGI_BENCH_ISSUE'] === '0' ? '' : await benchIssueCase(repoRoot, source);
  if (issue) process.stdout.write(issue + '\n\n');
  if (SIZES.length === 0) return writeNotes(issue);
  const engine = await Engine.create({ device: 'auto' });
  const models = await engine.listModels({ resolveProviders: true });
  await engine.close();
  const onnxDefault = models.find((m) => m.task === 'inpaint' && m.isDefault && m.format !== 'classical') ?? models.find((m) => m.task === 'inpaint' && m.format !== 'classical');
  const devices = ['cpu', ...new Set(models.map((m) => m.provider).filter((p): p is string => !!p && p !== 'cpu'))];
  const cases: Case[] = [];
  for (const mp of SIZES) {
    cases.push({ model: 'classical', mp, device: 'cpu' });
    if (onnxDefault) for (const device of devices) cases.push({ model: onnxDefault.id, mp, device });
  }
  const rows: Result[] = [];
  for (const c of cases) {
    process.stderr.write(`restore ${c.model} ${c.mp} MP on ${c.device}…\n`);
    rows.push(await child(c));
  }
  const base = rows[0]!;
  const lines = [
    `Restore benchmark — ${new Date().toISOString().slice(0, 10)}, ${process.platform} ${process.arch}, Node ${process.version}, ${hostNote()}`,
    `Photo: ${path.basename(source)} upscaled (Lanczos) to each size; mask: 12 long scratches (1–4 px) + specks, dilated 2 px by the pipeline.`,
    onnxDefault ? `ONNX model: ${onnxDefault.id} (${onnxDefault.family}, ${onnxDefault.source})` : 'ONNX model: none installed (models/manifest.json absent) — classical fallback only.',
    devices.length > 1 ? `Providers: ${devices.join(', ')}` : 'Providers: cpu only on this machine (no CUDA/DirectML/CoreML/WebGPU).',
    '',
    '| model | provider | size | hole px | wall s | peak RSS MB | MP/s | time × | RSS × |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.modelId} | ${r.provider} | ${r.mp.toFixed(1)} MP | ${r.holePixels} | ${r.seconds.toFixed(2)} | ${r.peakRssMB.toFixed(0)} | ${r.mpPerSec.toFixed(2)} | ${(r.seconds / base.seconds).toFixed(2)} | ${(r.peakRssMB / base.peakRssMB).toFixed(2)} |`),
    '',
    `Ratios against the first row (${base.modelId}, ${base.mp.toFixed(1)} MP, ${base.provider}), measured in the same run.`,
  ];
  const table = lines.join('\n') + '\n';
  process.stdout.write(table);
  writeNotes(issue ? `${issue}\n\n${table}` : table);
}

function writeNotes(text: string): void {
  const notes = path.resolve(repoRoot, '../notes');
  if (existsSync(notes)) writeFileSync(path.join(notes, 'bench-restore.md'), text);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === self) {
  const arg = process.argv[2];
  if (arg?.startsWith('{')) {
    const r = await runCase(JSON.parse(arg) as Case);
    process.stdout.write(JSON.stringify(r) + '\n');
  } else {
    await main();
  }
}
