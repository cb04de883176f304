/**
 * Adapts onnxruntime sessions to the pipeline's backend interfaces: the native contract directly, and the
 * third-party exports through small adapters (LaMa: fixed 512 input, output in 0..255; MI-GAN: uint8
 * tensors, 255 = keep). The pipeline never needs to know which contract a model follows.
 */
import * as ort from 'onnxruntime-node';
import { badInput } from '../../core/errors.js';
import type { DetectBackend, InpaintBackend } from './pipeline-port.js';
import type { ModelSpec } from '../models/registry.js';
import { cropPlanar, padPlanar, resizeHoles, resizePlanar } from '../../core/resample.js';

async function runOne(session: ort.InferenceSession, spec: ModelSpec, feeds: Record<string, ort.Tensor>): Promise<ort.Tensor> {
  let out: ort.InferenceSession.OnnxValueMapType;
  try {
    out = await session.run(feeds);
  } catch (e) {
    throw badInput(spec.file ?? spec.id, `model failed while running (${(e as Error).message.split('\n')[0]})`, e);
  }
  const name = spec.outputNames[0] ?? session.outputNames[0]!;
  const t = out[name];
  if (!t) throw badInput(spec.file ?? spec.id, `model produced no output named "${name}"`);
  return t as ort.Tensor;
}

function floatOutput(t: ort.Tensor, expected: number, spec: ModelSpec): Float32Array {
  if (t.type !== 'float32' || !(t.data instanceof Float32Array) || t.data.length !== expected) {
    throw badInput(spec.file ?? spec.id, `model output is ${t.type} [${t.dims.join(',')}], expected ${expected} float32 values`);
  }
  return t.data;
}

function tile(spec: ModelSpec): { tileSize: number; overlap: number } {
  return { tileSize: spec.tile.size, overlap: spec.tile.overlap };
}

/**
 * Context around thin damage for the native families whose output at a pixel depends only on a
 * neighbourhood of it (no attention, no wide dilations). The partial-conv U-Net reaches about 41 px in
 * theory (to 1/8 with 3×3 convolutions) but its output barely moves beyond 24: on a 12 MP mosaic of dev
 * photos with 12 scratches and 200 specks, damage-shaped tiles with 24 px of context gave the hole pixels
 * within 0.08 grey levels (mean) of the whole-photo tiles, 23.280 vs 23.282 dB, for a sixth of the model
 * pixels. Thicker holes get context as wide as they are, up to the full margin. Gated-conv (dilations to
 * 16 at 1/4, contextual attention) and dual-path (self-attention) see the whole tile: not listed.
 */
const THIN_CONTEXT: Record<string, number> = { 'partial-conv': 24 };

