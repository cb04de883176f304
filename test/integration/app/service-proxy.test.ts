import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Channel, SessionView } from '../../../src-main/core/api/contract.js';
import { ServiceProxy } from '../../../src-main/node/app/service-proxy.js';
import { tempDir } from '../../support/temp-dir.js';

// The Electron main process talks to the app service in a worker thread; this runs that path in Node.
const data = resolve(__dirname, '../../../../shared/data');
const photo = join(data, 'real-damage/bopbtl-scratched/c.png');
let dataDir: string;
let proxy: ServiceProxy;

beforeAll(async () => {
  dataDir = tempDir('kintsugi-proxy-');
  proxy = await ServiceProxy.start({ dataDir, modelsDir: join(dataDir, 'none'), userModelsDir: join(dataDir, 'models') });
});
afterAll(async () => {
  await proxy?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('runs channels, uploads and blob reads in the worker, and refuses what the service refuses', async () => {
  const bytes = await sharp(photo).png().toBuffer();
  const uploadId = await proxy.putUpload(bytes, 'c.png');
  const r = await proxy.invoke('app:photo.open', { source: { kind: 'upload', uploadId } });
  expect(r.ok).toBe(true);
  const s = (r as { value: SessionView }).value;
  expect(s.photo.name).toBe('c.png');
  const blob = await proxy.readBlob(s.originalBlobId);
  expect(blob?.contentType).toBe('image/png');
  const meta = await sharp(blob!.bytes).metadata();
  expect([meta.width, meta.height]).toEqual([s.photo.width, s.photo.height]);
  expect(await proxy.readBlob('0'.repeat(64))).toBeNull();
  // Hostile calls the types would refuse: the worker checks them again.
  expect(await proxy.invoke('app:nope' as Channel, {} as never)).toMatchObject({ ok: false, error: { code: 'bad-input' } });
  expect(await proxy.invoke('app:history.jumpTo', { index: 'x' } as never)).toMatchObject({ ok: false, error: { code: 'bad-input' } });
  await expect(proxy.putUpload(new Uint8Array(0), 'empty.png')).rejects.toThrow(/empty/);
});
