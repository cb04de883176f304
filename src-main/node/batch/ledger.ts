import { existsSync, lstatSync } from 'node:fs';
import path from 'node:path';
import { badInput, isKintsugiError, type KintsugiError } from '../../core/errors.js';
import { isOutOfSpace } from '../output-folder.js';
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
  private constructor(
    private readonly db: Database,
    private readonly file: string,
  ) {}

  /**
   * Opens (creating and migrating when needed) the ledger of `outDir`. A ledger that is not a plain file,
   * is not SQLite, has a damaged page or lacks its table is refused with what is wrong and how to start over.
   */
  static open(outDir: string, opts: { readonly?: boolean } = {}): BatchLedger {
    const file = path.join(outDir, LEDGER_FILE);
    const st = (() => {
      try {
        return lstatSync(file);
      } catch {
        return null;
      }
    })();
    if (st && !st.isFile()) {
      const kind = st.isDirectory() ? 'a folder' : st.isSymbolicLink() ? 'a symbolic link' : 'not a regular file';
      throw badInput(file, `the batch ledger is ${kind}, not a file Kintsugi made; move it out of the output folder and run again`);
    }
    let db: Database;
    try {
      db = openDatabase(file, BATCH_MIGRATIONS, opts);
    } catch (e) {
      if (isKintsugiError(e) && /newer than this Kintsugi/.test(e.message)) throw e;
      throw damaged(file, e);
    }
    try {
      const check = db.pragma('quick_check', { simple: true }) as string;
      if (check !== 'ok') throw new Error(`integrity check: ${String(check).split('\n')[0]}`);
      const columns = new Set((db.prepare("SELECT name FROM pragma_table_info('files')").all() as { name: string }[]).map((c) => c.name));
      if (columns.size === 0) throw new Error('its table of files is missing');
      for (const c of ['rel', 'state', 'input_sha256', 'params', 'updated_at']) {
        if (!columns.has(c)) throw new Error(`its table of files lacks the column ${c}`);
      }
    } catch (e) {
      db.close();
      throw damaged(file, e);
    }
    return new BatchLedger(db, file);
  }

  get(rel: string): LedgerRow | null {
    return guarded(this.file, () => {
      const r = this.db.prepare('SELECT * FROM files WHERE rel = ?').get(rel) as RawRow | undefined;
      return r ? fromRaw(r) : null;
    });
  }

  rows(): LedgerRow[] {
    return guarded(this.file, () => {
      return (this.db.prepare('SELECT * FROM files ORDER BY rel').all() as RawRow[]).map(fromRaw);
    });
  }

  /** Makes sure every scanned file has a row; new ones start pending, existing rows keep their state. */
  enqueue(rels: string[]): void {
    return guarded(this.file, () => {
      const now = Date.now();
      const insert = this.db.prepare(
        "INSERT INTO files (rel, state, updated_at) VALUES (?, 'pending', ?) ON CONFLICT(rel) DO NOTHING",
      );
      this.db.transaction(() => {
        for (const rel of rels) insert.run(rel, now);
      })();
    });
  }

  /** Rows a previous run left `running` (it crashed or was killed): back to pending so they are redone. */
  requeueInterrupted(): number {
    return guarded(this.file, () => {
      const r = this.db
        .prepare("UPDATE files SET state = 'pending', updated_at = ? WHERE state = 'running'")
        .run(Date.now());
      return Number(r.changes);
    });
  }

  markRunning(rel: string, facts: InputFacts): void {
    return guarded(this.file, () => {
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
    });
  }

  markDone(rel: string, facts: DoneFacts): void {
    return guarded(this.file, () => {
      const now = Date.now();
      this.db
        .prepare(
          `UPDATE files SET state = 'done', model_id = ?, provider = ?, hole_pixels = ?, width = ?, height = ?,
             error = NULL, error_code = NULL, finished_at = ?, duration_ms = ? - COALESCE(started_at, ?),
             updated_at = ?
           WHERE rel = ?`,
        )
        .run(facts.modelId, facts.provider, facts.holePixels, facts.width, facts.height, now, now, now, now, rel);
    });
  }

  markFailed(rel: string, error: string, code: string): void {
    return guarded(this.file, () => {
      const now = Date.now();
      this.db
        .prepare(
          `UPDATE files SET state = 'failed', error = ?, error_code = ?, finished_at = ?,
             duration_ms = ? - COALESCE(started_at, ?), updated_at = ? WHERE rel = ?`,
        )
        .run(error, code, now, now, now, now, rel);
    });
  }

  /** A file not processed in this run, with the reason (no mask given for it). */
  markSkipped(rel: string, reason: string): void {
    return guarded(this.file, () => {
      this.db
        .prepare("UPDATE files SET state = 'skipped', error = ?, error_code = NULL, updated_at = ? WHERE rel = ?")
        .run(reason, Date.now(), rel);
    });
  }

  /** Puts a file back in the queue (its run was cancelled or paused mid-way). */
  markPending(rel: string): void {
    return guarded(this.file, () => {
      this.db.prepare("UPDATE files SET state = 'pending', updated_at = ? WHERE rel = ?").run(Date.now(), rel);
    });
  }

  /** Closes the ledger; never throws (a full disk can fail the final checkpoint, and the WAL keeps it). */
  close(): void {
    try {
      this.db.close();
    } catch {
      // committed rows are in the WAL and are read back by the next open
    }
  }
}

/** What went wrong with a ledger that cannot be used, and how to start over. */
function damaged(file: string, e: unknown): KintsugiError {
  if (isOutOfSpace(e)) return badInput(file, 'no space left on the device for the batch ledger', e);
  const raw = e instanceof Error ? e.message : String(e);
  const detail = raw.replace(`${file}: `, '').replace(/^is not a usable Kintsugi database \((.*)\)$/, '$1');
  return badInput(
    file,
    `the batch ledger is damaged (${detail}). To start over, delete ${path.basename(file)} (and any ${path.basename(file)}-wal / -shm) ` +
      `from ${path.dirname(file)}: restored photos there stay, and the next run redoes them`,
    e,
  );
}

const DAMAGE_CODES = /^SQLITE_(CORRUPT|NOTADB|IOERR|CANTOPEN)/;

/** Runs a ledger statement; damage and a full disk become bad input naming the ledger. */
function guarded<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isKintsugiError(e)) throw e;
    const code = (e as { code?: unknown }).code;
    if (isOutOfSpace(e)) throw badInput(file, 'no space left on the device for the batch ledger', e);
    if ((typeof code === 'string' && DAMAGE_CODES.test(code)) || /no such (table|column)/.test(String((e as Error).message))) {
      throw damaged(file, e);
    }
    throw e;
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
