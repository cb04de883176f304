import type { Migration } from '../store/db.js';

/**
 * Numbered schema changes of the batch ledger. Append only: a released ledger file is migrated forward
 * by the next version, never rebuilt (it holds a night's worth of finished work).
 */
export const BATCH_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'batch files',
    up: `
      CREATE TABLE files (
        rel            TEXT PRIMARY KEY,
        state          TEXT NOT NULL CHECK (state IN ('pending','running','done','failed','skipped')),
        input_size     INTEGER,
        input_mtime_ms REAL,
        input_sha256   TEXT,
        mask_path      TEXT,
        params         TEXT,
        output_rel     TEXT,
        error          TEXT,
        error_code     TEXT,
        model_id       TEXT,
        provider       TEXT,
        hole_pixels    INTEGER,
        width          INTEGER,
        height         INTEGER,
        attempts       INTEGER NOT NULL DEFAULT 0,
        started_at     INTEGER,
        finished_at    INTEGER,
        duration_ms    INTEGER,
        updated_at     INTEGER NOT NULL
      );
      CREATE INDEX files_state ON files (state);
    `,
  },
];
