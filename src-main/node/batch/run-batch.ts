import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Device } from '../../core/image.js';
import { badInput, cancelled, isKintsugiError } from '../../core/errors.js';
import { checkGrow, checkStrength, DEFAULT_DETAIL, Engine, type EngineOptions } from '../engine.js';
import type { FillDetail } from '../../core/pipeline.js';
import { restoreFile, type ToneStepOptions } from '../restore-file.js';
import { isOutOfSpace, prepareOutputFolder } from '../output-folder.js';
import { relateFolders, WriteGuard } from '../output-guard.js';
import { sha256File } from './hash.js';
import { BatchLedger, LEDGER_FILE, type FileState } from './ledger.js';
import type { PauseGate } from './pause-gate.js';
import { ProgressTracker, type BatchProgress } from './progress.js';
import { findMask, indexMasks, scanInputs, type MaskIndex } from './scan.js';
import { removeStaleTemps } from './stale-temps.js';
import { acquireRunLock, LOCK_FILE } from './run-lock.js';
import { writeBatchComparisons, type BatchComparisonResult } from '../compare/batch-compare.js';

/** Everything `kintsugi batch` and the app's batch view can ask for. */
export interface BatchOptions {
  inDir: string;
  outDir: string;
  /** Folder of masks matched by relative path and stem; without it the damage detector proposes masks. */
  masksDir?: string;
  recursive?: boolean;
  modelId?: string;
  device?: Device;
  /** Pixels to grow each mask by before filling (default 0: masks are filled exactly as given). */
  grow?: number;
  /** Fine detail added to fills (default: the engine's DEFAULT_DETAIL, copied texture). */
  detail?: FillDetail;
  /** Also restore each photo's tone after the fill (fading, colour cast, see-through stains). */
  tone?: ToneStepOptions;
  /** Photos processed at the same time, each on its own engine (its own inference worker). */
  jobs?: number;
  /** Writes a comparison per restored photo, a contact sheet and an index page there. */
  compareDir?: string;
  engineOptions?: EngineOptions;
  /** Engines to run on instead of creating `jobs` of them (the app lends its own); not closed here. */
  engines?: Engine[];
  gate?: PauseGate;
  /** Saves the mask each photo was filled with there (`<rel dir>/<stem>.png`), e.g. for the app to reopen. */
  saveMasksDir?: string;
}

/** A photo changed state; `resumed` marks one found finished by an earlier run and not redone. */
export interface FileEvent {
  rel: string;
  state: FileState;
  inPath: string;
  outPath: string;
  reason?: string;
  errorCode?: string;
  resumed?: boolean;
  durationMs?: number;
  modelId?: string;
  /** Execution provider the photo was restored on (a requested device that was not available shows here). */
  provider?: string;
  /** Marked areas (not lines or specks) left unfilled for review: no mask was given (core/areas.ts). */
  areasLeft?: number;
}

export interface BatchEvents {
  /** Once, after the scan: every photo of this run, all `pending` (the queue view's initial list). */
  onQueue?: (files: FileEvent[]) => void;
  onFile?: (e: FileEvent) => void;
  onProgress?: (p: BatchProgress) => void;
  /** The engine's progress on one photo (not throttled). */
  onPhotoProgress?: (rel: string, p: { stage: string; done: number; total: number }) => void;
}

/** A file or folder left out, with the reason people read in the summary. */
export interface BatchIssue {
  rel: string;
  reason: string;
  /** For failures: 'bad-input' (the file's fault) or 'internal' (ours; the CLI exits 2). */
  code?: string;
}

/** What a batch run did, for the CLI summary, `--json` and the app. */
export interface BatchSummary {
  inDir: string;
  outDir: string;
  ledger: string;
  total: number;
  restored: string[];
  skipped: BatchIssue[];
  failed: BatchIssue[];
  /** Files in IN_DIR that are not images by their extension; never touched. */
  ignored: string[];
  cancelled: boolean;
  elapsedMs: number;
  compare?: BatchComparisonResult;
  /** Restored photos whose proposed mask had areas left unfilled for review (see FileEvent.areasLeft). */
  toReview: string[];
}

const ALREADY_DONE = 'already restored by an earlier run';

