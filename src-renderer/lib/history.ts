/**
 * Rebuilding the mask from the history. Strokes carry their point lists, so the renderer replays
 * them locally (instant, deterministic) on top of the last entry that set the whole mask: nothing
 * after an open or clear, or a keyframe's mask blob (detector proposal, imported mask, restore, cap
 * snapshot) that it has seen once.
 */
import type { HistoryEntryView, StrokeCommand } from '@core/api/contract.js';
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

/** Entries whose mask comes from pixels (a blob), not from point lists. */
export const KEYFRAME_KINDS: ReadonlySet<HistoryEntryView['kind']> = new Set(['detect', 'mask-import', 'snapshot', 'restore', 'tone']);

/** How to rebuild the mask at a cursor: from `base` (a keyframe entry, or null = empty), then `ops`. */
export interface ReplayPlan {
  base: HistoryEntryView | null;
  ops: StrokeOp[];
}

/**
 * Walks back from `cursor` to the last entry that set the whole mask: an open or clear (empty), or a
 * keyframe whose mask pixels the caller must supply. Returns null when a stroke lacks its points.
 */
export function replayPlan(entries: readonly HistoryEntryView[], cursor: number): ReplayPlan | null {
  const ops: StrokeOp[] = [];
  for (let i = Math.min(cursor, entries.length - 1); i >= 0; i--) {
    const e = entries[i]!;
    if (e.kind === 'stroke') {
      if (!e.stroke) return null;
      // A stroke keyframe at the start means the byte cap cut what came before: its mask is the base.
      if (i === 0 && e.keyframe) return { base: e, ops: ops.reverse() };
      ops.push(opFromCommand(e.stroke));
    } else if (e.kind === 'open' || e.kind === 'clear') {
      return { base: null, ops: ops.reverse() };
    } else {
      return { base: e, ops: ops.reverse() };
    }
  }
  return { base: null, ops: ops.reverse() };
}

/** Cache key of a keyframe's mask: stable across sessions, changes if the cap rewrites history. */
export function keyframeKey(projectId: string, e: HistoryEntryView): string {
  return `${projectId}:${e.index}:${e.kind}:${e.createdAt}`;
}
