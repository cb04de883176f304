/**
 * Builds the tiny contract-shaped ONNX models (make_test_models.py) into a fresh temp folder. Uses Debian's
 * /usr/bin/python3, which has the `onnx` package.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Values the test models paint into holes, per RGB channel. */
export const FILL = [0.25, 0.5, 0.75] as const;

/** Makes the models and returns the folder holding them. */
export function buildTestModels(prefix = 'kintsugi-onnx-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  execFileSync('/usr/bin/python3', [resolve(__dirname, 'make_test_models.py'), dir], { stdio: 'pipe' });
  return dir;
}
