import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KintsugiError } from '../../src-main/core/errors.js';
import { detectBackend, inpaintBackend } from '../../src-main/node/inference/ort-backends.js';
import { createSession, providerOrder } from '../../src-main/node/inference/providers.js';
import { readOnnxSignature } from '../../src-main/node/models/onnx-signature.js';
import { inspectUserModel, loadRegistry } from '../../src-main/node/models/registry.js';
import { buildTestModels, FILL, testDetectEntry, testInpaintEntry, writeTestManifest } from './helpers/test-models.js';
import { tempDir } from '../support/temp-dir.js';

let models: string;
let work: string;

beforeAll(() => {
  models = buildTestModels();
  work = tempDir('kintsugi-registry-');
});
afterAll(() => {
  rmSync(models, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

/** A w×h CHW image with a recognisable gradient and a rectangular hole. */
function sample(w: number, h: number, hole: [number, number, number, number]) {
  const rgb = new Float32Array(3 * w * h);
  for (let c = 0; c < 3; c++) for (let i = 0; i < w * h; i++) rgb[c * w * h + i] = ((i % w) / w + c * 0.1) % 1;
  const mask = new Float32Array(w * h);
  const [x0, y0, x1, y1] = hole;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) mask[y * w + x] = 1;
  return { rgb, mask };
}

function expectFilled(out: Float32Array, src: { rgb: Float32Array; mask: Float32Array }, w: number, h: number, tol: number) {
  let holes = 0;
  let worst = 0;
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < w * h; i++) {
      if (!src.mask[i]) continue;
      holes++;
      worst = Math.max(worst, Math.abs(out[c * w * h + i]! - FILL[c]!));
    }
  }
  expect(holes).toBeGreaterThan(0);
  expect(worst).toBeLessThanOrEqual(tol);
}

describe('model recognition and registry', () => {
  it('reads signatures without loading weights and recognises each contract', async () => {
    const sig = await readOnnxSignature(join(models, 'migan.onnx'));
    expect(sig.inputs.map((t) => `${t.name}:${t.dtype}`)).toEqual(['image:uint8', 'mask:uint8']);
    const kinds = await Promise.all(
      ['native-inpaint', 'native-detect', 'lama', 'migan'].map(async (n) => {
        const m = await inspectUserModel(join(models, `${n}.onnx`));
        return [m.spec.id, m.spec.task, m.spec.format, m.spec.size.kind];
      }),
    );
    expect(kinds).toEqual([
      ['user:native-inpaint', 'inpaint', 'native', 'dynamic'],
      ['user:native-detect', 'detect-damage', 'native', 'dynamic'],
      ['user:lama', 'inpaint', 'lama', 'fixed'],
      ['user:migan', 'inpaint', 'migan', 'dynamic'],
    ]);
  });

  it('refuses corrupt and incompatible ONNX files with a message naming the file', async () => {
    for (const [name, problem] of [
      ['corrupt.onnx', /not a valid ONNX model/],
      ['incompatible.onnx', /not a model Kintsugi can use.*inputs x float32 \[1,4\]/],
    ] as const) {
      const file = join(models, name);
      const e = await inspectUserModel(file).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(KintsugiError);
      expect((e as KintsugiError).code).toBe('bad-input');
      expect((e as KintsugiError).message).toContain(file);
      expect((e as KintsugiError).message).toMatch(problem);
    }
  });

  it('loads a bundled manifest and a user folder, skipping bad files with reasons', async () => {
    const bundled = join(work, 'bundled');
    const user = join(work, 'user');
    mkdirSync(bundled);
    mkdirSync(user);
    writeTestManifest(bundled, models, [
      testInpaintEntry('inpaint-a', {
        name: 'A',
        io: { inputs: [{ name: 'image', dtype: 'float32' }, { name: 'mask', dtype: 'float32' }], outputs: [{ name: 'output', dtype: 'float32' }], size: { kind: 'dynamic', padMultiple: 16 } },
      }),
      testDetectEntry('detect-a', { io: undefined, tile: undefined, postprocess: { threshold: 0.7, dilate: 1 } }),
      { id: 'gone', task: 'inpaint', file: 'gone.onnx', copy: false },
      { id: 'short', task: 'inpaint', file: 'inpaint-a.onnx', bytes: 999_999, copy: false },
    ]);
    for (const n of ['lama', 'migan', 'corrupt', 'incompatible']) copyFileSync(join(models, `${n}.onnx`), join(user, `${n}.onnx`));
    copyFileSync(join(models, 'native-inpaint.onnx'), join(user, 'mine.onnx'));
    writeFileSync(join(user, 'mine.json'), JSON.stringify({ id: 'my-inpaint', task: 'inpaint', family: 'mine', io: { size: { kind: 'dynamic', padMultiple: 32 } } }));

    const reg = await loadRegistry({ modelsDir: bundled, userModelsDir: user });
    expect(reg.models.map((m) => m.spec.id).sort()).toEqual(['classical', 'detect-a', 'inpaint-a', 'my-inpaint', 'user:lama', 'user:migan']);
    expect(reg.get('inpaint-a').spec.size).toEqual({ kind: 'dynamic', padMultiple: 16 });
    expect(reg.get('inpaint-a').spec.tile).toEqual({ size: 256, overlap: 16 });
    expect(reg.get('detect-a').spec.postprocess).toEqual({ threshold: 0.7, dilate: 1 });
    expect(reg.get('my-inpaint').spec.size).toEqual({ kind: 'dynamic', padMultiple: 32 });
    expect(reg.defaultFor('inpaint')?.spec.id).toBe('inpaint-a');
    expect(reg.rejected.map((r) => r.reason).join('\n')).toMatch(/gone\.onnx.*not present/);
    expect(reg.rejected.map((r) => r.reason).join('\n')).toMatch(/inpaint-a\.onnx: file is \d+ bytes but the manifest says 999999/);
    expect(reg.rejected.some((r) => r.file.endsWith('corrupt.onnx') && /not a valid ONNX/.test(r.reason))).toBe(true);
    expect(reg.rejected.some((r) => r.file.endsWith('incompatible.onnx'))).toBe(true);
    expect(() => reg.get('nope')).toThrow(/unknown model "nope"/);

    const empty = await loadRegistry({ modelsDir: join(work, 'none'), userModelsDir: join(work, 'none') });
    expect(empty.models.map((m) => m.spec.id)).toEqual(['classical']);
    expect(empty.defaultFor('inpaint')?.spec.id).toBe('classical');
    expect(empty.defaultFor('detect-damage')).toBeUndefined();
  });
});

