/**
 * Paints a history stroke into a coverage mask (1 byte per pixel, 0..255) the way the renderer's canvas
 * does, so the service can rebuild the mask at any history entry from point lists alone. Coverage > 127
 * is a hole when the mask goes to the engine. Pure TS: shared by the service and anything else replaying
 * history.
 */
import type { StrokeCommand } from './contract.js';

/** A coverage mask being edited; same layout as core/image.ts `Mask`. */
export interface CoverageMask {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Applies one stroke. The brush is a disc of diameter `size` swept along the polyline: full coverage
 * within `hardness · r` of the path, falling linearly to 0 at `r`. Brush and line take the maximum of old
 * and new coverage (repainting never weakens), the eraser multiplies coverage by (1 − its coverage).
 * Returns the touched rectangle, or null when the stroke lies outside the image.
 */
export function paintStroke(mask: CoverageMask, stroke: StrokeCommand): { x0: number; y0: number; x1: number; y1: number } | null {
  const p = stroke.points;
  const r = Math.max(0.5, stroke.size / 2);
  const inner = Math.min(r, r * stroke.hardness);
  const soft = r - inner;
  const box = strokeBox(mask, stroke);
  if (!box) return null;
  const { x0, y0, x1, y1 } = box;
  const isEraser = stroke.tool === 'eraser';
  const segs = Math.max(1, p.length / 2 - 1);
  const single = p.length === 2;
  // Painting takes the max, which is order-independent, so each segment writes straight into the mask.
  // The eraser multiplies, so it first collects the stroke's own coverage (max over segments) in a buffer
  // the size of the stroke's box, then applies it once.
  const bw = x1 - x0 + 1;
  const cov = isEraser ? new Float32Array(bw * (y1 - y0 + 1)) : null;
  for (let s = 0; s < segs; s++) {
    const ax = p[2 * s]!, ay = p[2 * s + 1]!;
    const bx = single ? ax : p[2 * s + 2]!, by = single ? ay : p[2 * s + 3]!;
    const dx = bx - ax, dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const sy0 = Math.max(y0, Math.floor(Math.min(ay, by) - r)), sy1 = Math.min(y1, Math.ceil(Math.max(ay, by) + r));
    for (let y = sy0; y <= sy1; y++) {
      const py = y + 0.5;
      // Columns where this row can be within r of the segment: visit only those (thin diagonal lines stay cheap).
      let cx0: number, cx1: number;
      if (Math.abs(dy) < 1e-9) {
        cx0 = Math.min(ax, bx) - r;
        cx1 = Math.max(ax, bx) + r;
      } else {
        const tA = Math.min(1, Math.max(0, (py - r - ay) / dy)), tB = Math.min(1, Math.max(0, (py + r - ay) / dy));
        const xa = ax + dx * tA, xb = ax + dx * tB;
        const slack = r * Math.sqrt(1 + (dx * dx) / (dy * dy));
        cx0 = Math.min(xa, xb) - slack;
        cx1 = Math.max(xa, xb) + slack;
      }
      const sx0 = Math.max(x0, Math.floor(cx0)), sx1 = Math.min(x1, Math.ceil(cx1));
      for (let x = sx0; x <= sx1; x++) {
        const px = x + 0.5;
        let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        const ex = px - (ax + t * dx), ey = py - (ay + t * dy);
        const d2 = ex * ex + ey * ey;
        if (d2 >= r * r) continue;
        const d = Math.sqrt(d2);
        const c = d <= inner ? 1 : soft > 0 ? (r - d) / soft : 0;
        if (c <= 0) continue;
        if (cov) {
          const k = (y - y0) * bw + (x - x0);
          if (c > cov[k]!) cov[k] = c;
        } else {
          const i = y * mask.width + x;
          const v = Math.round(c * 255);
          if (v > mask.data[i]!) mask.data[i] = v;
        }
      }
    }
  }
  if (cov) {
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const c = cov[(y - y0) * bw + (x - x0)]!;
        if (c <= 0) continue;
        const i = y * mask.width + x;
        mask.data[i] = Math.round(mask.data[i]! * (1 - c));
      }
    }
  }
  return { x0, y0, x1, y1 };
}

/** The rectangle a stroke can touch (clipped to the mask), or null when it misses the image. */
export function strokeBox(mask: CoverageMask, stroke: StrokeCommand): { x0: number; y0: number; x1: number; y1: number } | null {
  const p = stroke.points;
  const r = Math.max(0.5, stroke.size / 2);
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < p.length; i += 2) {
    minX = Math.min(minX, p[i]!); maxX = Math.max(maxX, p[i]!);
    minY = Math.min(minY, p[i + 1]!); maxY = Math.max(maxY, p[i + 1]!);
  }
  const x0 = Math.max(0, Math.floor(minX - r)), y0 = Math.max(0, Math.floor(minY - r));
  const x1 = Math.min(mask.width - 1, Math.ceil(maxX + r)), y1 = Math.min(mask.height - 1, Math.ceil(maxY + r));
  return x0 > x1 || y0 > y1 ? null : { x0, y0, x1, y1 };
}

/** Hole pixels inside a rectangle (to update a running count after a stroke without a full scan). */
export function countCoverageHolesIn(mask: CoverageMask, box: { x0: number; y0: number; x1: number; y1: number }): number {
  let n = 0;
  for (let y = box.y0; y <= box.y1; y++) {
    const row = y * mask.width;
    for (let x = box.x0; x <= box.x1; x++) if (mask.data[row + x]! > 127) n++;
  }
  return n;
}

/** Number of pixels that count as hole (coverage > 127); core/mask.ts countHoles counts a binary mask's. */
export function countCoverageHoles(mask: CoverageMask): number {
  let n = 0;
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i]! > 127) n++;
  return n;
}

/** The binary engine mask (0 / 255) from coverage: > 127 is a hole, as for uploaded gray masks. */
export function toBinaryMask(mask: CoverageMask): CoverageMask {
  const out = new Uint8Array(mask.data.length);
  for (let i = 0; i < out.length; i++) out[i] = mask.data[i]! > 127 ? 255 : 0;
  return { width: mask.width, height: mask.height, data: out };
}