function errorReason(e: unknown): { reason: string; code: string } {
  if (isKintsugiError(e)) return { reason: e.message, code: e.code };
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'EACCES' || err?.code === 'EPERM') return { reason: 'permission denied', code: 'bad-input' };
  if (err?.code === 'ENOENT') return { reason: 'file disappeared during the batch', code: 'bad-input' };
  if (err?.code === 'EISDIR') return { reason: 'is a folder', code: 'bad-input' };
  return { reason: e instanceof Error ? e.message : String(e), code: 'internal' };
}

/** A folder the batch reads: it must exist and be a folder; the message names the real cause. */
async function checkSourceFolder(dir: string, what: string): Promise<void> {
  const st = await stat(dir).catch((e: NodeJS.ErrnoException) => e);
  if (st instanceof Error) {
    const code = st.code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'ENOTDIR' ? 'is not a folder (a part of its path is a file)'
      : code === 'EACCES' || code === 'EPERM' ? 'cannot be read (permission denied)' : `cannot be read (${code ?? st.message})`;
    throw badInput(dir, `the ${what} ${why}`, st);
  }
  if (!st.isDirectory()) throw badInput(dir, `the ${what} is a file, not a folder`);
}

/** The folders of a batch, absolute. */
interface BatchFolders {
  inDir: string;
  outDir: string;
  masksDir?: string;
  compareDir?: string;
}

/**
 * Proves, by real identity (device + inode of each folder and its ancestors; see output-guard.ts),
 * that no folder the batch writes to is, or contains, a folder it reads: OUT_DIR and the compare folder
 * against IN_DIR and the masks folder. Links, `..` and other spellings of the same folder are caught.
 * Folders inside IN_DIR are fine (they are left out of the scan).
 */
async function checkFolders(opts: BatchOptions): Promise<BatchFolders> {
  const f: BatchFolders = { inDir: path.resolve(opts.inDir), outDir: path.resolve(opts.outDir) };
  if (opts.masksDir !== undefined) f.masksDir = path.resolve(opts.masksDir);
  if (opts.compareDir !== undefined) f.compareDir = path.resolve(opts.compareDir);
  await checkSourceFolder(f.inDir, 'input folder');
  if (f.masksDir !== undefined) await checkSourceFolder(f.masksDir, 'masks folder');
  const writers: Array<[string, string]> = [[f.outDir, 'output folder'], ...(f.compareDir !== undefined ? [[f.compareDir, 'compare folder'] as [string, string]] : [])];
  const readers: Array<[string, string]> = [[f.inDir, 'input folder'], ...(f.masksDir !== undefined ? [[f.masksDir, 'masks folder'] as [string, string]] : [])];
  for (const [w, wName] of writers) {
    for (const [r, rName] of readers) {
      const relation = await relateFolders(w, r);
      if (relation === 'same') {
        throw badInput(w, `the ${wName} is the ${rName}${w === r ? '' : ` ${r}`}; choose another ${wName} (originals are never written)`);
      }
      if (relation === 'contains') {
        throw badInput(w, `the ${wName} contains the ${rName} ${r}; outputs could land on originals, so choose another ${wName}`);
      }
    }
  }
  return f;
}

/**
 * Restores every photo under IN_DIR into OUT_DIR, resumably. The ledger in OUT_DIR records each file's
 * state as it changes, so running the same command after a crash redoes only what was not finished:
 * done files whose output exists and whose input (and mask) hash is unchanged are skipped, files left
 * `running` are redone, and outputs only ever appear whole (written to a temp file, synced, renamed).
 * One bad file is recorded as failed and the batch goes on. Originals are only read.
 * Abort `signal` to cancel (the photo in hand goes back to pending); use `opts.gate` to pause.
 */
export async function runBatch(
  opts: BatchOptions,
  events: BatchEvents = {},
  signal?: AbortSignal,
): Promise<BatchSummary> {
  const started = Date.now();
  if (opts.grow !== undefined) checkGrow(opts.grow);
  if (opts.tone?.strength !== undefined) checkStrength(opts.tone.strength);
  const folders = await checkFolders(opts);
  const { inDir, outDir } = folders;
  await prepareOutputFolder(outDir);
  if (folders.compareDir !== undefined) await prepareOutputFolder(folders.compareDir, 'compare folder');
  const releaseLock = acquireRunLock(outDir);
  try {
    return await runLocked(opts, folders, events, signal, started);
  } finally {
    releaseLock();
  }
}

