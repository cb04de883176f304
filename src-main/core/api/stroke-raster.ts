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
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < p.length; i += 2) {
    minX = Math.min(minX, p[i]!); maxX = Math.max(maxX, p[i]!);
    minY = Math.min(minY, p[i + 1]!); maxY = Math.max(maxY, p[i + 1]!);
  }
  const x0 = Math.max(0, Math.floor(minX - r)), y0 = Math.max(0, Math.floor(minY - r));
  const x1 = Math.min(mask.width - 1, Math.ceil(maxX + r)), y1 = Math.min(mask.height - 1, Math.ceil(maxY + r));
  if (x0 > x1 || y0 > y1) return null;
  const isEraser = stroke.tool === 'eraser';
  const segs = Math.max(1, p.length / 2 - 1);
  const single = p.length === 2;
  // Per segment, visit its own bounding box so long strokes cost O(length · size), not O(bbox area).
  const cov = new Float32Array((x1 - x0 + 1) * (y1 - y0 + 1));
  const bw = x1 - x0 + 1;
  for (let s = 0; s < segs; s++) {
    const ax = p[2 * s]!, ay = p[2 * s + 1]!;
    const bx = single ? ax : p[2 * s + 2]!, by = single ? ay : p[2 * s + 3]!;
    const sx0 = Math.max(x0, Math.floor(Math.min(ax, bx) - r)), sx1 = Math.min(x1, Math.ceil(Math.max(ax, bx) + r));
    const sy0 = Math.max(y0, Math.floor(Math.min(ay, by) - r)), sy1 = Math.min(y1, Math.ceil(Math.max(ay, by) + r));
    const dx = bx - ax, dy = by - ay;
    const len2 = dx * dx + dy * dy;
    for (let y = sy0; y <= sy1; y++) {
      const py = y + 0.5;
      for (let x = sx0; x <= sx1; x++) {
        const px = x + 0.5;
        let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        const ex = px - (ax + t * dx), ey = py - (ay + t * dy);
        const d = Math.sqrt(ex * ex + ey * ey);
        if (d >= r) continue;
        const c = d <= inner ? 1 : soft > 0 ? (r - d) / soft : 0;
        const k = (y - y0) * bw + (x - x0);
        if (c > cov[k]!) cov[k] = c;
      }
    }
  }
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const c = cov[(y - y0) * bw + (x - x0)]!;
      if (c <= 0) continue;
      const i = y * mask.width + x;
      const old = mask.data[i]!;
      mask.data[i] = isEraser ? Math.round(old * (1 - c)) : Math.max(old, Math.round(c * 255));
    }
  }
  return { x0, y0, x1, y1 };
}

/** Number of pixels that count as hole (coverage > 127). */
export function countHoles(mask: CoverageMask): number {
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
