import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Manifest, ManifestEntry, TensorSpec } from '../../src-main/node/models/manifest.js';

// Every model the project ships (models/manifest.json) is present, unmodified, loads in onnxruntime-node
// and answers a real photo with tensors of the promised shape and range.

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const modelsDir = join(repoRoot, 'models');
const devImages = join(resolve(repoRoot, '../shared/data'), 'dev-eval/images');
const manifest: Manifest = JSON.parse(readFileSync(join(modelsDir, 'manifest.json'), 'utf8'));

/** A real dev photo as CHW float32 in [0,1], resized to w×h (multiples of the model's padMultiple). */
async function realPhoto(w: number, h: number): Promise<Float32Array> {
  const file = readdirSync(devImages).sort()[0]!;
  const { data } = await sharp(join(devImages, file))
    .removeAlpha()
    .toColourspace('srgb')
    .resize(w, h, { fit: 'cover' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const chw = new Float32Array(3 * w * h);
  for (let i = 0; i < w * h; i++) for (let c = 0; c < 3; c++) chw[c * w * h + i] = data[i * 3 + c]! / 255;
  return chw;
}

/** Width/height the size rule accepts, near 200×144. */
function sizeFor(entry: ManifestEntry): [number, number] {
  const rule = entry.io?.size;
  if (rule?.kind === 'fixed') return [rule.size, rule.size];
  const m = rule?.padMultiple ?? 16;
  const min = rule?.min ?? 0;
  return [Math.max(min, Math.ceil(200 / m) * m), Math.max(min, Math.ceil(144 / m) * m)];
}

function holeMask(w: number, h: number): Float32Array {
  const mask = new Float32Array(w * h);
  for (let y = Math.floor(h * 0.3); y < Math.floor(h * 0.6); y++)
    for (let x = Math.floor(w * 0.2); x < Math.floor(w * 0.7); x++) mask[y * w + x] = 1;
  for (let x = 0; x < w; x++) mask[Math.floor(h * 0.8) * w + x] = 1; // a one-pixel scratch
  return mask;
}

describe('shipped models (models/manifest.json)', () => {
  it('ships at least one inpainting model and one damage detector, with valid defaults', () => {
    const tasks = manifest.models.map((m) => m.task);
    expect(tasks).toContain('inpaint');
    expect(tasks).toContain('detect-damage');
    for (const [task, id] of Object.entries(manifest.defaults ?? {})) {
      expect(manifest.models.find((m) => m.id === id)?.task).toBe(task);
    }
  });

  for (const entry of manifest.models) {
    describe(entry.id, () => {
      const file = join(modelsDir, entry.file);

      it('exists, is under 40 MB and matches its sha256 and byte count', () => {
        expect(existsSync(file), `${file} is missing`).toBe(true);
        const bytes = readFileSync(file);
        expect(bytes.length).toBeLessThan(40 * 1024 * 1024);
        if (entry.bytes !== undefined) expect(bytes.length).toBe(entry.bytes);
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(entry.sha256);
      });

      it('loads in onnxruntime-node and gives outputs of the right shape and range on a real photo', async () => {
        const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1 });
        const inputs = entry.io?.inputs ?? [];
        const outputs = entry.io?.outputs ?? [];
        expect(session.inputNames).toEqual(inputs.map((t) => t.name));
        expect(session.outputNames).toEqual(outputs.map((t) => t.name));
        const [w, h] = sizeFor(entry);
        const photo = await realPhoto(w, h);
        const mask = holeMask(w, h);
        const feeds: Record<string, ort.Tensor> = {};
        for (const t of inputs as TensorSpec[]) {
          feeds[t.name] =
            t.channels === 1
              ? new ort.Tensor('float32', mask, [1, 1, h, w])
              : new ort.Tensor('float32', photo, [1, t.channels ?? 3, h, w]);
        }
        const result = await session.run(feeds);
        if (entry.task === 'restore-tone') {
          // A small transform, not an image: grid [1,6,G,G] (gains > 0), monotone curves [1,3,K], matrix, mono, tint.
          const dims = Object.fromEntries(outputs.map((t) => [t.name, result[t.name]!.dims]));
          const g = dims.grid![2]!;
          const k = dims.curves![2]!;
          expect(dims).toEqual({ grid: [1, 6, g, g], curves: [1, 3, k], matrix: [1, 3, 3], mono: [1, 1], tint: [1, 6] });
          for (const t of outputs) for (const v of result[t.name]!.data as Float32Array) expect(Number.isFinite(v)).toBe(true);
          const grid = result.grid!.data as Float32Array;
          for (let i = 0; i < 3 * g * g; i++) expect(grid[i]).toBeGreaterThan(0);
          const curves = result.curves!.data as Float32Array;
          for (let c = 0; c < 3; c++) for (let j = 1; j < k; j++) expect(curves[c * k + j]).toBeGreaterThanOrEqual(curves[c * k + j - 1]!);
          const mono = (result.mono!.data as Float32Array)[0]!;
          expect(mono).toBeGreaterThanOrEqual(0);
          expect(mono).toBeLessThanOrEqual(1);
          await session.release();
          return;
        }
        for (const t of outputs) {
          const out = result[t.name]!;
          expect(out.dims).toEqual([1, t.channels ?? 3, h, w]);
          const [lo, hi] = t.range ?? [0, 1];
          const data = out.data as Float32Array;
          let min = Infinity;
          let max = -Infinity;
          for (const v of data) {
            expect(Number.isFinite(v)).toBe(true);
            min = Math.min(min, v);
            max = Math.max(max, v);
          }
          expect(min).toBeGreaterThanOrEqual(lo);
          expect(max).toBeLessThanOrEqual(hi);
          expect(max - min, 'output is constant').toBeGreaterThan(0);
        }
        if (entry.task === 'inpaint') {
          // Native models composite: known pixels come back unchanged, holes get plausible colours.
          const out = result[outputs[0]!.name]!.data as Float32Array;
          let worstKnown = 0;
          let holeErr = 0;
          let holes = 0;
          for (let c = 0; c < 3; c++) {
            for (let i = 0; i < w * h; i++) {
              const d = Math.abs(out[c * w * h + i]! - photo[c * w * h + i]!);
              if (mask[i]) {
                holeErr += d;
                holes++;
              } else worstKnown = Math.max(worstKnown, d);
            }
          }
          expect(worstKnown).toBeLessThan(1e-5);
          expect(holeErr / holes, 'hole pixels are far from the photo').toBeLessThan(0.25);
        }
        await session.release();
      });
    });
  }
});
