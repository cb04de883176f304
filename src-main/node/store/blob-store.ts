import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from './db.js';

/** What a collection pass removed. */
export interface GcResult {
  removed: number;
  freedBytes: number;
}

const ID = /^[0-9a-f]{64}$/;

/**
 * Content-addressed pixel storage: result images and masks are files named by their sha256 under
 * <dataDir>/blobs/ab/cdef…, so history rows stay small and identical results are stored once. A blob is
 * alive while some history entry lists it in history_blobs; {@link BlobStore.gc} removes the rest.
 */
export class BlobStore {
  constructor(
    private readonly db: Database,
    /** Folder holding the two-level blob tree. */
    readonly root: string,
  ) {}

  /** Stores bytes (atomically: temp file, fsync, rename) and returns their id; storing twice is free. */
  put(bytes: Uint8Array): string {
    const id = createHash('sha256').update(bytes).digest('hex');
    const file = this.path(id);
    if (!existsSync(file)) {
      mkdirSync(join(this.root, id.slice(0, 2)), { recursive: true });
      const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
      const fd = openSync(tmp, 'w');
      try {
        writeSync(fd, bytes);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, file);
    }
    // Re-putting refreshes the age, so gc's grace period protects it until the referencing entry lands.
    this.db
      .prepare('INSERT INTO blobs (id, bytes, created_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET created_at = excluded.created_at')
      .run(id, bytes.byteLength, Date.now());
    return id;
  }

  /** The bytes of a blob; throws if it was never stored or has been collected. */
  get(id: string): Buffer {
    if (!this.has(id)) throw new Error(`blob ${id} is not in the library`);
    return readFileSync(this.path(id));
  }

  /** Whether the blob is recorded and its file is present. */
  has(id: string): boolean {
    if (!ID.test(id)) return false;
    return this.db.prepare('SELECT 1 FROM blobs WHERE id = ?').get(id) !== undefined && existsSync(this.path(id));
  }

  /** Size in bytes as recorded when stored, or undefined. */
  size(id: string): number | undefined {
    const row = this.db.prepare('SELECT bytes FROM blobs WHERE id = ?').get(id) as { bytes: number } | undefined;
    return row?.bytes;
  }

  /** Where a blob's file lives (whether or not it exists). */
  path(id: string): string {
    if (!ID.test(id)) throw new Error(`not a blob id: ${id}`);
    return join(this.root, id.slice(0, 2), id.slice(2));
  }

  /**
   * Removes every blob no history entry references. Blobs younger than `graceMs` are kept, because a
   * caller may have put() one and not yet appended the entry that references it (another process, or
   * an async gap); stray files without a row (a crash between write and insert) are swept likewise.
   */
  gc(opts: { graceMs?: number } = {}): GcResult {
    const cutoff = Date.now() - (opts.graceMs ?? 60_000);
    const rows = this.db
      .prepare(
        `SELECT id FROM blobs b WHERE created_at <= ?
           AND NOT EXISTS (SELECT 1 FROM history_blobs h WHERE h.blob_id = b.id)`,
      )
      .all(cutoff) as { id: string }[];
    const result = this.remove(rows.map((r) => r.id));
    const swept = this.sweepStrayFiles(cutoff);
    return { removed: result.removed + swept.removed, freedBytes: result.freedBytes + swept.freedBytes };
  }

  /** Removes those of `ids` that nothing references any more (used right after history entries are dropped). */
  collect(ids: Iterable<string>): GcResult {
    const unreferenced = this.db.prepare(
      'SELECT 1 FROM blobs b WHERE id = ? AND NOT EXISTS (SELECT 1 FROM history_blobs h WHERE h.blob_id = b.id)',
    );
    return this.remove([...new Set(ids)].filter((id) => unreferenced.get(id) !== undefined));
  }

  private remove(ids: string[]): GcResult {
    let freedBytes = 0;
    const del = this.db.prepare('DELETE FROM blobs WHERE id = ? RETURNING bytes');
    // Rows first (one transaction), files after: a crash in between leaves stray files, which gc sweeps.
    this.db.transaction(() => {
      for (const id of ids) freedBytes += (del.get(id) as { bytes: number } | undefined)?.bytes ?? 0;
    })();
    for (const id of ids) rmSync(this.path(id), { force: true });
    return { removed: ids.length, freedBytes };
  }

  private sweepStrayFiles(cutoff: number): GcResult {
    if (!existsSync(this.root)) return { removed: 0, freedBytes: 0 };
    const known = this.db.prepare('SELECT 1 FROM blobs WHERE id = ?');
    let removed = 0;
    let freedBytes = 0;
    for (const dir of readdirSync(this.root)) {
      if (!/^[0-9a-f]{2}$/.test(dir)) continue;
      for (const name of readdirSync(join(this.root, dir))) {
        const file = join(this.root, dir, name);
        const st = statSync(file);
        if (st.mtimeMs > cutoff) continue;
        const id = dir + name;
        if (ID.test(id) && known.get(id) !== undefined) continue;
        rmSync(file, { force: true });
        removed += 1;
        freedBytes += st.size;
      }
    }
    return { removed, freedBytes };
  }
}
