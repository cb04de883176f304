/**
 * The app backend both hosts share (Electron IPC handlers and the web host): it implements every channel
 * of the contract, serves pixels by blob id, accepts uploads as bytes and pushes events. It holds one open
 * photo (a Session), the library (projects + history + blobs in SQLite) and lends the inference Engine.
 *
 * Its surface is message-shaped — `invoke(channel, args, host)`, `readBlob(id)`, `putUpload(bytes, name)`,
 * `subscribe(listener)` — so a host can run it in-process (web host, tests) or behind a worker.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type {
  ApiResult,
  AppEvent,
  BatchStatus,
  Channel,
  ExportResult,
  Handlers,
  JobKind,
  JobStarted,
  LeaderboardRow,
  ModelTaskName,
  ModelView,
  PathGrant,
  ProjectSummary,
  SessionView,
} from '../../core/api/contract.js';
import { DEFAULT_MAX_UPLOAD_BYTES } from '../../core/api/upload-protocol.js';
import { isKnownChannel, parseArgs } from '../../core/api/validate.js';
import { badInput, cancelled, isKintsugiError, KintsugiError } from '../../core/errors.js';
import type { Device, Mask, Progress, Raster } from '../../core/image.js';
import { writeFileAtomic } from '../atomic-write.js';
import { sha256File } from '../batch/hash.js';
import { encodeImage, type ImageFormat } from '../image-io.js';
import { relateFolders, WriteGuard } from '../output-guard.js';
import { libraryFile, openLibrary, type Library } from '../store/library.js';
import type { Project } from '../store/projects-repo.js';
import { EventHub } from './events.js';
import { Session, type ToneOutput } from './session.js';

/** The part of E2's Engine the app uses (structural, so the service does not construct engines itself). */
export interface AppEngine {
  listModels(opts?: { resolveProviders?: boolean }): Promise<Array<ModelView & { file?: string | null; sha256?: string }>>;
  detect(image: Raster, opts?: EngineDetectOptions): Promise<{ mask: Mask; modelId: string; provider: string }>;
  restore(image: Raster, mask: Mask, opts?: EngineRestoreOptions): Promise<{ image: Raster; modelId: string; provider: string }>;
  /** Fix fading and colour (absent in engines without a tone step). */
  tone?(image: Raster, opts?: EngineToneOptions): Promise<{ image: Raster; modelId: string; provider: string; isMono: boolean }>;
  close(): Promise<void>;
}
/** Job options the engine takes. */
export interface EngineJobOptions {
  modelId?: string;
  device?: Device;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}
/** Detection also takes the user's threshold (sensitivity) instead of the detector's own. */
export interface EngineDetectOptions extends EngineJobOptions {
  threshold?: number;
}
/** Restore also takes the Grow mask control's pixels (absent or 0: the painted mask is filled as painted). */
export interface EngineRestoreOptions extends EngineJobOptions {
  grow?: number;
}
/** Tone: how much of the correction, and whether black-and-white prints keep their sepia. */
export interface EngineToneOptions extends EngineJobOptions {
  strength?: number;
  keepSepia?: boolean;
}

/** The tone a job asks for: its settings and model (undefined: the default restore-tone model). */
interface ToneRequest {
  strength: number;
  keepSepia: boolean;
  modelId?: string | undefined;
}

/**
 * What the host (Electron main, the web host) adds to a call: paths from its own native dialogs, and
 * whether it lets the page type paths. Never built from the renderer's arguments.
 */
export interface HostContext {
  /** photo.openDialog: the file chosen in Electron's Open dialog. */
  openPath?: string;
  /** folder.choose: the folder chosen in Electron's folder dialog. */
  chosenPath?: string;
  /** export.save / compare.export: write here too (Electron's Save dialog). */
  savePath?: string;
  /**
   * The web host sets this: with no native dialogs, a path the person types into the page is theirs
   * (`app:path.grant`). Electron never does, so a compromised renderer cannot name a path.
   */
  acceptsTypedPaths?: boolean;
}

export interface AppServiceOptions {
  /** Folder for the library database, blobs, uploads and exports. */
  dataDir: string;
  /** Makes the engine on first use (the web host and Electron pass E2's `Engine.create`). */
  createEngine: () => Promise<AppEngine>;
  historyCapBytes?: number;
  /** Largest upload accepted, bytes (default 1 GiB); checked while it streams to disk. */
  maxUploadBytes?: number;
}

export { DEFAULT_MAX_UPLOAD_BYTES };

