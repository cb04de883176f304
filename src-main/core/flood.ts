/**
 * 8-connected flood fill, the one used by every pass that works on connected marks (hysteresis in mask.ts,
 * specks.ts, lights.ts). Pure: no node or DOM imports.
 */

/**
 * Visits the 8-connected set of pixels reachable from `start` through pixels `accept` allows, marking each in
 * `seen` (non-zero = visited; `start` is marked too, whatever `accept` says of it). Returns the members in
 * `members` (cleared first), so callers can reuse one array across many fills. With `limit`, stops once more
 * than `limit` pixels are members (the caller only wants to know the set is larger than that).
 */
export function flood8(
  start: number, width: number, height: number, accept: (i: number) => boolean, seen: Uint8Array, members: number[] = [],
  limit = Infinity,
): number[] {
  members.length = 0;
  const stack = [start];
  seen[start] = 255;
  while (stack.length && members.length <= limit) {
    const p = stack.pop()!;
    members.push(p);
    const x = p % width;
    const y = (p - x) / width;
    for (let dy = -1; dy <= 1; dy++) {
      const yy = y + dy;
      if (yy < 0 || yy >= height) continue;
      for (let dx = -1; dx <= 1; dx++) {
        const xx = x + dx;
        if (xx < 0 || xx >= width) continue;
        const q = yy * width + xx;
        if (!seen[q] && accept(q)) {
          seen[q] = 255;
          stack.push(q);
        }
      }
    }
  }
  return members;
}
