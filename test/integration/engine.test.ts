import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KintsugiError } from '../../src-main/core/errors.js';
import type { Mask, Progress, Raster } from '../../src-main/core/image.js';
import { formatModels } from '../../src-main/cli/commands/models.js';
import { Engine } from '../../src-main/node/engine.js';
import { readImage } from '../../src-main/node/image-io.js';
import { detectFile, restoreFile } from '../../src-main/node/restore-file.js';
import { buildTestModels, FILL, testDetectEntry, testInpaintEntry, writeTestManifest } from './helpers/test-models.js';
import { tempDir } from '../support/temp-dir.js';

const repoRoot = resolve(__dirname, '../..');
const fixtures = join(resolve(repoRoot, '../shared/data'), 'fixtures');
let models: string;
let work: string;
let bundled: string;
let user: string;
let empty: string;
let engine: Engine;

beforeAll(async () => {
  models = buildTestModels();
  work = tempDir('kintsugi-engine-');
  bundled = join(work, 'bundled');
  user = join(work, 'user');
  empty = join(work, 'empty');
  for (const d of [bundled, user, empty]) mkdirSync(d);
  writeTestManifest(bundled, models, [
    testInpaintEntry('test-inpaint', { tile: { size: 64, overlap: 8 } }),
    testDetectEntry('test-detect', { tile: { size: 64, overlap: 8 }, postprocess: { threshold: 0.7, dilate: 0 } }),
  ]);
  for (const n of ['lama', 'migan', 'corrupt']) copyFileSync(join(models, `${n}.onnx`), join(user, `${n}.onnx`));
  engine = await Engine.create({ modelsDir: bundled, userModelsDir: user, device: 'cpu' });
});

afterAll(async () => {
  await engine?.close();
  rmSync(models, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

function photo(w: number, h: number): Raster {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const o = (y * w + x) * 3;
    data[o] = (x * 3) & 255;
    data[o + 1] = (y * 5) & 255;
    data[o + 2] = (x + y) & 255;
  }
  return { width: w, height: h, channels: 3, depth: 8, data };
}

function boxes(w: number, h: number, list: [number, number, number, number][]): Mask {
  const data = new Uint8Array(w * h);
  for (const [x0, y0, x1, y1] of list) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) data[y * w + x] = 255;
  return { width: w, height: h, data };
}

/** Many small holes spread over a large image: many regions, many tiles, so cancel lands mid-job. */
function manyHoles(w: number, h: number): Mask {
  const list: [number, number, number, number][] = [];
  for (let y = 20; y + 12 < h; y += 90) for (let x = 20; x + 12 < w; x += 90) list.push([x, y, x + 12, y + 12]);
  return boxes(w, h, list);
}

async function rejection(p: Promise<unknown>): Promise<KintsugiError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(KintsugiError);
  return e as KintsugiError;
}

