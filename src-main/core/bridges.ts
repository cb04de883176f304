/**
 * Bridges across the gaps of a crack. Where a light crack crosses smooth bright skin its contrast drops and the
 * detector loses it: bopbtl-scratched/b's crack is marked up to the forehead and again beyond it, and the restore
 * left the stretch across the forehead standing. Here two line marks that point at each other across a gap are
 * joined along the ridge between them (the cheapest path through the photo where a thin line of the marks'
 * polarity stands out, a grey top-hat), when that ridge is a line of its own: it stands out by `contrast` levels
 * and by `sides` times what the same path shifted SIDE_SHIFT px to either side finds, in a quiet neighbourhood
 * (`quiet`: the picture around it has few thin lines, unlike rigging or foliage), and it runs nearly straight
 * (MAX_DETOUR: lettering winds). A bridge makes one mark of the two, so a piece short of the proposal's seed
 * joins the proposal through a bridge to a sure one. Pure: no node or DOM imports.
 */
import { insideDistance } from './areas.js';
import { lumaPlane, type Raster } from './image.js';
import { flood8 } from './flood.js';
import { median } from './grain-noise.js';
import { PixelHeap } from './pixel-heap.js';
import { topHats, type Box } from './ridges.js';

/** How gaps between line marks are bridged (`DetectPostprocess.bridges`). */
export interface BridgeCue {
  /** Longest gap, as a fraction of the image's longer side. */
  maxGap: number;
  /** Only marks whose skeleton is at least this long (fraction of the longer side; never under MIN_SKELETON px). */
  minLength: number;
  /** Each mark's direction at its end points at the other end within this many degrees. */
  angle: number;
  /** The ridge along the gap stands out by at least this much luma (0–255, median over the gap). */
  contrast: number;
  /** ...and by at least this many times the ridge found along the same path shifted to either side. */
  sides: number;
  /** The picture around the gap is quiet: its median ridge response is at most this (0–255). */
  quiet: number;
}

/** Fewest skeleton pixels of a mark that may be bridged (a speck's skeleton has ends too). */
const MIN_SKELETON = 10;
/** A mark's direction at an end: from its skeleton within this many pixels towards the end. */
const DIRECTION_REACH = 6;
/** Disk radius of the top-hat: lines up to ~2·RIDGE_RADIUS px wide stand out. */
const RIDGE_RADIUS = 3;
/**
 * A line's end is thin: no pixel of the mark within DIRECTION_REACH of it lies deeper than this inside the mark
 * (an area's outline is not the end of a crack).
 */
const MAX_END_DEPTH = 3;
/** Margin of the box the path is searched in, around the two ends. */
const BOX_MARGIN = 10;
/** How far to either side the path is shifted to see whether the ridge is a line or a brighter region. */
const SIDE_SHIFT = 3;
/** A bridge's path is at most this much longer than the straight gap (plus 2 px). */
const MAX_DETOUR = 1.15;
/** End points this close to the image's edge are where a mark leaves the photo, not a gap. */
const EDGE = 2;


/** A gap worth a look: its two ends (pixel indices), their distance and unit direction, the marks' polarity. */
interface Gap { from: number; to: number; dist: number; uy: number; ux: number; light: boolean; box: Box }

/**
 * Lifts the probability along every accepted bridge (see above) just over `threshold`, in place. `image` is
 * the photo at the probability map's size. Returns how many gaps were bridged.
 */
