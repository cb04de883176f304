/**
 * Rebuilding the mask from the history. Strokes carry their point lists, so from the last entry that
 * emptied the mask the renderer replays them locally (instant, deterministic). When a detector
 * proposal, an imported mask or a cap snapshot lies in between, the mask at the cursor comes from
 * the service as a blob instead.
 */
import type { HistoryEntryView, StrokeCommand } from '../../src-main/core/api/contract.js';
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

/**
 * The strokes to replay on an empty mask to reach `cursor`, or null when the mask there depends on
 * pixels only the service has (a detection, an imported mask, a snapshot, or a restore that kept
 * its mask) — then the caller loads the mask blob at the cursor.
 */
export function replayPlan(entries: readonly HistoryEntryView[], cursor: number): StrokeOp[] | null {
  const ops: StrokeOp[] = [];
  for (let i = Math.min(cursor, entries.length - 1); i >= 0; i--) {
    const e = entries[i]!;
    if (e.kind === 'stroke') {
      if (!e.stroke) return null;
      ops.push(opFromCommand(e.stroke));
    } else if (e.kind === 'open' || e.kind === 'clear') {
      return ops.reverse();
    } else {
      return null;
    }
  }
  return ops.reverse();
}
