/**
 * The app backend both hosts share (Electron, through its service worker, and the web host): it serves
 * every channel of the contract (router.ts, with one module per domain around one AppContext), serves
 * pixels by blob id, accepts uploads as streamed bytes and pushes events. It holds one open photo (a
 * Session), the library (projects + history + blobs in SQLite) and the inference engine, made on first
 * use from the same options every batch uses. Build it with setup.ts's createAppService.
 *
 * Its surface is message-shaped — `invoke(channel, args, host)`, `readBlob(id)`, `putUploadStream(chunks,
 * name)`, `subscribe(listener)` — so a host can run it in-process (web host, tests) or behind a worker.
 */
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import type { ApiResult, AppEvent, ArgsOf, Channel, ExportResult, ResultOf } from '../../core/api/contract.js';
import type { EngineOptions } from '../engine.js';
import { libraryFile, openLibrary } from '../store/library.js';
import { BatchRunner } from './batches.js';
import { AppContext } from './context.js';
import { ExportStore } from './exports.js';
import { PathGrants } from './grants.js';
import type { DispatchBackend, HostContext } from './host-dispatch.js';
import { JobRunner } from './jobs.js';
import { appHandlers, route, type AppHandlers } from './router.js';
import { UploadStore, type UploadWriter } from './uploads.js';

export { DEFAULT_MAX_UPLOAD_BYTES } from '../../core/api/upload-protocol.js';
export { toFailure } from '../../core/api/wire.js';
export type { HostContext } from './host-dispatch.js';
export type { UploadWriter } from './uploads.js';

export interface AppServiceOptions {
  /** Folder for the library database, blobs, uploads and exports. */
  dataDir: string;
  /** Where models come from: the editor's engine and every batch engine (see setup.ts). */
  engine: EngineOptions;
  historyCapBytes?: number;
  /** Largest upload accepted, bytes (default 1 GiB); checked while it streams to disk. */
  maxUploadBytes?: number;
}

/** A served blob. */
export interface BlobContent {
  bytes: Buffer;
  contentType: string;
  fileName?: string;
}

function sniff(bytes: Buffer): string {
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  return 'application/octet-stream';
}

/** The service. Create with {@link AppService.create}; `close()` releases the engine and the database. */
export class AppService implements DispatchBackend {
  private readonly ctx: AppContext;
  private readonly jobs: JobRunner;
  private readonly batches: BatchRunner;
  private readonly handlers: AppHandlers;

  private constructor(opts: AppServiceOptions) {
    const lib = openLibrary({ dataDir: opts.dataDir, ...(opts.historyCapBytes !== undefined ? { historyCapBytes: opts.historyCapBytes } : {}) });
    const uploads = new UploadStore(join(opts.dataDir, 'uploads'), opts.maxUploadBytes);
    // Files an export must never replace: every project's original photo, the open one's, and the library's
    // own database. (Anything inside the data folder is refused as a Save target as well.)
    const exports = new ExportStore(join(opts.dataDir, 'exports'), opts.dataDir, () => [
      ...lib.projects.list().map((p) => ({ path: p.sourcePath, role: 'original photo' })),
      ...(this.ctx.session ? [{ path: this.ctx.session.project.sourcePath, role: 'original photo' }] : []),
      ...['', '-wal', '-shm'].map((x) => ({ path: libraryFile(opts.dataDir) + x, role: 'library database' })),
    ]);
    this.ctx = new AppContext(lib, opts.dataDir, opts.engine, new PathGrants(), uploads, exports);
    this.jobs = new JobRunner(this.ctx);
    this.batches = new BatchRunner(this.ctx);
    this.handlers = appHandlers(this.ctx, this.jobs, this.batches);
  }

  /** Opens (creating) the library in `dataDir`. */
  static async create(opts: AppServiceOptions): Promise<AppService> {
    return new AppService(opts);
  }


  /** Runs one channel: an unknown channel and malformed arguments are refused; errors come back as data. */
  invoke<C extends Channel>(channel: C, args: ArgsOf<C>, host: HostContext = {}): Promise<ApiResult<ResultOf<C>>> {
    return route(this.handlers, channel, args, host);
  }

  /** Pushed events until the returned function is called. */
  subscribe(listener: (e: AppEvent) => void): () => void {
    return this.ctx.events.subscribe(listener);
  }

  /** Stores uploaded bytes (a dropped photo or a mask) and returns the id `photo.open` / `mask-import` take. */
  async putUpload(bytes: Uint8Array, name: string): Promise<string> {
    return this.ctx.uploads.putStream([bytes], name);
  }

  /** Streams an upload to disk (HTTP body, MessagePort chunks) under the size cap; never buffers it whole. */
  putUploadStream(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, name: string): Promise<string> {
    return this.ctx.uploads.putStream(chunks, name);
  }

  /** Starts an upload written chunk by chunk (the Electron port and its worker use this directly). */
  beginUpload(name: string): Promise<UploadWriter> {
    return this.ctx.uploads.begin(name);
  }

  /** Bytes and type of a blob id, or null when there is no such blob. */
  async readBlob(id: string): Promise<BlobContent | null> {
    const { lib, exports, session } = this.ctx;
    if (/^[0-9a-f]{64}$/.test(id)) {
      if (!lib.blobs.has(id)) return null;
      const bytes = lib.blobs.get(id);
      return { bytes, contentType: sniff(bytes) };
    }
    const exp = exports.get(id);
    if (exp) return { bytes: await readFile(exp.path), contentType: exp.contentType, fileName: exp.fileName };
    const derived = await session?.derivedBlob(id);
    return derived ? { bytes: derived, contentType: 'image/png' } : null;
  }

  /**
   * Copies an export to a path the host chose in its Save dialog (atomic; never over the original).
   * Not a contract channel: only hosts call it, with paths from their own dialogs.
   */
  saveExport(exportId: string, path: string): Promise<ApiResult<ExportResult>> {
    return this.ctx.exports.save(exportId, path);
  }

  /** Removes an upload's stored copy (unused uploads of a closed session). */
  dropUpload(id: string): Promise<void> {
    return this.ctx.uploads.drop(id);
  }

  /** Cancels jobs and batches, closes the engine and the library. */
  async close(): Promise<void> {
    this.batches.cancelAll();
    await this.jobs.close();
    await this.ctx.closeEngine();
    this.ctx.lib.close();
  }
}