describe('ONNX backends (real onnxruntime sessions on the built models)', () => {
  it('native contract: holes filled, 0..1 range', async () => {
    const file = join(models, 'native-inpaint.onnx');
    const spec = (await inspectUserModel(file)).spec;
    const { session } = await createSession(file, 'cpu');
    const be = inpaintBackend(session, spec);
    const s = sample(40, 24, [5, 5, 20, 12]);
    const out = await be.run(s.rgb, s.mask, 40, 24);
    expectFilled(out, s, 40, 24, 1e-6);
    expect(out[0]).toBeCloseTo(s.rgb[0]!, 6);
  });

  it('LaMa adapter: pads small crops to 512, scales large ones, maps 0..255 to 0..1', async () => {
    const file = join(models, 'lama.onnx');
    const spec = (await inspectUserModel(file)).spec;
    const { session } = await createSession(file, 'cpu');
    const be = inpaintBackend(session, spec);
    const small = sample(100, 60, [10, 10, 30, 50]);
    const outSmall = await be.run(small.rgb, small.mask, 100, 60);
    expect(outSmall.length).toBe(3 * 100 * 60);
    expectFilled(outSmall, small, 100, 60, 1e-5);
    expect(outSmall[3]).toBeCloseTo(small.rgb[3]!, 4);
    // 1000×600 is scaled to 512×307 and back; the hole is large enough to stay a hole at the centre.
    const big = sample(1000, 600, [200, 100, 600, 400]);
    const outBig = await be.run(big.rgb, big.mask, 1000, 600);
    const inner = sample(1000, 600, [210, 110, 590, 390]);
    expectFilled(outBig, inner, 1000, 600, 1e-4);
  });

  it('MI-GAN adapter: uint8 tensors with 255 = keep', async () => {
    const file = join(models, 'migan.onnx');
    const spec = (await inspectUserModel(file)).spec;
    const { session } = await createSession(file, 'cpu');
    const be = inpaintBackend(session, spec);
    const s = sample(33, 17, [3, 2, 9, 15]);
    const out = await be.run(s.rgb, s.mask, 33, 17);
    expectFilled(out, s, 33, 17, 0.5 / 255 + 1e-6);
    // Kept pixels survive the uint8 round trip within half a level.
    expect(Math.abs(out[20]! - s.rgb[20]!)).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
  });

  it('detector backend returns the probability map', async () => {
    const file = join(models, 'native-detect.onnx');
    const spec = (await inspectUserModel(file)).spec;
    const { session } = await createSession(file, 'cpu');
    const s = sample(16, 8, [0, 0, 1, 1]);
    const prob = await detectBackend(session, spec).run(s.rgb, 16, 8);
    expect(Array.from(prob)).toEqual(Array.from(s.rgb.subarray(0, 128)));
  });

  it('provider fallback records why accelerated providers were skipped', async () => {
    expect(providerOrder('auto', 'linux')).toEqual(['cuda', 'webgpu', 'cpu']);
    expect(providerOrder('auto', 'win32')).toEqual(['cuda', 'dml', 'webgpu', 'cpu']);
    expect(providerOrder('auto', 'darwin')).toEqual(['coreml', 'webgpu', 'cpu']);
    expect(providerOrder('dml')).toEqual(['dml', 'cpu']);
    const chosen = await createSession(join(models, 'native-detect.onnx'), 'cuda');
    // This machine has no CUDA libraries: the session falls back to the CPU and says why.
    expect(chosen.provider).toBe('cpu');
    expect(chosen.reason).toMatch(/^cuda: .+; using cpu$/);
    const cpu = await createSession(join(models, 'native-detect.onnx'), 'cpu');
    expect(cpu.reason).toBe('cpu: requested');
  });

  it('a corrupt model fails session creation as bad input naming the file', async () => {
    const file = join(models, 'corrupt.onnx');
    const e = await createSession(file, 'cpu').catch((x: unknown) => x);
    expect((e as KintsugiError).code).toBe('bad-input');
    expect((e as KintsugiError).message).toContain(file);
  });
});
