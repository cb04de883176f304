/**
 * INTERIM stand-in for E1's pure pipeline (src-main/core/pipeline.ts, mask.ts, classical.ts), written to
 * the interfaces in the shared API notes so the worker, cancel, progress and adapters can be tested before
 * the real one lands. pipeline-port.ts switches to E1's modules once they exist; delete this file then.
 * Simple by design: tiles that touch a hole, edge padding, hole-only paste (no feathering), pull-push fill.
 */
import { cancelled } from '../../core/errors.js';
import type { Mask, Progress, Raster } from '../../core/image.js';

/** As in the API notes: a model that fills holes in a CHW [0,1] crop. */
export interface InpaintBackend {
  id: string;
  padMultiple: number;
  fixedSize?: number;
  tileSize: number;
  overlap: number;
  run(rgb: Float32Array, hole: Float32Array, w: number, h: number): Promise<Float32Array>;
}

/** As in the API notes: a model that maps a CHW [0,1] crop to a damage probability map. */
export interface DetectBackend {
  id: string;
  padMultiple: number;
  tileSize: number;
  overlap: number;
  run(rgb: Float32Array, w: number, h: number): Promise<Float32Array>;
}

interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

function tiles(width: number, height: number, size: number, overlap: number): Box[] {
  const step = Math.max(1, size - overlap);
  const out: Box[] = [];
  for (let y = 0; y < height; y += step) {
    for (let x = 0; x < width; x += step) {
      out.push({ x, y, w: Math.min(size, width - x), h: Math.min(size, height - y) });
      if (x + size >= width) break;
    }
    if (y + size >= height) break;
  }
  return out;
}

function crop(image: Raster, b: Box, pw: number, ph: number): Float32Array {
  const { width, channels, depth, data } = image;
  const max = depth === 16 ? 65535 : 255;
  const color = channels >= 3;
  const out = new Float32Array(3 * pw * ph);
  for (let y = 0; y < ph; y++) {
    const sy = b.y + Math.min(y, b.h - 1);
    for (let x = 0; x < pw; x++) {
      const o = (sy * width + b.x + Math.min(x, b.w - 1)) * channels;
      for (let c = 0; c < 3; c++) out[c * pw * ph + y * pw + x] = data[o + (color ? c : 0)]! / max;
    }
  }
  return out;
}

const roundUp = (v: number, m: number): number => Math.ceil(v / m) * m;

/** Fills the mask's holes tile by tile; pixels outside holes are copied untouched. */
export async function inpaintRaster(image: Raster, mask: Mask, backend: InpaintBackend, opts: RunOptions = {}): Promise<Raster> {
  const { width, height, channels, depth } = image;
  const out: Raster = { ...image, data: image.data.slice() };
  const max = depth === 16 ? 65535 : 255;
  const size = backend.fixedSize ?? backend.tileSize;
  const todo = tiles(width, height, size, backend.overlap).filter((b) => {
    for (let y = b.y; y < b.y + b.h; y++) for (let x = b.x; x < b.x + b.w; x++) if (mask.data[y * width + x]) return true;
    return false;
  });
  const color = channels >= 3;
  const nColor = color ? 3 : 1;
  for (let t = 0; t < todo.length; t++) {
    if (opts.signal?.aborted) throw cancelled();
    opts.onProgress?.({ stage: 'inpaint', done: t, total: todo.length });
    const b = todo[t]!;
    const mult = Math.max(1, backend.padMultiple);
    const pw = backend.fixedSize ?? roundUp(b.w, mult);
    const ph = backend.fixedSize ?? roundUp(b.h, mult);
    const hole = new Float32Array(pw * ph);
    for (let y = 0; y < b.h; y++) for (let x = 0; x < b.w; x++) hole[y * pw + x] = mask.data[(b.y + y) * width + b.x + x] ? 1 : 0;
    const res = await backend.run(crop(image, b, pw, ph), hole, pw, ph);
    for (let y = 0; y < b.h; y++) {
      for (let x = 0; x < b.w; x++) {
        if (!hole[y * pw + x]) continue;
        const o = ((b.y + y) * width + b.x + x) * channels;
        for (let c = 0; c < nColor; c++) {
          const v = color ? res[c * pw * ph + y * pw + x]! : (res[y * pw + x]! + res[pw * ph + y * pw + x]! + res[2 * pw * ph + y * pw + x]!) / 3;
          out.data[o + c] = Math.round(Math.min(1, Math.max(0, v)) * max);
        }
      }
    }
  }
  opts.onProgress?.({ stage: 'inpaint', done: todo.length, total: todo.length });
  return out;
}

