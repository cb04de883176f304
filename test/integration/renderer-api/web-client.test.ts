import { readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ApiError, createWebClient, type KintsugiApi } from '../../../src-renderer/lib/api/index.js';
import { launchWebHost } from '../../../src-main/web-host/main.js';
import { tempDir } from '../../support/temp-dir.js';

// The renderer's web-host client against the real host (Node's fetch; events are covered by the browser e2e).
const photo = resolve(__dirname, '../../../../shared/data/real-damage/bopbtl-scratched/d.png');
let launched: Awaited<ReturnType<typeof launchWebHost>>;
let dataDir: string;
let api: KintsugiApi;

beforeAll(async () => {
  dataDir = tempDir('kintsugi-client-');
  launched = await launchWebHost({ port: 0, dataDir });
  api = createWebClient({ baseUrl: launched.host.origin, token: launched.host.token });
});
afterAll(async () => {
  await launched?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('uploads, opens, edits and reads blobs through the typed client; errors arrive as ApiError', async () => {
  expect(api.host).toBe('web');
  expect(await api.session.current()).toBeNull();
  const uploadId = await api.upload(new Blob([readFileSync(photo)]), 'd.png');
  const s = await api.photo.open({ source: { kind: 'upload', uploadId } });
  expect(s.photo.name).toBe('d.png');
  const res = await fetch(api.blobUrl(s.originalBlobId));
  expect(res.status).toBe(200);
  const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
  expect(meta.width).toBe(s.photo.width);

  const after = await api.history.append({ command: { kind: 'stroke', tool: 'brush', points: [20, 20, 60, 40], size: 10, hardness: 1 } });
  expect(after.history.entries.map((e) => e.kind)).toEqual(['open', 'stroke']);
  expect((await api.history.undo()).history.cursor).toBe(0);
  expect((await api.project.recent()).map((p) => p.sourceName)).toEqual(['d.png']);

  // Validated in the client before sending, and refused by the host when it gets there anyway.
  await expect(api.history.jumpTo({ index: -3 })).rejects.toMatchObject({ code: 'bad-input' });
  const err = await api.project.open({ projectId: 'does-not-exist' }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  expect(err).toMatchObject({ code: 'bad-input', message: 'no project does-not-exist in the library' });
  const wrong = createWebClient({ baseUrl: launched.host.origin, token: 'wrong' });
  await expect(wrong.session.current()).rejects.toMatchObject({ code: 'bad-input', message: expect.stringMatching(/token/) });
});
