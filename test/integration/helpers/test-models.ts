/**
 * Test models: builds the tiny contract-shaped ONNX models (make_test_models.py) into a fresh temp folder,
 * and writes the bundled-models manifest that names them, so a test says which models it wants (ids, tiles,
 * detector post-processing) instead of spelling out the manifest format again. Uses Debian's
 * /usr/bin/python3, which has the `onnx` package.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from '../../support/temp-dir.js';

/** Values the test models paint into holes, per RGB channel. */
export const FILL = [0.25, 0.5, 0.75] as const;

/** Makes the models and returns the folder holding them. */
export function buildTestModels(prefix = 'kintsugi-onnx-'): string {
  const dir = tempDir(prefix);
  execFileSync('/usr/bin/python3', [resolve(__dirname, 'make_test_models.py'), dir], { stdio: 'pipe' });
  return dir;
}

/** One manifest entry as JSON (the fields a test sets; anything else is passed through as written). */
export type ManifestEntryJson = { id: string; task: string; file?: string } & Record<string, unknown>;

const NATIVE_IO = {
  inpaint: { inputs: [{ name: 'image' }, { name: 'mask' }], outputs: [{ name: 'output' }], size: { kind: 'dynamic', padMultiple: 8 } },
  'detect-damage': { inputs: [{ name: 'image' }], outputs: [{ name: 'prob' }], size: { kind: 'dynamic', padMultiple: 8 } },
} as const;

/** The built native inpainting model (holes := FILL) as a manifest entry; `over` replaces fields. */
export function testInpaintEntry(id = 'test-inpaint', over: Partial<ManifestEntryJson> = {}): ManifestEntryJson {
  return { id, task: 'inpaint', family: 'test', file: `${id}.onnx`, io: NATIVE_IO.inpaint, tile: { size: 256, overlap: 16 }, ...over };
}

/** The built native detector (probability = red channel) as a manifest entry; `over` replaces fields. */
export function testDetectEntry(id = 'test-detect', over: Partial<ManifestEntryJson> = {}): ManifestEntryJson {
  return {
    id,
    task: 'detect-damage',
    family: 'test',
    file: `${id}.onnx`,
    io: NATIVE_IO['detect-damage'],
    tile: { size: 256, overlap: 16 },
    postprocess: { threshold: 0.8, dilate: 1 },
    ...over,
  };
}

/** Which built file a task's entry is a copy of. */
const BUILT_FILE: Record<string, string> = { inpaint: 'native-inpaint.onnx', 'detect-damage': 'native-detect.onnx' };

/**
 * Writes a bundled-models folder: `manifest.json` with `entries`, and for each entry whose `file` does not
 * exist yet a copy of the built model of its task (`copy: false` entries are written to the manifest only,
 * e.g. one naming a missing file). Defaults are the first entry of each task unless `defaults` is given.
 * Returns `dir`.
 */
export function writeTestManifest(
  dir: string,
  built: string,
  entries: Array<ManifestEntryJson & { copy?: boolean }>,
  defaults?: Record<string, string>,
): string {
  mkdirSync(dir, { recursive: true });
  const chosen: Record<string, string> = {};
  const models = entries.map(({ copy, ...entry }) => {
    const source = BUILT_FILE[entry.task];
    if (copy !== false && entry.file && source) copyFileSync(join(built, source), join(dir, entry.file));
    if (!(entry.task in chosen)) chosen[entry.task] = entry.id;
    return entry;
  });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ version: 1, defaults: defaults ?? chosen, models }));
  return dir;
}