export function bridgeGaps(image: Raster, prob: Float32Array, threshold: number, cue: BridgeCue): number {
  const { width: w, height: h } = image;
  const n = w * h;
  const marked = new Uint8Array(n);
  for (let i = 0; i < n; i++) marked[i] = prob[i]! > threshold ? 1 : 0;
  const { label, members } = labelMarks(marked, w, h);
  const skel = skeletonize(marked, w, h);
  const side = Math.max(w, h);
  const minLength = Math.max(MIN_SKELETON, cue.minLength * side);
  const skelLength = new Map<number, number>();
  for (let i = 0; i < n; i++) if (skel[i]) skelLength.set(label[i]!, (skelLength.get(label[i]!) ?? 0) + 1);
  const ends = lineEnds(skel, label, insideDistance(marked, w, h), w, h).filter((e) => (skelLength.get(e.label) ?? 0) >= minLength);
  if (ends.length < 2) return 0;

  const luma = lumaPlane(image, 255);
  const polarity = new Map<number, number>();
  const polarityOf = (l: number): number => {
    if (!polarity.has(l)) polarity.set(l, markPolarity(members[l - 1]!, marked, luma, w, h));
    return polarity.get(l)!;
  };
  const cosMax = Math.cos((cue.angle * Math.PI) / 180);
  const maxGap = cue.maxGap * side;
  // Gaps worth a look: two ends of marks of one polarity pointing at each other, not too far apart.
  const gaps: Gap[] = [];
  for (let a = 0; a < ends.length; a++) {
    const p = ends[a]!;
    for (let b = a + 1; b < ends.length; b++) {
      const q = ends[b]!;
      if (q.label === p.label) continue;
      const dy = q.y - p.y, dx = q.x - p.x;
      const dist = Math.hypot(dx, dy);
      if (dist < 3 || dist > maxGap) continue;
      const uy = dy / dist, ux = dx / dist;
      if (p.dy * uy + p.dx * ux < cosMax || -(q.dy * uy + q.dx * ux) < cosMax) continue;
      const pa = polarityOf(p.label), pb = polarityOf(q.label);
      if (!(pa > 0 && pb > 0) && !(pa < 0 && pb < 0)) continue;
      const box = {
        x0: Math.max(0, Math.min(p.x, q.x) - BOX_MARGIN), x1: Math.min(w - 1, Math.max(p.x, q.x) + BOX_MARGIN),
        y0: Math.max(0, Math.min(p.y, q.y) - BOX_MARGIN), y1: Math.min(h - 1, Math.max(p.y, q.y) + BOX_MARGIN),
      };
      gaps.push({ from: p.y * w + p.x, to: q.y * w + q.x, dist, uy, ux, light: pa > 0, box });
    }
  }
  if (gaps.length === 0) return 0;
  // The ridge maps, only where the gaps are (and as far around as the side check looks).
  const region = { x0: w, x1: -1, y0: h, y1: -1 };
  for (const { box } of gaps) {
    region.x0 = Math.min(region.x0, Math.max(0, box.x0 - SIDE_SHIFT - 1)); region.x1 = Math.max(region.x1, Math.min(w - 1, box.x1 + SIDE_SHIFT + 1));
    region.y0 = Math.min(region.y0, Math.max(0, box.y0 - SIDE_SHIFT - 1)); region.y1 = Math.max(region.y1, Math.min(h - 1, box.y1 + SIDE_SHIFT + 1));
  }
  const ridges = topHats(luma, w, h, region, RIDGE_RADIUS);
  const lifted = Math.fround(Math.min(1, threshold + 1e-4));
  let bridged = 0;
  for (const { from, to, dist, uy, ux, light, box } of gaps) {
    const ridge = light ? ridges.light : ridges.dark;
    const around: number[] = [];
    for (let y = box.y0; y <= box.y1; y++) for (let x = box.x0; x <= box.x1; x++) if (!marked[y * w + x]) around.push(ridge[y * w + x]!);
    if (median(around) > cue.quiet) continue;
    const path = cheapestPath(ridge, w, box, from, to);
    if (path.length > MAX_DETOUR * dist + 2) continue;
    const gap = path.filter((i) => !marked[i]);
    if (gap.length === 0) continue;
    const along = median(gap.map((i) => ridge[i]!));
    if (along < cue.contrast) continue;
    const beside = Math.max(...[-SIDE_SHIFT, SIDE_SHIFT].map((s) => median(gap.map((i) => {
      const x = Math.min(w - 1, Math.max(0, Math.round((i % w) + s * uy)));
      const y = Math.min(h - 1, Math.max(0, Math.round(Math.floor(i / w) - s * ux)));
      return ridge[y * w + x]!;
    }))));
    if (along < cue.sides * beside) continue;
    for (const i of path) if (prob[i]! <= threshold) prob[i] = lifted;
    bridged++;
  }
  return bridged;
}

