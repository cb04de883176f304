/**
 * Paints committed strokes with the service's own rasteriser (@core/api/stroke-raster.ts) so
 * the overlay's coverage is exactly the mask the service restores with. Live drags use fast canvas
 * dabs; this runs once per committed stroke (over its bounding box) and once per replay.
 */
import { paintStroke as rasterStroke } from '@core/api/stroke-raster.js';
import { commandFromOp } from '../history.js';
import { MASK_RGB, type StrokeOp } from '../tools/mask-ops.js';

const [R, G, B] = MASK_RGB.split(',').map((s) => Number(s.trim())) as [number, number, number];

/** Pixel rectangle covering every op's brush footprint, clamped to the canvas. */
function bounds(ops: readonly StrokeOp[], width: number, height: number): { x: number; y: number; w: number; h: number } | null {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const op of ops) {
    const r = Math.max(0.5, op.size / 2) + 1;
    for (let i = 0; i < op.points.length; i += 2) {
      x0 = Math.min(x0, op.points[i]! - r);
      x1 = Math.max(x1, op.points[i]! + r);
      y0 = Math.min(y0, op.points[i + 1]! - r);
      y1 = Math.max(y1, op.points[i + 1]! + r);
    }
  }
  const x = Math.max(0, Math.floor(x0));
  const y = Math.max(0, Math.floor(y0));
  const xe = Math.min(width, Math.ceil(x1) + 1);
  const ye = Math.min(height, Math.ceil(y1) + 1);
  return xe > x && ye > y ? { x, y, w: xe - x, h: ye - y } : null;
}

/**
 * Applies strokes to the overlay: coverage is read from the canvas alpha, painted by the shared
 * rasteriser (brush = max coverage, eraser = multiply by 1 − coverage) and written back.
 */
export function paintExact(ctx: CanvasRenderingContext2D, ops: readonly StrokeOp[]): void {
  const box = bounds(ops, ctx.canvas.width, ctx.canvas.height);
  if (!box) return;
  const img = ctx.getImageData(box.x, box.y, box.w, box.h);
  const d = img.data;
  const cov = { width: box.w, height: box.h, data: new Uint8Array(box.w * box.h) };
  for (let i = 0; i < cov.data.length; i++) cov.data[i] = d[i * 4 + 3]!;
  for (const op of ops) {
    const cmd = commandFromOp(op);
    const points = cmd.points.map((v, i) => v - (i % 2 === 0 ? box.x : box.y));
    rasterStroke(cov, { ...cmd, points });
  }
  for (let i = 0; i < cov.data.length; i++) {
    const j = i * 4;
    d[j] = R;
    d[j + 1] = G;
    d[j + 2] = B;
    d[j + 3] = cov.data[i]!;
  }
  ctx.putImageData(img, box.x, box.y);
}
