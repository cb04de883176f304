/**
 * Batches started from the app: the folders come as ids the backend issued and are checked before anything
 * starts; the run is node/batch's runBatch on the same models as the editor (the context's engine options),
 * and its progress becomes a BatchStatus the queue view follows through events — a thumbnail per photo, the
 * photo in hand's progress, elapsed time and ETA. A batch without masks may first propose masks for review
 * (batch-review.ts); results open in the editor and export as comparisons (batch-results.ts).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { BatchFileView, BatchStatus, ParsedArgsOf } from '../../core/api/contract.js';
import type { Device } from '../../core/image.js';
import { toFailure } from '../../core/api/wire.js';
import { badInput } from '../../core/errors.js';
import { maskPathIn, maskStoreFor, relOf, type BatchFolders } from './batch-masks.js';
import { compareBatch, openBatchPhoto } from './batch-results.js';
import { detectForReview, reviewDecision } from './batch-review.js';
import type { AppContext, HandlersFor } from './context.js';

/** One batch of this backend: its folders, state, and the controls of the run going on now. */
export interface BatchRun extends BatchFolders {
  status: BatchStatus;
  controller: AbortController;
  gate: { pause(): void; resume(): void };
  recursive: boolean;
  choice: { modelId?: string; device?: Device };
  /** Sends the status to the views; `force` skips the ~10 Hz throttle (state changes always go out). */
  emit(force?: boolean): void;
  /** The phase now running (detection for review, or restore); settles when it has let go of its folders. */
  running?: Promise<void>;
}

/** A copy of the status for the views, with the next revision (see BatchStatus.rev). */
function snapshot(status: BatchStatus): BatchStatus {
  status.rev += 1;
  return structuredClone(status);
}

/** Photos settled for the header's count: restored (now or by an earlier run) or left out on purpose. */
function recount(status: BatchStatus): void {
  status.done = status.files.filter((x) => x.state === 'done' || x.state === 'skipped').length;
  status.failed = status.files.filter((x) => x.state === 'failed').length;
  status.total = Math.max(status.total, status.files.length);
}

/** A folder a batch reads must be there before anything starts: one clear refusal, not a failure per photo. */
async function checkFolder(dir: string, what: string): Promise<void> {
  const st = await stat(dir).catch((e: NodeJS.ErrnoException) => e);
  if (st instanceof Error) throw badInput(undefined, `the ${what} ${dir} ${st.code === 'ENOENT' ? 'does not exist' : `cannot be read (${st.code ?? st.message})`}`);
  if (!st.isDirectory()) throw badInput(undefined, `the ${what} ${dir} is a file, not a folder`);
}

/** The batches of one backend. */
export class BatchRunner {
  private readonly batches = new Map<string, BatchRun>();

  constructor(private readonly ctx: AppContext) {}

