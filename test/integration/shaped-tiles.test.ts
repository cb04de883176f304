/**
 * Damage-shaped tiles with the shipped default model (issue 17): a large photo with thin scratches is filled
 * through small windows around the damage, in batches of one size, and still changes nothing outside the
 * mask; a batch through onnxruntime gives what the tiles give one by one.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Raster } from '../../src-main/core/image.js';
import { Engine } from '../../src-main/node/engine.js';
import { inpaintBackend } from '../../src-main/node/inference/ort-backends.js';
import { createSession } from '../../src-main/node/inference/providers.js';
import { loadRegistry } from '../../src-main/node/models/registry.js';

const repoRoot = resolve(__dirname, '../..');
const modelsDir = resolve(repoRoot, 'models');
const photo = resolve(repoRoot, '../shared/data/dev-eval/images/101085.png');
const hasModel = existsSync(resolve(modelsDir, 'inpaint-partial-conv.onnx')) && existsSync(photo);

async function bigPhoto(w: number, h: number): Promise<Raster> {
  const { data, info } = await sharp(photo).removeAlpha().resize(w, h).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, depth: 8, data: new Uint8Array(data) };
}

describe.runIf(hasModel)('damage-shaped tiles with the default model', () => {
  it('a batch of windows gives what the windows give one by one', async () => {
    const registry = await loadRegistry({ modelsDir, userModelsDir: resolve(repoRoot, 'test-artifacts/no-user-models') });
    const spec = registry.get('inpaint-partial-conv').spec;
    const { session } = await createSession(spec.file!, 'cpu', 1);
    const backend = inpaintBackend(session, spec);
    expect(backend.thinContext).toBe(24);
    const w = 64, h = 80;
    const rgbs = [0, 1, 2].map((k) => Float32Array.from({ length: 3 * w * h }, (_, i) => ((i * (k + 3)) % 97) / 97));
    const holes = [0, 1, 2].map((k) => Float32Array.from({ length: w * h }, (_, i) => (i % w === 20 + k ? 1 : 0)));
    const batch = await backend.runBatch!(rgbs, holes, w, h);
    for (let k = 0; k < 3; k++) {
      const one = await backend.run(rgbs[k]!, holes[k]!, w, h);
      let worst = 0;
      for (let i = 0; i < one.length; i++) worst = Math.max(worst, Math.abs(one[i]! - batch[k]![i]!));
      expect(worst).toBeLessThan(1e-4);
    }
    await session.release();
  });

  it('fills thin scratches on a 2400×1600 photo and leaves every other pixel bit-identical', async () => {
    const image = await bigPhoto(2400, 1600);
    const mask = { width: 2400, height: 1600, data: new Uint8Array(2400 * 1600) };
    for (let y = 100; y < 1500; y++) { mask.data[y * 2400 + 700] = 255; mask.data[y * 2400 + 701] = 255; }
    for (let x = 200; x < 2200; x++) mask.data[900 * 2400 + x] = 255;
    const engine = await Engine.create({ modelsDir, device: 'cpu' });
    try {
      const r = await engine.restore(image, mask, { detail: 'none' });
      expect(r.modelId).toBe('inpaint-partial-conv');
      let outside = 0;
      let filled = 0;
      for (let i = 0; i < 2400 * 1600; i++) {
        for (let c = 0; c < 3; c++) {
          const changed = r.image.data[i * 3 + c] !== image.data[i * 3 + c];
          if (!mask.data[i] && changed) outside++;
          if (mask.data[i] && changed) filled++;
        }
      }
      expect(outside).toBe(0);
      expect(filled).toBeGreaterThan(0);
    } finally {
      await engine.close();
    }
  });
});
