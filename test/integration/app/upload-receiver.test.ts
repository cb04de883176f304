/**
 * Uploads over a MessagePort stream to disk under a cap (issue 13 item 5): the preload's sender and main's
 * receiver talk over a real Node MessageChannel into a real AppService (and through the worker-hosted
 * ServiceProxy Electron uses). A declared size over the cap is refused before any byte is read; a
 * renderer that lies about the size is cut off at the cap, and nothing of it stays on disk.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResult, SessionView } from '../../../src-main/core/api/contract.js';
import { sendUpload, UPLOAD_CHUNK_BYTES, type UploadReply } from '../../../src-main/core/api/upload-protocol.js';
import { AppService } from '../../../src-main/node/app/service.js';
import { ServiceProxy } from '../../../src-main/node/app/service-proxy.js';
import { receiveUpload, type BeginUpload } from '../../../src-main/node/app/upload-receiver.js';
import { tempDir } from '../../support/temp-dir.js';

const shared = resolve(__dirname, '../../../../shared/data');
const CAP = 3 * UPLOAD_CHUNK_BYTES + 1000;
let root: string;
let service: AppService;

beforeAll(async () => {
  root = tempDir('kintsugi-upload-');
  service = await AppService.create({
    dataDir: join(root, 'data'),
    maxUploadBytes: CAP,
    engine: { modelsDir: join(root, 'no-models') },
  });
});
afterAll(async () => {
  await service?.close();
  rmSync(root, { recursive: true, force: true });
});

/** The renderer side (sendUpload, as the preload runs it) wired to main's receiver over a real port pair. */
function upload(bytes: Buffer, opts: { declared?: number; begin?: BeginUpload; cap?: number } = {}): { result: Promise<ApiResult<{ uploadId: string }>>; reads: number[] } {
  const { port1, port2 } = new MessageChannel();
  const reads: number[] = [];
  void receiveUpload(
    {
      onMessage: (l) => port2.on('message', l),
      onClose: (l) => port2.on('close', l),
      post: (r) => port2.postMessage(r),
      close: () => port2.close(),
    },
    { name: 'scan.png', size: opts.declared ?? bytes.length },
    opts.begin ?? ((n) => service.beginUpload(n)),
    opts.cap ?? CAP,
  );
  const result = sendUpload(
    {
      post: (m, transfer) => port1.postMessage(m, transfer ?? []),
      onReply: (l) => port1.on('message', (r: UploadReply) => l(r)),
      close: () => port1.close(),
    },
    bytes.length,
    async (offset, length) => {
      reads.push(offset);
      const slice = bytes.subarray(offset, offset + length);
      return slice.buffer.slice(slice.byteOffset, slice.byteOffset + slice.byteLength) as ArrayBuffer;
    },
  );
  return { result, reads };
}

const leftovers = (): string[] => readdirSync(join(root, 'data', 'uploads'));

describe('uploads over the Electron MessagePort', () => {
  it('arrive whole, chunk by chunk, and open as a photo', async () => {
    const png = await sharp(join(shared, 'real-damage/bopbtl-scratched/c.png')).png({ compressionLevel: 0 }).toBuffer();
    const big = Buffer.concat([png, Buffer.alloc(Math.max(0, 2 * UPLOAD_CHUNK_BYTES + 10 - png.length))]);
    const { result, reads } = upload(big);
    const r = await result;
    if (!r.ok) throw new Error(r.error.message);
    // Read a chunk at a time, each only after the previous one was written.
    expect(reads).toEqual([0, UPLOAD_CHUNK_BYTES, 2 * UPLOAD_CHUNK_BYTES]);
    const dir = join(root, 'data', 'uploads', r.value.uploadId);
    expect(readFileSync(join(dir, 'scan.png')).equals(big)).toBe(true);
    const s = await service.invoke('app:photo.open', { source: { kind: 'upload', uploadId: r.value.uploadId } });
    expect((s as { ok: true; value: SessionView }).value.photo.name).toBe('scan.png');
  });

  it('refuses a declared size over the cap before reading a byte', async () => {
    const before = leftovers().length;
    const { result, reads } = upload(Buffer.alloc(CAP + 1, 1));
    expect(await result).toMatchObject({ ok: false, error: { code: 'bad-input', message: expect.stringMatching(/scan\.png: the upload is over the limit/) } });
    expect(reads).toEqual([]);
    expect(leftovers().length).toBe(before);
  });

  it('cuts off a renderer that sends more than it declared, and leaves nothing on disk', async () => {
    const before = leftovers().length;
    const { result, reads } = upload(Buffer.alloc(2 * UPLOAD_CHUNK_BYTES, 7), { declared: 100 });
    expect(await result).toMatchObject({ ok: false, error: { message: expect.stringMatching(/larger than it said/) } });
    expect(reads).toEqual([0]);
    expect(leftovers().length).toBe(before);
  });

  it('the service itself stops a stream at its cap (HTTP bodies go this way)', async () => {
    const before = leftovers().length;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) yield new Uint8Array(UPLOAD_CHUNK_BYTES);
    }
    await expect(service.putUploadStream(endless(), 'endless.tif')).rejects.toMatchObject({ status: 413, message: expect.stringMatching(/over the limit/) });
    expect(leftovers().length).toBe(before);
    await expect(service.putUpload(new Uint8Array(0), 'empty.png')).rejects.toThrow(/empty/);
    expect(leftovers().length).toBe(before);
  });

  it('streams through the worker-hosted service Electron main uses', async () => {
    const proxy = await ServiceProxy.start({ dataDir: join(root, 'proxy-data'), modelsDir: join(root, 'none'), userModelsDir: join(root, 'models'), maxUploadBytes: CAP });
    try {
      const bytes = await sharp(join(shared, 'real-damage/bopbtl-scratched/c.png')).png().toBuffer();
      const { result } = upload(bytes, { begin: (n) => proxy.beginUpload(n) });
      const r = await result;
      if (!r.ok) throw new Error(r.error.message);
      const opened = await proxy.invoke('app:photo.open', { source: { kind: 'upload', uploadId: r.value.uploadId } });
      expect(opened.ok).toBe(true);
      const lying = upload(Buffer.alloc(CAP + 5000, 3), { declared: CAP, begin: (n) => proxy.beginUpload(n) });
      expect(await lying.result).toMatchObject({ ok: false });
      expect(readdirSync(join(root, 'proxy-data', 'uploads'))).toEqual([r.value.uploadId]);
    } finally {
      await proxy.close();
    }
  });
});
