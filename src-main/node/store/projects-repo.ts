import { randomUUID } from 'node:crypto';
import type { Database } from './db.js';

/**
 * A project: one photo being repaired. It points at the original by path and content hash — the
 * original's pixels are never copied into the library and the original file is never written.
 */
export interface Project {
  id: string;
  name: string;
  sourcePath: string;
  sourceSha256: string;
  /** seq of the history entry the project is at (undo moves it back, redo forward); 0 = none yet. */
  currentSeq: number;
  createdAt: number;
  updatedAt: number;
}

interface Row {
  id: string;
  name: string;
  source_path: string;
  source_sha256: string;
  current_seq: number;
  created_at: number;
  updated_at: number;
}

const toProject = (r: Row): Project => ({
  id: r.id,
  name: r.name,
  sourcePath: r.source_path,
  sourceSha256: r.source_sha256,
  currentSeq: r.current_seq,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Typed access to the projects table (Open Recent, the project list, renames). */
export class ProjectsRepo {
  constructor(private readonly db: Database) {}

  /** Registers a new project for a photo; the id is a random UUID. */
  create(input: { name: string; sourcePath: string; sourceSha256: string }): Project {
    const now = Date.now();
    const id = randomUUID();
    this.db
      .prepare(
        `INSERT INTO projects (id, name, source_path, source_sha256, current_seq, created_at, updated_at)
         VALUES (?, ?, ?, ?, 0, ?, ?)`,
      )
      .run(id, input.name, input.sourcePath, input.sourceSha256, now, now);
    return this.get(id)!;
  }

  /** The project, or undefined when there is none with that id. */
  get(id: string): Project | undefined {
    const row = this.db.prepare('SELECT * FROM projects WHERE id = ?').get(id) as Row | undefined;
    return row && toProject(row);
  }

  /** All projects, most recently touched first. */
  list(): Project[] {
    return (this.db.prepare('SELECT * FROM projects ORDER BY updated_at DESC, rowid DESC').all() as Row[]).map(toProject);
  }

  /** The `limit` most recently touched projects (File ▸ Open Recent). */
  recent(limit = 10): Project[] {
    return (this.db.prepare('SELECT * FROM projects ORDER BY updated_at DESC, rowid DESC LIMIT ?').all(limit) as Row[]).map(
      toProject,
    );
  }

  /** Projects made from a photo with this content hash (re-opening the same photo finds its project). */
  findBySource(sha256: string): Project[] {
    return (
      this.db.prepare('SELECT * FROM projects WHERE source_sha256 = ? ORDER BY updated_at DESC').all(sha256) as Row[]
    ).map(toProject);
  }

  /** Renames; throws when the project does not exist. */
  rename(id: string, name: string): void {
    const r = this.db.prepare('UPDATE projects SET name = ?, updated_at = ? WHERE id = ?').run(name, Date.now(), id);
    if (r.changes === 0) throw new Error(`no project ${id}`);
  }

  /** Marks the project as just used, so it rises in Open Recent; the photo may have moved, hence `sourcePath`. */
  touch(id: string, sourcePath?: string): void {
    const now = Math.max(Date.now(), (this.get(id)?.updatedAt ?? 0) + 1);
    if (sourcePath === undefined) this.db.prepare('UPDATE projects SET updated_at = ? WHERE id = ?').run(now, id);
    else this.db.prepare('UPDATE projects SET updated_at = ?, source_path = ? WHERE id = ?').run(now, sourcePath, id);
  }

  /** Deletes the project and its history (cascade); run BlobStore.gc() afterwards to free the pixels. */
  delete(id: string): void {
    this.db.prepare('DELETE FROM projects WHERE id = ?').run(id);
  }
}
