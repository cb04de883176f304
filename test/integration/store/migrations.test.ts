import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion } from '../../../src-main/node/store/db.js';
import { libraryMigrations } from '../../../src-main/node/store/library-migrations.js';

// Each migration is tested on a database made by the previous version, with rows in it.
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kintsugi-mig-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const upTo = (k: number) => libraryMigrations.slice(0, k);
const tables = (file: string) => {
  const db = openDatabase(file, libraryMigrations);
  const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  db.close();
  return names;
};

describe('library migrations', () => {
  it('are numbered 1..n', () => {
    expect(libraryMigrations.map((m) => m.version)).toEqual(libraryMigrations.map((_, i) => i + 1));
  });

  it('1: creates projects, history, blobs on an empty file', () => {
    const file = join(dir, 'lib.sqlite');
    const db = openDatabase(file, upTo(1));
    expect(schemaVersion(db)).toBe(1);
    db.close();
    expect(tables(file)).toEqual(expect.arrayContaining(['projects', 'history', 'history_blobs', 'blobs']));
  });

  it('2: adds evaluation tables to a version-1 library and keeps its projects, history and blobs', () => {
    const file = join(dir, 'lib.sqlite');
    const v1 = openDatabase(file, upTo(1));
    const blob = 'a'.repeat(64);
    v1.prepare("INSERT INTO projects VALUES ('p1', 'Grandma', '/photos/g.jpg', ?, 2, 1, 2)").run('f'.repeat(64));
    v1.prepare('INSERT INTO blobs VALUES (?, 1234, 1)').run(blob);
    v1.prepare("INSERT INTO history VALUES ('p1', 1, 'open', 'Open', '{}', 1, 2, 1)").run();
    v1.prepare(`INSERT INTO history VALUES ('p1', 2, 'stroke', 'Brush', '{"points":[1,2]}', 0, 17, 2)`).run();
    v1.prepare("INSERT INTO history_blobs VALUES ('p1', 2, ?)").run(blob);
    v1.close();

    const v2 = openDatabase(file, upTo(2));
    expect(schemaVersion(v2)).toBe(2);
    expect(v2.prepare('SELECT name, current_seq FROM projects').all()).toEqual([{ name: 'Grandma', current_seq: 2 }]);
    expect(v2.prepare('SELECT seq, kind, payload FROM history ORDER BY seq').all()).toEqual([
      { seq: 1, kind: 'open', payload: '{}' },
      { seq: 2, kind: 'stroke', payload: '{"points":[1,2]}' },
    ]);
    expect(v2.prepare('SELECT blob_id FROM history_blobs').all()).toEqual([{ blob_id: blob }]);
    const run = v2.prepare("INSERT INTO eval_runs (started_at, images_dir, masks) VALUES (1, '/d', 'synthetic:bands')").run();
    v2.prepare("INSERT INTO eval_models VALUES (?, 'classical', 'Classical', NULL, 'cpu', 1)").run(run.lastInsertRowid);
    v2.prepare("INSERT INTO eval_scores VALUES (?, 'classical', 'a.png', 'm.png', 'band0', 0.05, 30, 0.9, 20, 0.5, 12)").run(run.lastInsertRowid);
    expect(() => v2.prepare("INSERT INTO eval_scores VALUES (?, 'ghost', 'a.png', 'm.png', 'band0', 0.05, 30, 0.9, 20, 0.5, 12)").run(run.lastInsertRowid)).toThrow(/FOREIGN KEY/);
    v2.close();
  });

  it('3: adds a detail ratio to the scores of a version-2 library, old scores keeping NULL', () => {
    const file = join(dir, 'lib.sqlite');
    const v2 = openDatabase(file, upTo(2));
    const run = v2.prepare("INSERT INTO eval_runs (started_at, images_dir, masks) VALUES (1, '/d', '/m')").run().lastInsertRowid;
    v2.prepare("INSERT INTO eval_models VALUES (?, 'classical', 'Classical', NULL, 'cpu', 1)").run(run);
    v2.prepare("INSERT INTO eval_scores VALUES (?, 'classical', 'a.png', 'm.png', 'band0', 0.05, 30, 0.9, 20, 0.5, 12)").run(run);
    v2.close();

    const v3 = openDatabase(file, upTo(3));
    expect(schemaVersion(v3)).toBe(3);
    expect(v3.prepare('SELECT image, psnr, ms, detail FROM eval_scores').all()).toEqual([{ image: 'a.png', psnr: 30, ms: 12, detail: null }]);
    v3.prepare(
      "INSERT INTO eval_scores (run_id, model_id, image, mask, band, hole_ratio, psnr, ssim, psnr_hole, ssim_hole, ms, detail) VALUES (?, 'classical', 'b.png', 'm.png', 'band0', 0.05, 31, 0.9, 21, 0.5, 12, 0.25)",
    ).run(run);
    expect(v3.prepare("SELECT detail FROM eval_scores WHERE image = 'b.png'").get()).toEqual({ detail: 0.25 });
    v3.close();
  });
});