/** Our own contract: float image/mask in [0,1], 1 = hole, output in [0,1], dynamic size. */
function nativeInpaint(session: ort.InferenceSession, spec: ModelSpec): InpaintBackend {
  const [imageName = 'image', maskName = 'mask'] = spec.inputNames;
  const fixed = spec.size.kind === 'fixed' ? spec.size.size : undefined;
  return {
    id: spec.id,
    padMultiple: spec.size.kind === 'dynamic' ? spec.size.padMultiple : 1,
    ...(fixed !== undefined ? { fixedSize: fixed } : {}),
    ...tile(spec),
    ...(fixed === undefined && spec.family && THIN_CONTEXT[spec.family] ? { thinContext: THIN_CONTEXT[spec.family] } : {}),
    async run(rgb, hole, w, h) {
      const out = await runOne(session, spec, {
        [imageName]: new ort.Tensor('float32', rgb, [1, 3, h, w]),
        [maskName]: new ort.Tensor('float32', hole, [1, 1, h, w]),
      });
      return floatOutput(out, 3 * w * h, spec);
    },
    async runBatch(rgbs, holes, w, h) {
      const n = rgbs.length;
      const out = await runOne(session, spec, {
        [imageName]: new ort.Tensor('float32', concat(rgbs), [n, 3, h, w]),
        [maskName]: new ort.Tensor('float32', concat(holes), [n, 1, h, w]),
      });
      const all = floatOutput(out, n * 3 * w * h, spec);
      return rgbs.map((_, i) => all.subarray(i * 3 * w * h, (i + 1) * 3 * w * h));
    },
  };
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * LaMa (Carve export): fixed S×S input. Crops up to S are edge-padded to S; larger crops are scaled down
 * to fit (holes kept by max-pooling), and the fill scaled back up. Output 0..255 → [0,1].
 */
function lamaInpaint(session: ort.InferenceSession, spec: ModelSpec): InpaintBackend {
  const S = spec.size.kind === 'fixed' ? spec.size.size : 512;
  const [imageName = 'image', maskName = 'mask'] = spec.inputNames;
  return {
    id: spec.id,
    padMultiple: 8,
    // The pipeline cuts S×S windows (with real context around the hole), so the resize path below only
    // runs if a caller hands over a larger crop.
    fixedSize: S,
    tileSize: S,
    overlap: spec.tile.overlap,
    async run(rgb, hole, w, h) {
      const scale = Math.min(1, S / Math.max(w, h));
      const sw = Math.max(1, Math.round(w * scale));
      const sh = Math.max(1, Math.round(h * scale));
      const img = scale < 1 ? resizePlanar(rgb, 3, w, h, sw, sh) : rgb;
      const msk = scale < 1 ? resizeHoles(hole, w, h, sw, sh) : hole;
      const out = await runOne(session, spec, {
        [imageName]: new ort.Tensor('float32', padPlanar(img, 3, sw, sh, S, S), [1, 3, S, S]),
        [maskName]: new ort.Tensor('float32', padPlanar(msk, 1, sw, sh, S, S, 0), [1, 1, S, S]),
      });
      const full = floatOutput(out, 3 * S * S, spec);
      let res = cropPlanar(full, 3, S, S, sw, sh);
      if (scale < 1) res = resizePlanar(res, 3, sw, sh, w, h);
      for (let i = 0; i < res.length; i++) res[i] = Math.min(1, Math.max(0, res[i]! / 255));
      return res;
    },
  };
}

/** MI-GAN pipeline export: uint8 RGB and uint8 mask with 255 = keep, uint8 result; any size. */
function miganInpaint(session: ort.InferenceSession, spec: ModelSpec): InpaintBackend {
  const [imageName = 'image', maskName = 'mask'] = spec.inputNames;
  return {
    id: spec.id,
    padMultiple: spec.size.kind === 'dynamic' ? spec.size.padMultiple : 1,
    ...tile(spec),
    async run(rgb, hole, w, h) {
      const img = new Uint8Array(rgb.length);
      for (let i = 0; i < rgb.length; i++) img[i] = Math.round(Math.min(1, Math.max(0, rgb[i]!)) * 255);
      const keep = new Uint8Array(hole.length);
      for (let i = 0; i < hole.length; i++) keep[i] = hole[i]! > 0.5 ? 0 : 255;
      const out = await runOne(session, spec, {
        [imageName]: new ort.Tensor('uint8', img, [1, 3, h, w]),
        [maskName]: new ort.Tensor('uint8', keep, [1, 1, h, w]),
      });
      if (out.type !== 'uint8' || out.data.length !== 3 * w * h) {
        throw badInput(spec.file ?? spec.id, `model output is ${out.type} [${out.dims.join(',')}], expected uint8 [1,3,${h},${w}]`);
      }
      const data = out.data as Uint8Array;
      const res = new Float32Array(data.length);
      for (let i = 0; i < data.length; i++) res[i] = data[i]! / 255;
      return res;
    },
  };
}

/** Builds the inpainting backend for a model's contract. */
export function inpaintBackend(session: ort.InferenceSession, spec: ModelSpec): InpaintBackend {
  if (spec.format === 'lama') return lamaInpaint(session, spec);
  if (spec.format === 'migan') return miganInpaint(session, spec);
  return nativeInpaint(session, spec);
}

/** Native damage detector: float image in [0,1] → probability map in [0,1]. */
export function detectBackend(session: ort.InferenceSession, spec: ModelSpec): DetectBackend {
  const [imageName = 'image'] = spec.inputNames;
  return {
    id: spec.id,
    padMultiple: spec.size.kind === 'dynamic' ? spec.size.padMultiple : 1,
    ...tile(spec),
    async run(rgb, w, h) {
      const out = await runOne(session, spec, { [imageName]: new ort.Tensor('float32', rgb, [1, 3, h, w]) });
      return floatOutput(out, w * h, spec);
    },
  };
}