describe('Engine on real ONNX sessions in the worker', () => {
  it('restores holes with the model, leaves far pixels bit-identical, reports progress', async () => {
    const img = photo(300, 200);
    const mask = boxes(300, 200, [[100, 50, 140, 90], [220, 150, 260, 170]]);
    const events: Progress[] = [];
    const r = await engine.restore(img, mask, { onProgress: (p) => events.push(p), jobId: 'job-a' });
    expect(r.modelId).toBe('test-inpaint');
    expect(r.provider).toBe('cpu');
    const out = r.image.data;
    const centre = (120 * 1 + 70 * 300) * 3;
    expect(Math.abs(out[centre]! - FILL[0] * 255)).toBeLessThanOrEqual(1);
    expect(Math.abs(out[centre + 2]! - FILL[2] * 255)).toBeLessThanOrEqual(1);
    const far = (10 + 10 * 300) * 3;
    expect([out[far], out[far + 1], out[far + 2]]).toEqual([img.data[far], img.data[far + 1], img.data[far + 2]]);
    // The caller's pixels are copied, not detached.
    expect(img.data.length).toBe(300 * 200 * 3);
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.jobId === 'job-a' && e.done <= e.total && typeof e.stage === 'string')).toBe(true);
  });

  it('runs off the caller event loop', async () => {
    const img = photo(1500, 1000);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    await engine.restore(img, manyHoles(1500, 1000));
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(3);
  });

  it('detects damage with the detector model and its post-processing', async () => {
    const img = photo(200, 120);
    // Red channel is the test detector's probability: paint a bright red bar.
    for (let y = 40; y < 50; y++) for (let x = 0; x < 200; x++) img.data[(y * 200 + x) * 3] = 255;
    for (let i = 0; i < 200 * 120; i++) if (img.data[i * 3]! > 170 && !(i >= 40 * 200 && i < 50 * 200)) img.data[i * 3] = 0;
    const { mask, modelId } = await engine.detect(img);
    expect(modelId).toBe('test-detect');
    expect(mask.data[45 * 200 + 100]).toBeGreaterThan(0);
    expect(mask.data[10 * 200 + 10]).toBe(0);
    const holes = mask.data.reduce((a, v) => a + (v ? 1 : 0), 0);
    expect(holes).toBe(200 * 10);
  });

  /** An engine whose default detector `colour-detect` names `prints-detect` as its model for old prints. */
  async function routedEngine(
    name: string, colourThreshold: number, printsThreshold: number, maxRadius: { colour?: number; prints?: number } = {},
  ): Promise<Engine> {
    const radius = (r: number | undefined) => (r === undefined ? {} : { maxRadius: r });
    const dir = writeTestManifest(join(work, name), models, [
      testDetectEntry('colour-detect', { prints: 'prints-detect', postprocess: { threshold: colourThreshold, dilate: 0, ...radius(maxRadius.colour) } }),
      testDetectEntry('prints-detect', { postprocess: { threshold: printsThreshold, dilate: 2, ...radius(maxRadius.prints) } }),
    ], { 'detect-damage': 'colour-detect' });
    return Engine.create({ modelsDir: dir, userModelsDir: empty, device: 'cpu' });
  }

  it('a detector naming a model for old prints hands grey and toned photos to it, colour photos not', async () => {
    const routed = await routedEngine('prints', 0.7, 0.7);
    try {
      // A sepia print (each channel a fixed share of luma) with a bright bar, and a colour photo with the same bar.
      const w = 80;
      const h = 60;
      const sepia: Raster = { width: w, height: h, channels: 3, depth: 8, data: new Uint8Array(w * h * 3) };
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
        const luma = y >= 28 && y < 32 ? 250 : 60 + ((x * 7 + y * 3) % 90);
        [1, 0.85, 0.62].forEach((k, c) => { sepia.data[(y * w + x) * 3 + c] = Math.round(luma * k); });
      }
      const colour = photo(w, h);
      for (let i = 0; i < w * h; i++) colour.data[i * 3] = i >= 28 * w && i < 32 * w ? 255 : 0;
      // the listing says where prints go, in the data and in `kintsugi models`' table
      const listed = await routed.listModels();
      expect(listed.find((m) => m.id === 'colour-detect')?.prints).toBe('prints-detect');
      expect(listed.find((m) => m.id === 'prints-detect')?.prints).toBeUndefined();
      expect(formatModels(listed, [])).toMatch(/^colour-detect \*.*\n {4}grey and toned prints go to prints-detect$/m);
      const print = await routed.detect(sepia);
      const other = await routed.detect(colour);
      expect(print.modelId).toBe('prints-detect');
      expect(other.modelId).toBe('colour-detect');
      // each ran with its own post-processing: the print's bar grew by 2 px on either side, the colour one's not
      const rows = (m: Mask) => new Set([...m.data.keys()].filter((i) => m.data[i]).map((i) => Math.floor(i / w)));
      expect([...rows(other.mask)].sort((a, b) => a - b)).toEqual([28, 29, 30, 31]);
      expect([...rows(print.mask)].sort((a, b) => a - b)).toEqual([26, 27, 28, 29, 30, 31, 32, 33]);
      // naming the prints model itself uses it on any photo; naming the colour one keeps its routing
      expect((await routed.detect(colour, { modelId: 'prints-detect' })).modelId).toBe('prints-detect');
      expect((await routed.detect(sepia, { modelId: 'colour-detect' })).modelId).toBe('prints-detect');

      // Unattended, a print gets both detectors' masks together: a fainter bar (red 170/255) that only the
      // colour detector's threshold takes, and the prints detector's 2 px growth around the bright bar.
      for (let y = 10; y < 12; y++) for (let x = 0; x < w; x++) [1, 0.85, 0.62].forEach((k, c) => { sepia.data[(y * w + x) * 3 + c] = Math.round(170 * k); });
      const both = await routedEngine('prints-loose', 0.6, 0.9);
      try {
        const ticks: number[] = [];
        const reviewed = await both.detect(sepia);
        const unattended = await both.detect(sepia, { unattended: true, onProgress: (p) => ticks.push(p.done / p.total) });
        expect(reviewed.modelId).toBe('prints-detect');
        expect([...rows(reviewed.mask)].sort((a, b) => a - b)).toEqual([26, 27, 28, 29, 30, 31, 32, 33]);
        expect([...rows(unattended.mask)].sort((a, b) => a - b)).toEqual([10, 11, 26, 27, 28, 29, 30, 31, 32, 33]);
        // one progress bar across both looks: it never runs backwards and ends full
        expect(ticks.length).toBeGreaterThan(1);
        expect(ticks.every((t, i) => i === 0 || t >= ticks[i - 1]!)).toBe(true);
        expect(ticks.at(-1)).toBe(1);
      } finally {
        await both.close();
      }
    } finally {
      await routed.close();
    }
  });

  it('unattended, counts a print\'s areas left for review only where neither detector\'s mask fills them', async () => {
    // A sepia print with two bright bands: 8 rows (the colour detector's areas rule keeps it, the prints one's
    // leaves it) and 16 rows (both leave it).
    const w = 80;
    const h = 60;
    const sepia: Raster = { width: w, height: h, channels: 3, depth: 8, data: new Uint8Array(w * h * 3) };
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const luma = (y >= 10 && y < 18) || (y >= 30 && y < 46) ? 250 : 60 + ((x * 7 + y * 3) % 90);
      [1, 0.85, 0.62].forEach((k, c) => { sepia.data[(y * w + x) * 3 + c] = Math.round(luma * k); });
    }
    const routed = await routedEngine('prints-areas', 0.7, 0.7, { colour: 0.07, prints: 0.02 });
    try {
      const alone = await routed.detect(sepia, { modelId: 'prints-detect', unattended: true });
      expect(alone.areasLeft).toBe(2);
      const reviewed = await routed.detect(sepia, { modelId: 'colour-detect' });
      expect(reviewed.modelId).toBe('prints-detect'); // reviewed: routed, one model
      const both = await routed.detect(sepia, { unattended: true });
      const rows = new Set([...both.mask.data.keys()].filter((i) => both.mask.data[i]).map((i) => Math.floor(i / w)));
      expect([...rows].sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 14, 15, 16, 17]); // the 8-row band, filled
      expect(both.areasLeft).toBe(1); // the 16-row band; the 8-row one the colour detector's mask fills
    } finally {
      await routed.close();
    }
  });

  it('runs concurrent jobs on one engine, each with its own id and result', async () => {
    const a = photo(200, 100);
    const b = photo(120, 90);
    for (let i = 0; i < 120 * 90; i++) b.data[i * 3] = i < 120 * 10 ? 255 : 0;
    const ids = new Set<string>();
    const [ra, rb] = await Promise.all([
      engine.restore(a, boxes(200, 100, [[50, 40, 70, 60]]), { jobId: 'left', onProgress: (p) => ids.add(p.jobId!) }),
      engine.detect(b, { jobId: 'right', onProgress: (p) => ids.add(p.jobId!) }),
    ]);
    expect(ra.image.width).toBe(200);
    expect(rb.mask.data.reduce((n, v) => n + (v ? 1 : 0), 0)).toBe(120 * 10);
    expect([...ids].sort()).toEqual(['left', 'right']);
  });

  it('cancels between tiles when the signal fires', async () => {
    await engine.restore(photo(16, 16), boxes(16, 16, [[2, 2, 4, 4]]));
    const thread = engine.workerThreadId;
    const img = photo(2400, 1600);
    const ac = new AbortController();
    let seen = 0;
    const p = engine.restore(img, manyHoles(2400, 1600), {
      signal: ac.signal,
      onProgress: (e) => {
        seen++;
        if (e.done > 0) ac.abort();
      },
    });
    const e = await rejection(p);
    expect(e.code).toBe('cancelled');
    expect(seen).toBeGreaterThan(0);
    // A soft cancel: the worker stopped between tiles and was not killed.
    expect(engine.workerThreadId).toBe(thread);
    // The engine still works afterwards.
    const ok = await engine.restore(photo(64, 64), boxes(64, 64, [[10, 10, 20, 20]]));
    expect(ok.image.width).toBe(64);
  });

  it('a hard stop retires the worker mid-job and the next job gets a new one', async () => {
    await engine.restore(photo(32, 32), boxes(32, 32, [[4, 4, 8, 8]]));
    const before = engine.workerThreadId;
    expect(before).toBeDefined();
    let gone: Promise<void> | undefined;
    const p = engine.restore(photo(2400, 1600), manyHoles(2400, 1600), {
      onProgress: (e) => {
        if (e.done > 0 && !gone) gone = engine.stop();
      },
    });
    const e = await rejection(p);
    expect(e.code).toBe('cancelled');
    expect(engine.workerThreadId).toBeUndefined();
    // The old thread leaves at its next return from native code.
    await gone;
    const ok = await engine.restore(photo(32, 32), boxes(32, 32, [[4, 4, 8, 8]]));
    expect(ok.modelId).toBe('test-inpaint');
    expect(engine.workerThreadId).not.toBe(before);
  });

  it('a cancel not honoured in time ends in a hard stop, also during model loading', async () => {
    const quick = await Engine.create({ modelsDir: bundled, userModelsDir: empty, device: 'cpu', hardStopMs: 0 });
    try {
      const ac = new AbortController();
      const p = quick.restore(photo(2400, 1600), manyHoles(2400, 1600), { signal: ac.signal, onProgress: () => ac.abort() });
      expect((await rejection(p)).code).toBe('cancelled');
      expect(quick.workerThreadId).toBeUndefined();
      expect((await quick.restore(photo(16, 16), boxes(16, 16, [[2, 2, 4, 4]]))).image.width).toBe(16);
    } finally {
      await quick.close();
    }
  });

  it('lists models with the provider each runs on and why (cuda falls back to cpu here)', async () => {
    const list = await engine.listModels({ resolveProviders: true, device: 'cuda' });
    const byId = new Map(list.map((m) => [m.id, m]));
    expect([...byId.keys()].sort()).toEqual(['classical', 'test-detect', 'test-inpaint', 'user:lama', 'user:migan']);
    const inpaint = byId.get('test-inpaint')!;
    expect(inpaint).toMatchObject({ task: 'inpaint', source: 'bundled', format: 'native', isDefault: true, provider: 'cpu' });
    expect(inpaint.providerReason).toMatch(/^cuda: .+; using cpu$/);
    expect(byId.get('user:lama')).toMatchObject({ format: 'lama', source: 'user', isDefault: false });
    expect(byId.get('classical')).toMatchObject({ provider: 'cpu', format: 'classical', file: null });
    expect(engine.rejectedModels.some((r) => r.file.endsWith('corrupt.onnx'))).toBe(true);
  });

  it('picks up a model dropped into the user folder after refreshModels()', async () => {
    const e = await Engine.create({ modelsDir: empty, userModelsDir: join(work, 'later') });
    try {
      mkdirSync(join(work, 'later'));
      expect((await e.listModels()).map((m) => m.id)).toEqual(['classical']);
      copyFileSync(join(models, 'native-detect.onnx'), join(work, 'later', 'found.onnx'));
      await e.refreshModels();
      const list = await e.listModels();
      expect(list.map((m) => m.id)).toEqual(['user:found', 'classical']);
      expect(list[0]).toMatchObject({ task: 'detect-damage', isDefault: true });
    } finally {
      await e.close();
    }
  });

  it('runs third-party LaMa and MI-GAN exports through their adapters', async () => {
    for (const id of ['user:lama', 'user:migan']) {
      const img = photo(120, 80);
      const r = await engine.restore(img, boxes(120, 80, [[40, 20, 80, 60]]), { modelId: id });
      const c = (60 + 40 * 120) * 3;
      expect(Math.abs(r.image.data[c + 1]! - FILL[1] * 255), id).toBeLessThanOrEqual(1);
      expect(r.image.data[0], id).toBe(img.data[0]);
    }
  });

  it('refuses bad jobs with bad-input errors', async () => {
    const e1 = await rejection(engine.restore(photo(10, 10), boxes(12, 10, [])));
    expect(e1.code).toBe('bad-input');
    expect(e1.message).toMatch(/12×10.*10×10/);
    const e2 = await rejection(engine.restore(photo(10, 10), boxes(10, 10, []), { modelId: 'test-detect' }));
    expect(e2.message).toMatch(/detect-damage model, not inpaint/);
    const e3 = await rejection(engine.restore(photo(10, 10), boxes(10, 10, []), { modelId: 'corrupt' }));
    expect(e3.message).toMatch(/unknown model "corrupt"/);
  });

  it('with no model files: restore falls back to classical, detect says no detector is installed', async () => {
    const bare = await Engine.create({ modelsDir: empty, userModelsDir: empty });
    try {
      const img = photo(64, 48);
      const r = await bare.restore(img, boxes(64, 48, [[20, 20, 30, 30]]));
      expect(r.modelId).toBe('classical');
      expect(r.image.data[0]).toBe(img.data[0]);
      const e = await rejection(bare.detect(img));
      expect(e.code).toBe('bad-input');
      expect(e.message).toMatch(/no damage-detection model installed/);
    } finally {
      await bare.close();
    }
  });
});

