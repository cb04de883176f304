/**
 * An app batch runs on the models the editor shows: the host's models folder and the library's own user
 * models folder, not the defaults a bare engine would pick. The service is made the way the web host makes
 * it (launchWebHost), so this checks the real composition, not a hand-built service.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvent, BatchStatus, ModelView } from '../../../src-main/core/api/contract.js';
import { readLedger } from '../../../src-main/node/batch/index.js';
import { launchWebHost } from '../../../src-main/web-host/main.js';
import { removeDir, tempDir } from '../../support/temp-dir.js';
import { appCaller, folderId } from '../helpers/app-call.js';
import { buildTestModels, testInpaintEntry, writeTestManifest } from '../helpers/test-models.js';
import { batchEnded, makePhotos } from './fixtures.js';

let root: string;
let built: string;
let launched: Awaited<ReturnType<typeof launchWebHost>>;
const events: AppEvent[] = [];
const call = appCaller(() => launched.service);

const ended = (batchId: string): Promise<BatchStatus> => batchEnded(events, batchId);

beforeAll(async () => {
  root = tempDir('kintsugi-batch-models-');
  built = buildTestModels();
  // A models folder of the host's own (not the repository's) and a user model in the library's folder.
  const modelsDir = writeTestManifest(path.join(root, 'host-models'), built, [testInpaintEntry('host-folder-inpaint')]);
  const dataDir = path.join(root, 'data');
  mkdirSync(path.join(dataDir, 'models'), { recursive: true });
  copyFileSync(path.join(built, 'native-inpaint.onnx'), path.join(dataDir, 'models', 'mine.onnx'));
  writeFileSync(path.join(dataDir, 'models', 'mine.json'), JSON.stringify({ id: 'library-inpaint', task: 'inpaint', family: 'mine', io: { size: { kind: 'dynamic', padMultiple: 8 } } }));
  launched = await launchWebHost({ dataDir, modelsDir, port: 0 });
  launched.service.subscribe((e) => events.push(e));
});
afterAll(async () => {
  await launched?.close();
  removeDir(root);
  removeDir(built);
});

describe('an app batch uses the editor\'s models', () => {
  it('the editor lists the host folder\'s model and the library\'s user model', async () => {
    const ids = (await call<ModelView[]>('app:models.list', {})).map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['host-folder-inpaint', 'library-inpaint']));
  });

  for (const modelId of ['host-folder-inpaint', 'library-inpaint']) {
    it(`a batch restores with ${modelId}`, async () => {
      const inDir = path.join(root, `in-${modelId}`);
      const masksDir = path.join(root, `masks-${modelId}`);
      const outDir = path.join(root, `out-${modelId}`);
      const made = await makePhotos(inDir, 2, { maskDir: masksDir, scale: 0.5 });
      const started = await call<BatchStatus>('app:batch.start', {
        photosFolderId: await folderId(call, inDir), outputFolderId: await folderId(call, outDir), masksFolderId: await folderId(call, masksDir), modelId,
      });
      const final = await ended(started.batchId);
      expect(final.files.map((f) => f.error).filter(Boolean)).toEqual([]);
      expect(final.state).toBe('done');
      expect(readLedger(outDir).map((r) => [r.state, r.modelId])).toEqual(made.map(() => ['done', modelId]));
    });
  }
});
