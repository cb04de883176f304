/**
 * Which models the e2e host runs. The shipped models (models/manifest.json) when they include a damage
 * detector; otherwise a stand-in detector built by the integration helpers (its "probability" is the
 * red channel, thresholded at 0.96, so it flags the near-white streaks of a scratched print) so the
 * Detect button's whole path — job, progress, history step, mask blob, overlay — is still exercised.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildTestModels } from '../../integration/helpers/test-models.js';
import { repoRoot } from './build-renderer.js';

export interface E2EModels {
  dir: string;
  /** True when the shipped detector is used, false for the stand-in. */
  isShipped: boolean;
}

function shippedHasDetector(dir: string): boolean {
  const file = path.join(dir, 'manifest.json');
  if (!existsSync(file)) return false;
  try {
    const m = JSON.parse(readFileSync(file, 'utf8')) as { models?: Array<{ task?: string; file?: string }> };
    return (m.models ?? []).some((e) => e.task === 'detect-damage' && !!e.file && existsSync(path.join(dir, e.file)));
  } catch {
    return false;
  }
}

export function e2eModels(): E2EModels {
  const shipped = path.join(repoRoot, 'models');
  if (shippedHasDetector(shipped)) return { dir: shipped, isShipped: true };
  const built = buildTestModels('kintsugi-e2e-onnx-');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kintsugi-e2e-models-'));
  copyFileSync(path.join(built, 'native-detect.onnx'), path.join(dir, 'streak-detect.onnx'));
  writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({
      version: 1,
      defaults: { 'detect-damage': 'streak-detect' },
      models: [
        {
          id: 'streak-detect',
          name: 'Bright-streak detector (e2e stand-in)',
          task: 'detect-damage',
          family: 'test',
          file: 'streak-detect.onnx',
          io: { inputs: [{ name: 'image' }], outputs: [{ name: 'prob' }], size: { kind: 'dynamic', padMultiple: 8 } },
          tile: { size: 256, overlap: 16 },
          postprocess: { threshold: 0.96, dilate: 1 },
        },
      ],
    }),
  );
  return { dir, isShipped: false };
}
