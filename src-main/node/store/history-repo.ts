import type { HistoryKind } from '../../core/api/contract.js';
import type { BlobStore } from './blob-store.js';
import type { Database } from './db.js';

/**
 * The kind stored with an entry: one of the contract's HistoryKind for everything Kintsugi writes now; the
 * store accepts any other string so an entry written by another version reads back instead of failing.
 */
export type StoredKind = HistoryKind | (string & {});

/**
 * One undoable step. `payload` is the step's delta as JSON (e.g. a stroke list for mask edits), and
 * `blobs` the content ids of the pixels it needs (result image, detected mask). A `keyframe` is an entry
 * whose payload + blobs fully determine the editor state without replaying earlier entries (open, detect
 * with its mask blob, restore with result and mask blobs, or a snapshot): the byte cap may drop everything
 * before a keyframe and the project still reopens.
 */
export interface HistoryEntry {
  projectId: string;
  seq: number;
  kind: StoredKind;
  label: string;
  payload: unknown;
  blobs: string[];
  keyframe: boolean;
  /** Size of the payload JSON in bytes (blob sizes are counted once per project, see {@link HistoryRepo.bytes}). */
  bytes: number;
  createdAt: number;
  isCurrent: boolean;
}

/** What the caller supplies for a new step. */
export interface NewEntry {
  kind: StoredKind;
  label: string;
  payload?: unknown;
  blobs?: string[];
  keyframe?: boolean;
}

/** Outcome of enforcing the byte cap. */
export interface CapResult {
  droppedEntries: number;
  removedBlobs: number;
  freedBytes: number;
  /** Still above the cap because no keyframe at or before the current entry allows cutting further. */
  isOverCap: boolean;
}

interface Row {
  project_id: string;
  seq: number;
  kind: string;
  label: string;
  payload: string;
  keyframe: number;
  bytes: number;
  created_at: number;
  blob_ids: string | null;
  current_seq: number;
}

/**
 * The per-project undo history in SQLite. Linear with a movable cursor (projects.current_seq): undo and
 * redo move the cursor, appending after an undo drops the redo branch, and the byte cap drops the oldest
 * entries up to a keyframe. Blobs no longer referenced after a drop are collected at once.
 */
export class HistoryRepo {
  constructor(
    private readonly db: Database,
    private readonly blobStore: BlobStore,
    /** When set, every append enforces this cap on {@link bytes} for the project. */
    private readonly maxBytesPerProject?: number,
  ) {}

