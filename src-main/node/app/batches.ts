/**
 * Batches started from the app: the folders come as ids the backend issued, the run is node/batch's
 * runBatch on the same models as the editor (the context's engine options), and its progress becomes a
 * BatchStatus the queue view follows through events — with a thumbnail per photo and, once a photo is
 * restored, an id to open the copy in the editor.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { BatchStatus, ParsedArgsOf } from '../../core/api/contract.js';
import { toFailure } from '../../core/api/wire.js';
import { badInput } from '../../core/errors.js';
import type { AppContext, HandlersFor } from './context.js';

interface BatchRun {
  status: BatchStatus;
  controller: AbortController;
  gate: { pause(): void; resume(): void };
}

/** The batches of one backend. */
export class BatchRunner {
  private readonly batches = new Map<string, BatchRun>();

  constructor(private readonly ctx: AppContext) {}

  /** Starts a batch and returns its first status; the run goes on in the background. */
  async start(args: ParsedArgsOf<'app:batch.start'>): Promise<BatchStatus> {
    const { ctx } = this;
    const inDir = ctx.grants.granted(args.photosFolderId, 'folder', 'folder');
    const outDir = args.outputFolderId !== undefined ? ctx.grants.granted(args.outputFolderId, 'folder', 'folder') : `${inDir}-restored`;
    const masksDir = args.masksFolderId !== undefined ? ctx.grants.granted(args.masksFolderId, 'folder', 'folder') : undefined;
    const { runBatch, PauseGate, batchThumbnail } = await import('../batch/index.js');
    const gate = new PauseGate();
    const controller = new AbortController();
    const batchId = `b${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const status: BatchStatus = { batchId, state: 'running', total: 0, done: 0, failed: 0, outputDir: resolve(outDir), files: [] };
    this.batches.set(batchId, { status, controller, gate });
    const fileIndex = new Map<string, number>();
    const emit = (path: string, state: BatchStatus['files'][number]['state'], error?: string): void =>
      ctx.events.emit({ type: 'batch', batchId, path, state, ...(error ? { error } : {}), status: structuredClone(status) });
    void runBatch(
      {
        inDir: resolve(inDir),
        outDir: resolve(outDir),
        gate,
        engineOptions: ctx.engineOptions,
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
          emit(inDir, 'pending');
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
          // "Open in editor" names the restored copy by an id, like every other path the page gets.
          if (e.state === 'done' && f.outFileId === undefined) f.outFileId = ctx.grants.issue(e.outPath, 'photo').id;
          if (e.reason) f.error = e.reason;
          status.total = Math.max(status.total, status.files.length);
          status.done = status.files.filter((x) => x.state === 'done' || x.state === 'skipped').length;
          status.failed = status.files.filter((x) => x.state === 'failed').length;
          emit(e.inPath, e.state, e.reason);
          // The queue's thumbnail: made once per photo, when it starts or is found already restored.
          if (f.thumbBlobId === undefined && (e.state === 'running' || e.state === 'done')) {
            f.thumbBlobId = '';
            void batchThumbnail(e.state === 'done' ? e.outPath : e.inPath).then((jpeg) => {
              if (jpeg === null) return;
              f.thumbBlobId = ctx.lib.blobs.put(jpeg);
              emit(e.inPath, f.state);
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
      emit(last?.path ?? inDir, last?.state ?? 'done');
    });
    return structuredClone(status);
  }

  /** Pause / resume / cancel: acts and changes state only from the states it applies to; returns a copy. */
  move(batchId: string, from: BatchStatus['state'][], to: BatchStatus['state'], act: (b: BatchRun) => void): BatchStatus {
    const b = this.get(batchId);
    if (from.includes(b.status.state)) {
      act(b);
      b.status.state = to;
    }
    return structuredClone(b.status);
  }

  status(batchId: string): BatchStatus {
    return structuredClone(this.get(batchId).status);
  }

  /** Cancels every batch (their runs end at the next file). */
  cancelAll(): void {
    for (const b of this.batches.values()) b.controller.abort();
  }

  private get(id: string): BatchRun {
    const b = this.batches.get(id);
    if (!b) throw badInput(undefined, `no batch ${id}`);
    return b;
  }
}

/** The batch channels. */
export function batchHandlers(batches: BatchRunner): HandlersFor<'app:batch.start' | 'app:batch.pause' | 'app:batch.resume' | 'app:batch.cancel' | 'app:batch.status'> {
  return {
    'app:batch.start': (a) => batches.start(a),
    'app:batch.pause': async (a) => batches.move(a.batchId, ['running'], 'paused', (b) => b.gate.pause()),
    'app:batch.resume': async (a) => batches.move(a.batchId, ['paused'], 'running', (b) => b.gate.resume()),
    'app:batch.cancel': async (a) => batches.move(a.batchId, ['running', 'paused'], 'cancelled', (b) => b.controller.abort()),
    'app:batch.status': async (a) => batches.status(a.batchId),
  };
}