describe('restoreFile / detectFile', () => {
  const sha = (f: string): string => createHash('sha256').update(readFileSync(f)).digest('hex');

  it('restores with a mask file, keeps format and ICC, never writes the input', async () => {
    const input = join(work, 'icc.png');
    copyFileSync(join(fixtures, 'iopaint-icc_profile_test.png'), input);
    const before = sha(input);
    const { width, height } = (await readImage(input)).raster;
    const maskPath = join(work, 'icc-mask.png');
    const m = boxes(width, height, [[100, 100, 140, 130]]);
    await sharp(m.data, { raw: { width, height, channels: 1 } }).png().toFile(maskPath);
    const out = join(work, 'icc-restored.png');
    const res = await restoreFile(engine, input, out, { maskPath });
    expect(res).toMatchObject({ outPath: out, modelId: 'test-inpaint', provider: 'cpu', holePixels: 40 * 30, width, height });
    expect(sha(input)).toBe(before);
    const meta = await sharp(out).metadata();
    expect(meta.format).toBe('png');
    expect(meta.icc?.equals((await sharp(input).metadata()).icc!)).toBe(true);
  });

  it('releaseBeforeWrite lets the worker go before encoding, with the same output, and the engine goes on', async () => {
    const input = join(fixtures, 'iopaint-icc_profile_test.png');
    const { width, height } = (await readImage(input)).raster;
    const maskPath = join(work, 'release-mask.png');
    await sharp(boxes(width, height, [[60, 60, 100, 90]]).data, { raw: { width, height, channels: 1 } }).png().toFile(maskPath);
    const kept = join(work, 'release-kept.png');
    const released = join(work, 'release-released.png');
    await restoreFile(engine, input, kept, { maskPath });
    expect(engine.workerThreadId).toBeDefined();
    await restoreFile(engine, input, released, { maskPath, releaseBeforeWrite: true });
    expect(engine.workerThreadId).toBeUndefined();
    expect(sha(released)).toBe(sha(kept));
    await restoreFile(engine, input, join(work, 'release-again.png'), { maskPath });
    expect(engine.workerThreadId).toBeDefined();
  });

  it('a 16-bit grayscale TIFF stays 16-bit grayscale, untouched outside the dilated hole', async () => {
    const w = 96;
    const h = 64;
    const gray = new Uint16Array(w * h);
    for (let i = 0; i < gray.length; i++) gray[i] = (i * 977) % 65536;
    const input = join(work, 'gray16.tif');
    await sharp(gray, { raw: { width: w, height: h, channels: 1 } }).toColourspace('grey16').tiff({ compression: 'lzw' }).toFile(input);
    const maskPath = join(work, 'gray16-mask.png');
    const m = boxes(w, h, [[40, 20, 50, 30]]);
    await sharp(m.data, { raw: { width: w, height: h, channels: 1 } }).png().toFile(maskPath);
    const out = join(work, 'gray16-out.tif');
    // no added detail: this test checks the fill value itself (the sawtooth picture would get strong grain or texture)
    await restoreFile(engine, input, out, { maskPath, detail: 'none' });
    const back = await readImage(out);
    expect([back.raster.channels, back.raster.depth]).toEqual([1, 16]);
    let changedOutside = 0;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const nearHole = x >= 36 && x < 54 && y >= 16 && y < 34;
      if (!nearHole && back.raster.data[y * w + x] !== gray[y * w + x]) changedOutside++;
    }
    expect(changedOutside).toBe(0);
    // The model's RGB fill comes back to one channel as luma (BT.601 weights).
    const luma = 0.299 * FILL[0] + 0.587 * FILL[1] + 0.114 * FILL[2];
    expect(Math.abs(back.raster.data[25 * w + 45]! - luma * 65535)).toBeLessThan(2);
  });

  it('without a mask the detector proposes one, and --save-mask writes it', async () => {
    const input = join(work, 'red-bar.png');
    const img = photo(160, 100);
    for (let i = 0; i < 160 * 100; i++) img.data[i * 3] = i >= 30 * 160 && i < 36 * 160 ? 255 : 0;
    await sharp(img.data, { raw: { width: 160, height: 100, channels: 3 } }).png().toFile(input);
    const out = join(work, 'red-bar-restored.jpg');
    const saved = join(work, 'red-bar-mask.png');
    const res = await restoreFile(engine, input, out, { saveMaskPath: saved });
    expect(res.detectModelId).toBe('test-detect');
    expect(res.holePixels).toBe(160 * 6);
    expect((await sharp(out).metadata()).format).toBe('jpeg');
    const mask = await readImage(saved);
    expect(mask.raster.channels).toBe(1);
    const detected = join(work, 'detected.png');
    const d = await detectFile(engine, input, detected);
    expect(d.holePixels).toBe(160 * 6);
    expect(existsSync(detected)).toBe(true);
  });

  it('refuses output equal to input and unwritable output folders before doing any work', async () => {
    const input = join(work, 'same.png');
    await sharp(photo(8, 8).data, { raw: { width: 8, height: 8, channels: 3 } }).png().toFile(input);
    const before = sha(input);
    const e = await rejection(restoreFile(engine, input, join(work, '.', 'same.png'), { maskPath: input }));
    expect(e.code).toBe('bad-input');
    expect(e.message).toMatch(/would replace the input photo/);
    expect(sha(input)).toBe(before);
    const missing = join(work, 'nowhere', 'x.png');
    expect((await rejection(restoreFile(engine, input, missing))).message).toMatch(/does not exist/);
    if (process.getuid?.() !== 0) {
      const ro = join(work, 'ro');
      mkdirSync(ro);
      chmodSync(ro, 0o555);
      expect((await rejection(restoreFile(engine, input, join(ro, 'x.png')))).message).toMatch(/not writable/);
      chmodSync(ro, 0o755);
    }
  });
});