/** An upload being streamed to disk chunk by chunk; nothing holds the whole file in memory. */
export interface UploadWriter {
  /** Appends a chunk; rejects (and removes what was written) past the size cap. */
  write(chunk: Uint8Array): Promise<void>;
  /** Ends the upload; resolves with the id `photo.open` / `mask-import` take. */
  finish(): Promise<string>;
  /** Drops a partial upload. */
  abort(): Promise<void>;
}

/** A served blob. */
export interface BlobContent {
  bytes: Buffer;
  contentType: string;
  fileName?: string;
}

interface Job {
  id: string;
  kind: JobKind;
  controller: AbortController;
  done: Promise<SessionView>;
}

interface BatchRun {
  status: BatchStatus;
  controller: AbortController;
  gate: { pause(): void; resume(): void };
}

const CONTENT_TYPES: Record<string, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  tiff: 'image/tiff',
  webp: 'image/webp',
  avif: 'image/avif',
  gif: 'image/gif',
  heif: 'image/heif',
};
const EXTENSIONS: Record<string, string> = { jpeg: 'jpg', png: 'png', tiff: 'tif', webp: 'webp', avif: 'avif', gif: 'gif' };

function sniff(bytes: Buffer): string {
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  return 'application/octet-stream';
}

/** Wire form of any error: KintsugiErrors keep their code and message; anything else is internal. */
export function toFailure(e: unknown): Extract<ApiResult<never>, { ok: false }> {
  if (isKintsugiError(e)) return { ok: false, error: { code: e.code, message: e.message } };
  return { ok: false, error: { code: 'internal', message: e instanceof Error ? e.message : String(e) } };
}

/** The service. Create with {@link AppService.create}; `close()` releases the engine and the database. */
export class AppService {
  readonly events = new EventHub();
  private readonly lib: Library;
  private session: Session | null = null;
  private engine: Promise<AppEngine> | null = null;
  private readonly jobs = new Map<string, Job>();
  private activeJob: Job | null = null;
  private readonly uploads = new Map<string, { path: string; name: string }>();
  private readonly exports = new Map<string, { path: string; fileName: string; contentType: string }>();
  private readonly batches = new Map<string, BatchRun>();
  /** Files and folders the backend chose or accepted, by the ids it handed out (see PathGrant). */
  private readonly grants = new Map<string, PathGrant>();
  private readonly uploadDir: string;
  private readonly exportDir: string;
  /** Serialises state changes (history edits, job commits, opening) so they never interleave. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly handlers: Handlers;

  private constructor(private readonly opts: AppServiceOptions) {
    this.lib = openLibrary({ dataDir: opts.dataDir, ...(opts.historyCapBytes !== undefined ? { historyCapBytes: opts.historyCapBytes } : {}) });
    this.uploadDir = join(opts.dataDir, 'uploads');
    this.exportDir = join(opts.dataDir, 'exports');
    mkdirSync(this.uploadDir, { recursive: true });
    mkdirSync(this.exportDir, { recursive: true });
    this.handlers = this.makeHandlers();
  }

  /** Opens (creating) the library in `dataDir`. */
  static async create(opts: AppServiceOptions): Promise<AppService> {
    return new AppService(opts);
  }

  /** Runs one channel: unknown channel and malformed arguments are refused; errors come back as data. */
  async invoke(channel: unknown, args: unknown, host: HostContext = {}): Promise<ApiResult<unknown>> {
    if (!isKnownChannel(channel)) return { ok: false, error: { code: 'bad-input', message: `unknown channel ${String(channel).slice(0, 80)}` } };
    const parsed = parseArgs(channel, args);
    if (!parsed.ok) return parsed;
    try {
      const handler = this.handlers[channel] as (a: unknown, h: HostContext) => Promise<unknown>;
      return { ok: true, value: await handler(parsed.args, host) };
    } catch (e) {
      return toFailure(e);
    }
  }

  /** Pushed events until the returned function is called. */
  subscribe(listener: (e: AppEvent) => void): () => void {
    return this.events.subscribe(listener);
  }

  /** Stores uploaded bytes (a dropped photo or a mask) and returns the id `photo.open` / `mask-import` take. */
  async putUpload(bytes: Uint8Array, name: string): Promise<string> {
    return this.putUploadStream([bytes], name);
  }

  /** Streams an upload to disk (HTTP body, MessagePort chunks) under the size cap; never buffers it whole. */
  async putUploadStream(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, name: string): Promise<string> {
    const writer = await this.beginUpload(name);
    try {
      for await (const chunk of chunks) await writer.write(chunk);
    } catch (e) {
      await writer.abort();
      throw e;
    }
    return writer.finish();
  }

