/**
 * The app service as seen from Electron's main process: the same message-shaped surface as AppService
 * (invoke, readBlob, putUpload, subscribe, close), implemented by posting to a worker thread that hosts
 * the real service. Main stays free for windows, menus and dialogs.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ApiResult, AppEvent, ArgsOf, Channel, ExportResult, ResultOf } from '../../core/api/contract.js';
import { UPLOAD_CHUNK_BYTES } from '../../core/api/upload-protocol.js';
import { failure } from '../../core/api/wire.js';
import type { DispatchBackend, HostContext } from './host-dispatch.js';
import type { BlobContent } from './service.js';
import type { ServiceReply, ServiceRequest, ServiceWorkerData } from './service-protocol.js';
import type { UploadWriter } from './uploads.js';

function spawn(data: ServiceWorkerData): Worker {
  const here = import.meta.url;
  const isTs = here.endsWith('.ts');
  const url = new URL(isTs ? './service-worker.ts' : './service-worker.js', here);
  if (!isTs) return new Worker(url, { workerData: data });
  if (!existsSync(fileURLToPath(url))) throw new Error(`service worker not found at ${url.href}`);
  // Under tsx (tests, dev) the worker registers tsx's loader in its own thread first.
  // createRequire, not import.meta.resolve: the latter is missing under vitest's module runner.
  const api = pathToFileURL(createRequire(here).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(code, { eval: true, workerData: data });
}

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Pending = { resolve: (v: ServiceReply) => void; reject: (e: Error) => void };

/** A worker-hosted AppService. */
export class ServiceProxy implements DispatchBackend {
  private readonly listeners = new Set<(e: AppEvent) => void>();
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: ServiceReply) => {
      if (m.type === 'event') {
        for (const l of [...this.listeners]) l(m.event);
      } else if (m.type === 'result' || m.type === 'blob') {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        p?.resolve(m);
      }
    });
    const fail = (e: Error): void => {
      this.exited = e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the app service stopped (exit code ${code})`)));
  }

  /** Starts the worker and waits until the service (library, folders) is open. */
  static async start(data: ServiceWorkerData): Promise<ServiceProxy> {
    const worker = spawn(data);
    await new Promise<void>((ok, fail) => {
      const onMessage = (m: ServiceReply): void => {
        if (m.type === 'ready') ok();
        else if (m.type === 'failed') fail(new Error(m.message));
        else return;
        worker.off('message', onMessage);
      };
      worker.on('message', onMessage);
      worker.once('error', fail);
    });
    return new ServiceProxy(worker);
  }

  private request<T extends ServiceReply>(m: WithoutId<ServiceRequest>, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: ServiceReply) => void, reject });
      this.worker.postMessage({ ...m, id }, transfer);
    });
  }

  /** Runs a channel in the worker (it validates again: the worker trusts no caller). */
  async invoke<C extends Channel>(channel: C, args: ArgsOf<C>, host: HostContext = {}): Promise<ApiResult<ResultOf<C>>> {
    try {
      const r = await this.request<Extract<ServiceReply, { type: 'result' }>>({ type: 'invoke', channel, args, host });
      // The worker answers with the channel's result: the one place its type is restored after the hop.
      return r.result as ApiResult<ResultOf<C>>;
    } catch (e) {
      return failure((e as Error).message, 'internal');
    }
  }

  async readBlob(blobId: string): Promise<BlobContent | null> {
    const r = await this.request<Extract<ServiceReply, { type: 'blob' }>>({ type: 'blob', blobId });
    if (!r.blob) return null;
    const b = r.blob.bytes;
    return { ...r.blob, bytes: Buffer.from(b.buffer, b.byteOffset, b.byteLength) };
  }

  async putUpload(bytes: Uint8Array, name: string): Promise<string> {
    const w = await this.beginUpload(name);
    try {
      for (let o = 0; o < bytes.byteLength; o += UPLOAD_CHUNK_BYTES) await w.write(bytes.subarray(o, o + UPLOAD_CHUNK_BYTES));
    } catch (e) {
      await w.abort();
      throw e;
    }
    return w.finish();
  }

  /** An upload written chunk by chunk in the worker (the Electron upload port feeds it as chunks arrive). */
  async beginUpload(name: string): Promise<UploadWriter> {
    const call = async <T>(m: WithoutId<ServiceRequest>, transfer: ArrayBuffer[] = []): Promise<T> => {
      const r = await this.request<Extract<ServiceReply, { type: 'result' }>>(m, transfer);
      if (!r.result.ok) throw Object.assign(new Error(r.result.error.message), { code: r.result.error.code });
      return r.result.value as T;
    };
    const { token } = await call<{ token: string }>({ type: 'uploadBegin', name });
    return {
      write: async (chunk) => {
        const copy = new Uint8Array(chunk); // transfer our own copy, not the caller's buffer
        await call({ type: 'uploadWrite', token, bytes: copy.buffer }, [copy.buffer]);
      },
      finish: async () => (await call<{ uploadId: string }>({ type: 'uploadFinish', token })).uploadId,
      abort: async () => {
        await call({ type: 'uploadAbort', token }).catch(() => undefined);
      },
    };
  }

  /** Copies an export to a path from the host's Save dialog. */
  async saveExport(exportId: string, path: string): Promise<ApiResult<ExportResult>> {
    const r = await this.request<Extract<ServiceReply, { type: 'result' }>>({ type: 'saveExport', exportId, path });
    return r.result as ApiResult<ExportResult>;
  }

  subscribe(listener: (e: AppEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Closes the service (engine, library) and ends the worker. */
  async close(): Promise<void> {
    if (!this.exited) await this.request({ type: 'close' }).catch(() => undefined);
    await this.worker.terminate();
  }
}
