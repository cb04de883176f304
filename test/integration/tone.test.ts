/**
 * Tone restoration (issue 15) with the shipped `restore-tone` model (models/) on real photos through sharp:
 * grey stays grey, a clean well-exposed photo is nearly untouched, a faded and cast photo comes back closer to
 * the clean one, strength blends; `kintsugi restore --tone` runs the tone step after the fill (the inpainter
 * sees the photo before it), an all-black mask gives tone only, 16-bit and alpha survive, the input is never
 * written; `kintsugi batch --tone` tones every photo and a rerun with other tone settings redoes them; in the app
 * service, Fix fading and colour is a history step layered over the repairs (restore re-applies it, reopening
 * the project keeps it).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionView } from '../../src-main/core/api/contract.js';
import type { Raster } from '../../src-main/core/image.js';
import { AppService } from '../../src-main/node/app/service.js';
import { runBatch } from '../../src-main/node/batch/index.js';
import { Engine } from '../../src-main/node/engine.js';
import { appCaller, openByPath } from './helpers/app-call.js';

const repoRoot = resolve(__dirname, '../..');
const data = resolve(repoRoot, '../shared/data');
/** The models folder under test (a candidate can be checked with KINTSUGI_TONE_TEST_MODELS). */
const modelsDir = process.env.KINTSUGI_TONE_TEST_MODELS ?? join(repoRoot, 'models');
const faded = join(data, 'real-damage/bopbtl-old/c.png');
const sepiaPrint = join(data, 'real-damage/swinir-oldphoto6.png');
const cleanPhotos = ['101085.png', '14037.png', '108005.png'].map((f) => join(data, 'dev-eval/images', f));
const bin = join(repoRoot, 'src-main/cli/bin.js');

let work: string;
let env: NodeJS.ProcessEnv;
let engine: Engine;

interface Run { code: number | null; stdout: string; stderr: string }

function kintsugi(args: string[]): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: work, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

async function raster(file: string, how: (s: sharp.Sharp) => sharp.Sharp = (s) => s): Promise<Raster> {
  const { data: buf, info } = await how(sharp(file)).raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: info.channels as Raster['channels'], depth: 8, data: new Uint8Array(buf) };
}

