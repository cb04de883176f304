import { describe, expect, it } from 'vitest';
import type { HistoryEntryView, SessionView } from '../../../../src-main/core/api/contract.js';
import { compareCaptions, currentVersion, versionsOf } from '../../../../src-renderer/state/versions.js';

function session(entries: Array<Partial<HistoryEntryView> & Pick<HistoryEntryView, 'kind'>>, cursor: number): SessionView {
  return {
    history: { entries: entries.map((e, index) => ({ index, label: e.kind, createdAt: index, ...e })), cursor, canUndo: cursor > 0, canRedo: cursor < entries.length - 1 },
  } as SessionView;
}

describe('versions', () => {
  const s = session(
    [{ kind: 'open' }, { kind: 'stroke' }, { kind: 'restore', resultBlobId: 'r1', modelId: 'classical' }, { kind: 'stroke' }, { kind: 'restore', resultBlobId: 'r2', modelId: 'gan' }],
    3,
  );

  it('lists every restore (also redo-able ones) and knows which the cursor shows', () => {
    const v = versionsOf(s);
    expect(v.map((x) => [x.number, x.index, x.resultBlobId, x.label])).toEqual([[1, 2, 'r1', 'classical'], [2, 4, 'r2', 'gan']]);
    expect(currentVersion(s, v)?.number).toBe(1);
    expect(currentVersion(session([{ kind: 'open' }], 0), [])).toBeNull();
  });

  it('captions the split with the versions compared, else Before / After', () => {
    expect(compareCaptions(s, 'r2')).toEqual(['Version 2', 'Version 1']);
    expect(compareCaptions(s, null)).toEqual(['Before', 'After']);
    expect(compareCaptions(s, 'gone')).toEqual(['Before', 'After']);
  });
});