/** The message a batch stops with when the disk is full: nothing is lost, the same command resumes. */
function diskFull(outDir: string, rel: string | undefined, restored: number): Error {
  return badInput(
    outDir,
    `no space left on the device${rel !== undefined ? ` while writing ${rel}` : ''}: the batch stopped cleanly after restoring ` +
      `${restored} photo${restored === 1 ? '' : 's'} in this run; free some space and run the same command again to resume (nothing is lost)`,
  );
}

async function runLocked(
  opts: BatchOptions,
  folders: BatchFolders,
  events: BatchEvents,
  signal: AbortSignal | undefined,
  started: number,
): Promise<BatchSummary> {
  const { inDir, outDir } = folders;
  await removeStaleTemps(outDir);

  const exclude = [outDir];
  if (folders.compareDir !== undefined) exclude.push(folders.compareDir);
  if (folders.masksDir !== undefined) exclude.push(folders.masksDir);
  const scan = await scanInputs(inDir, { recursive: opts.recursive ?? false, exclude });
  let masks: MaskIndex | null = null;
  if (folders.masksDir !== undefined) {
    masks = await indexMasks(folders.masksDir, [outDir, ...(folders.compareDir !== undefined ? [folders.compareDir] : [])]).catch((e: unknown) => {
      throw badInput(opts.masksDir, `cannot read the masks folder (${errorReason(e).reason})`);
    });
  }

  // Everything this batch reads, and its own records, are protected by identity from every write.
  const guard = await WriteGuard.create([
    ...scan.files.map((f) => ({ path: f.abs, role: 'input photo' })),
    ...[...(masks?.values() ?? [])].map((m) => ({ path: m, role: 'mask' })),
    { path: path.join(outDir, LOCK_FILE), role: 'batch lock' },
  ]);
  await guard.check(path.join(outDir, LEDGER_FILE), 'batch ledger');
  await guard.protect([{ path: path.join(outDir, LEDGER_FILE), role: 'batch ledger' }]);

  const ledger = BatchLedger.open(outDir);
  const summary: BatchSummary = {
    inDir,
    outDir,
    ledger: path.join(outDir, LEDGER_FILE),
    total: scan.files.length,
    restored: [],
    // Folder links leading back to a folder already scanned are said once and never followed.
    skipped: scan.revisits.map((r) => ({ ...r })),
    failed: scan.problems.map((p) => ({ ...p, code: 'bad-input' })),
    toReview: [],
    ignored: scan.ignored,
    cancelled: false,
    elapsedMs: 0,
  };
  const tracker = new ProgressTracker(scan.files.length);
  let lastProgress = 0;
  const emitProgress = (force: boolean): void => {
    const now = Date.now();
    if (!force && now - lastProgress < 100) return;
    lastProgress = now;
    events.onProgress?.(tracker.snapshot());
  };
  const emitFile = (e: FileEvent): void => events.onFile?.(e);

  const ownEngines: Engine[] = [];
  try {
    ledger.requeueInterrupted();
    ledger.enqueue(scan.files.map((f) => f.rel));
    // Announce the whole queue at once (not one event per file) so a view can list every photo up front.
    events.onQueue?.(
      scan.files.map((f) => ({ rel: f.rel, state: 'pending', inPath: f.abs, outPath: path.join(outDir, ...f.rel.split('/')) })),
    );
    for (const p of scan.problems) {
      emitFile({ rel: p.rel, state: 'failed', inPath: path.join(inDir, p.rel), outPath: '', reason: p.reason });
    }
    emitProgress(true);

    const jobs = Math.max(1, Math.floor(opts.jobs ?? 1));
    const slots = Math.min(jobs, Math.max(1, scan.files.length));
    const engines: Engine[] = [];
    if (opts.engines !== undefined && opts.engines.length > 0) {
      engines.push(...opts.engines.slice(0, slots));
    }
    let next = 0;
    /** Set when a write finds the disk full: no new photo starts, and the run ends with one clear message. */
    let fullDisk: { rel?: string } | undefined;

    const processOne = async (engine: () => Promise<Engine>, index: number): Promise<void> => {
      const file = scan.files[index]!;
      const inPath = file.abs;
      const outPath = path.join(outDir, ...file.rel.split('/'));
      const base = { rel: file.rel, inPath, outPath };
      let facts;
      try {
        const st = await stat(inPath);
        const inputSha256 = await sha256File(inPath);
        const maskPath = masks === null ? null : findMask(masks, file.rel);
        if (masks !== null && maskPath === null) {
          const reason = `no mask named like it in ${opts.masksDir}`;
          ledger.markSkipped(file.rel, reason);
          summary.skipped.push({ rel: file.rel, reason });
          tracker.settle('skipped', false);
          emitFile({ ...base, state: 'skipped', reason });
          return;
        }
        const maskSha = maskPath === null ? 'detect' : await sha256File(maskPath);
        // Growth is part of what a result was made with (left out at 0, so ledgers from before it match).
        const params = JSON.stringify({
          model: opts.modelId ?? 'default', mask: maskSha, ...(opts.grow ? { grow: opts.grow } : {}),
          ...(opts.detail !== undefined && opts.detail !== DEFAULT_DETAIL ? { detail: opts.detail } : {}),
          ...(opts.tone ? { tone: { model: opts.tone.modelId ?? 'default', strength: opts.tone.strength ?? 1, keepSepia: !!opts.tone.keepSepia } } : {}),
        });
        const row = ledger.get(file.rel);
        if (
          row !== null && row.state === 'done' && row.inputSha256 === inputSha256 && row.params === params &&
          existsSync(outPath)
        ) {
          summary.skipped.push({ rel: file.rel, reason: ALREADY_DONE });
          tracker.settle('skipped', false);
          emitFile({ ...base, state: 'done', resumed: true, reason: ALREADY_DONE, modelId: row.modelId ?? undefined });
          return;
        }
        facts = { inputSize: st.size, inputMtimeMs: st.mtimeMs, inputSha256, maskPath, params, outputRel: file.rel };
      } catch (e) {
        const { reason, code } = errorReason(e);
        ledger.markFailed(file.rel, reason, code);
        summary.failed.push({ rel: file.rel, reason, code });
        tracker.settle('failed', true);
        emitFile({ ...base, state: 'failed', reason, errorCode: code });
        return;
      }

      ledger.markRunning(file.rel, facts);
      tracker.current.add(file.rel);
      emitFile({ ...base, state: 'running' });
      emitProgress(true);
      const t0 = Date.now();
      try {
        await mkdir(path.dirname(outPath), { recursive: true });
        const result = await restoreFile(await engine(), inPath, outPath, {
          guard,
          ...(facts.maskPath !== null ? { maskPath: facts.maskPath } : {}),
          ...(opts.modelId !== undefined ? { modelId: opts.modelId } : {}),
          ...(opts.device !== undefined ? { device: opts.device } : {}),
          ...(opts.grow ? { grow: opts.grow } : {}),
          ...(opts.detail !== undefined ? { detail: opts.detail } : {}),
          ...(opts.tone ? { tone: opts.tone } : {}),
          ...(signal !== undefined ? { signal } : {}),
          ...(opts.saveMasksDir !== undefined ? { saveMaskPath: path.join(opts.saveMasksDir, file.rel.replace(/\.[^./]*$/, '') + '.png') } : {}),
          onProgress: (p) => {
            events.onPhotoProgress?.(file.rel, p);
            emitProgress(false);
          },
        });
        const { modelId, provider, holePixels, width, height, areasLeft } = result;
        ledger.markDone(file.rel, { modelId, provider, holePixels, width, height });
        summary.restored.push(file.rel);
        if (areasLeft) summary.toReview.push(file.rel);
        tracker.settle('restored', true);
        emitFile({ ...base, state: 'done', durationMs: Date.now() - t0, modelId, provider, ...(areasLeft ? { areasLeft } : {}) });
      } catch (e) {
        if (isOutOfSpace(e)) {
          // Not this photo's fault: it goes back to the queue and the batch stops; a rerun resumes here.
          // (When even the ledger cannot be written, the row stays `running`, which a rerun also redoes.)
          try {
            ledger.markPending(file.rel);
          } catch {
            // the disk is full for the ledger too
          }
          fullDisk ??= { rel: file.rel };
          emitFile({ ...base, state: 'pending', reason: 'no space left on the device' });
          return;
        }
        if (signal?.aborted || (isKintsugiError(e) && e.code === 'cancelled')) {
          ledger.markPending(file.rel);
          emitFile({ ...base, state: 'pending' });
          throw cancelled('Batch');
        }
        const { reason, code } = errorReason(e);
        ledger.markFailed(file.rel, reason, code);
        summary.failed.push({ rel: file.rel, reason, code });
        tracker.settle('failed', true);
        emitFile({ ...base, state: 'failed', reason, errorCode: code, durationMs: Date.now() - t0 });
      } finally {
        tracker.current.delete(file.rel);
      }
    };

    const engineFor = async (slot: number): Promise<Engine> => {
      let engine = engines[slot];
      if (engine === undefined) {
        // N engines share the cores: each session gets its share of threads instead of all of them.
        const threads = opts.engineOptions?.threads ?? Math.max(1, Math.floor(availableParallelism() / slots));
        engine = await Engine.create({ ...opts.engineOptions, threads });
        engines[slot] = engine;
        ownEngines.push(engine);
      }
      return engine;
    };
    // Without masks every photo needs the detector: say so once instead of failing each photo.
    if (masks === null && scan.files.length > 0) {
      const models = await (await engineFor(0)).listModels();
      if (!models.some((m) => m.task === 'detect-damage')) {
        throw badInput(undefined, 'no damage-detection model installed: give a masks folder (--masks MASK_DIR) or install a detector');
      }
    }
    // Likewise the tone model: a missing or unknown one is one refusal, not a failure per photo.
    if (opts.tone && scan.files.length > 0) (await engineFor(0)).requireModel('restore-tone', opts.tone.modelId);

    const worker = async (slot: number): Promise<void> => {
      const getEngine = (): Promise<Engine> => engineFor(slot);
      for (;;) {
        if (fullDisk !== undefined) return;
        if (signal?.aborted) throw cancelled('Batch');
        await opts.gate?.wait(signal);
        if (signal?.aborted) throw cancelled('Batch');
        const index = next++;
        if (index >= scan.files.length) return;
        await processOne(getEngine, index);
        emitProgress(true);
      }
    };

    const results = await Promise.allSettled(Array.from({ length: slots }, (_, i) => worker(i)));
    for (const r of results) {
      if (r.status === 'rejected') {
        if (isKintsugiError(r.reason) && r.reason.code === 'cancelled') summary.cancelled = true;
        else if (isOutOfSpace(r.reason)) fullDisk ??= {};
        else throw r.reason;
      }
    }
    if (fullDisk !== undefined) {
      try {
        ledger.requeueInterrupted();
      } catch {
        // rows left `running` are redone by the next run all the same
      }
      throw diskFull(outDir, fullDisk.rel, summary.restored.length);
    }
    if (summary.cancelled) ledger.requeueInterrupted();
    else if (folders.compareDir !== undefined) {
      const scanned = new Set(scan.files.map((f) => f.rel));
      const done = ledger.rows().filter((r) => r.state === 'done' && scanned.has(r.rel));
      // Comparisons must not replace restored copies either.
      await guard.protect(done.map((r) => ({ path: path.join(outDir, ...r.rel.split('/')), role: 'restored photo' })));
      try {
        summary.compare = await writeBatchComparisons(done, {
          inDir, outDir, compareDir: folders.compareDir, guard, ...(signal !== undefined ? { signal } : {}),
        });
      } catch (e) {
        if (isOutOfSpace(e)) throw diskFull(folders.compareDir, undefined, summary.restored.length);
        throw e;
      }
    }
  } finally {
    ledger.close();
    await Promise.allSettled(ownEngines.map((e) => e.close()));
  }
  summary.elapsedMs = Date.now() - started;
  emitProgress(true);
  return summary;
}
