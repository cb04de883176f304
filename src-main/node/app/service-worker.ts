/**
 * Worker-thread entry that hosts the AppService for Electron's main process (see service-proxy.ts):
 * answers invoke / blob / upload requests and forwards every pushed event.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { randomUUID } from 'node:crypto';
import { checkCall } from '../../core/api/validate.js';
import { toFailure } from '../../core/api/wire.js';
import type { ServiceReply, ServiceRequest, ServiceWorkerData } from './service-protocol.js';
import { createAppService } from './setup.js';
import type { UploadWriter } from './uploads.js';

const port = parentPort;
if (!port) throw new Error('service-worker.ts must run in a worker thread');
const data = workerData as ServiceWorkerData;
const post = (m: ServiceReply, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

try {
  const service = await createAppService(data);
  service.subscribe((event) => post({ type: 'event', event }));
  /** Uploads streaming in, chunk by chunk, by the token handed to the host. */
  const uploads = new Map<string, UploadWriter>();
  const settle = async (id: number, fn: () => Promise<unknown>): Promise<void> => {
    try {
      post({ type: 'result', id, result: { ok: true, value: (await fn()) ?? null } });
    } catch (e) {
      post({ type: 'result', id, result: toFailure(e) });
    }
  };
  const writer = (token: string): UploadWriter => {
    const w = uploads.get(token);
    if (!w) throw new Error(`no upload ${token}`);
    return w;
  };
  port.on('message', (m: ServiceRequest) => {
    void (async () => {
      if (m.type === 'invoke') {
        const call = checkCall(m.channel, m.args);
        post({ type: 'result', id: m.id, result: call.ok ? await service.invoke(call.channel, call.args, m.host) : call });
      } else if (m.type === 'blob') {
        const blob = await service.readBlob(m.blobId).catch(() => null);
        if (!blob) return post({ type: 'blob', id: m.id, blob: null });
        const bytes = new Uint8Array(blob.bytes); // own copy so it can be transferred
        post({ type: 'blob', id: m.id, blob: { ...blob, bytes } }, [bytes.buffer]);
      } else if (m.type === 'uploadBegin') {
        await settle(m.id, async () => {
          const token = randomUUID();
          uploads.set(token, await service.beginUpload(m.name));
          return { token };
        });
      } else if (m.type === 'uploadWrite') {
        await settle(m.id, () => writer(m.token).write(new Uint8Array(m.bytes)));
      } else if (m.type === 'uploadFinish') {
        await settle(m.id, async () => {
          const w = writer(m.token);
          uploads.delete(m.token);
          return { uploadId: await w.finish() };
        });
      } else if (m.type === 'uploadAbort') {
        await settle(m.id, async () => {
          const w = uploads.get(m.token);
          uploads.delete(m.token);
          await w?.abort();
        });
      } else if (m.type === 'saveExport') {
        post({ type: 'result', id: m.id, result: await service.saveExport(m.exportId, m.path) });
      } else if (m.type === 'close') {
        await service.close();
        post({ type: 'result', id: m.id, result: { ok: true, value: null } });
        port.close();
      }
    })();
  });
  post({ type: 'ready' });
} catch (e) {
  post({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
}
