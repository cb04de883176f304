/**
 * The shared history model's replay rule, as the service (from any stored keyframe) and the editor
 * (through stroke keyframes unless the first) apply it to the same entries.
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_MASK_KINDS, MASK_KEYFRAME_KINDS, replayFrom } from '../../../../src-main/core/api/history.js';

const e = (id: number, kind: string, keyframe = kind !== 'stroke') => ({ id, kind, keyframe });

describe('replayFrom', () => {
  const entries = [e(0, 'open'), e(1, 'stroke'), e(2, 'detect'), e(3, 'stroke'), e(4, 'stroke', true), e(5, 'stroke'), e(6, 'clear'), e(7, 'stroke')];
  const ids = (r: { base: { id: number } | null; strokes: Array<{ id: number }> }) => ({ base: r.base?.id ?? null, strokes: r.strokes.map((s) => s.id) });

  it('the service starts from the last keyframe, stroke keyframes included', () => {
    expect(ids(replayFrom(entries, 5, true))).toEqual({ base: 4, strokes: [5] });
    expect(ids(replayFrom(entries, 3, true))).toEqual({ base: 2, strokes: [3] });
    expect(ids(replayFrom(entries, 7, true))).toEqual({ base: 6, strokes: [7] });
    expect(ids(replayFrom(entries, 0, true))).toEqual({ base: 0, strokes: [] });
  });

  it('the editor replays through stroke keyframes, from the last entry that is not a stroke', () => {
    expect(ids(replayFrom(entries, 5, false))).toEqual({ base: 2, strokes: [3, 4, 5] });
    expect(ids(replayFrom(entries, 1, false))).toEqual({ base: 0, strokes: [1] });
  });

  it('a stroke keyframe left first by the byte cap is a base for both; a cursor past the end means the last entry', () => {
    const cut = [e(10, 'stroke', true), e(11, 'stroke'), e(12, 'stroke')];
    expect(ids(replayFrom(cut, 2, false))).toEqual({ base: 10, strokes: [11, 12] });
    expect(ids(replayFrom(cut, 99, true))).toEqual({ base: 10, strokes: [11, 12] });
    expect(ids(replayFrom([e(20, 'stroke'), e(21, 'stroke')], 1, true))).toEqual({ base: null, strokes: [20, 21] });
  });

  it('names which kinds set the mask from pixels and which empty it', () => {
    expect([...MASK_KEYFRAME_KINDS].sort()).toEqual(['detect', 'mask-import', 'restore', 'snapshot', 'tone']);
    expect([...EMPTY_MASK_KINDS].sort()).toEqual(['clear', 'open']);
  });
});
