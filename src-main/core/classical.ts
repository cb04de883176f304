/**
 * The classical fallback inpainter, so restore works with no model file: Telea's fast-marching method
 * (Telea 2004, as in OpenCV's INPAINT_TELEA). Written here rather than taken from OpenCV.js because that
 * build's inpaint took 0.7–17 s on a single 1–2 MP tile with a thin scratch (its priority queue is a
 * sorted list) and costs a 10 MB WebAssembly load; this one works only near holes, in float, in any JS
 * runtime, and stays close to OpenCV's output (≈5 grey levels mean difference on the fixture photo; see the unit test).
 */
import type { InpaintBackend } from './pipeline.js';
import { PixelHeap } from './pixel-heap.js';

const KNOWN = 0;
const BAND = 1;
const INSIDE = 2;

/** One eikonal update from two neighbours (OpenCV's FastMarching_solve), using only settled pixels. */
function solve(a: number, b: number, flag: Uint8Array, t: Float32Array, settled: number): number {
  const aOk = a >= 0 && flag[a] === settled;
  const bOk = b >= 0 && flag[b] === settled;
  if (aOk && bOk) {
    const ta = t[a]!;
    const tb = t[b]!;
    const d = 2 - (ta - tb) * (ta - tb);
    if (d > 0) {
      const r = Math.sqrt(d);
      let s = (ta + tb - r) / 2;
      if (s >= ta && s >= tb) return s;
      s += r;
      if (s >= ta && s >= tb) return s;
    }
    return 1 + Math.min(ta, tb);
  }
  if (aOk) return 1 + t[a]!;
  if (bOk) return 1 + t[b]!;
  return 1e6;
}

function arrival(i: number, w: number, h: number, flag: Uint8Array, t: Float32Array, settled: number): number {
  const x = i % w;
  const up = i >= w ? i - w : -1;
  const down = i + w < w * h ? i + w : -1;
  const left = x > 0 ? i - 1 : -1;
  const right = x < w - 1 ? i + 1 : -1;
  return Math.min(
    solve(up, left, flag, t, settled),
    solve(down, left, flag, t, settled),
    solve(up, right, flag, t, settled),
    solve(down, right, flag, t, settled),
  );
}

/**
 * Telea fast-marching inpainting of a CHW float image (any channel count) where `hole` > 0.5, with
 * neighbourhood `radius`. Returns a new array; known pixels are copied unchanged.
 */
