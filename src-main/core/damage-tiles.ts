/**
 * Tiles shaped to the damage: the image is cut into small square cells, each cell with holes gets a window
 * around its own holes with just the context those holes need (thin scratches little, wide holes up to the
 * full margin), and neighbouring windows are merged only when one model call over their union costs less
 * than two. A scan with a dozen long thin scratches then feeds the model a few percent of the photo instead
 * of the bounding box of everything (which, once margins merge, is the whole photo).
 *
 * Every hole pixel belongs to exactly one cell and each cell to exactly one tile, so each hole pixel takes
 * one tile's prediction as it is (no blending), and that tile saw at least the context its cell asked for.
 */
import type { Mask } from './image.js';
import type { Rect } from './mask.js';
import { roundUp } from './regions.js';

/** How to shape tiles for one model. */
export interface ShapedPlanOptions {
  /** Side of the ownership cells (pixels). */
  cell: number;
  /** Context every hole gets whatever its size (the model's own reach for thin damage). */
  minContext: number;
  /** Most context any hole gets (the margin the region plan would use). */
  maxContext: number;
  /** Model input sides must be multiples of this. */
  padMultiple: number;
  /** Largest window side fed to the model at once. */
  maxSide: number;
  /**
   * Window origins are multiples of this, so the model's stride-2 stages sample the photo on the same grid
   * in every window (and as the region plan's tiles do). Unaligned windows moved the fill of the 12 MP
   * mosaic by 1.3 grey levels on average and cost 0.06 dB; aligned to 8, 0.08 levels and 0.002 dB.
   */
  align: number;
  /** What one model call costs beyond its pixels, in pixels (so that many tiny calls do not win on paper). */
  callCost: number;
}

/** One model call: the window read from the image, and the cells whose hole pixels take its prediction. */
export interface ShapedTile {
  x: number;
  y: number;
  padWidth: number;
  padHeight: number;
  /** Cells owned by this tile (clipped to the image); only their hole pixels are pasted. */
  cells: Rect[];
}

/** Defaults: cells of 64 px, 24 px of context for thin damage, 64 at most, windows on the 8 px stride grid. */
export const SHAPED_DEFAULTS: Omit<ShapedPlanOptions, 'padMultiple'> = {
  cell: 64, minContext: 24, maxContext: 64, maxSide: 512, callCost: 2048, align: 8,
};

interface Group {
  x0: number;
  y0: number;
  x1: number; // exclusive
  y1: number;
  cells: Rect[];
}

/**
 * How thick the damage at (x, y) is: the shorter of the horizontal and vertical runs of hole pixels through
 * it (each capped at `cap`). A thin scratch at any angle scores its width (×√2 at 45°), a blob its diameter.
 */
function runThickness(hole: Mask, x: number, y: number, hrun: number, cap: number): number {
  const { width: w, height: h, data } = hole;
  let up = 0;
  while (up < cap && y - up - 1 >= 0 && data[(y - up - 1) * w + x]) up++;
  let down = 0;
  while (up + down < cap && y + down + 1 < h && data[(y + down + 1) * w + x]) down++;
  return Math.min(hrun, up + down + 1);
}

/** One window per cell with holes: the cell's hole bounding box grown by the context its thickest hole needs. */
function cellWindows(hole: Mask, o: ShapedPlanOptions): Group[] {
  const { width: w, height: h, data } = hole;
  const K = Math.max(1, Math.floor(o.cell));
  const cap = 2 * o.maxContext;
  const groups: Group[] = [];
  for (let cy = 0; cy < h; cy += K) {
    const yEnd = Math.min(h, cy + K);
    for (let cx = 0; cx < w; cx += K) {
      const xEnd = Math.min(w, cx + K);
      let bx0 = xEnd, by0 = yEnd, bx1 = -1, by1 = -1, thick = 0;
      for (let y = cy; y < yEnd; y++) {
        const row = y * w;
        let x = cx;
        while (x < xEnd) {
          if (!data[row + x]) { x++; continue; }
          // The whole horizontal run through this part of the row (it may start or end outside the cell).
          let r0 = x;
          while (r0 > 0 && r0 > x - cap && data[row + r0 - 1]) r0--;
          let r1 = x;
          while (r1 + 1 < w && r1 - r0 + 1 < cap && data[row + r1 + 1]) r1++;
          const hrun = r1 - r0 + 1;
          const stop = Math.min(xEnd, r1 + 1);
          for (let xx = x; xx < stop; xx++) {
            if (hrun > thick) thick = Math.max(thick, runThickness(hole, xx, y, hrun, cap));
          }
          bx0 = Math.min(bx0, x); bx1 = Math.max(bx1, stop - 1);
          by0 = Math.min(by0, y); by1 = y;
          // A run longer than the cap is only followed to the cap: scan on from there.
          x = stop > x ? stop : x + 1;
          while (x < xEnd && data[row + x]) { bx1 = Math.max(bx1, x); x++; }
        }
      }
      if (bx1 < 0) continue;
      const c = Math.min(o.maxContext, Math.max(o.minContext, thick));
      groups.push({
        x0: Math.max(0, bx0 - c), y0: Math.max(0, by0 - c), x1: Math.min(w, bx1 + 1 + c), y1: Math.min(h, by1 + 1 + c),
        cells: [{ x: cx, y: cy, width: xEnd - cx, height: yEnd - cy }],
      });
    }
  }
  return groups;
}

