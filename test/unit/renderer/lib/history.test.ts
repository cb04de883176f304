import { describe, expect, it } from 'vitest';
import type { HistoryEntryView } from '../../../../src-main/core/api/contract.js';
import { commandFromOp, keyframeKey, opFromCommand, replayPlan } from '../../../../src-renderer/lib/history.js';
import type { StrokeOp } from '../../../../src-renderer/lib/tools/mask-ops.js';

const stroke = (tool: 'brush' | 'line' | 'eraser', points: number[]): HistoryEntryView['stroke'] => ({
  kind: 'stroke', tool, points, size: 12, hardness: 0.5,
});
let t = 0;
const entry = (index: number, kind: HistoryEntryView['kind'], s?: HistoryEntryView['stroke']): HistoryEntryView => ({
  index, kind, label: kind, stroke: s, createdAt: ++t,
});

describe('history replay plan', () => {
  it('round-trips brush, line and eraser strokes through the contract form', () => {
    const ops: StrokeOp[] = [
      { kind: 'stroke', tool: 'brush', size: 10, hardness: 1, points: [1, 2, 3, 4, 5, 6] },
      { kind: 'line', tool: 'brush', size: 3, hardness: 0.2, points: [0, 0, 50, 60] },
      { kind: 'stroke', tool: 'eraser', size: 8, hardness: 0.9, points: [9, 9, 10, 12, 14, 15] },
    ];
    for (const op of ops) expect(opFromCommand(commandFromOp(op))).toEqual(op);
  });

  it('replays the strokes after the last open or clear, up to the cursor only', () => {
    const entries = [
      entry(0, 'open'),
      entry(1, 'stroke', stroke('brush', [1, 1, 2, 2, 3, 3])),
      entry(2, 'clear'),
      entry(3, 'stroke', stroke('line', [0, 0, 10, 10])),
      entry(4, 'stroke', stroke('eraser', [5, 5, 6, 6, 7, 7])),
    ];
    expect(replayPlan(entries, 4)!.ops.map((o) => o.tool)).toEqual(['brush', 'eraser']);
    expect(replayPlan(entries, 3)!.ops.map((o) => o.kind)).toEqual(['line']);
    expect(replayPlan(entries, 2)).toEqual({ base: null, ops: [] });
    expect(replayPlan(entries, 1)!.ops).toHaveLength(1);
    expect(replayPlan(entries, 4)!.base).toBeNull();
  });

  it('starts from the last keyframe (detection, restore, snapshot) whose mask the caller supplies', () => {
    const entries = [
      entry(0, 'open'),
      entry(1, 'detect'),
      entry(2, 'stroke', stroke('brush', [1, 1, 2, 2])),
      entry(3, 'restore'),
    ];
    expect(replayPlan(entries, 2)).toMatchObject({ base: { index: 1, kind: 'detect' } });
    expect(replayPlan(entries, 2)!.ops).toHaveLength(1);
    expect(replayPlan(entries, 3)).toMatchObject({ base: { index: 3 }, ops: [] });
    expect(replayPlan(entries, 0)).toEqual({ base: null, ops: [] });
    expect(replayPlan([entry(0, 'snapshot')], 0)!.base?.kind).toBe('snapshot');
    const noPoints = { ...entry(1, 'stroke'), stroke: undefined };
    expect(replayPlan([entry(0, 'open'), noPoints], 1)).toBeNull();
  });

  it('replays over stroke keyframes, but starts from one the byte cap left first', () => {
    const kf = (i: number) => ({ ...entry(i, 'stroke'), stroke: stroke('brush', [i, i, i + 9, i]), keyframe: true });
    const s = (i: number) => ({ ...entry(i, 'stroke'), stroke: stroke('eraser', [i, 0, i, 9]) });
    // Whole history: the snapshot stroke is replayed like any stroke (no mask fetch needed).
    expect(replayPlan([entry(0, 'open'), s(1), kf(2), s(3)], 3)).toMatchObject({ base: null });
    expect(replayPlan([entry(0, 'open'), s(1), kf(2), s(3)], 3)!.ops).toHaveLength(3);
    // Cut history: the first entry's mask (which includes its own stroke) is the base.
    const cut = [kf(0), s(1), s(2)];
    expect(replayPlan(cut, 2)).toMatchObject({ base: { index: 0, keyframe: true } });
    expect(replayPlan(cut, 2)!.ops.map((o) => o.tool)).toEqual(['eraser', 'eraser']);
    expect(replayPlan(cut, 0)).toMatchObject({ base: { index: 0 }, ops: [] });
  });

  it('keys keyframes by project, position, kind and time', () => {
    const a = entry(1, 'detect');
    expect(keyframeKey('p1', a)).not.toBe(keyframeKey('p2', a));
    expect(keyframeKey('p1', a)).not.toBe(keyframeKey('p1', { ...a, createdAt: a.createdAt + 1 }));
  });
});
