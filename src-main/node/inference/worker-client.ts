/**
 * The caller's side of the inference worker: spawns it (TS source under tsx, or compiled JS), sends jobs
 * with ids, relays throttled progress, cancels softly on AbortSignal and hard-stops by retiring the
 * thread when a job does not stop in time. A dead or retired worker is replaced on the next job.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { cancelled, fromJSON, KintsugiError } from '../../core/errors.js';
import type { Progress } from '../../core/image.js';
import { ownBuffer, type InferenceWorkerData, type WorkerRequest, type WorkerResponse, type WorkerResults } from './protocol.js';

type JobRequest = Exclude<WorkerRequest, { kind: 'cancel' } | { kind: 'retire' }>;
type Distribute<T> = T extends JobRequest ? Omit<T, 'id'> : never;
/** A request as the client's callers write it (the client assigns the id). */
export type JobInput = Distribute<JobRequest>;

interface Pending {
  resolve: (v: never) => void;
  reject: (e: Error) => void;
  onProgress?: (p: Progress) => void;
}

/** How the client runs one job. */
export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Caller-chosen job id (for progress routing); generated when absent. */
  jobId?: string;
  /** Hand the input pixel buffers to the worker instead of copying them (the caller's arrays detach). */
  transferInput?: boolean;
}

/** Where the worker entry point is and how to start it from this module's location. */
function workerEntry(): { url: URL; tsx: boolean } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    return { url: new URL('../../workers/inference-worker.ts', here), tsx: true };
  }
  return { url: new URL('../../workers/inference-worker.js', here), tsx: false };
}

/** The ESM build of tsx's register API (vitest has no import.meta.resolve; require would pick the CJS build). */
function tsxEsmApi(): string {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return join(dirname(pkgPath), pkg.exports['./esm/api']!.import.default);
}

function spawn(threads: number | undefined): Worker {
  const { url, tsx } = workerEntry();
  const workerData: InferenceWorkerData = threads !== undefined ? { threads } : {};
  if (!tsx) return new Worker(url, { workerData });
  if (!existsSync(fileURLToPath(url))) throw new KintsugiError('internal', `inference worker not found at ${url.href}`);
  // Under tsx (tests, dev) the worker needs tsx's loader registered inside its own thread first.
  const api = pathToFileURL(tsxEsmApi()).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(code, { eval: true, workerData });
}

let nextId = 0;

/** A long-lived inference worker; one per Engine. */
export class InferenceClient {
  private worker: Worker | undefined;
  private readonly pending = new Map<string, Pending>();
  /** Generation counter: results from a killed worker are ignored. */
  private generation = 0;
  private closed = false;

  /**
   * @param hardStopMs how long a cancelled job may keep running before its worker is retired.
   * @param threads onnxruntime intra-op threads per session (default: every core); `--jobs N` gives each
   *   of its N engines a share so they do not fight over the same cores.
   */
  constructor(
    private readonly hardStopMs = 2000,
    private readonly threads?: number,
  ) {}

  private ensureWorker(): Worker {
    if (this.closed) throw new KintsugiError('internal', 'engine is closed');
    if (this.worker) return this.worker;
    const w = spawn(this.threads);
    const gen = ++this.generation;
    w.on('message', (m: WorkerResponse) => gen === this.generation && this.onMessage(m));
    w.on('error', (e) => gen === this.generation && this.onDeath(`inference worker crashed: ${e.message}`));
    w.on('exit', (code) => gen === this.generation && this.onDeath(`inference worker exited (code ${code})`));
    w.unref();
    this.worker = w;
    return w;
  }

