/**
 * Mask edits as data. The history stores these (point lists, not pixels) and the mask canvas is
 * rebuilt by replaying them in order, so undo, redo and reopening a project give the same mask.
 */
export type PaintTool = 'brush' | 'eraser';

/** A freehand stroke or a straight line: the same brush dabs along a polyline. */
export interface StrokeOp {
  kind: 'stroke' | 'line';
  tool: PaintTool;
  /** Brush diameter in image pixels. */
  size: number;
  /** 1 = hard edge, 0 = fully soft falloff from the centre. */
  hardness: number;
  /** Image-pixel coordinates, flattened [x0, y0, x1, y1, …], rounded to 0.1 px. */
  points: number[];
}

/** Replaces the whole mask with a detector proposal (a white-on-black image). */
export interface FillOp {
  kind: 'detect';
  mask: CanvasImageSource;
}

/** Empties the mask (the Clear button, and the state right after opening or restoring). */
export interface ClearOp {
  kind: 'clear';
}

export type MaskOp = StrokeOp | FillOp | ClearOp;

/** Overlay colour of the hole; its alpha channel is the coverage exported as the hole mask. */
export const MASK_RGB = '255, 48, 64';

/** Draws one dab of a brush with the given hardness at (x, y). */
function dab(ctx: CanvasRenderingContext2D, x: number, y: number, r: number, hardness: number): void {
  if (hardness >= 0.99) {
    ctx.fillStyle = `rgb(${MASK_RGB})`;
  } else {
    const g = ctx.createRadialGradient(x, y, r * hardness, x, y, r);
    g.addColorStop(0, `rgba(${MASK_RGB}, 1)`);
    g.addColorStop(1, `rgba(${MASK_RGB}, 0)`);
    ctx.fillStyle = g;
  }
  ctx.beginPath();
  ctx.arc(x, y, r, 0, Math.PI * 2);
  ctx.fill();
}

/**
 * Paints a stroke live while the pointer drags (committed strokes are repainted exactly by
 * ../canvas/exact-strokes.ts). Hard brushes are one round-capped path (fast and seamless); soft brushes lay
 * dabs every ~¼ radius so the falloff builds up the same way on every replay.
 */
export function paintStroke(ctx: CanvasRenderingContext2D, op: StrokeOp): void {
  const pts = op.points;
  if (pts.length < 2) return;
  const r = Math.max(0.5, op.size / 2);
  ctx.save();
  ctx.globalCompositeOperation = op.tool === 'eraser' ? 'destination-out' : 'source-over';
  if (op.hardness >= 0.99) {
    ctx.strokeStyle = `rgb(${MASK_RGB})`;
    ctx.lineWidth = r * 2;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(pts[0]!, pts[1]!);
    if (pts.length === 2) ctx.lineTo(pts[0]! + 0.01, pts[1]!);
    for (let i = 2; i < pts.length; i += 2) ctx.lineTo(pts[i]!, pts[i + 1]!);
    ctx.stroke();
  } else {
    const step = Math.max(1, r / 4);
    let px = pts[0]!;
    let py = pts[1]!;
    dab(ctx, px, py, r, op.hardness);
    let carry = 0;
    for (let i = 2; i < pts.length; i += 2) {
      const nx = pts[i]!;
      const ny = pts[i + 1]!;
      const len = Math.hypot(nx - px, ny - py);
      let t = step - carry;
      while (t <= len) {
        dab(ctx, px + ((nx - px) * t) / len, py + ((ny - py) * t) / len, r, op.hardness);
        t += step;
      }
      carry = len - (t - step);
      px = nx;
      py = ny;
    }
  }
  ctx.restore();
}

/** Rounds a point to 0.1 px so stored strokes stay small and replay identically. */
export function roundPoint(x: number, y: number): [number, number] {
  return [Math.round(x * 10) / 10, Math.round(y * 10) / 10];
}