/** 8-connected labels of the marked pixels (0 = unmarked, marks from 1) and each mark's pixels (`members[label - 1]`). */
function labelMarks(marked: Uint8Array, w: number, h: number): { label: Int32Array; members: number[][] } {
  const label = new Int32Array(w * h);
  const seen = new Uint8Array(w * h);
  const members: number[][] = [];
  for (let i = 0; i < w * h; i++) {
    if (!marked[i] || seen[i]) continue;
    const mark = flood8(i, w, h, (k) => marked[k] === 1, seen, []);
    members.push(mark);
    for (const q of mark) label[q] = members.length;
  }
  return { label, members };
}

/** Zhang–Suen thinning of the marked pixels to one-pixel-wide lines. */
export function skeletonize(marked: Uint8Array, w: number, h: number): Uint8Array {
  const s = marked.slice();
  const at = (x: number, y: number): number => (x >= 0 && y >= 0 && x < w && y < h ? s[y * w + x]! : 0);
  let alive: number[] = [];
  for (let i = 0; i < w * h; i++) if (s[i]) alive.push(i);
  const nb = new Uint8Array(8);
  const remove: number[] = [];
  for (let changed = true; changed;) {
    changed = false;
    for (let pass = 0; pass < 2; pass++) {
      remove.length = 0;
      for (const i of alive) {
        const x = i % w, y = (i - x) / w;
        // neighbours clockwise from north: P2..P9
        nb[0] = at(x, y - 1); nb[1] = at(x + 1, y - 1); nb[2] = at(x + 1, y); nb[3] = at(x + 1, y + 1);
        nb[4] = at(x, y + 1); nb[5] = at(x - 1, y + 1); nb[6] = at(x - 1, y); nb[7] = at(x - 1, y - 1);
        let count = 0, turns = 0;
        for (let k = 0; k < 8; k++) {
          count += nb[k]!;
          if (!nb[k] && nb[(k + 1) & 7]) turns++;
        }
        if (count < 2 || count > 6 || turns !== 1) continue;
        const p2 = nb[0]!, p4 = nb[2]!, p6 = nb[4]!, p8 = nb[6]!;
        if (pass === 0 ? p2 * p4 * p6 || p4 * p6 * p8 : p2 * p4 * p8 || p2 * p6 * p8) continue;
        remove.push(i);
      }
      for (const i of remove) s[i] = 0;
      if (remove.length) {
        changed = true;
        alive = alive.filter((i) => s[i]);
      }
    }
  }
  return s;
}

interface LineEnd { x: number; y: number; label: number; dx: number; dy: number }

/**
 * Skeleton pixels with exactly one skeleton neighbour, away from the edge, where the mark is thin, with the
 * mark's direction there.
 */
function lineEnds(skel: Uint8Array, label: Int32Array, depth: Float32Array, w: number, h: number): LineEnd[] {
  const ends: LineEnd[] = [];
  for (let y = EDGE; y < h - EDGE; y++) {
    for (let x = EDGE; x < w - EDGE; x++) {
      if (!skel[y * w + x]) continue;
      let nb = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) if ((dx || dy) && skel[(y + dy) * w + x + dx]) nb++;
      if (nb !== 1) continue;
      const l = label[y * w + x]!;
      let sy = 0, sx = 0, count = 0, deepest = 0;
      for (let dy = -DIRECTION_REACH; dy <= DIRECTION_REACH; dy++) {
        for (let dx = -DIRECTION_REACH; dx <= DIRECTION_REACH; dx++) {
          const yy = y + dy, xx = x + dx;
          if ((!dx && !dy) || yy < 0 || xx < 0 || yy >= h || xx >= w || dx * dx + dy * dy > DIRECTION_REACH ** 2) continue;
          const i = yy * w + xx;
          if (label[i] === l) deepest = Math.max(deepest, depth[i]!);
          if (skel[i] && label[i] === l) { sy += yy; sx += xx; count++; }
        }
      }
      if (count < 2 || deepest > MAX_END_DEPTH) continue;
      const vy = y - sy / count, vx = x - sx / count;
      const norm = Math.hypot(vx, vy);
      if (norm > 0) ends.push({ x, y, label: l, dx: vx / norm, dy: vy / norm });
    }
  }
  return ends;
}

