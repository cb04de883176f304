import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLibrary, type Library } from '../../../src-main/node/store/library.js';
import { tempDir } from '../../support/temp-dir.js';

let dir: string;
let lib: Library;
beforeEach(() => {
  dir = tempDir('kintsugi-lib-');
  lib = openLibrary({ dataDir: dir });
});
afterEach(() => {
  lib.close();
  rmSync(dir, { recursive: true, force: true });
});

const newProject = (l: Library) => l.projects.create({ name: 'Grandma', sourcePath: '/photos/g.jpg', sourceSha256: 'e'.repeat(64) });
const pixels = (seed: number, size = 1000) => Uint8Array.from({ length: size }, (_, i) => (i * 31 + seed) & 255);

describe('projects', () => {
  it('creates, lists recent first, renames and touches', () => {
    const a = newProject(lib);
    const b = lib.projects.create({ name: 'Wedding', sourcePath: '/w.tif', sourceSha256: 'd'.repeat(64) });
    expect(lib.projects.recent(1).map((p) => p.id)).toEqual([b.id]);
    lib.projects.touch(a.id, '/moved/g.jpg');
    expect(lib.projects.list().map((p) => p.id)).toEqual([a.id, b.id]);
    expect(lib.projects.get(a.id)?.sourcePath).toBe('/moved/g.jpg');
    lib.projects.rename(b.id, 'Wedding 1962');
    expect(lib.projects.get(b.id)?.name).toBe('Wedding 1962');
    expect(lib.projects.findBySource('e'.repeat(64)).map((p) => p.id)).toEqual([a.id]);
    expect(() => lib.projects.rename('nope', 'x')).toThrow(/no project/);
  });
});

describe('blobs', () => {
  it('are content-addressed files under blobs/ab/cdef…, stored once', () => {
    const id = lib.blobs.put(pixels(1));
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(lib.blobs.path(id)).toBe(join(dir, 'blobs', id.slice(0, 2), id.slice(2)));
    expect(lib.blobs.put(pixels(1))).toBe(id);
    expect(Buffer.compare(lib.blobs.get(id), Buffer.from(pixels(1)))).toBe(0);
    expect(lib.blobs.has('0'.repeat(64))).toBe(false);
  });
});