/** Model pixels of a window once padded to the model's multiple, plus the per-call cost. */
function cost(g: Pick<Group, 'x0' | 'y0' | 'x1' | 'y1'>, o: ShapedPlanOptions): number {
  return roundUp(g.x1 - g.x0, o.padMultiple) * roundUp(g.y1 - g.y0, o.padMultiple) + o.callCost;
}

/** Merges windows that overlap whenever one call over their union costs no more than the two calls. */
function mergeGroups(groups: Group[], o: ShapedPlanOptions): Group[] {
  let list = groups;
  let changed = true;
  while (changed) {
    changed = false;
    list.sort((a, b) => a.x0 - b.x0 || a.y0 - b.y0);
    const out: Group[] = [];
    for (const g of list) {
      let cur = g;
      for (let i = out.length - 1; i >= 0; i--) {
        const p = out[i]!;
        if (p.x1 <= cur.x0 || cur.x1 <= p.x0 || p.y1 <= cur.y0 || cur.y1 <= p.y0) continue;
        const u = { x0: Math.min(p.x0, cur.x0), y0: Math.min(p.y0, cur.y0), x1: Math.max(p.x1, cur.x1), y1: Math.max(p.y1, cur.y1) };
        if (u.x1 - u.x0 > o.maxSide || u.y1 - u.y0 > o.maxSide) continue;
        if (cost(u, o) > cost(p, o) + cost(cur, o)) continue;
        cur = { ...u, cells: [...p.cells, ...cur.cells] };
        out.splice(i, 1);
        changed = true;
      }
      out.push(cur);
    }
    list = out;
  }
  return list;
}

/** Pads a window to the model's multiple, growing it inside the image (reflection only if the image is smaller). */
function padWindow(a0: number, a1: number, length: number, m: number, align: number): { start: number; size: number } {
  let start = Math.floor(a0 / align) * align;
  const size = roundUp(a1 - start, m);
  if (start + size > length) start = Math.max(0, length - size);
  return { start, size };
}

/**
 * Damage-shaped tiles for `hole` (see the module comment). Tiles come in reading order of their first cell;
 * windows lie inside the image wherever the image is large enough.
 */
export function planShapedTiles(hole: Mask, opts: ShapedPlanOptions): ShapedTile[] {
  const groups = mergeGroups(cellWindows(hole, opts), opts);
  const tiles = groups.map((g) => {
    const px = padWindow(g.x0, g.x1, hole.width, opts.padMultiple, opts.align);
    const py = padWindow(g.y0, g.y1, hole.height, opts.padMultiple, opts.align);
    const cells = g.cells.sort((a, b) => a.y - b.y || a.x - b.x);
    return { x: px.start, y: py.start, padWidth: px.size, padHeight: py.size, cells };
  });
  return tiles.sort((a, b) => a.cells[0]!.y - b.cells[0]!.y || a.cells[0]!.x - b.cells[0]!.x);
}

/** What a list of tiles costs the model, in the same units as the plan's merging (pixels + per-call cost). */
export function planCost(tiles: Array<{ padWidth: number; padHeight: number }>, callCost: number): number {
  return tiles.reduce((n, t) => n + t.padWidth * t.padHeight + callCost, 0);
}
