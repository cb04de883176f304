/**
 * The batch ledger's migrations, each on a ledger made by the previous schema version with rows in it: a
 * night's finished work must survive an upgrade (the ledger is migrated forward, never rebuilt), and a
 * ledger from a newer Kintsugi is refused rather than misread.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BatchLedger, LEDGER_FILE, readLedger } from '../../../src-main/node/batch/ledger.js';
import { BATCH_MIGRATIONS } from '../../../src-main/node/batch/ledger-migrations.js';
import { openDatabase, schemaVersion, type Migration } from '../../../src-main/node/store/db.js';
import { removeDir, tempDir } from '../../support/temp-dir.js';

let outDir: string;
beforeEach(() => {
  outDir = tempDir('kintsugi-ledger-mig-');
});
afterEach(() => removeDir(outDir));

const latest = BATCH_MIGRATIONS.at(-1)!.version;
const ledgerFile = (): string => join(outDir, LEDGER_FILE);

/** A ledger file as the Kintsugi of schema version `k` left it (k = 0: an empty SQLite file). */
function ledgerAt(k: number): void {
  openDatabase(ledgerFile(), BATCH_MIGRATIONS.slice(0, k)).close();
}

describe('batch ledger migrations', () => {
  it('are numbered 1..n', () => {
    expect(BATCH_MIGRATIONS.map((m) => m.version)).toEqual(BATCH_MIGRATIONS.map((_, i) => i + 1));
  });

  it('1: an empty file becomes a ledger the batch runner accepts', () => {
    ledgerAt(0);
    const ledger = BatchLedger.open(outDir);
    ledger.close();
    const db = openDatabase(ledgerFile(), BATCH_MIGRATIONS, { readonly: true });
    expect(schemaVersion(db)).toBe(latest);
    db.close();
    expect(readLedger(outDir)).toEqual([]);
  });

  it(`a version-${latest - 1 || 1} ledger with finished and failed files migrates to ${latest} keeping every row`, () => {
    const from = Math.max(1, latest - 1);
    ledgerAt(from);
    const db = openDatabase(ledgerFile(), BATCH_MIGRATIONS.slice(0, from));
    const insert = db.prepare(
      `INSERT INTO files (rel, state, input_size, input_mtime_ms, input_sha256, params, output_rel, error, error_code, model_id, provider,
                          hole_pixels, width, height, attempts, started_at, finished_at, duration_ms, updated_at)
       VALUES (?, ?, 10, 1.5, ?, '{}', ?, ?, ?, 'classical', 'cpu', 7, 4, 3, 1, 1, 2, 1, 2)`,
    );
    insert.run('a.jpg', 'done', 'a'.repeat(64), 'a.jpg', null, null);
    insert.run('sub/b.png', 'failed', 'b'.repeat(64), null, 'not a picture', 'bad-input');
    db.close();

    const rows = readLedger(outDir);
    expect(rows.map((r) => [r.rel, r.state]).sort()).toEqual([['a.jpg', 'done'], ['sub/b.png', 'failed']]);
    const migrated = openDatabase(ledgerFile(), BATCH_MIGRATIONS, { readonly: true });
    expect(schemaVersion(migrated)).toBe(latest);
    expect(migrated.prepare("SELECT input_sha256, output_rel FROM files WHERE rel = 'a.jpg'").get()).toEqual({ input_sha256: 'a'.repeat(64), output_rel: 'a.jpg' });
    migrated.close();
  });

  it('a ledger from a newer Kintsugi is refused, naming the file and what to do', () => {
    const newer: Migration[] = [...BATCH_MIGRATIONS, { version: latest + 1, name: 'from the future', up: 'CREATE TABLE later (x)' }];
    openDatabase(ledgerFile(), newer).close();
    expect(() => BatchLedger.open(outDir)).toThrow(new RegExp(`${LEDGER_FILE}.*newer than this Kintsugi knows.*update Kintsugi`));
  });
});