describe('history', () => {
  it('appends, undoes, and drops the redo branch (and its blobs) on a new step', () => {
    const p = newProject(lib);
    lib.history.append(p.id, { kind: 'open', label: 'Open g.jpg', keyframe: true });
    lib.history.append(p.id, { kind: 'stroke', label: 'Brush', payload: { points: [1, 2, 3, 4], size: 12 } });
    const result = lib.blobs.put(pixels(2));
    lib.history.append(p.id, { kind: 'restore', label: 'Restore', blobs: [result], keyframe: true });
    expect(lib.history.undo(p.id)).toBe(2);
    expect(lib.history.list(p.id).map((e) => [e.seq, e.isCurrent])).toEqual([[1, false], [2, true], [3, false]]);
    expect(lib.history.redo(p.id)).toBe(3);
    expect(lib.history.redo(p.id)).toBeUndefined();
    lib.history.setCurrent(p.id, 1);
    expect(lib.history.undo(p.id)).toBeUndefined();

    // New branch from entry 1: entries 2 and 3 go, and the restore's blob with them.
    const line = lib.history.append(p.id, { kind: 'line', label: 'Line', payload: { from: [0, 0], to: [9, 9] } });
    expect(line.seq).toBe(2);
    expect(lib.history.list(p.id).map((e) => e.kind)).toEqual(['open', 'line']);
    expect(lib.blobs.has(result)).toBe(false);
    expect(existsSync(lib.blobs.path(result))).toBe(false);
    expect(() => lib.history.setCurrent(p.id, 3)).toThrow(/no history entry 3/);
    expect(() => lib.history.append(p.id, { kind: 'restore', label: 'R', blobs: ['1'.repeat(64)] })).toThrow(/missing blob/);
  });

  it('keeps a blob shared by two projects until both let go', () => {
    const a = newProject(lib);
    const b = newProject(lib);
    const shared = lib.blobs.put(pixels(3));
    lib.history.append(a.id, { kind: 'open', label: 'Open', keyframe: true });
    lib.history.append(a.id, { kind: 'detect', label: 'Detect', blobs: [shared], keyframe: true });
    lib.history.append(b.id, { kind: 'detect', label: 'Detect', blobs: [shared], keyframe: true });
    lib.projects.delete(b.id);
    expect(lib.blobs.gc({ graceMs: 0 }).removed).toBe(0);
    lib.projects.delete(a.id);
    expect(lib.blobs.gc({ graceMs: 0 })).toEqual({ removed: 1, freedBytes: 1000 });
    expect(lib.blobs.has(shared)).toBe(false);
  });

  it('gc spares young unreferenced blobs (a put whose entry is not written yet) until the grace period passes', () => {
    const young = lib.blobs.put(pixels(4));
    expect(lib.blobs.gc().removed).toBe(0);
    expect(lib.blobs.has(young)).toBe(true);
    expect(lib.blobs.gc({ graceMs: 0 }).removed).toBe(1);
  });

  it('caps bytes by dropping the oldest entries up to a keyframe, collecting their blobs, and stays reopenable', () => {
    lib.close();
    lib = openLibrary({ dataDir: dir, historyCapBytes: 3500 });
    const p = newProject(lib);
    lib.history.append(p.id, { kind: 'open', label: 'Open', keyframe: true });
    const r1 = lib.blobs.put(pixels(10));
    lib.history.append(p.id, { kind: 'restore', label: 'Restore 1', blobs: [r1], keyframe: true });
    lib.history.append(p.id, { kind: 'stroke', label: 'Brush', payload: { points: [5, 5, 6, 6] } });
    const r2 = lib.blobs.put(pixels(11));
    lib.history.append(p.id, { kind: 'restore', label: 'Restore 2', blobs: [r2], keyframe: true });
    const r3 = lib.blobs.put(pixels(12));
    lib.history.append(p.id, { kind: 'restore', label: 'Restore 3', blobs: [r3], keyframe: true });
    // 3 × 1000 blob bytes + payloads fit; the fourth restore pushes it over and the oldest go.
    expect(lib.history.bytes(p.id)).toBeLessThanOrEqual(3500);
    const r4 = lib.blobs.put(pixels(13));
    lib.history.append(p.id, { kind: 'restore', label: 'Restore 4', blobs: [r4], keyframe: true });
    const kept = lib.history.list(p.id);
    expect(kept[0]!.keyframe).toBe(true);
    expect(kept.map((e) => e.label)).toEqual(['Restore 2', 'Restore 3', 'Restore 4']);
    expect(lib.blobs.has(r1)).toBe(false);
    expect([r2, r3, r4].every((b) => lib.blobs.has(b))).toBe(true);
    expect(lib.history.bytes(p.id)).toBeLessThanOrEqual(3500);
  });

  it('never cuts without a keyframe: a long run of strokes stays until the app snapshots one', () => {
    const p = newProject(lib);
    lib.history.append(p.id, { kind: 'open', label: 'Open', keyframe: true });
    for (let i = 0; i < 20; i++) lib.history.append(p.id, { kind: 'stroke', label: `Brush ${i}`, payload: { points: Array(50).fill(i) } });
    expect(lib.history.cap(p.id, 500)).toMatchObject({ droppedEntries: 0, isOverCap: true });
    const mask = lib.blobs.put(pixels(20, 100));
    lib.history.makeKeyframe(p.id, 18, { payload: { maskBlob: mask }, blobs: [mask] });
    const res = lib.history.cap(p.id, 1000);
    expect(res).toMatchObject({ droppedEntries: 17, isOverCap: false });
    expect(lib.history.keyframeAtOrBefore(p.id, 21)?.seq).toBe(18);
    expect(lib.history.list(p.id)[0]).toMatchObject({ seq: 18, blobs: [mask], keyframe: true });
  });

  it('reopening the library gives the same project and history', () => {
    const p = newProject(lib);
    const mask = lib.blobs.put(pixels(5));
    lib.history.append(p.id, { kind: 'open', label: 'Open', keyframe: true });
    lib.history.append(p.id, { kind: 'detect', label: 'Detect damage', blobs: [mask], keyframe: true, payload: { threshold: 0.5 } });
    lib.history.append(p.id, { kind: 'stroke', label: 'Brush', payload: { points: [1, 1, 2, 2], size: 8 } });
    lib.history.undo(p.id);
    const before = lib.history.list(p.id);
    lib.close();
    lib = openLibrary({ dataDir: dir });
    expect(lib.projects.get(p.id)).toMatchObject({ name: 'Grandma', currentSeq: 2 });
    expect(lib.history.list(p.id)).toEqual(before);
    expect(Buffer.compare(lib.blobs.get(mask), Buffer.from(pixels(5)))).toBe(0);
  });
});
