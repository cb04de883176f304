/**
 * Detail in the fill (issue 12) with the shipped default model on a real grainy film scan (the expert's hand
 * restoration of a dusty 35 mm frame): by default the fill gets the scan's own grain and texture copied in
 * (`--detail texture`), or synthetic grain like it (`--detail grain`), so it holds far more fine detail than the
 * bare fill, keeps its colour, changes no pixel outside the mask and is the same on every run; `--detail none`
 * gives the bare fill.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mask, Raster } from '../../src-main/core/image.js';
import { detailRatio } from '../../src-main/core/metrics.js';
import { Engine } from '../../src-main/node/engine.js';

const repoRoot = resolve(__dirname, '../..');
const scan = resolve(repoRoot, '../shared/data/real-damage-labelled/film-velvia50_0/restored-by-hand.jpg');
const bin = join(repoRoot, 'src-main/cli/bin.js');

let work: string;
let engine: Engine;
let clean: Raster;
let mask: Mask;
let damaged: Raster;

/** A 384×288 crop of the scan, and a mask of thin scratches and two blotches over it. */
async function setup(): Promise<void> {
  const { data, info } = await sharp(scan).extract({ left: 300, top: 200, width: 384, height: 288 }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  clean = { width: info.width, height: info.height, channels: 3, depth: 8, data: new Uint8Array(data) };
  const m = new Uint8Array(info.width * info.height);
  for (let y = 0; y < info.height; y++) for (let d = 0; d < 3; d++) m[y * info.width + 90 + Math.round(y * 0.3) + d] = 255;
  for (let x = 20; x < info.width - 20; x++) m[200 * info.width + x] = 255;
  for (const [cx, cy, r] of [[260, 80, 14], [150, 240, 10]] as const) {
    for (let y = cy - r; y <= cy + r; y++) for (let x = cx - r; x <= cx + r; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) m[y * info.width + x] = 255;
  }
  mask = { width: info.width, height: info.height, data: m };
  const d = Uint8Array.from(clean.data as Uint8Array);
  m.forEach((v, p) => v && d.fill(255, p * 3, p * 3 + 3));
  damaged = { ...clean, data: d };
}

function holeMean(img: Raster): number[] {
  const sum = [0, 0, 0];
  let n = 0;
  mask.data.forEach((v, p) => {
    if (!v) return;
    for (let c = 0; c < 3; c++) sum[c] += img.data[p * 3 + c]!;
    n++;
  });
  return sum.map((s) => s / n);
}

function changedOutside(a: Raster, b: Raster): number {
  let n = 0;
  for (let p = 0; p < mask.data.length; p++) {
    if (mask.data[p]) continue;
    for (let c = 0; c < 3; c++) if (a.data[p * 3 + c] !== b.data[p * 3 + c]) { n++; break; }
  }
  return n;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'kintsugi-detail-'));
  mkdirSync(join(work, 'user-models'));
  engine = await Engine.create({ modelsDir: join(repoRoot, 'models'), userModelsDir: join(work, 'user-models'), device: 'cpu' });
  await setup();
});
afterAll(async () => {
  await engine?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('detail in the fill (shipped default model, real film scan)', () => {
  it.each(['texture', 'grain'] as const)('%s: more detail, same colour, nothing outside the mask, same result every run', async (detail) => {
    const bare = (await engine.restore(damaged, mask, { detail: 'none' })).image;
    const detailed = (await engine.restore(damaged, mask, { detail })).image;
    const again = (await engine.restore(damaged, mask, { detail })).image;
    expect(Buffer.from(again.data as Uint8Array).equals(Buffer.from(detailed.data as Uint8Array))).toBe(true);
    expect(changedOutside(damaged, bare)).toBe(0);
    expect(changedOutside(damaged, detailed)).toBe(0);
    const detailBare = detailRatio(clean, bare, mask.data);
    const detailAdded = detailRatio(clean, detailed, mask.data);
    console.log(`film scan detail ratio: bare ${detailBare.toFixed(3)}, ${detail} ${detailAdded.toFixed(3)}`);
    expect(detailAdded).toBeGreaterThan(1.5 * detailBare);
    expect(detailAdded).toBeLessThan(1.2);
    const [a, b] = [holeMean(bare), holeMean(detailed)];
    for (let c = 0; c < 3; c++) expect(Math.abs(a[c]! - b[c]!)).toBeLessThan(1);
  });

  it('copied texture is the default', async () => {
    const byDefault = (await engine.restore(damaged, mask)).image;
    const texture = (await engine.restore(damaged, mask, { detail: 'texture' })).image;
    expect(Buffer.from(byDefault.data as Uint8Array).equals(Buffer.from(texture.data as Uint8Array))).toBe(true);
  });

  it('kintsugi restore --detail none writes the bare fill', async () => {
    const input = join(work, 'scan.png');
    const maskFile = join(work, 'mask.png');
    await sharp(Buffer.from(clean.data as Uint8Array), { raw: { width: clean.width, height: clean.height, channels: 3 } }).png().toFile(input);
    await sharp(Buffer.from(mask.data), { raw: { width: mask.width, height: mask.height, channels: 1 } }).png().toFile(maskFile);
    const env = { ...process.env, KINTSUGI_FROM_SOURCE: '1', KINTSUGI_MODELS_DIR: join(repoRoot, 'models'), KINTSUGI_USER_MODELS: join(work, 'user-models') };
    const run = (args: string[]) => new Promise<number | null>((done) => {
      const child = spawn(process.execPath, [bin, 'restore', input, '--mask', maskFile, '--device', 'cpu', '--json', ...args], { env, stdio: 'ignore' });
      child.on('close', done);
    });
    expect(await run(['--out', join(work, 'bare.png'), '--detail', 'none'])).toBe(0);
    expect(await run(['--out', join(work, 'detail.png')])).toBe(0);
    const read = async (f: string): Promise<Raster> => {
      const { data, info } = await sharp(f).raw().toBuffer({ resolveWithObject: true });
      return { width: info.width, height: info.height, channels: 3, depth: 8, data: new Uint8Array(data) };
    };
    const bareFile = await read(join(work, 'bare.png'));
    const detailFile = await read(join(work, 'detail.png'));
    expect(detailRatio(clean, detailFile, mask.data)).toBeGreaterThan(1.5 * detailRatio(clean, bareFile, mask.data));
    // The CLI's bare fill is the engine's bare fill (the input PNG holds the clean pixels in the holes; the
    // model never reads them).
    const engineBare = (await engine.restore(clean, mask, { detail: 'none' })).image;
    expect(Buffer.from(bareFile.data as Uint8Array).equals(Buffer.from(engineBare.data as Uint8Array))).toBe(true);
  });
});
