/**
 * Grey morphology with a disk, over a box of the image: the top-hats that make thin light and dark lines stand out
 * (bridges.ts, crack-wand.ts). Pure: no node or DOM imports.
 */

/** A box of pixels, bounds included. */
export interface Box { x0: number; x1: number; y0: number; y1: number }

/** Thin light and thin dark lines: the white and black top-hats of the luma (0 outside the region asked for). */
export interface Ridges { light: Float32Array; dark: Float32Array }

/** White and black top-hats of the luma with a disk of radius `r`, over `region`: thin light and dark lines. */
export function topHats(luma: Float32Array, w: number, h: number, region: Box, r: number): Ridges {
  const grown = (b: Box, r: number): Box => ({ x0: Math.max(0, b.x0 - r), x1: Math.min(w - 1, b.x1 + r), y0: Math.max(0, b.y0 - r), y1: Math.min(h - 1, b.y1 + r) });
  const inner = grown(region, r);
  const opened = diskFilter(diskFilter(luma, w, h, inner, true, r), w, h, region, false, r);
  const closed = diskFilter(diskFilter(luma, w, h, inner, false, r), w, h, region, true, r);
  const light = new Float32Array(w * h), dark = new Float32Array(w * h);
  for (let y = region.y0; y <= region.y1; y++) {
    for (let x = region.x0; x <= region.x1; x++) {
      const i = y * w + x;
      light[i] = luma[i]! - opened[i]!;
      dark[i] = closed[i]! - luma[i]!;
    }
  }
  return { light, dark };
}

/**
 * Grey erosion (`min`) or dilation of `src` by a disk of radius `r` (x² + y² ≤ r²), over `box` only (edges
 * clamped). A disk is the union of centred horizontal runs, one per row offset: a running minimum of each row
 * for each run length, then the minimum over the rows.
 */
export function diskFilter(src: Float32Array, w: number, h: number, box: Box, min: boolean, r: number): Float32Array {
  const sign = min ? 1 : -1; // a dilation is an erosion of the negated values
  const halfWidths: number[] = [];
  for (let dy = -r; dy <= r; dy++) halfWidths.push(Math.floor(Math.sqrt(r * r - dy * dy)));
  const bw = box.x1 - box.x0 + 1;
  const runs = new Map<number, Float32Array>(); // per half-width k: the row filtered over [x-k, x+k], rows y0-r..y1+r
  const rows = box.y1 - box.y0 + 1 + 2 * r;
  for (const k of new Set(halfWidths)) {
    const out = new Float32Array(rows * bw);
    for (let ry = 0; ry < rows; ry++) {
      const y = Math.min(h - 1, Math.max(0, box.y0 - r + ry)) * w;
      for (let bx = 0; bx < bw; bx++) {
        const x = box.x0 + bx;
        let v = sign * src[y + x]!;
        for (let dx = 1; dx <= k; dx++) {
          const a = sign * src[y + Math.max(0, x - dx)]!, b = sign * src[y + Math.min(w - 1, x + dx)]!;
          if (a < v) v = a;
          if (b < v) v = b;
        }
        out[ry * bw + bx] = v;
      }
    }
    runs.set(k, out);
  }
  const byRow = halfWidths.map((k) => runs.get(k)!);
  const out = new Float32Array(w * h);
  for (let y = box.y0; y <= box.y1; y++) {
    for (let bx = 0; bx < bw; bx++) {
      let v = Infinity;
      for (let j = 0; j <= 2 * r; j++) {
        const c = byRow[j]![(y - box.y0 + j) * bw + bx]!;
        if (c < v) v = c;
      }
      out[y * w + box.x0 + bx] = sign * v;
    }
  }
  return out;
}
