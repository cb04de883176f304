/**
 * Runs a `restore-tone` model (models/manifest.json; contract in models/training/kintsugi_train/tone.py) on the
 * small copy of a photo and applies the predicted transform at full resolution (core/tone.ts). The network sees
 * size × size pixels whatever the photo's size, so a 40 MP scan costs one tiny inference plus one pass over the
 * pixels. Runs inside the inference worker.
 */
import * as ort from 'onnxruntime-node';
import { badInput } from '../../core/errors.js';
import type { Raster } from '../../core/image.js';
import { applyTone, isGreyInput, toneInput, type ToneOptions, type ToneOutcome, type ToneParams } from '../../core/tone.js';
import type { ModelSpec } from '../models/registry.js';

/** The graph's output names, in the order the manifest lists them. */
const OUTPUTS = ['grid', 'curves', 'matrix', 'mono', 'tint'] as const;

function output(out: ort.InferenceSession.OnnxValueMapType, name: string, spec: ModelSpec, ok: (d: readonly number[]) => boolean): { dims: readonly number[]; data: Float32Array } {
  const t = out[name] as ort.Tensor | undefined;
  if (!t) throw badInput(spec.file ?? spec.id, `tone model produced no output named "${name}"`);
  if (t.type !== 'float32' || !(t.data instanceof Float32Array) || !ok(t.dims) || t.data.some((v) => !Number.isFinite(v))) {
    throw badInput(spec.file ?? spec.id, `tone model output "${name}" is ${t.type} [${t.dims.join(',')}], not what the restore-tone contract says`);
  }
  return { dims: t.dims, data: t.data };
}

/** The transform a tone model predicts for one photo. */
export async function predictTone(session: ort.InferenceSession, spec: ModelSpec, image: Raster): Promise<{ params: ToneParams; isGrey: boolean }> {
  const size = spec.size.kind === 'fixed' ? spec.size.size : 128;
  const input = toneInput(image, size);
  const [imageName = 'image'] = spec.inputNames;
  const names = spec.outputNames.length === OUTPUTS.length ? spec.outputNames : [...OUTPUTS];
  let out: ort.InferenceSession.OnnxValueMapType;
  try {
    out = await session.run({ [imageName]: new ort.Tensor('float32', input, [1, 3, size, size]) });
  } catch (e) {
    throw badInput(spec.file ?? spec.id, `tone model failed while running (${(e as Error).message.split('\n')[0]})`, e);
  }
  const [gridName, curvesName, matrixName, monoName, tintName] = names as [string, string, string, string, string];
  const grid = output(out, gridName, spec, (d) => d.length === 4 && d[0] === 1 && d[1] === 6 && d[2]! > 0 && d[2] === d[3]);
  const curves = output(out, curvesName, spec, (d) => d.length === 3 && d[0] === 1 && d[1] === 3 && d[2]! >= 2);
  const matrix = output(out, matrixName, spec, (d) => d.length === 3 && d[0] === 1 && d[1] === 3 && d[2] === 3);
  const mono = output(out, monoName, spec, (d) => d.length === 2 && d[0] === 1 && d[1] === 1);
  const tint = output(out, tintName, spec, (d) => d.length === 2 && d[0] === 1 && d[1] === 6);
  return {
    params: {
      gridSize: grid.dims[2]!, grid: grid.data.slice(), knots: curves.dims[2]!, curves: curves.data.slice(),
      matrix: matrix.data.slice(), mono: mono.data[0]!, tint: tint.data.slice(),
    },
    isGrey: image.channels < 3 || isGreyInput(input),
  };
}

/** Predicts and applies the tone transform of one photo. */
export async function restoreTone(
  session: ort.InferenceSession,
  spec: ModelSpec,
  image: Raster,
  opts: ToneOptions,
): Promise<ToneOutcome & { params: ToneParams }> {
  const { params, isGrey } = await predictTone(session, spec, image);
  return { ...applyTone(image, params, opts, isGrey), params };
}
