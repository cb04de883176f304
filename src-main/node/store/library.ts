import { homedir } from 'node:os';
import { join } from 'node:path';
import { BlobStore } from './blob-store.js';
import { openDatabase, type Database } from './db.js';
import { EvalRepo } from './eval-repo.js';
import { HistoryRepo } from './history-repo.js';
import { libraryMigrations } from './library-migrations.js';
import { ProjectsRepo } from './projects-repo.js';

/** Default history budget per project: enough for dozens of 12 MP PNG results. */
export const DEFAULT_HISTORY_CAP_BYTES = 512 * 1024 * 1024;

/**
 * Where the user's library lives: $KINTSUGI_DATA_DIR, else the platform's per-user data folder
 * (~/.local/share/kintsugi or $XDG_DATA_HOME/kintsugi, ~/Library/Application Support/kintsugi,
 * %APPDATA%\kintsugi).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.KINTSUGI_DATA_DIR) return env.KINTSUGI_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'kintsugi');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'kintsugi');
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'kintsugi');
}

/** The library database file inside a data folder. */
export function libraryFile(dataDir: string = defaultDataDir()): string {
  return join(dataDir, 'library.sqlite');
}

/**
 * An open library: the database plus its typed repositories. Synchronous (better-sqlite3): use it from the
 * CLI, the web host or a worker — never on the Electron main thread.
 */
export interface Library {
  dataDir: string;
  db: Database;
  projects: ProjectsRepo;
  history: HistoryRepo;
  blobs: BlobStore;
  evals: EvalRepo;
  close(): void;
}

/** Opens (creating and migrating) the library in `dataDir`. */
export function openLibrary(opts: { dataDir?: string; historyCapBytes?: number } = {}): Library {
  const dataDir = opts.dataDir ?? defaultDataDir();
  const db = openDatabase(libraryFile(dataDir), libraryMigrations);
  const blobs = new BlobStore(db, join(dataDir, 'blobs'));
  return {
    dataDir,
    db,
    projects: new ProjectsRepo(db),
    history: new HistoryRepo(db, blobs, opts.historyCapBytes ?? DEFAULT_HISTORY_CAP_BYTES),
    blobs,
    evals: new EvalRepo(db),
    close: () => db.close(),
  };
}