export function teleaInpaint(img: Float32Array, hole: Float32Array, w: number, h: number, radius = 3, channels = 3): Float32Array {
  const n = w * h;
  const out = img.slice();
  const flag = new Uint8Array(n);
  const t = new Float32Array(n);
  let holes = 0;
  for (let i = 0; i < n; i++) if (hole[i]! > 0.5) { flag[i] = INSIDE; t[i] = 1e6; holes++; }
  if (holes === 0) return out;
  if (holes === n) return out.fill(0.5);

  // Band: known pixels 4-adjacent to the hole; arrival time 0.
  const heap = new PixelHeap(holes + 1024);
  const band: number[] = [];
  for (let i = 0; i < n; i++) {
    if (flag[i] !== KNOWN) continue;
    const x = i % w;
    if ((i >= w && flag[i - w] === INSIDE) || (i + w < n && flag[i + w] === INSIDE) ||
        (x > 0 && flag[i - 1] === INSIDE) || (x < w - 1 && flag[i + 1] === INSIDE)) {
      flag[i] = BAND;
      band.push(i);
    }
  }

  // Outward pass: signed (negative) distances of known pixels within `radius` of the band, which the
  // level-set weight compares against. Uses temporary flags 3 (reached) / 4 (candidate).
  const OUT = 4;
  const REACHED = 3;
  const outHeap = new PixelHeap(band.length * 4);
  for (const i of band) outHeap.push(i, 0);
  while (outHeap.size > 0) {
    const p = outHeap.pop();
    if (flag[p] === REACHED) continue;
    flag[p] = REACHED;
    if (t[p]! >= radius) continue;
    const x = p % w;
    const nbs = [p >= w ? p - w : -1, p + w < n ? p + w : -1, x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1];
    for (const q of nbs) {
      if (q < 0 || flag[q] !== KNOWN) continue;
      flag[q] = OUT;
      t[q] = arrival(q, w, h, flag, t, REACHED);
      outHeap.push(q, t[q]!);
    }
  }
  for (let i = 0; i < n; i++) {
    if (flag[i] === REACHED || flag[i] === OUT) { flag[i] = KNOWN; t[i] = -t[i]!; }
  }
  for (const i of band) { flag[i] = BAND; t[i] = 0; heap.push(i, 0); }

  // Disc neighbourhood: offsets and 1/|r|^3 distance weights.
  const odx: number[] = [];
  const ody: number[] = [];
  const odst: number[] = [];
  for (let dy = -radius; dy <= radius; dy++) {
    for (let dx = -radius; dx <= radius; dx++) {
      const d2 = dx * dx + dy * dy;
      if (d2 === 0 || d2 > radius * radius) continue;
      odx.push(dx); ody.push(dy); odst.push(1 / (d2 * Math.sqrt(d2)));
    }
  }
  const nOff = odx.length;
  const acc = new Float64Array(channels);
  const nbs = new Int32Array(4);

  while (heap.size > 0) {
    const p = heap.pop();
    flag[p] = KNOWN;
    const px = p % w;
    nbs[0] = p >= w ? p - w : -1;
    nbs[1] = p + w < n ? p + w : -1;
    nbs[2] = px > 0 ? p - 1 : -1;
    nbs[3] = px < w - 1 ? p + 1 : -1;
    for (let ni = 0; ni < 4; ni++) {
      const q = nbs[ni]!;
      if (q < 0 || flag[q] !== INSIDE) continue;
      const tq = arrival(q, w, h, flag, t, KNOWN);
      t[q] = tq;
      const qx = q % w;
      const qy = (q - qx) / w;
      // Gradient of T at q from neighbours that are not inside.
      const r = qx < w - 1 && flag[q + 1] !== INSIDE;
      const l = qx > 0 && flag[q - 1] !== INSIDE;
      const d = qy < h - 1 && flag[q + w] !== INSIDE;
      const u = qy > 0 && flag[q - w] !== INSIDE;
      const gx = r ? (l ? (t[q + 1]! - t[q - 1]!) * 0.5 : t[q + 1]! - tq) : l ? tq - t[q - 1]! : 0;
      const gy = d ? (u ? (t[q + w]! - t[q - w]!) * 0.5 : t[q + w]! - tq) : u ? tq - t[q - w]! : 0;
      acc.fill(0);
      let s = 0;
      const inner = qx >= radius && qy >= radius && qx < w - radius && qy < h - radius;
      for (let o = 0; o < nOff; o++) {
        const dx = odx[o]!;
        const dy = ody[o]!;
        if (!inner) {
          const kx = qx + dx;
          const ky = qy + dy;
          if (kx < 0 || ky < 0 || kx >= w || ky >= h) continue;
        }
        const k = q + dy * w + dx;
        if (flag[k] === INSIDE) continue;
        const lev = 1 / (1 + Math.abs(t[k]! - tq));
        let dir = -dx * gx - dy * gy; // r = q - k
        if (Math.abs(dir) <= 0.01) dir = 1e-6;
        const wt = Math.abs(odst[o]! * lev * dir);
        if (channels === 3) {
          acc[0]! += wt * out[k]!;
          acc[1]! += wt * out[n + k]!;
          acc[2]! += wt * out[2 * n + k]!;
        } else {
          for (let c = 0; c < channels; c++) acc[c]! += wt * out[c * n + k]!;
        }
        s += wt;
      }
      if (s > 0) for (let c = 0; c < channels; c++) out[c * n + q] = acc[c]! / s;
      flag[q] = BAND;
      heap.push(q, tq);
    }
  }
  return out;
}

/** Telea radius used by the fallback (OpenCV's customary 3). */
export const CLASSICAL_RADIUS = 3;

/** The classical fallback as an InpaintBackend (id 'classical'): any size, small context, big tiles. */
export function classicalBackend(): InpaintBackend {
  return {
    id: 'classical',
    padMultiple: 1,
    tileSize: 1024,
    overlap: 32,
    margin: 16,
    run: (rgb, hole, w, h) => Promise.resolve(teleaInpaint(rgb, hole, w, h, CLASSICAL_RADIUS)),
  };
}