  /** Starts an upload written chunk by chunk (the Electron port and its worker use this directly). */
  async beginUpload(name: string): Promise<UploadWriter> {
    const id = `u${randomUUID().replace(/-/g, '')}`;
    const safe = basename(name).replace(/[^\w.\- ()]+/g, '_').slice(0, 120) || 'upload';
    const dir = join(this.uploadDir, id);
    mkdirSync(dir, { recursive: true });
    const path = join(dir, safe);
    const fh = await open(path, 'wx');
    const cap = this.opts.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
    let size = 0;
    let ended = false;
    const drop = async (): Promise<void> => {
      if (ended) return;
      ended = true;
      await fh.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    };
    return {
      write: async (chunk) => {
        if (ended) throw badInput(name, 'the upload has already ended');
        size += chunk.byteLength;
        if (size > cap) {
          await drop();
          throw Object.assign(badInput(name, `the upload is over the limit of ${Math.floor(cap / (1024 * 1024))} MB`), { status: 413 });
        }
        await fh.write(chunk);
      },
      finish: async () => {
        if (ended) throw badInput(name, 'the upload has already ended');
        if (size === 0) {
          await drop();
          throw badInput(name, 'the upload is empty');
        }
        ended = true;
        await fh.close();
        this.uploads.set(id, { path, name: safe });
        return id;
      },
      abort: drop,
    };
  }

  /**
   * Issues an id for a file or folder the host vouches for (its dialog, or the web host's typed path).
   * Folders to read must exist; an output folder may still be created later.
   */
  private async grant(path: string, kind: PathGrant['kind'], opts: { mayNotExist?: boolean } = {}): Promise<PathGrant> {
    const abs = resolve(path);
    const st = await stat(abs).catch(() => null);
    if (!st && !opts.mayNotExist) throw badInput(abs, kind === 'folder' ? 'folder not found' : 'file not found');
    if (st && kind === 'folder' && !st.isDirectory()) throw badInput(abs, 'is a file, not a folder');
    if (st && kind === 'photo' && st.isDirectory()) throw badInput(abs, 'is a folder, not a photo');
    for (const g of this.grants.values()) if (g.path === abs && g.kind === kind) return g;
    const g: PathGrant = { id: `${kind === 'photo' ? 'f' : 'd'}${randomUUID().replace(/-/g, '').slice(0, 20)}`, kind, name: basename(abs) || abs, path: abs };
    this.grants.set(g.id, g);
    return g;
  }

  /** The path behind an id this service issued, or a clear refusal (a forged or stale id). */
  private granted(id: string, kind: PathGrant['kind'], what: string): string {
    const g = this.grants.get(id);
    if (!g || g.kind !== kind) throw badInput(undefined, `no ${what} ${id}: choose it again`);
    return g.path;
  }

  /** Bytes and type of a blob id, or null when there is no such blob. */
  async readBlob(id: string): Promise<BlobContent | null> {
    if (/^[0-9a-f]{64}$/.test(id)) {
      if (!this.lib.blobs.has(id)) return null;
      const bytes = this.lib.blobs.get(id);
      return { bytes, contentType: sniff(bytes) };
    }
    const exp = this.exports.get(id);
    if (exp) return { bytes: await readFile(exp.path), contentType: exp.contentType, fileName: exp.fileName };
    const derived = await this.session?.derivedBlob(id);
    return derived ? { bytes: derived, contentType: 'image/png' } : null;
  }

  /** Cancels jobs and batches, closes the engine and the library. */
  async close(): Promise<void> {
    for (const j of this.jobs.values()) j.controller.abort();
    for (const b of this.batches.values()) b.controller.abort();
    await Promise.allSettled([...this.jobs.values()].map((j) => j.done));
    const engine = this.engine;
    this.engine = null;
    if (engine) await (await engine.catch(() => null))?.close();
    this.lib.close();
  }

  // -------------------------------------------------------------------------------------------------------

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private getEngine(): Promise<AppEngine> {
    if (!this.engine) {
      this.engine = this.opts.createEngine();
      this.engine.catch(() => (this.engine = null));
    }
    return this.engine;
  }

  private requireSession(): Session {
    if (!this.session) throw badInput(undefined, 'no photo is open');
    return this.session;
  }

  private requireIdle(): void {
    if (this.activeJob) throw badInput(undefined, `wait for the running ${this.activeJob.kind} to finish, or cancel it`);
  }