const shipped = join(repoRoot, 'models', 'manifest.json');
const shippedModels: { id: string; task: string; file: string }[] = existsSync(shipped)
  ? (JSON.parse(readFileSync(shipped, 'utf8')).models ?? []).filter((m: { file: string }) => existsSync(join(repoRoot, 'models', m.file)))
  : [];

describe.runIf(shippedModels.length > 0)('shipped models in models/', () => {
  it('each shipped model runs on a real photo through the worker', async () => {
    const real = await Engine.create({ userModelsDir: empty, device: 'cpu' });
    try {
      const input = join(fixtures, 'iopaint-overture-creations-5sI6fQgYIuo.png');
      const maskPath = join(fixtures, 'iopaint-overture-creations-5sI6fQgYIuo_mask.png');
      for (const m of shippedModels) {
        const out = join(work, `shipped-${m.id}.png`);
        if (m.task === 'inpaint') {
          const r = await restoreFile(real, input, out, { maskPath, modelId: m.id });
          expect(r.modelId).toBe(m.id);
          expect(r.holePixels).toBeGreaterThan(0);
        } else if (m.task === 'restore-tone') {
          const photo = await readImage(input);
          const r = await real.tone(photo.raster, { modelId: m.id });
          expect(r.modelId).toBe(m.id);
          expect([r.image.width, r.image.height, r.image.channels]).toEqual([photo.raster.width, photo.raster.height, photo.raster.channels]);
        } else {
          const r = await detectFile(real, input, out, { modelId: m.id });
          expect(r.modelId).toBe(m.id);
        }
      }
    } finally {
      await real.close();
    }
  });
});