  /** Records a new step after the current one; redo entries beyond the cursor are discarded. */
  append(projectId: string, entry: NewEntry): HistoryEntry {
    const payload = JSON.stringify(entry.payload ?? {});
    const blobs = [...new Set(entry.blobs ?? [])];
    for (const b of blobs) if (!this.blobStore.has(b)) throw new Error(`history entry refers to missing blob ${b}`);
    const dropped: string[] = [];
    const seq = this.db.transaction(() => {
      const current = this.cursor(projectId);
      dropped.push(...this.blobIdsAfter(projectId, current));
      this.db.prepare('DELETE FROM history WHERE project_id = ? AND seq > ?').run(projectId, current);
      const next = current + 1;
      this.db
        .prepare(
          `INSERT INTO history (project_id, seq, kind, label, payload, keyframe, bytes, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(projectId, next, entry.kind, entry.label, payload, entry.keyframe ? 1 : 0, Buffer.byteLength(payload), Date.now());
      const link = this.db.prepare('INSERT INTO history_blobs (project_id, seq, blob_id) VALUES (?, ?, ?)');
      for (const b of blobs) link.run(projectId, next, b);
      this.db.prepare('UPDATE projects SET current_seq = ?, updated_at = ? WHERE id = ?').run(next, Date.now(), projectId);
      return next;
    })();
    this.blobStore.collect(dropped);
    if (this.maxBytesPerProject !== undefined) this.cap(projectId, this.maxBytesPerProject);
    return this.get(projectId, seq)!;
  }

  /** Moves the cursor (undo, redo, or a click on a history row). The entry must exist. */
  setCurrent(projectId: string, seq: number): void {
    if (this.get(projectId, seq) === undefined) throw new Error(`project ${projectId} has no history entry ${seq}`);
    this.db.prepare('UPDATE projects SET current_seq = ?, updated_at = ? WHERE id = ?').run(seq, Date.now(), projectId);
  }

  /** Steps back one entry; returns the new current seq, or undefined at the first entry. */
  undo(projectId: string): number | undefined {
    const prev = this.db
      .prepare('SELECT MAX(seq) AS s FROM history WHERE project_id = ? AND seq < ?')
      .get(projectId, this.cursor(projectId)) as { s: number | null };
    if (prev.s === null) return undefined;
    this.setCurrent(projectId, prev.s);
    return prev.s;
  }

  /** Steps forward one entry; returns the new current seq, or undefined when nothing is left to redo. */
  redo(projectId: string): number | undefined {
    const next = this.db
      .prepare('SELECT MIN(seq) AS s FROM history WHERE project_id = ? AND seq > ?')
      .get(projectId, this.cursor(projectId)) as { s: number | null };
    if (next.s === null) return undefined;
    this.setCurrent(projectId, next.s);
    return next.s;
  }

  /** Every entry in order, the current one flagged. */
  list(projectId: string): HistoryEntry[] {
    return (this.query('WHERE h.project_id = ? ORDER BY h.seq').all(projectId) as Row[]).map(toEntry);
  }

  /** One entry, or undefined. */
  get(projectId: string, seq: number): HistoryEntry | undefined {
    const row = this.query('WHERE h.project_id = ? AND h.seq = ?').get(projectId, seq) as Row | undefined;
    return row && toEntry(row);
  }

  /** The nearest keyframe at or before `seq` — where replay to `seq` starts. */
  keyframeAtOrBefore(projectId: string, seq: number): HistoryEntry | undefined {
    const row = this.query('WHERE h.project_id = ? AND h.seq <= ? AND h.keyframe = 1 ORDER BY h.seq DESC LIMIT 1').get(
      projectId,
      seq,
    ) as Row | undefined;
    return row && toEntry(row);
  }

  /**
   * Turns an entry into a keyframe by replacing its payload and blobs with a self-contained snapshot the
   * caller rendered (e.g. the mask after a long run of strokes), so the cap can cut there.
   */
  makeKeyframe(projectId: string, seq: number, snapshot: { payload: unknown; blobs: string[] }): void {
    const payload = JSON.stringify(snapshot.payload ?? {});
    for (const b of snapshot.blobs) if (!this.blobStore.has(b)) throw new Error(`snapshot refers to missing blob ${b}`);
    const old = this.get(projectId, seq);
    if (old === undefined) throw new Error(`project ${projectId} has no history entry ${seq}`);
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE history SET payload = ?, keyframe = 1, bytes = ? WHERE project_id = ? AND seq = ?')
        .run(payload, Buffer.byteLength(payload), projectId, seq);
      this.db.prepare('DELETE FROM history_blobs WHERE project_id = ? AND seq = ?').run(projectId, seq);
      const link = this.db.prepare('INSERT INTO history_blobs (project_id, seq, blob_id) VALUES (?, ?, ?)');
      for (const b of new Set(snapshot.blobs)) link.run(projectId, seq, b);
    })();
    this.blobStore.collect(old.blobs);
    if (this.maxBytesPerProject !== undefined) this.cap(projectId, this.maxBytesPerProject);
  }

  /** Bytes the project's history costs: payload JSON plus every distinct blob it references, once. */
  bytes(projectId: string): number {
    const row = this.db
      .prepare(
        `SELECT COALESCE((SELECT SUM(bytes) FROM history WHERE project_id = ?), 0)
              + COALESCE((SELECT SUM(b.bytes) FROM blobs b WHERE b.id IN
                  (SELECT blob_id FROM history_blobs WHERE project_id = ?)), 0) AS total`,
      )
      .get(projectId, projectId) as { total: number };
    return row.total;
  }

  /**
   * Keeps the project's history under `maxBytes` by dropping its oldest entries, always up to a keyframe
   * at or before the cursor, so the first remaining entry can rebuild the state and the project reopens.
   * The current entry and redo entries are never dropped. Blobs left unreferenced are removed.
   */
  cap(projectId: string, maxBytes: number): CapResult {
    let droppedEntries = 0;
    const blobIds: string[] = [];
    let total = this.bytes(projectId);
    const before = total;
    while (total > maxBytes) {
      const current = this.cursor(projectId);
      const first = this.db.prepare('SELECT MIN(seq) AS s FROM history WHERE project_id = ?').get(projectId) as { s: number | null };
      if (first.s === null) break;
      const cut = this.db
        .prepare('SELECT MIN(seq) AS s FROM history WHERE project_id = ? AND keyframe = 1 AND seq > ? AND seq <= ?')
        .get(projectId, first.s, current) as { s: number | null };
      if (cut.s === null) break;
      this.db.transaction(() => {
        blobIds.push(
          ...(
            this.db.prepare('SELECT blob_id FROM history_blobs WHERE project_id = ? AND seq < ?').all(projectId, cut.s) as {
              blob_id: string;
            }[]
          ).map((r) => r.blob_id),
        );
        droppedEntries += this.db.prepare('DELETE FROM history WHERE project_id = ? AND seq < ?').run(projectId, cut.s).changes;
      })();
      total = this.bytes(projectId);
    }
    const gc = this.blobStore.collect(blobIds);
    return { droppedEntries, removedBlobs: gc.removed, freedBytes: before - total, isOverCap: total > maxBytes };
  }

  private cursor(projectId: string): number {
    const row = this.db.prepare('SELECT current_seq FROM projects WHERE id = ?').get(projectId) as { current_seq: number } | undefined;
    if (row === undefined) throw new Error(`no project ${projectId}`);
    return row.current_seq;
  }

  private blobIdsAfter(projectId: string, seq: number): string[] {
    return (
      this.db.prepare('SELECT blob_id FROM history_blobs WHERE project_id = ? AND seq > ?').all(projectId, seq) as { blob_id: string }[]
    ).map((r) => r.blob_id);
  }

  private query(where: string) {
    return this.db.prepare(
      `SELECT h.*, p.current_seq,
              (SELECT group_concat(blob_id) FROM history_blobs hb WHERE hb.project_id = h.project_id AND hb.seq = h.seq) AS blob_ids
         FROM history h JOIN projects p ON p.id = h.project_id ${where}`,
    );
  }
}

function toEntry(r: Row): HistoryEntry {
  return {
    projectId: r.project_id,
    seq: r.seq,
    kind: r.kind,
    label: r.label,
    payload: JSON.parse(r.payload) as unknown,
    blobs: r.blob_ids ? r.blob_ids.split(',').sort() : [],
    keyframe: r.keyframe === 1,
    bytes: r.bytes,
    createdAt: r.created_at,
    isCurrent: r.seq === r.current_seq,
  };
}
