import type { Migration } from './db.js';

/**
 * Schema of the user's library database, one step per release that changed it. Never edit a step that has
 * shipped; append a new one (and its test in test/integration/store/migrations.test.ts).
 *
 * Times are milliseconds since the epoch. Blob ids are the sha256 of the blob's bytes (hex); the bytes live
 * on disk under <dataDir>/blobs/ab/cdef…, the table records size and age, references are computed from
 * history_blobs.
 */
export const libraryMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'projects, history, blobs',
    up: `
      CREATE TABLE projects (
        id            TEXT PRIMARY KEY,
        name          TEXT NOT NULL,
        source_path   TEXT NOT NULL,
        source_sha256 TEXT NOT NULL,
        current_seq   INTEGER NOT NULL DEFAULT 0,
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL
      );
      CREATE INDEX projects_by_updated ON projects(updated_at DESC);
      CREATE INDEX projects_by_source ON projects(source_sha256);

      CREATE TABLE blobs (
        id         TEXT PRIMARY KEY CHECK (length(id) = 64),
        bytes      INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );

      CREATE TABLE history (
        project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        seq        INTEGER NOT NULL,
        kind       TEXT NOT NULL,
        label      TEXT NOT NULL,
        payload    TEXT NOT NULL DEFAULT '{}',
        keyframe   INTEGER NOT NULL DEFAULT 0,
        bytes      INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (project_id, seq)
      ) WITHOUT ROWID;

      CREATE TABLE history_blobs (
        project_id TEXT NOT NULL,
        seq        INTEGER NOT NULL,
        blob_id    TEXT NOT NULL REFERENCES blobs(id),
        PRIMARY KEY (project_id, seq, blob_id),
        FOREIGN KEY (project_id, seq) REFERENCES history(project_id, seq) ON DELETE CASCADE
      ) WITHOUT ROWID;
      CREATE INDEX history_blobs_by_blob ON history_blobs(blob_id);
    `,
  },
  {
    version: 2,
    name: 'evaluation runs, models, per-image scores',
    up: `
      CREATE TABLE eval_runs (
        id          INTEGER PRIMARY KEY,
        started_at  INTEGER NOT NULL,
        finished_at INTEGER,
        status      TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed', 'cancelled')),
        images_dir  TEXT NOT NULL,
        masks       TEXT NOT NULL,
        seed        INTEGER,
        image_count INTEGER NOT NULL DEFAULT 0,
        options     TEXT NOT NULL DEFAULT '{}'
      );

      CREATE TABLE eval_models (
        run_id      INTEGER NOT NULL REFERENCES eval_runs(id) ON DELETE CASCADE,
        model_id    TEXT NOT NULL,
        name        TEXT NOT NULL,
        sha256      TEXT,
        provider    TEXT NOT NULL,
        is_baseline INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (run_id, model_id)
      ) WITHOUT ROWID;

      CREATE TABLE eval_scores (
        run_id     INTEGER NOT NULL,
        model_id   TEXT NOT NULL,
        image      TEXT NOT NULL,
        mask       TEXT NOT NULL,
        band       TEXT NOT NULL,
        hole_ratio REAL NOT NULL,
        psnr       REAL NOT NULL,
        ssim       REAL NOT NULL,
        psnr_hole  REAL NOT NULL,
        ssim_hole  REAL NOT NULL,
        ms         REAL NOT NULL,
        PRIMARY KEY (run_id, model_id, band, image),
        FOREIGN KEY (run_id, model_id) REFERENCES eval_models(run_id, model_id) ON DELETE CASCADE
      ) WITHOUT ROWID;
      CREATE INDEX eval_scores_by_model ON eval_scores(model_id, band);
    `,
  },
  {
    version: 3,
    name: 'detail ratio of each evaluation score',
    // Mean |Laplacian| in the hole, restored over clean (core/metrics detailRatio); NULL for scores from before.
    up: `ALTER TABLE eval_scores ADD COLUMN detail REAL;`,
  },
];
