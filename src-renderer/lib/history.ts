/**
 * Rebuilding the mask from the history. Strokes carry their point lists, so the renderer replays
 * them locally (instant, deterministic) on top of the last entry that set the whole mask: nothing
 * after an open or clear, or a keyframe's mask blob (detector proposal, imported mask, restore, tone,
 * cap snapshot) that it has seen once. The rule itself is shared with the service (@core/api/history.ts).
 */
import type { HistoryEntryView, StrokeCommand } from '@core/api/contract.js';
import { EMPTY_MASK_KINDS, MASK_KEYFRAME_KINDS, replayFrom } from '@core/api/history.js';
import type { StrokeOp } from './tools/mask-ops.js';

/** Contract stroke → the op the canvas paints. */
export function opFromCommand(c: StrokeCommand): StrokeOp {
  const isLine = c.tool === 'line' || c.points.length === 4;
  return {
    kind: isLine ? 'line' : 'stroke',
    tool: c.tool === 'eraser' ? 'eraser' : 'brush',
    size: c.size,
    hardness: c.hardness,
    points: c.points,
  };
}

/** Painted op → the command appended to the history. */
export function commandFromOp(op: StrokeOp): StrokeCommand {
  return {
    kind: 'stroke',
    tool: op.tool === 'eraser' ? 'eraser' : op.kind === 'line' ? 'line' : 'brush',
    points: op.points,
    size: op.size,
    hardness: op.hardness,
  };
}

/** Entries whose mask comes from pixels (a blob), not from point lists (the shared history model's). */
export const KEYFRAME_KINDS = MASK_KEYFRAME_KINDS;

/** How to rebuild the mask at a cursor: from `base` (a keyframe entry, or null = empty), then `ops`. */
export interface ReplayPlan {
  base: HistoryEntryView | null;
  ops: StrokeOp[];
}

/**
 * The shared replay rule (@core/api/history.ts) as the editor uses it: replays through stroke keyframes
 * (their masks were never fetched) unless one is first; an open or clear base is an empty mask, any other
 * base a keyframe whose mask pixels the caller must supply. Null when a stroke lacks its points.
 */
export function replayPlan(entries: readonly HistoryEntryView[], cursor: number): ReplayPlan | null {
  const { base, strokes } = replayFrom(entries, cursor, false);
  const ops: StrokeOp[] = [];
  for (const e of strokes) {
    if (!e.stroke) return null;
    ops.push(opFromCommand(e.stroke));
  }
  return { base: base && !EMPTY_MASK_KINDS.has(base.kind) ? base : null, ops };
}

/** Cache key of a keyframe's mask: stable across sessions, changes if the cap rewrites history. */
export function keyframeKey(projectId: string, e: HistoryEntryView): string {
  return `${projectId}:${e.index}:${e.kind}:${e.createdAt}`;
}