  /** Checks the folders, then starts a batch (or its mask review) and returns its first status. */
  async start(args: ParsedArgsOf<'app:batch.start'>): Promise<BatchStatus> {
    const { ctx } = this;
    const inDir = path.resolve(ctx.grants.granted(args.photosFolderId, 'folder', 'folder'));
    const outDir = path.resolve(args.outputFolderId !== undefined ? ctx.grants.granted(args.outputFolderId, 'folder', 'folder') : `${inDir}-restored`);
    const masksDir = args.masksFolderId !== undefined ? path.resolve(ctx.grants.granted(args.masksFolderId, 'folder', 'folder')) : undefined;
    await checkFolder(inDir, 'folder of photos');
    if (masksDir !== undefined) await checkFolder(masksDir, 'masks folder');
    const batchId = `b${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const isReview = args.review && masksDir === undefined;
    const status: BatchStatus = {
      batchId, rev: 0, state: 'running', phase: isReview ? 'detect' : 'restore', total: 0, done: 0, failed: 0, outputDir: outDir, startedAt: Date.now(), elapsedMs: 0, etaSec: null, files: [],
    };
    let last = 0;
    const b: BatchRun = {
      inDir, outDir, ...(masksDir !== undefined ? { masksDir } : {}), maskStore: maskStoreFor(ctx.dataDir, inDir, outDir),
      status, controller: new AbortController(), gate: { pause() {}, resume() {} }, recursive: args.recursive,
      choice: { ...(args.modelId !== undefined ? { modelId: args.modelId } : {}), ...(args.device !== undefined ? { device: args.device } : {}) },
      emit(force = false) {
        const now = Date.now();
        if (!force && now - last < 100) return;
        last = now;
        if (status.state === 'running' || status.state === 'paused') status.elapsedMs = now - (status.startedAt ?? now);
        const f = status.files.find((x) => x.state === 'running') ?? status.files.at(-1);
        ctx.events.emit({ type: 'batch', batchId, path: f?.path ?? inDir, state: f?.state ?? 'pending', status: snapshot(status) });
      },
    };
    // A batch cancelled a moment ago shows Cancelled at once but may still be finishing its photo in hand, and
    // holds its output folder's batch lock until then: a new run there waits for it instead of failing on the lock.
    const windingDown = [...this.batches.values()]
      .filter((o) => o.outDir === outDir && o.controller.signal.aborted && o.running !== undefined)
      .map((o) => o.running);
    this.batches.set(batchId, b);
    b.running = Promise.all(windingDown)
      .then(() => (isReview ? detectForReview(ctx, b) : this.restore(b, masksDir)))
      .catch((e: unknown) => {
        status.state = 'failed';
        status.error = toFailure(e).error.message;
        b.emit(true);
      });
    return snapshot(status);
  }

  /** Runs the restore phase: every photo, or (after a review) those with an accepted mask. */
  private async restore(b: BatchRun, masksDir: string | undefined): Promise<void> {
    const { ctx } = this;
    const { status } = b;
    const { runBatch, PauseGate, batchThumbnail } = await import('../batch/index.js');
    const gate = new PauseGate();
    b.gate = gate;
    const fileIndex = new Map(status.files.map((f, i) => [f.path, i]));
    const fileOf = (inPath: string): BatchFileView => {
      let i = fileIndex.get(inPath);
      if (i === undefined) {
        i = status.files.length;
        fileIndex.set(inPath, i);
        status.files.push({ path: inPath, state: 'pending' });
      }
      return status.files[i]!;
    };
    // Masks the detector proposes unattended are kept, so "Open in editor" shows what was filled.
    const saveMasksDir = masksDir === undefined ? path.join(b.maskStore, 'used') : undefined;
    try {
      const summary = await runBatch(
        {
          inDir: b.inDir, outDir: b.outDir, gate, engineOptions: ctx.engineOptions, recursive: b.recursive, ...b.choice,
          ...(masksDir !== undefined ? { masksDir } : {}), ...(saveMasksDir !== undefined ? { saveMasksDir } : {}),
        },
        {
          onQueue: (queue) => {
            for (const q of queue) {
              const f = fileOf(q.inPath);
              f.rel = q.rel;
              if (f.review !== 'skipped') f.state = q.state;
              f.outPath = q.outPath;
              if (saveMasksDir !== undefined) mkdirSync(path.dirname(maskPathIn(saveMasksDir, q.rel)), { recursive: true });
            }
            recount(status);
            b.emit(true);
          },
          onFile: (e) => {
            const f = fileOf(e.inPath);
            const isCancelled = b.controller.signal.aborted && e.state === 'pending';
            f.state = isCancelled ? 'cancelled' : e.state;
            f.outPath = e.outPath;
            delete f.progress;
            if (e.durationMs !== undefined) f.durationMs = e.durationMs;
            if (e.areasLeft) f.areasLeft = e.areasLeft;
            if (e.resumed) f.isResumed = true; // finished by an earlier run: done, not an error
            else if (f.review === 'skipped') f.error = 'skipped in the mask review';
            else if (e.reason) f.error = e.reason;
            // "Open in editor" names the restored copy by an id, like every other path the page gets.
            if (e.state === 'done' && f.outFileId === undefined) f.outFileId = ctx.grants.issue(e.outPath, 'photo').id;
            recount(status);
            b.emit(true);
            // The queue's thumbnail: made once per photo, when it starts or is found already restored.
            if (f.thumbBlobId === undefined && (e.state === 'running' || e.state === 'done')) {
              f.thumbBlobId = '';
              void batchThumbnail(e.state === 'done' ? e.outPath : e.inPath).then((jpeg) => {
                if (jpeg === null) return;
                f.thumbBlobId = ctx.lib.blobs.put(jpeg);
                b.emit(true);
              }).catch(() => undefined); // the library closed meanwhile: no thumbnail, nothing else lost
            }
          },
          onPhotoProgress: (rel, p) => {
            const f = fileOf(path.join(b.inDir, ...rel.split('/')));
            const isFirst = f.progress === undefined || f.progress.stage !== p.stage;
            f.progress = { stage: p.stage, fraction: p.total > 0 ? Math.min(1, p.done / p.total) : 0 };
            b.emit(isFirst); // a photo's first progress always shows, the rest at ~10 Hz
          },
          onProgress: (p) => {
            status.total = p.total;
            status.etaSec = p.etaSec;
            b.emit();
          },
        },
        b.controller.signal,
      );
      status.state = summary.cancelled ? 'cancelled' : 'done';
      status.total = summary.total;
    } catch (e) {
      status.state = b.controller.signal.aborted ? 'cancelled' : 'failed';
      if (!b.controller.signal.aborted) status.error = toFailure(e).error.message;
    } finally {
      if (status.state === 'cancelled') markCancelled(status);
      status.elapsedMs = Date.now() - (status.startedAt ?? Date.now());
      status.etaSec = null;
      b.emit(true);
    }
  }

  /** Ends the review: the restore phase on the photos whose masks were accepted. */
  restoreAccepted(batchId: string, choice: { modelId?: string; device?: Device }): BatchStatus {
    const b = this.get(batchId);
    if (b.status.phase !== 'review') throw badInput(undefined, 'this batch is not waiting for a mask review');
    if (!b.status.files.some((f) => f.review === 'accepted')) throw badInput(undefined, 'no mask is accepted: accept at least one photo, or start again');
    b.choice = { ...b.choice, ...choice };
    b.controller = new AbortController();
    Object.assign(b.status, { state: 'running', phase: 'restore', startedAt: Date.now(), elapsedMs: 0, etaSec: null });
    for (const f of b.status.files) if (f.review === 'skipped') f.state = 'skipped';
    b.running = this.restore(b, path.join(b.maskStore, 'accepted'));
    return snapshot(b.status);
  }

  /** Pause / resume / cancel: acts and changes state only from the states it applies to; returns a copy. */
  move(batchId: string, from: BatchStatus['state'][], to: BatchStatus['state'], act: (b: BatchRun) => void): BatchStatus {
    const b = this.get(batchId);
    if (from.includes(b.status.state)) {
      act(b);
      b.status.state = to;
      if (to === 'cancelled') markCancelled(b.status);
    }
    return snapshot(b.status);
  }

  status(batchId: string): BatchStatus {
    const b = this.get(batchId);
    if (b.status.state === 'running' || b.status.state === 'paused') b.status.elapsedMs = Date.now() - (b.status.startedAt ?? Date.now());
    return snapshot(b.status);
  }

  /** Cancels every batch (their runs end at the next file). */
  cancelAll(): void {
    for (const b of this.batches.values()) b.controller.abort();
  }

  get(id: string): BatchRun {
    const b = this.batches.get(id);
    if (!b) throw badInput(undefined, `no batch ${id}`);
    return b;
  }
}

/** After Cancel nothing is left "Queued" or "Restoring": the photos not finished say Cancelled. */
function markCancelled(status: BatchStatus): void {
  for (const f of status.files) {
    if (f.state === 'pending' || f.state === 'running') {
      f.state = 'cancelled';
      delete f.progress;
    }
  }
  status.etaSec = null;
}

type BatchChannels = 'app:batch.start' | 'app:batch.pause' | 'app:batch.resume' | 'app:batch.cancel' | 'app:batch.status'
  | 'app:batch.review' | 'app:batch.restoreAccepted' | 'app:batch.openInEditor' | 'app:batch.compare';

/** The batch channels. */
export function batchHandlers(ctx: AppContext, batches: BatchRunner): HandlersFor<BatchChannels> {
  const fileOf = (batchId: string, index: number) => {
    const b = batches.get(batchId);
    const f = b.status.files[index];
    if (!f) throw badInput(undefined, `batch ${batchId} has no photo ${index}`);
    return { b, f, rel: relOf(b, f) };
  };
  return {
    'app:batch.start': (a) => batches.start(a),
    'app:batch.pause': async (a) => batches.move(a.batchId, ['running'], 'paused', (b) => b.gate.pause()),
    'app:batch.resume': async (a) => {
      if (batches.get(a.batchId).status.phase === 'review') throw badInput(undefined, 'the batch waits for the mask review: restore the accepted photos');
      return batches.move(a.batchId, ['paused'], 'running', (b) => b.gate.resume());
    },
    'app:batch.cancel': async (a) => batches.move(a.batchId, ['running', 'paused'], 'cancelled', (b) => b.controller.abort()),
    'app:batch.status': async (a) => batches.status(a.batchId),
    'app:batch.review': async (a) => {
      const { b, f } = fileOf(a.batchId, a.index);
      await reviewDecision(ctx, b, f, a.decision);
      return batches.status(a.batchId);
    },
    'app:batch.restoreAccepted': async (a) => batches.restoreAccepted(a.batchId, { ...(a.modelId ? { modelId: a.modelId } : {}), ...(a.device ? { device: a.device } : {}) }),
    'app:batch.openInEditor': (a) => {
      const { b, f } = fileOf(a.batchId, a.index);
      return openBatchPhoto(ctx, b, f);
    },
    'app:batch.compare': async (a) => compareBatch(ctx, batches.get(a.batchId), a.forms),
  };
}