async function rasterOf(file: string): Promise<Raster> {
  const is16 = (await sharp(file).metadata()).depth === 'ushort';
  const { data: buf, info } = await sharp(file).raw({ depth: is16 ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
  const arr = is16 ? new Uint16Array(buf.buffer, buf.byteOffset, buf.length / 2) : new Uint8Array(buf);
  return { width: info.width, height: info.height, channels: info.channels as Raster['channels'], depth: is16 ? 16 : 8, data: arr };
}

function psnr(a: Raster, b: Raster): number {
  expect([b.width, b.height, b.channels]).toEqual([a.width, a.height, a.channels]);
  const max = a.depth === 16 ? 65535 : 255;
  let se = 0;
  for (let i = 0; i < a.data.length; i++) se += (a.data[i]! - b.data[i]!) ** 2;
  const mse = se / a.data.length;
  return mse === 0 ? 100 : 10 * Math.log10((max * max) / mse);
}

function maxChannelSpread(r: Raster): number {
  let worst = 0;
  for (let i = 0; i < r.data.length; i += r.channels) {
    worst = Math.max(worst, Math.abs(r.data[i]! - r.data[i + 1]!), Math.abs(r.data[i]! - r.data[i + 2]!));
  }
  return worst;
}

/** A faded, yellowed copy of a photo: lifted blacks, lowered whites, blue dye gone (deterministic, not training's). */
function fadeAndYellow(r: Raster): Raster {
  const out = new Uint8Array(r.data.length);
  const lo = [0.16, 0.14, 0.1];
  const hi = [0.92, 0.86, 0.62];
  for (let i = 0; i < r.data.length; i++) {
    const c = i % 3;
    out[i] = Math.round((lo[c]! + (hi[c]! - lo[c]!) * (r.data[i]! / 255)) * 255);
  }
  return { ...r, data: out };
}

/** An all-black (nothing to fill) mask PNG of the given size. */
async function blackMask(file: string, width: number, height: number): Promise<void> {
  await sharp(Buffer.alloc(width * height), { raw: { width, height, channels: 1 } }).png().toFile(file);
}

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'kintsugi-tone-'));
  mkdirSync(join(work, 'user-models'));
  env = { ...process.env, KINTSUGI_FROM_SOURCE: '1', KINTSUGI_MODELS_DIR: modelsDir, KINTSUGI_USER_MODELS: join(work, 'user-models') };
  delete env.KINTSUGI_PIXEL_LIMIT;
  engine = await Engine.create({ modelsDir, userModelsDir: join(work, 'user-models'), device: 'cpu' });
});
afterAll(async () => {
  await engine?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('Engine.tone with the shipped restore-tone model', () => {
  it('is listed as the default model of its task', async () => {
    const models = await engine.listModels();
    const tone = models.filter((m) => m.task === 'restore-tone');
    expect(tone.length).toBeGreaterThan(0);
    expect(tone.some((m) => m.isDefault)).toBe(true);
  });

  it('keeps a grey photo grey: one grey channel, or three equal ones, with or without the sepia kept', async () => {
    const grey1 = await raster(cleanPhotos[0]!, (s) => s.greyscale().linear(0.7, 30));
    expect(grey1.channels).toBe(1);
    const r1 = await engine.tone(grey1);
    expect(r1.isMono).toBe(true);
    expect(r1.image.channels).toBe(1);
    const rgb = new Uint8Array(grey1.data.length * 3);
    for (let i = 0; i < grey1.data.length; i++) rgb.fill(grey1.data[i]!, 3 * i, 3 * i + 3);
    const grey3: Raster = { ...grey1, channels: 3, data: rgb };
    for (const keepSepia of [false, true]) {
      const r3 = await engine.tone(grey3, { keepSepia });
      expect(r3.isMono).toBe(true);
      expect(maxChannelSpread(r3.image)).toBe(0);
    }
  });

  it('changes a clean, well-exposed colour photo by little (PSNR against it above 30 dB)', async () => {
    for (const file of cleanPhotos) {
      const img = await raster(file, (s) => s.removeAlpha());
      const r = await engine.tone(img);
      expect(r.isMono, file).toBe(false);
      expect(psnr(img, r.image), file).toBeGreaterThan(30);
    }
  });

  it('brings a faded, yellowed photo back towards the clean one, and strength blends', async () => {
    // Every photo gains, by 3 dB or more on average (the shipped model: +6.1, +2.7, +5.0 dB).
    const gains: number[] = [];
    for (const file of cleanPhotos) {
      const clean = await raster(file, (s) => s.removeAlpha());
      const aged = fadeAndYellow(clean);
      const r = await engine.tone(aged);
      gains.push(psnr(clean, r.image) - psnr(clean, aged));
      expect(gains.at(-1), file).toBeGreaterThan(2);
    }
    expect(gains.reduce((a, b) => a + b) / gains.length).toBeGreaterThan(3);
    const clean = await raster(cleanPhotos[1]!, (s) => s.removeAlpha());
    const aged = fadeAndYellow(clean);
    const full = (await engine.tone(aged)).image;
    const none = (await engine.tone(aged, { strength: 0 })).image;
    expect(Buffer.from(none.data).equals(Buffer.from(aged.data))).toBe(true);
    const half = (await engine.tone(aged, { strength: 0.5 })).image;
    let worst = 0;
    for (let i = 0; i < half.data.length; i++) worst = Math.max(worst, Math.abs(half.data[i]! - (aged.data[i]! + full.data[i]!) / 2));
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('corrects a real faded print and keeps or neutralises a real sepia print as asked', async () => {
    const print = await raster(faded);
    const r = await engine.tone(print);
    let change = 0;
    for (let i = 0; i < print.data.length; i++) change += Math.abs(r.image.data[i]! - print.data[i]!);
    expect(change / print.data.length).toBeGreaterThan(3);
    const sepia = await raster(sepiaPrint);
    const neutral = await engine.tone(sepia);
    const kept = await engine.tone(sepia, { keepSepia: true });
    expect(neutral.isMono).toBe(true);
    expect(maxChannelSpread(neutral.image)).toBe(0);
    expect(maxChannelSpread(kept.image)).toBeGreaterThan(10); // still toned
  });

  it('refuses a strength outside 0..1', async () => {
    const img = await raster(cleanPhotos[0]!, (s) => s.removeAlpha());
    await expect(engine.tone(img, { strength: 1.2 })).rejects.toThrow(/strength must be a number from 0 to 1/);
  });
});

describe('kintsugi restore --tone', () => {
  it('with an all-black mask restores the tone only, as Engine.tone does, and never writes the input', async () => {
    const { width, height } = await sharp(faded).metadata();
    const black = join(work, 'black.png');
    await blackMask(black, width!, height!);
    const before = sha256(faded);
    const out = join(work, 'faded-toned.png');
    const r = await kintsugi(['restore', faded, '--mask', black, '--out', out, '--tone', '--device', 'cpu', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as { holePixels: number; tone: { modelId: string; strength: number } };
    expect(res.holePixels).toBe(0);
    expect(res.tone.strength).toBe(1);
    expect(sha256(faded)).toBe(before);
    const expected = (await engine.tone(await raster(faded))).image;
    expect(Buffer.from((await raster(out)).data).equals(Buffer.from(expected.data))).toBe(true);
  });

  it('tones after the fill: the inpainter sees the photo before the tone changes', async () => {
    const photo = cleanPhotos[2]!;
    const { width, height } = await sharp(photo).metadata();
    const m = new Uint8Array(width! * height!);
    for (let y = 0; y < height!; y++) m[y * width! + Math.round(width! * 0.4 + y * 0.1)] = 255;
    const mask = join(work, 'scratch.png');
    await sharp(Buffer.from(m), { raw: { width: width!, height: height!, channels: 1 } }).png().toFile(mask);
    const agedFile = join(work, 'aged.png');
    const aged = fadeAndYellow(await raster(photo, (s) => s.removeAlpha()));
    await sharp(Buffer.from(aged.data), { raw: { width: aged.width, height: aged.height, channels: 3 } }).png().toFile(agedFile);
    const filled = join(work, 'filled.png');
    const both = join(work, 'filled-toned.png');
    const r1 = await kintsugi(['restore', agedFile, '--mask', mask, '--out', filled, '--device', 'cpu', '--json']);
    const r2 = await kintsugi(['restore', agedFile, '--mask', mask, '--out', both, '--tone', '--tone-strength', '0.8', '--device', 'cpu', '--json']);
    expect(r1.code, r1.stderr).toBe(0);
    expect(r2.code, r2.stderr).toBe(0);
    const expected = (await engine.tone(await raster(filled), { strength: 0.8 })).image;
    expect(Buffer.from((await raster(both)).data).equals(Buffer.from(expected.data))).toBe(true);
  });

  it('keeps 16-bit depth and alpha', async () => {
    const src = join(work, 'rgba16.png');
    await sharp(cleanPhotos[0]!).resize(120, 80).ensureAlpha(0.6).toColourspace('rgb16').png().toFile(src);
    const black = join(work, 'black-small.png');
    await blackMask(black, 120, 80);
    const out = join(work, 'rgba16-toned.png');
    const r = await kintsugi(['restore', src, '--mask', black, '--out', out, '--tone', '--device', 'cpu']);
    expect(r.code, r.stderr).toBe(0);
    const a = await rasterOf(src);
    const b = await rasterOf(out);
    expect([b.depth, b.channels]).toEqual([16, 4]);
    expect(a.depth).toBe(16);
    for (let i = 3; i < a.data.length; i += 4) expect(b.data[i]).toBe(a.data[i]);
  });

  it('refuses tone flags without --tone, a bad strength, and a missing tone model, writing nothing', async () => {
    const out = join(work, 'never.png');
    const cases: Array<[string[], RegExp, NodeJS.ProcessEnv?]> = [
      [['--tone-strength', '0.5'], /--tone-strength needs --tone/],
      [['--keep-sepia'], /--keep-sepia needs --tone/],
      [['--tone', '--tone-strength', '2'], /tone strength must be a number from 0 to 1/],
      [['--tone', '--tone-strength', 'lots'], /tone strength must be a number from 0 to 1/],
      [['--tone', '--tone-model', 'nope'], /unknown model "nope"/],
      [['--tone'], /no tone-restoration model installed/, { KINTSUGI_MODELS_DIR: join(work, 'user-models') }],
    ];
    for (const [flags, message, extra] of cases) {
      const saved = env;
      env = { ...env, ...extra };
      const r = await kintsugi(['restore', faded, '--mask', join(work, 'black.png'), '--out', out, ...flags]);
      env = saved;
      expect(r.code, `${flags.join(' ')}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(() => readFileSync(out)).toThrow();
    }
  });
});

describe('kintsugi batch --tone', () => {
  it('tones every photo after its fill, and a rerun with other tone settings redoes them', async () => {
    const inDir = join(work, 'batch-in');
    const maskDir = join(work, 'batch-masks');
    const outDir = join(work, 'batch-out');
    mkdirSync(inDir);
    mkdirSync(maskDir);
    const names = ['a.png', 'b.png'];
    for (const [i, name] of names.entries()) {
      const img = fadeAndYellow(await raster(cleanPhotos[i]!, (s) => s.removeAlpha()));
      await sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 3 } }).png().toFile(join(inDir, name));
      await blackMask(join(maskDir, name), img.width, img.height);
    }
    const engineOptions = { modelsDir, userModelsDir: join(work, 'user-models'), device: 'cpu' as const };
    const s1 = await runBatch({ inDir, outDir, masksDir: maskDir, tone: {}, engineOptions });
    expect(s1.failed).toEqual([]);
    expect(s1.restored.sort()).toEqual(names);
    for (const name of names) {
      const expected = (await engine.tone(await raster(join(inDir, name)))).image;
      expect(Buffer.from((await raster(join(outDir, name))).data).equals(Buffer.from(expected.data)), name).toBe(true);
    }
    const again = await runBatch({ inDir, outDir, masksDir: maskDir, tone: {}, engineOptions });
    expect(again.restored).toEqual([]);
    const weaker = await runBatch({ inDir, outDir, masksDir: maskDir, tone: { strength: 0.5 }, engineOptions });
    expect(weaker.restored.sort()).toEqual(names);

    const cli = await kintsugi(['batch', inDir, '--masks', maskDir, '--out', join(work, 'batch-cli'), '--tone', '--keep-sepia', '--json']);
    expect(cli.code, cli.stderr).toBe(0);
    expect((JSON.parse(cli.stdout) as { restored: string[] }).restored.sort()).toEqual(names);
    const bad = await kintsugi(['batch', inDir, '--masks', maskDir, '--out', join(work, 'batch-bad'), '--tone-strength', '0.3']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--tone-strength needs --tone/);
  });
});

describe('app service: Fix fading and colour', () => {
  let service: AppService;
  const dataDir = (): string => join(work, 'app');
  const make = (): Promise<AppService> =>
    AppService.create({
      dataDir: dataDir(),
      engine: { modelsDir, userModelsDir: join(work, 'user-models'), device: 'cpu' },
    });
  const call = appCaller(() => service);
  const run = async (channel: 'app:tone.run' | 'app:restore.run', args: object): Promise<SessionView> => {
    const job = await call<{ jobId: string }>(channel, args);
    return call<SessionView>('app:job.wait', { jobId: job.jobId });
  };
  beforeAll(async () => {
    service = await make();
  });
  afterAll(async () => {
    await service?.close();
  });

  it('is one history step over the repairs: exported toned, re-applied after a restore, kept on reopening', async () => {
    const s0 = await openByPath(call, faded);
    expect(s0.tone ?? null).toBeNull();
    const on = await run('app:tone.run', { strength: 0.6 });
    expect(on.history.entries.at(-1)).toMatchObject({ kind: 'tone', label: 'Fix fading and colour (60 %)' });
    expect(on.tone).toMatchObject({ strength: 0.6, keepSepia: false, baseBlobId: null });
    // What is shown and exported is the tone at 60 %, exactly what `kintsugi restore --tone --tone-strength 0.6` gives.
    const shown = (await service.readBlob(on.resultBlobId!))!.bytes;
    const expected = (await engine.tone(await raster(faded), { strength: 0.6 })).image;
    const got = await sharp(shown).raw().toBuffer();
    expect(Buffer.from(expected.data).equals(got)).toBe(true);
    const exported = await call<{ path?: string; blobId: string }>('app:export.save', { format: 'png' });
    const exportedPixels = await sharp((await service.readBlob(exported.blobId))!.bytes).raw().toBuffer();
    expect(exportedPixels.equals(got)).toBe(true);

    // A restore works on the photo before the tone, then the tone is applied to the repair.
    const w = on.photo.width;
    await call('app:history.append', { command: { kind: 'stroke', tool: 'line', points: [20, 100, w - 20, 110], size: 5, hardness: 1 } });
    const restored = await run('app:restore.run', { modelId: 'classical' });
    expect(restored.history.entries.map((e) => e.kind)).toEqual(['open', 'tone', 'stroke', 'restore']);
    expect(restored.tone?.strength).toBe(0.6);
    expect(restored.tone?.baseBlobId).toMatch(/^[0-9a-f]{64}$/);
    const base = await sharp((await service.readBlob(restored.tone!.baseBlobId!))!.bytes).raw().toBuffer({ resolveWithObject: true });
    const baseRaster: Raster = { width: base.info.width, height: base.info.height, channels: 3, depth: 8, data: new Uint8Array(base.data) };
    const retoned = (await engine.tone(baseRaster, { strength: 0.6 })).image;
    expect(Buffer.from(retoned.data).equals(await sharp((await service.readBlob(restored.resultBlobId!))!.bytes).raw().toBuffer())).toBe(true);
    // The repair itself changed only near the line (it never saw the toned picture).
    const org = await raster(faded);
    let far = 0;
    for (let y = 0; y < 60; y++) for (let x = 0; x < w; x++) for (let k = 0; k < 3; k++) far += Math.abs(base.data[(y * w + x) * 3 + k]! - org.data[(y * w + x) * 3 + k]!);
    expect(far).toBe(0);

    // Reopening the project rebuilds the tone layer from the history; turning it off shows the repair alone.
    await service.close();
    service = await make();
    const re = await call<SessionView>('app:project.open', { projectId: restored.projectId });
    expect(re.tone).toEqual(restored.tone);
    expect(re.resultBlobId).toBe(restored.resultBlobId);
    const off = await run('app:tone.run', { enabled: false });
    expect(off.tone).toBeNull();
    expect(off.resultBlobId).toBe(restored.tone!.baseBlobId);
    expect(off.history.entries.at(-1)!.label).toBe('Fix fading and colour off');
    const back = await call<SessionView>('app:history.undo');
    expect(back.tone?.strength).toBe(0.6);
  });
});