  private onMessage(m: WorkerResponse): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.kind === 'progress') {
      p.onProgress?.({ jobId: m.id, stage: m.stage, done: m.done, total: m.total });
      return;
    }
    this.pending.delete(m.id);
    if (m.kind === 'done') p.resolve(m.value as never);
    else p.reject(fromJSON(m.error));
    this.refresh();
  }

  private onDeath(why: string): void {
    this.worker = undefined;
    this.generation++;
    const jobs = [...this.pending.values()];
    this.pending.clear();
    for (const j of jobs) j.reject(new KintsugiError('internal', why));
  }

  /** Keeps the process alive only while jobs are in flight. */
  private refresh(): void {
    if (!this.worker) return;
    if (this.pending.size > 0) this.worker.ref();
    else this.worker.unref();
  }

  /** Runs one job in the worker. Abort → soft cancel, then a hard stop after `hardStopMs`. */
  call<K extends JobInput['kind']>(input: Extract<JobInput, { kind: K }>, opts: CallOptions = {}): Promise<WorkerResults[K]> {
    if (opts.signal?.aborted) return Promise.reject(cancelled());
    const id = opts.jobId ?? `job-${process.pid}-${++nextId}`;
    const worker = this.ensureWorker();
    const req = { ...input, id } as JobRequest;
    const transfer: ArrayBuffer[] = [];
    if ('image' in req) req.image = this.prepareBuffer(req.image, opts.transferInput, transfer);
    if ('mask' in req) req.mask = this.prepareBuffer(req.mask, opts.transferInput, transfer);

    return new Promise<WorkerResults[K]>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = (): void => {
        worker.postMessage({ kind: 'cancel', id } satisfies WorkerRequest);
        timer = setTimeout(() => {
          if (this.pending.has(id)) void this.hardStop(id);
        }, this.hardStopMs);
      };
      const done = (): void => {
        opts.signal?.removeEventListener('abort', onAbort);
        if (timer) clearTimeout(timer);
      };
      this.pending.set(id, {
        resolve: ((v: WorkerResults[K]) => (done(), resolve(v))) as (v: never) => void,
        reject: (e) => {
          done();
          // A job stopped because its own signal fired is "cancelled", whatever killed it.
          reject(opts.signal?.aborted ? cancelled() : e);
        },
        onProgress: opts.onProgress,
      });
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.refresh();
      worker.postMessage(req, transfer);
    });
  }

  private prepareBuffer<T extends { data: Uint8Array | Uint16Array }>(x: T, transfer: boolean | undefined, list: ArrayBuffer[]): T {
    let data = x.data;
    let buf = transfer ? ownBuffer(data) : undefined;
    if (!buf) {
      data = data.slice();
      buf = data.buffer as ArrayBuffer;
    }
    list.push(buf);
    return { ...x, data };
  }

  /**
   * Hard stop: every job in flight is rejected now (as cancelled) and the next job gets a fresh worker.
   * The old thread is retired rather than terminated: Worker.terminate() landing inside a synchronous
   * onnxruntime call (session creation or run) makes the binding throw a C++ exception that aborts the
   * whole process, and terminate() cannot interrupt native code anyway. The retired worker exits by
   * itself as soon as it is back in JavaScript (between tiles). Resolves when it is gone.
   */
  hardStop(forJob?: string): Promise<void> {
    const w = this.worker;
    const jobs = [...this.pending.entries()];
    this.pending.clear();
    this.worker = undefined;
    this.generation++;
    for (const [id, j] of jobs) {
      j.reject(id === forJob ? cancelled() : new KintsugiError('cancelled', 'Job stopped: the inference worker was restarted'));
    }
    if (!w) return Promise.resolve();
    const gone = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    w.unref();
    w.postMessage({ kind: 'retire' } satisfies WorkerRequest);
    return gone;
  }

  /**
   * Lets an idle worker go, and with it its onnxruntime sessions and their memory; the next job starts a
   * fresh one. Does nothing while a job runs.
   */
  async release(graceMs = 5000): Promise<void> {
    if (this.pending.size === 0) await this.stopWithin(graceMs);
  }

  /** Whether a worker thread is currently alive (tests and diagnostics). */
  get threadId(): number | undefined {
    return this.worker?.threadId;
  }

  /** Stops the worker for good; waits up to `graceMs` for it to leave a native call and exit. */
  async close(graceMs = 5000): Promise<void> {
    this.closed = true;
    await this.stopWithin(graceMs);
  }

  /**
   * Hard stop, waiting up to `graceMs` for the worker to exit. The timer also keeps the event loop alive: the
   * retired worker is unref'd, and its exit alone would not.
   */
  private async stopWithin(graceMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([this.hardStop(), late]);
    clearTimeout(timer);
  }
}
