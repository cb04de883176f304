import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion, type Migration } from '../../../src-main/node/store/db.js';
import { tempDir } from '../../support/temp-dir.js';

let dir: string;
beforeEach(() => {
  dir = tempDir('kintsugi-db-');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const steps: Migration[] = [
  { version: 1, name: 'a', up: 'CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT)' },
  { version: 2, name: 'b', up: (db) => db.exec("CREATE TABLE b (id INTEGER PRIMARY KEY REFERENCES a(id)); INSERT INTO a (v) VALUES ('seeded')") },
];

describe('openDatabase', () => {
  it('creates the file in WAL mode with foreign keys on and runs every migration', () => {
    const file = join(dir, 'sub', 'x.sqlite');
    const db = openDatabase(file, steps);
    expect(schemaVersion(db)).toBe(2);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(() => db.prepare('INSERT INTO b (id) VALUES (999)').run()).toThrow(/FOREIGN KEY/);
    db.close();
    // Reopening does not re-run migrations.
    const again = openDatabase(file, steps);
    expect(again.prepare('SELECT COUNT(*) AS n FROM a').get()).toEqual({ n: 1 });
    again.close();
  });

  it('rolls a failing migration back and leaves the file at the previous version', () => {
    const file = join(dir, 'x.sqlite');
    openDatabase(file, steps.slice(0, 1)).close();
    const bad: Migration[] = [steps[0]!, { version: 2, name: 'bad', up: 'CREATE TABLE c (x); INSERT INTO nope VALUES (1)' }];
    expect(() => openDatabase(file, bad)).toThrow(/x\.sqlite/);
    const db = openDatabase(file, steps.slice(0, 1));
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'c'").get()).toBeUndefined();
    db.close();
  });

  it('refuses a database newer than the code, a non-database file, and misnumbered migrations', () => {
    const file = join(dir, 'x.sqlite');
    openDatabase(file, steps).close();
    expect(() => openDatabase(file, steps.slice(0, 1))).toThrow(/schema version 2 is newer/);
    const junk = join(dir, 'junk.sqlite');
    writeFileSync(junk, 'this is not sqlite, just some text that is long enough to look like a header '.repeat(20));
    expect(() => openDatabase(junk, steps)).toThrow(/junk\.sqlite: .*not a usable Kintsugi database/);
    expect(() => openDatabase(join(dir, 'y.sqlite'), [steps[1]!])).toThrow(/numbered 1\.\.n/);
  });
});
