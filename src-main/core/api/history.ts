/**
 * The history model both sides share: which entries set the whole mask, and how the mask at a cursor is
 * rebuilt — from the last entry at or before it that sets the whole mask (the base), then the strokes
 * after it, in order. The service (node/app/session.ts) rebuilds from any keyframe, stroke keyframes
 * included, because it has every stored mask; the editor (src-renderer/lib/history.ts) replays through
 * stroke keyframes, whose masks it never fetched, unless one is the very first entry (the byte cap cut
 * what came before it). Pure.
 */
import type { HistoryKind } from './views.js';

/** Entries whose mask comes from pixels (a stored mask blob), not from point lists. */
export const MASK_KEYFRAME_KINDS: ReadonlySet<HistoryKind> = new Set<HistoryKind>(['detect', 'mask-import', 'snapshot', 'restore', 'tone']);
/** Entries after which the mask is empty. */
export const EMPTY_MASK_KINDS: ReadonlySet<HistoryKind> = new Set<HistoryKind>(['open', 'clear']);

/** What the rule reads of an entry (a history row of the store, or a row of the history panel). */
export interface ReplayEntry {
  kind: string;
  /** The entry also stores the whole mask it leaves (every non-stroke entry, and every Nth stroke). */
  keyframe?: boolean;
}

/** Where a rebuild starts (`base`: null when no entry at or before the cursor sets the mask) and the strokes to paint after it. */
export interface Replay<E> {
  base: E | null;
  strokes: E[];
}

/**
 * How to rebuild the mask at `cursor`: walks back to the last entry that sets the whole mask. Any entry
 * but a stroke does; a stroke keyframe does when the caller has stroke keyframes' masks
 * (`fromStrokeKeyframes`), and always when it is the first entry.
 */
export function replayFrom<E extends ReplayEntry>(entries: readonly E[], cursor: number, fromStrokeKeyframes: boolean): Replay<E> {
  const strokes: E[] = [];
  for (let i = Math.min(cursor, entries.length - 1); i >= 0; i--) {
    const e = entries[i]!;
    if (e.kind !== 'stroke' || (e.keyframe && (fromStrokeKeyframes || i === 0))) return { base: e, strokes: strokes.reverse() };
    strokes.push(e);
  }
  return { base: null, strokes: strokes.reverse() };
}
