/**
 * Which models the e2e host runs. The shipped models (models/manifest.json) when they include a damage
 * detector; otherwise a stand-in detector built by the integration helpers (its "probability" is the
 * red channel, thresholded at 0.96, so it flags the near-white streaks of a scratched print) so the
 * Detect button's whole path — job, progress, history step, mask blob, overlay — is still exercised.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildTestModels, testDetectEntry, writeTestManifest } from '../../integration/helpers/test-models.js';
import { tempDir } from '../../support/temp-dir.js';
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
  const dir = writeTestManifest(tempDir('kintsugi-e2e-models-'), built, [
    testDetectEntry('streak-detect', { name: 'Bright-streak detector (e2e stand-in)', postprocess: { threshold: 0.96, dilate: 1 } }),
  ]);
  return { dir, isShipped: false };
}