/** Probability map over the whole image, tile by tile. */
export async function detectRaster(image: Raster, backend: DetectBackend, opts: RunOptions = {}): Promise<Float32Array> {
  const { width, height } = image;
  const prob = new Float32Array(width * height);
  const todo = tiles(width, height, backend.tileSize, backend.overlap);
  for (let t = 0; t < todo.length; t++) {
    if (opts.signal?.aborted) throw cancelled();
    opts.onProgress?.({ stage: 'detect', done: t, total: todo.length });
    const b = todo[t]!;
    const mult = Math.max(1, backend.padMultiple);
    const pw = roundUp(b.w, mult);
    const ph = roundUp(b.h, mult);
    const p = await backend.run(crop(image, b, pw, ph), pw, ph);
    for (let y = 0; y < b.h; y++) for (let x = 0; x < b.w; x++) prob[(b.y + y) * width + b.x + x] = p[y * pw + x]!;
  }
  opts.onProgress?.({ stage: 'detect', done: todo.length, total: todo.length });
  return prob;
}

/** Threshold + square dilation of a probability map. */
export function probToMask(prob: Float32Array, w: number, h: number, threshold: number, dilate: number): Mask {
  const base = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) base[i] = prob[i]! > threshold ? 255 : 0;
  if (dilate <= 0) return { width: w, height: h, data: base };
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    if (!base[y * w + x]) continue;
    for (let dy = -dilate; dy <= dilate; dy++) for (let dx = -dilate; dx <= dilate; dx++) {
      const yy = y + dy;
      const xx = x + dx;
      if (yy >= 0 && yy < h && xx >= 0 && xx < w) out[yy * w + xx] = 255;
    }
  }
  return { width: w, height: h, data: out };
}

/** Pull-push (mask-normalised pyramid) fill: a cheap classical inpainter. */
export function classicalBackend(): InpaintBackend {
  return {
    id: 'classical',
    padMultiple: 1,
    tileSize: 1024,
    overlap: 32,
    async run(rgb, hole, w, h) {
      const out = rgb.slice();
      for (let c = 0; c < 3; c++) {
        const plane = out.subarray(c * w * h, (c + 1) * w * h);
        pullPush(plane, hole, w, h);
      }
      return out;
    },
  };
}

function pullPush(v: Float32Array, hole: Float32Array, w: number, h: number): void {
  const known = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) known[i] = hole[i]! > 0.5 ? 0 : 1;
  if (w <= 1 && h <= 1) return;
  const nw = Math.ceil(w / 2);
  const nh = Math.ceil(h / 2);
  const cv = new Float32Array(nw * nh);
  const ck = new Float32Array(nw * nh);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const j = (y >> 1) * nw + (x >> 1);
    cv[j]! += v[y * w + x]! * known[y * w + x]!;
    ck[j]! += known[y * w + x]!;
  }
  const chole = new Float32Array(nw * nh);
  for (let j = 0; j < nw * nh; j++) {
    if (ck[j]! > 0) cv[j] = cv[j]! / ck[j]!;
    else chole[j] = 1;
  }
  let any = false;
  for (let j = 0; j < nw * nh; j++) if (chole[j]) any = true;
  if (any && (nw > 1 || nh > 1)) pullPush(cv, chole, nw, nh);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (!known[y * w + x]) v[y * w + x] = cv[(y >> 1) * nw + (x >> 1)]!;
}