  private summary(p: Project): ProjectSummary {
    const entries = this.lib.history.list(p.id);
    const open = entries.find((e) => e.kind === 'open')?.payload as { sourceName?: string; width?: number; height?: number } | undefined;
    return {
      id: p.id,
      name: p.name,
      sourceName: open?.sourceName ?? basename(p.sourcePath),
      sourcePath: p.sourcePath,
      width: open?.width ?? 0,
      height: open?.height ?? 0,
      historyLength: entries.length,
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
    };
  }

  private async openPath(path: string, displayName?: string): Promise<SessionView> {
    this.requireIdle();
    const abs = resolve(path);
    const sha = await sha256File(abs).catch((e: unknown) => {
      throw badInput(abs, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot read the file (${(e as Error).message})`);
    });
    const s = await Session.open(this.lib, abs, sha, displayName);
    this.session = s;
    return s.view();
  }

  /**
   * Runs the tone model on `image`: the full correction (what the editor blends in for its live preview) and the
   * result at the requested strength (what is shown and exported; the same arithmetic as `kintsugi restore --tone`).
   */
  private async runTone(engine: AppEngine, image: Raster, t: ToneRequest, opts: EngineJobOptions): Promise<{ out: ToneOutput; provider: string }> {
    if (!engine.tone) throw badInput(undefined, 'this engine has no tone restoration');
    const common = { ...opts, keepSepia: t.keepSepia, ...(t.modelId !== undefined ? { modelId: t.modelId } : {}) };
    const full = await engine.tone(image, { ...common, strength: 1 });
    const at = t.strength === 1 ? full : await engine.tone(image, { ...common, strength: t.strength });
    return {
      out: { strength: t.strength, keepSepia: t.keepSepia, modelId: full.modelId, isMono: full.isMono, full: full.image, result: at.image },
      provider: full.provider,
    };
  }

  private startJob(
    kind: JobKind,
    args: {
      modelId?: string | undefined; device?: Device | undefined; threshold?: number | undefined; grow?: number | undefined;
      enabled?: boolean; strength?: number; keepSepia?: boolean;
    },
  ): JobStarted {
    const s = this.requireSession();
    this.requireIdle();
    if (kind === 'restore' && s.holePixels === 0) {
      throw badInput(undefined, 'the mask is empty: paint over the damage or run Detect damage first');
    }
    const id = `j${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const controller = new AbortController();
    const emitState = (state: 'running' | 'done' | 'failed' | 'cancelled', error?: { code: KintsugiError['code']; message: string }) =>
      this.events.emit({ type: 'job', jobId: id, kind, state, ...(error ? { error } : {}) });
    const jobOpts: EngineDetectOptions & EngineRestoreOptions = {
      signal: controller.signal,
      onProgress: (p) => this.events.emit({ type: 'progress', jobId: id, stage: p.stage, done: p.done, total: p.total }),
      ...(args.modelId !== undefined ? { modelId: args.modelId } : {}),
      ...(args.device !== undefined ? { device: args.device } : {}),
      ...(kind === 'detect' && args.threshold !== undefined ? { threshold: args.threshold } : {}),
      ...(kind === 'restore' && args.grow ? { grow: args.grow } : {}),
    };
    const what = kind === 'detect' ? 'Detection' : kind === 'tone' ? 'Fix fading and colour' : 'Restore';
    const run = async (): Promise<SessionView> => {
      emitState('running');
      this.events.emit({ type: 'progress', jobId: id, stage: kind === 'detect' ? 'detecting' : kind === 'tone' ? 'fixing colour' : 'restoring', done: 0, total: 1 });
      const engine = await this.getEngine();
      const image = await s.workingImage();
      if (controller.signal.aborted) throw cancelled(what);
      if (kind === 'detect') {
        const r = await engine.detect(image, jobOpts);
        if (controller.signal.aborted) throw cancelled('Detection');
        await this.serial(() => s.commitDetect(r.mask, r.modelId, r.provider));
      } else if (kind === 'tone') {
        const toneOpts: EngineJobOptions = { signal: controller.signal, ...(args.device !== undefined ? { device: args.device } : {}) };
        const t = args.enabled === false ? null : await this.runTone(engine, image, { strength: args.strength ?? 1, keepSepia: !!args.keepSepia, modelId: args.modelId }, toneOpts);
        if (controller.signal.aborted) throw cancelled(what);
        await this.serial(() => s.commitTone(t?.out ?? null, t?.provider));
      } else {
        const r = await engine.restore(image, s.engineMask(), jobOpts);
        if (controller.signal.aborted) throw cancelled('Restore');
        // With the tone on, it is re-applied to the new repair: the tone is a layer over the repairs.
        const tone = s.toneSettings;
        const toneOpts: EngineJobOptions = { signal: controller.signal, ...(args.device !== undefined ? { device: args.device } : {}) };
        const toned = tone ? (await this.runTone(engine, r.image, { strength: tone.strength, keepSepia: tone.keepSepia, modelId: tone.modelId }, toneOpts)).out : undefined;
        if (controller.signal.aborted) throw cancelled('Restore');
        await this.serial(() => s.commitRestore(r.image, r.modelId, r.provider, toned));
      }
      this.events.emit({ type: 'progress', jobId: id, stage: 'done', done: 1, total: 1 });
      return s.view();
    };
    const done = run().then(
      (v) => {
        emitState('done');
        return v;
      },
      (e: unknown) => {
        const f = toFailure(controller.signal.aborted && !(isKintsugiError(e) && e.code === 'cancelled') ? cancelled() : e);
        emitState(f.error.code === 'cancelled' ? 'cancelled' : 'failed', f.error);
        throw isKintsugiError(e) ? e : new KintsugiError(f.error.code, f.error.message);
      },
    );
    const job: Job = { id, kind, controller, done };
    this.jobs.set(id, job);
    this.activeJob = job;
    done
      .catch(() => undefined)
      .finally(() => {
        if (this.activeJob === job) this.activeJob = null;
        // Keep finished jobs a while so a late job.wait still gets the outcome.
        setTimeout(() => this.jobs.delete(id), 10 * 60_000).unref();
      });
    return { jobId: id, kind };
  }

  /**
   * Files an export must never replace: every project's original photo, the open one's upload copy, and
   * the library's own database. (Anything inside the data folder is refused as a Save target as well.)
   */
  private async exportGuard(): Promise<WriteGuard> {
    const lib = libraryFile(this.opts.dataDir);
    return WriteGuard.create([
      ...this.lib.projects.list().map((p) => ({ path: p.sourcePath, role: 'original photo' })),
      ...(this.session ? [{ path: this.session.project.sourcePath, role: 'original photo' }] : []),
      ...['', '-wal', '-shm'].map((x) => ({ path: lib + x, role: 'library database' })),
    ]);
  }

  /** Refuses a Save target that is an original, the library, or anything in the data folder. */
  private async checkSaveTarget(target: string): Promise<void> {
    await (await this.exportGuard()).check(target, 'export');
    const where = await relateFolders(dirname(target), this.opts.dataDir);
    if (where === 'same' || where === 'inside') {
      throw badInput(target, `the export would go inside Kintsugi's library folder ${this.opts.dataDir}; choose another folder`);
    }
  }

  private async exportFile(bytes: Buffer, fileName: string, format: ExportResult['format'], host: HostContext): Promise<ExportResult> {
    const id = `export-${randomUUID().replace(/-/g, '')}`;
    const dir = join(this.exportDir, id);
    mkdirSync(dir, { recursive: true });
    const path = join(dir, fileName);
    await (await this.exportGuard()).check(path, 'export');
    await writeFileAtomic(path, bytes);
    this.exports.set(id, { path, fileName, contentType: CONTENT_TYPES[format] ?? 'application/octet-stream' });
    let savedTo: string | null = null;
    if (host.savePath) {
      const target = resolve(host.savePath);
      await this.checkSaveTarget(target);
      await writeFileAtomic(target, bytes);
      savedTo = target;
    }
    return { blobId: id, fileName, path: savedTo, bytes: bytes.byteLength, format };
  }

  private async leaderboard(task?: ModelTaskName): Promise<LeaderboardRow[]> {
    const rows: LeaderboardRow[] = [];
    const seen = new Set<string>();
    const runs = this.lib.evals.listRuns().filter((r) => r.status === 'done');
    runs.sort((a, b) => b.startedAt - a.startedAt);
    for (const run of runs) {
      const scores = this.lib.evals.scores(run.id);
      for (const m of this.lib.evals.models(run.id)) {
        if (seen.has(m.modelId)) continue;
        seen.add(m.modelId);
        const byBand = new Map<string, { psnr: number; ssim: number; n: number }>();
        for (const s of scores.filter((x) => x.modelId === m.modelId)) {
          const b = byBand.get(s.band) ?? { psnr: 0, ssim: 0, n: 0 };
          b.psnr += s.psnr;
          b.ssim += s.ssim;
          b.n += 1;
          byBand.set(s.band, b);
        }
        rows.push({
          modelId: m.modelId,
          name: m.name,
          task: 'inpaint',
          source: 'eval-run',
          runId: String(run.id),
          createdAt: run.startedAt,
          scores: [...byBand].sort(([a], [b]) => a.localeCompare(b)).map(([band, v]) => ({ band, psnr: v.psnr / v.n, ssim: v.ssim / v.n, images: v.n })),
        });
      }
    }
    const models = await (await this.getEngine()).listModels().catch(() => [] as ModelView[]);
    for (const m of models) {
      if (seen.has(m.id) || !m.scores || typeof m.scores !== 'object') continue;
      const scores = Object.entries(m.scores as Record<string, unknown>)
        .filter(([, v]) => v && typeof v === 'object')
        .map(([band, v]) => {
          const o = v as { psnr?: unknown; ssim?: unknown; images?: unknown };
          return {
            band,
            ...(typeof o.psnr === 'number' ? { psnr: o.psnr } : {}),
            ...(typeof o.ssim === 'number' ? { ssim: o.ssim } : {}),
            ...(typeof o.images === 'number' ? { images: o.images } : {}),
          };
        });
      rows.push({ modelId: m.id, name: m.name, task: m.task, source: 'manifest', scores });
    }
    return task ? rows.filter((r) => r.task === task) : rows;
  }

  /** Pause / resume / cancel: acts and changes state only from the states it applies to; returns a copy. */
  private moveBatch(batchId: string, from: BatchStatus['state'][], to: BatchStatus['state'], act: (b: BatchRun) => void): BatchStatus {
    const b = this.batch(batchId);
    if (from.includes(b.status.state)) {
      act(b);
      b.status.state = to;
    }
    return structuredClone(b.status);
  }

  private async startBatch(
    args: { photosFolderId: string; outputFolderId?: string | undefined; masksFolderId?: string | undefined; detect: boolean; modelId?: string | undefined; device?: Device | undefined },
  ): Promise<BatchStatus> {
    const inDir = this.granted(args.photosFolderId, 'folder', 'folder');
    const outDir = args.outputFolderId !== undefined ? this.granted(args.outputFolderId, 'folder', 'folder') : `${inDir}-restored`;
    const masksDir = args.masksFolderId !== undefined ? this.granted(args.masksFolderId, 'folder', 'folder') : undefined;
    const { runBatch, PauseGate, batchThumbnail } = await import('../batch/index.js');
    const gate = new PauseGate();
    const controller = new AbortController();
    const batchId = `b${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const status: BatchStatus = { batchId, state: 'running', total: 0, done: 0, failed: 0, outputDir: resolve(outDir), files: [] };
    const run: BatchRun = { status, controller, gate };
    this.batches.set(batchId, run);
    const fileIndex = new Map<string, number>();
    void runBatch(
      {
        inDir: resolve(inDir),
        outDir: resolve(outDir),
        gate,
        ...(masksDir !== undefined ? { masksDir: resolve(masksDir) } : {}),
        ...(args.modelId !== undefined ? { modelId: args.modelId } : {}),
        ...(args.device !== undefined ? { device: args.device } : {}),
      },
      {
        onQueue: (queue) => {
          for (const q of queue) {
            if (fileIndex.has(q.inPath)) continue;
            fileIndex.set(q.inPath, status.files.length);
            status.files.push({ path: q.inPath, state: q.state, outPath: q.outPath });
          }
          status.total = Math.max(status.total, status.files.length);
          this.events.emit({ type: 'batch', batchId, path: inDir, state: 'pending', status: structuredClone(status) });
        },
        onFile: (e) => {
          let i = fileIndex.get(e.inPath);
          if (i === undefined) {
            i = status.files.length;
            fileIndex.set(e.inPath, i);
            status.files.push({ path: e.inPath, state: e.state });
          }
          const f = status.files[i]!;
          f.state = e.state;
          f.outPath = e.outPath;
          if (e.state === 'done' && f.outFileId === undefined) {
            // "Open in editor" names the restored copy by an id, like every other path the page gets.
            const g: PathGrant = { id: `f${randomUUID().replace(/-/g, '').slice(0, 20)}`, kind: 'photo', name: basename(e.outPath), path: resolve(e.outPath) };
            this.grants.set(g.id, g);
            f.outFileId = g.id;
          }
          if (e.reason) f.error = e.reason;
          status.total = Math.max(status.total, status.files.length);
          status.done = status.files.filter((x) => x.state === 'done' || x.state === 'skipped').length;
          status.failed = status.files.filter((x) => x.state === 'failed').length;
          this.events.emit({ type: 'batch', batchId, path: e.inPath, state: e.state, ...(e.reason ? { error: e.reason } : {}), status: structuredClone(status) });
          // Queue thumbnail (added by B): made once per photo, when it starts or is found already restored.
          if (f.thumbBlobId === undefined && (e.state === 'running' || e.state === 'done')) {
            f.thumbBlobId = '';
            void batchThumbnail(e.state === 'done' ? e.outPath : e.inPath).then((jpeg) => {
              if (jpeg === null) return;
              f.thumbBlobId = this.lib.blobs.put(jpeg);
              this.events.emit({ type: 'batch', batchId, path: e.inPath, state: f.state, status: structuredClone(status) });
            }).catch(() => undefined); // the library closed meanwhile: no thumbnail, nothing else lost
          }
        },
        onProgress: (p) => {
          const total = (p as { total?: number }).total;
          if (typeof total === 'number') status.total = total;
        },
      },
      controller.signal,
    ).then(
      (summary) => {
        status.state = summary.cancelled ? 'cancelled' : 'done';
        status.total = summary.total;
      },
      (e: unknown) => {
        status.state = controller.signal.aborted ? 'cancelled' : 'failed';
        if (!controller.signal.aborted) status.files.push({ path: inDir, state: 'failed', error: toFailure(e).error.message });
      },
    ).finally(() => {
      const last = status.files.at(-1);
      this.events.emit({ type: 'batch', batchId, path: last?.path ?? inDir, state: last?.state ?? 'done', status: structuredClone(status) });
    });
    return structuredClone(status);
  }

  private batch(id: string): BatchRun {
    const b = this.batches.get(id);
    if (!b) throw badInput(undefined, `no batch ${id}`);
    return b;
  }

  private makeHandlers(): Handlers {
    const withSession = (fn: (s: Session) => Promise<void>) =>
      this.serial(async () => {
        const s = this.requireSession();
        this.requireIdle();
        await fn(s);
        return s.view();
      });
    const h = {
      'app:photo.open': (a, _host) =>
        this.serial(async () => {
          if (a.source.kind === 'file') return this.openPath(this.granted(a.source.fileId, 'photo', 'photo'));
          const up = this.uploads.get(a.source.uploadId);
          if (!up) throw badInput(undefined, `upload ${a.source.uploadId} not found`);
          return this.openPath(up.path, up.name);
        }),
      'app:photo.openDialog': async (_a, host) => {
        if (!host.openPath) throw badInput(undefined, 'the Open dialog exists only in the desktop app; drop a photo or use the file picker');
        return this.serial(() => this.openPath(host.openPath!));
      },
      'app:folder.choose': async (_a, host) => {
        if (!host.chosenPath) throw badInput(undefined, "the folder dialog exists only in the desktop app; type the folder's path");
        return this.grant(host.chosenPath, 'folder', { mayNotExist: true });
      },
      'app:path.grant': async (a, host) => {
        if (!host.acceptsTypedPaths) {
          throw badInput(undefined, "paths from the page are refused here: choose files and folders with the app's own dialogs");
        }
        return this.grant(a.path, a.kind, { mayNotExist: a.kind === 'folder' });
      },
      'app:session.current': async () => this.session?.view() ?? null,
      'app:project.list': async () => this.lib.projects.list().map((p) => this.summary(p)),
      'app:project.recent': async (a) => this.lib.projects.recent(a.limit).map((p) => this.summary(p)),
      'app:project.open': (a) =>
        this.serial(async () => {
          this.requireIdle();
          const p = this.lib.projects.get(a.projectId);
          if (!p) throw badInput(undefined, `no project ${a.projectId} in the library`);
          this.session = await Session.reopen(this.lib, p);
          return this.session.view();
        }),
      'app:project.save': (a) =>
        this.serial(async () => {
          const s = this.requireSession();
          if (a.name) this.lib.projects.rename(s.project.id, a.name);
          this.lib.projects.touch(s.project.id);
          s.project = this.lib.projects.get(s.project.id)!;
          return this.summary(s.project);
        }),
      'app:history.list': async () => this.requireSession().history(),
      'app:history.append': (a) =>
        withSession(async (s) => {
          const c = a.command;
          if (c.kind === 'mask-import') {
            const up = this.uploads.get(c.uploadId);
            await s.append(c, up?.path);
          } else await s.append(c);
        }),
      'app:history.undo': () => withSession(async (s) => void (await s.undo())),
      'app:history.redo': () => withSession(async (s) => void (await s.redo())),
      'app:history.jumpTo': (a) => withSession((s) => s.jumpTo(a.index)),
      'app:mask.detect': (a) => this.serial(async () => this.startJob('detect', a)),
      'app:restore.run': (a) => this.serial(async () => this.startJob('restore', a)),
      'app:tone.run': (a) => this.serial(async () => this.startJob('tone', a)),
      'app:job.wait': async (a) => {
        const j = this.jobs.get(a.jobId);
        if (!j) throw badInput(undefined, `no job ${a.jobId}`);
        return j.done;
      },
      'app:job.cancel': async (a) => {
        const j = this.jobs.get(a.jobId);
        if (!j || this.activeJob !== j) return { cancelled: false };
        j.controller.abort();
        return { cancelled: true };
      },
      'app:models.list': async (a) => {
        const models = await (await this.getEngine()).listModels({ resolveProviders: a.resolveProviders, ...(a.device ? { device: a.device } : {}) });
        return models.map((m): ModelView => {
          const { file: _f, sha256: _s, ...view } = m;
          return view;
        });
      },
      'app:models.leaderboard': (a) => this.leaderboard(a.task),
      'app:export.save': async (a, host) => {
        const s = this.requireSession();
        const format = (a.format ?? (s.decoded.format === 'heif' ? 'png' : s.decoded.format)) as ImageFormat;
        const stem = basename(s.sourceName, extname(s.sourceName));
        let bytes: Buffer;
        let fileName: string;
        if (a.what === 'mask') {
          const m = s.engineMask();
          bytes = await encodeImage({ width: m.width, height: m.height, channels: 1, depth: 8, data: m.data }, 'png');
          fileName = `${stem}-mask.png`;
          return this.exportFile(bytes, fileName, 'png', host);
        }
        const image = await s.resultImage();
        bytes = await encodeImage(image, format, s.decoded, a.quality !== undefined ? { quality: a.quality } : {});
        fileName = `${stem}-restored.${EXTENSIONS[format] ?? format}`;
        return this.exportFile(bytes, fileName, format, host);
      },
      'app:compare.export': async (a, host) => {
        const s = this.requireSession();
        const { composeComparison } = await import('../compare/layouts.js');
        const toRgb = async (r: Raster) => {
          const { default: sharp } = await import('sharp');
          const png = await encodeImage(r, 'png');
          const { data, info } = await sharp(png).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
          return { data, width: info.width, height: info.height };
        };
        const before = await toRgb(s.decoded.raster);
        const after = await toRgb(await s.resultImage());
        const pipeline = composeComparison(before, after, { layout: a.layout, labels: ['Before', 'After'], position: a.position });
        const bytes = a.format === 'png' ? await pipeline.png().toBuffer() : await pipeline.jpeg({ quality: 92 }).toBuffer();
        const stem = basename(s.sourceName, extname(s.sourceName));
        return this.exportFile(bytes, `${stem}-before-after.${a.format === 'png' ? 'png' : 'jpg'}`, a.format, host);
      },
      'app:batch.start': (a) => this.startBatch(a),
      'app:batch.pause': async (a) => this.moveBatch(a.batchId, ['running'], 'paused', (b) => b.gate.pause()),
      'app:batch.resume': async (a) => this.moveBatch(a.batchId, ['paused'], 'running', (b) => b.gate.resume()),
      'app:batch.cancel': async (a) => this.moveBatch(a.batchId, ['running', 'paused'], 'cancelled', (b) => b.controller.abort()),
      'app:batch.status': async (a) => structuredClone(this.batch(a.batchId).status),
    } satisfies { [C in Channel]: (a: Parameters<Handlers[C]>[0], host: HostContext) => ReturnType<Handlers[C]> };
    return h as unknown as Handlers;
  }

  /**
   * Copies an export to a path the host chose in its Save dialog (atomic; never over the original).
   * Not a contract channel: only hosts call it, with paths from their own dialogs.
   */
  async saveExport(exportId: string, path: string): Promise<ApiResult<ExportResult>> {
    const exp = this.exports.get(exportId);
    if (!exp) return toFailure(badInput(undefined, `no export ${exportId}`));
    const target = resolve(path);
    try {
      await this.checkSaveTarget(target);
      const bytes = await readFile(exp.path);
      await writeFileAtomic(target, bytes);
      const format = (exp.contentType.split('/')[1] ?? 'png') as ExportResult['format'];
      return { ok: true, value: { blobId: exportId, fileName: exp.fileName, path: target, bytes: bytes.byteLength, format } };
    } catch (e) {
      if (isKintsugiError(e)) return toFailure(e);
      return toFailure(badInput(target, `cannot write the export (${(e as Error).message})`));
    }
  }

  /** Removes an upload's stored copy (unused uploads of a closed session). */
  async dropUpload(id: string): Promise<void> {
    const up = this.uploads.get(id);
    if (!up) return;
    this.uploads.delete(id);
    await rm(join(this.uploadDir, id), { recursive: true, force: true });
  }
}
