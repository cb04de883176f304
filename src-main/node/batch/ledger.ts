import { existsSync } from 'node:fs';
import path from 'node:path';
import { openDatabase, type Database } from '../store/db.js';
import { BATCH_MIGRATIONS } from './ledger-migrations.js';

/** File name of the job ledger inside OUT_DIR; a dot file so scans and people skip it. */
export const LEDGER_FILE = '.kintsugi-batch.sqlite';

/** Life of one photo in a batch. `running` rows left by a crash are redone on the next run. */
export type FileState = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

/** One photo's row in the ledger: what the queue view shows and what resume decisions are made from. */
export interface LedgerRow {
  rel: string;
  state: FileState;
  inputSize: number | null;
  inputMtimeMs: number | null;
  inputSha256: string | null;
  maskPath: string | null;
  /** Fingerprint of what decides the output (model, mask hash); a change means redo. */
  params: string | null;
  outputRel: string | null;
  error: string | null;
  errorCode: string | null;
  modelId: string | null;
  provider: string | null;
  holePixels: number | null;
  width: number | null;
  height: number | null;
  attempts: number;
  startedAt: number | null;
  finishedAt: number | null;
  durationMs: number | null;
  updatedAt: number;
}

interface RawRow {
  rel: string;
  state: FileState;
  input_size: number | null;
  input_mtime_ms: number | null;
  input_sha256: string | null;
  mask_path: string | null;
  params: string | null;
  output_rel: string | null;
  error: string | null;
  error_code: string | null;
  model_id: string | null;
  provider: string | null;
  hole_pixels: number | null;
  width: number | null;
  height: number | null;
  attempts: number;
  started_at: number | null;
  finished_at: number | null;
  duration_ms: number | null;
  updated_at: number;
}

function fromRaw(r: RawRow): LedgerRow {
  return {
    rel: r.rel,
    state: r.state,
    inputSize: r.input_size,
    inputMtimeMs: r.input_mtime_ms,
    inputSha256: r.input_sha256,
    maskPath: r.mask_path,
    params: r.params,
    outputRel: r.output_rel,
    error: r.error,
    errorCode: r.error_code,
    modelId: r.model_id,
    provider: r.provider,
    holePixels: r.hole_pixels,
    width: r.width,
    height: r.height,
    attempts: r.attempts,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: r.duration_ms,
    updatedAt: r.updated_at,
  };
}

/** Facts about the input recorded when a file starts, so a later run can tell whether it changed. */
export interface InputFacts {
  inputSize: number;
  inputMtimeMs: number;
  inputSha256: string;
  maskPath: string | null;
  params: string;
  outputRel: string;
}

/** Result facts recorded when a file is done. */
export interface DoneFacts {
  modelId: string;
  provider: string;
  holePixels: number;
  width: number;
  height: number;
}

/**
 * The batch's durable memory: one SQLite file in OUT_DIR (WAL, so a reader such as the app's queue view
 * or a test can watch while a run writes). Every state change is its own committed transaction, so a
 * SIGKILL or power cut loses at most the file that was running, which the next run redoes.
 */
export class BatchLedger {
  private constructor(private readonly db: Database) {}

  /** Opens (creating and migrating when needed) the ledger of `outDir`. */
  static open(outDir: string, opts: { readonly?: boolean } = {}): BatchLedger {
    return new BatchLedger(openDatabase(path.join(outDir, LEDGER_FILE), BATCH_MIGRATIONS, opts));
  }

  get(rel: string): LedgerRow | null {
    const r = this.db.prepare('SELECT * FROM files WHERE rel = ?').get(rel) as RawRow | undefined;
    return r ? fromRaw(r) : null;
  }

  rows(): LedgerRow[] {
    return (this.db.prepare('SELECT * FROM files ORDER BY rel').all() as RawRow[]).map(fromRaw);
  }

  /** Makes sure every scanned file has a row; new ones start pending, existing rows keep their state. */
  enqueue(rels: string[]): void {
    const now = Date.now();
    const insert = this.db.prepare(
      "INSERT INTO files (rel, state, updated_at) VALUES (?, 'pending', ?) ON CONFLICT(rel) DO NOTHING",
    );
    this.db.transaction(() => {
      for (const rel of rels) insert.run(rel, now);
    })();
  }

  /** Rows a previous run left `running` (it crashed or was killed): back to pending so they are redone. */
  requeueInterrupted(): number {
    const r = this.db
      .prepare("UPDATE files SET state = 'pending', updated_at = ? WHERE state = 'running'")
      .run(Date.now());
    return Number(r.changes);
  }

  markRunning(rel: string, facts: InputFacts): void {
    const now = Date.now();
    this.db
      .prepare(
        `UPDATE files SET state = 'running', input_size = ?, input_mtime_ms = ?, input_sha256 = ?,
           mask_path = ?, params = ?, output_rel = ?, error = NULL, error_code = NULL,
           attempts = attempts + 1, started_at = ?, finished_at = NULL, duration_ms = NULL, updated_at = ?
         WHERE rel = ?`,
      )
      .run(facts.inputSize, facts.inputMtimeMs, facts.inputSha256, facts.maskPath, facts.params,
        facts.outputRel, now, now, rel);
  }

  markDone(rel: string, facts: DoneFacts): void {
    const now = Date.now();
    this.db
      .prepare(
        `UPDATE files SET state = 'done', model_id = ?, provider = ?, hole_pixels = ?, width = ?, height = ?,
           error = NULL, error_code = NULL, finished_at = ?, duration_ms = ? - COALESCE(started_at, ?),
           updated_at = ?
         WHERE rel = ?`,
      )
      .run(facts.modelId, facts.provider, facts.holePixels, facts.width, facts.height, now, now, now, now, rel);
  }

  markFailed(rel: string, error: string, code: string): void {
    const now = Date.now();
    this.db
      .prepare(
        `UPDATE files SET state = 'failed', error = ?, error_code = ?, finished_at = ?,
           duration_ms = ? - COALESCE(started_at, ?), updated_at = ? WHERE rel = ?`,
      )
      .run(error, code, now, now, now, now, rel);
  }

  /** A file not processed in this run, with the reason (no mask given for it). */
  markSkipped(rel: string, reason: string): void {
    this.db
      .prepare("UPDATE files SET state = 'skipped', error = ?, error_code = NULL, updated_at = ? WHERE rel = ?")
      .run(reason, Date.now(), rel);
  }

  /** Puts a file back in the queue (its run was cancelled or paused mid-way). */
  markPending(rel: string): void {
    this.db.prepare("UPDATE files SET state = 'pending', updated_at = ? WHERE rel = ?").run(Date.now(), rel);
  }

  close(): void {
    this.db.close();
  }
}

/**
 * The queue as the app shows it: every row of OUT_DIR's ledger, or nothing when no batch ran there.
 */
export function readLedger(outDir: string): LedgerRow[] {
  if (!existsSync(path.join(outDir, LEDGER_FILE))) return [];
  // WAL lets this connection read while another process (a CLI batch) writes.
  const ledger = BatchLedger.open(outDir);
  try {
    return ledger.rows();
  } finally {
    ledger.close();
  }
}