/**
 * Whether a mark is lighter (> 0) or darker (< 0) than the picture around it: the median luma of its pixels
 * against that of the ring 2–3 px (city-block) outside it.
 */
function markPolarity(members: number[], marked: Uint8Array, luma: Float32Array, w: number, h: number): number {
  const inside: number[] = [];
  const ring: number[] = [];
  const taken = new Set<number>();
  for (const i of members) {
    inside.push(luma[i]!);
    const x = i % w, y = (i - x) / w;
    for (let dy = -3; dy <= 3; dy++) {
      for (let dx = -3; dx <= 3; dx++) {
        const d = Math.abs(dx) + Math.abs(dy);
        const xx = x + dx, yy = y + dy;
        if (d < 2 || d > 3 || xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
        const q = yy * w + xx;
        if (marked[q] || taken.has(q) || touchesMark(q, marked, w, h)) continue;
        taken.add(q);
        ring.push(luma[q]!);
      }
    }
  }
  return ring.length ? median(inside) - median(ring) : 0;
}

function touchesMark(q: number, marked: Uint8Array, w: number, h: number): boolean {
  const x = q % w, y = (q - x) / w;
  return (x > 0 && marked[q - 1] === 1) || (x < w - 1 && marked[q + 1] === 1) || (y > 0 && marked[q - w] === 1) || (y < h - 1 && marked[q + w] === 1);
}

/**
 * The cheapest 8-connected path from `from` to `to` inside `box`, where a step costs its length times the mean of
 * 1 / (1 + ridge) at its two pixels (so the path follows the ridge). Pixel indices, both ends included.
 */
function cheapestPath(ridge: Float32Array, w: number, box: { x0: number; x1: number; y0: number; y1: number }, from: number, to: number): number[] {
  const bw = box.x1 - box.x0 + 1, bh = box.y1 - box.y0 + 1;
  const local = (i: number): number => (Math.floor(i / w) - box.y0) * bw + (i % w) - box.x0;
  const cost = new Float32Array(bw * bh);
  for (let y = 0; y < bh; y++) for (let x = 0; x < bw; x++) cost[y * bw + x] = 1 / (1 + Math.max(0, ridge[(y + box.y0) * w + x + box.x0]!));
  const dist = new Float64Array(bw * bh).fill(Infinity);
  const prev = new Int32Array(bw * bh).fill(-1);
  const done = new Uint8Array(bw * bh);
  const start = local(from), goal = local(to);
  const heap = new PixelHeap(1024);
  dist[start] = 0;
  heap.push(start, 0);
  while (heap.size > 0) {
    const p = heap.pop();
    if (done[p]) continue;
    done[p] = 1;
    if (p === goal) break;
    const px = p % bw, py = (p - px) / bw;
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const x = px + dx, y = py + dy;
        if ((!dx && !dy) || x < 0 || y < 0 || x >= bw || y >= bh) continue;
        const q = y * bw + x;
        if (done[q]) continue;
        const d = dist[p]! + (dx && dy ? Math.SQRT2 : 1) * 0.5 * (cost[p]! + cost[q]!);
        if (d < dist[q]!) { dist[q] = d; prev[q] = p; heap.push(q, d); }
      }
    }
  }
  const path: number[] = [];
  for (let p = goal; p !== -1; p = prev[p]!) path.push((Math.floor(p / bw) + box.y0) * w + (p % bw) + box.x0);
  return path.reverse();
}
