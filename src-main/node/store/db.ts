import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { badInput } from '../../core/errors.js';

/**
 * The synchronous SQLite handle every store uses. better-sqlite3 blocks the thread it runs on, which is
 * fine in the CLI, the web host and workers; the Electron main process must NOT open a database itself —
 * it calls into a worker or utility process that does (DESIGN.md: no synchronous SQLite on main's loop).
 */
export type Database = BetterSqlite3.Database;

/**
 * One numbered schema step. Versions start at 1 and are consecutive; `up` is SQL (may hold several
 * statements) or a function for data rewrites. Kept in TS modules so tsc ships them in dist/.
 */
export interface Migration {
  version: number;
  name: string;
  up: string | ((db: Database) => void);
}

/** Options for {@link openDatabase}. */
export interface OpenOptions {
  /** Open without write access (no migrations are run; the file must already be current). */
  readonly?: boolean;
  /** How long a writer waits for another connection's lock, in ms. */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating if needed) a SQLite file in WAL mode with foreign keys on and a busy timeout, then
 * brings it to the newest migration, each step in its own transaction with PRAGMA user_version bumped
 * inside it — a failed step leaves the file at the previous version. A file newer than the code is
 * refused rather than silently misread.
 */
export function openDatabase(file: string, migrations: readonly Migration[], opts: OpenOptions = {}): Database {
  checkMigrations(migrations);
  if (file !== ':memory:' && !opts.readonly) mkdirSync(dirname(file), { recursive: true });
  let db: Database;
  try {
    db = new BetterSqlite3(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  } catch (e) {
    throw badInput(file, `cannot open the database (${(e as Error).message})`, e);
  }
  try {
    db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
    // Probe the header first: a non-SQLite file fails here with a clear message.
    const version = db.pragma('user_version', { simple: true }) as number;
    if (!opts.readonly) {
      if (file !== ':memory:') db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    const latest = migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
    if (version > latest) {
      throw badInput(file, `database schema version ${version} is newer than this Kintsugi knows (${latest}); update Kintsugi`);
    }
    if (version < latest) {
      if (opts.readonly) throw badInput(file, `database schema version ${version} is older than ${latest}; open it writable once to migrate`);
      migrate(db, migrations, version);
    }
    return db;
  } catch (e) {
    db.close();
    if (e instanceof Error && e.name === 'KintsugiError') throw e;
    throw badInput(file, `is not a usable Kintsugi database (${(e as Error).message})`, e);
  }
}

/** Current schema version of an open database (PRAGMA user_version). */
export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Database, migrations: readonly Migration[], from: number): void {
  // Foreign-key enforcement cannot change inside a transaction; table rebuilds in migrations need it off.
  db.pragma('foreign_keys = OFF');
  try {
    for (const m of migrations) {
      if (m.version <= from) continue;
      db.transaction(() => {
        if (typeof m.up === 'string') db.exec(m.up);
        else m.up(db);
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length > 0) throw new Error(`migration ${m.version} (${m.name}) broke ${broken.length} foreign keys`);
        db.pragma(`user_version = ${m.version}`);
      })();
    }
  } finally {
    db.pragma('foreign_keys = ON');
  }
}

function checkMigrations(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list must be numbered 1..n; entry ${i} is version ${m.version} (${m.name})`);
  });
}
