/**
 * Messages between the Engine (caller thread) and the inference worker. Plain, structured-cloneable data;
 * pixel buffers travel as transferred ArrayBuffers, errors as KintsugiError JSON.
 */
import type { ErrorCode } from '../../core/errors.js';
import type { Device, Mask, Raster } from '../../core/image.js';
import type { ToneParams } from '../../core/tone.js';
import type { FillDetail } from '../../core/pipeline.js';
import type { ModelSpec } from '../models/registry.js';

/** Asks the worker to create (or reuse) the session of a model and report its provider. */
export interface PrepareRequest {
  kind: 'prepare';
  id: string;
  model: ModelSpec;
  device: Device;
}

/** Inpaints the mask's holes of an image. */
export interface RestoreRequest {
  kind: 'restore';
  id: string;
  model: ModelSpec;
  device: Device;
  image: Raster;
  mask: Mask;
  /** Pixels to grow the mask by before filling (0: filled exactly as given). */
  grow: number;
  /** Fine detail added to the fill. */
  detail: FillDetail;
  /** Whether the damage's edge around a tight mask is hidden from the network (core/halo.ts). */
  haloGuard: boolean;
}

/** Proposes a damage mask for an image. */
export interface DetectRequest {
  kind: 'detect';
  id: string;
  model: ModelSpec;
  device: Device;
  image: Raster;
  /** Overrides the model's `postprocess.threshold` (the user's sensitivity). */
  threshold?: number;
  /** Nobody reviews this mask (restore or batch without masks): the manifest's `postprocess.unattended`. */
  unattended?: boolean;
  /** Also return what the proposal leaves out for a person to add (`suggested`). */
  suggest?: boolean;
  /** Also return the marks too thick to fill unreviewed, as a mask (`areas`), not only how many. */
  areas?: boolean;
}

/** Restores the tone (fading, colour cast, see-through stains) of a whole photo with a `restore-tone` model. */
export interface ToneRequest {
  kind: 'tone';
  id: string;
  model: ModelSpec;
  device: Device;
  image: Raster;
  /** 0 = unchanged, 1 = the model's full correction. */
  strength: number;
  /** Black-and-white prints keep their toning instead of coming out neutral grey. */
  keepSepia: boolean;
}

/** Soft cancel: the job stops at the next tile boundary. */
export interface CancelRequest {
  kind: 'cancel';
  id: string;
}

/** Hard stop: the worker exits as soon as it is back in JavaScript (never terminated mid native call). */
export interface RetireRequest {
  kind: 'retire';
}

/** Everything the caller may send. */
export type WorkerRequest = PrepareRequest | RestoreRequest | DetectRequest | ToneRequest | CancelRequest | RetireRequest;

/** Which provider a session runs on, and why that one (failed attempts with their reasons). */
export interface ProviderChoice {
  provider: string;
  reason: string;
}

/** Results per request kind. */
export interface WorkerResults {
  prepare: ProviderChoice;
  restore: { image: Raster; provider: string };
  /**
   * `areasLeft`: marks too thick to fill unreviewed (core/areas.ts); `suggested`: what the proposal leaves out
   * (asked for with `suggest`; core/detect.ts); `areas`: the marks `areasLeft` counts (asked for with `areas`).
   */
  detect: { mask: Mask; provider: string; areasLeft?: number; suggested?: Mask; areas?: Mask };
  /** The toned photo, the transform the model predicted, and whether it was treated as black-and-white. */
  tone: { image: Raster; provider: string; params: ToneParams; isMono: boolean };
}

/** Everything the worker may send back. */
export type WorkerResponse =
  | { kind: 'progress'; id: string; stage: string; done: number; total: number }
  | { kind: 'done'; id: string; value: WorkerResults[keyof WorkerResults] }
  | { kind: 'failed'; id: string; error: { code: ErrorCode; message: string; file?: string } };

/** The ArrayBuffer behind a typed array, when it can be handed over whole (no other view shares it). */
export function ownBuffer(a: Uint8Array | Uint16Array | Float32Array): ArrayBuffer | undefined {
  const b = a.buffer;
  return b instanceof ArrayBuffer && a.byteOffset === 0 && a.byteLength === b.byteLength ? b : undefined;
}

/** What the inference worker is started with. */
export interface InferenceWorkerData {
  /** onnxruntime intra-op threads per session; absent = every core. */
  threads?: number;
}
