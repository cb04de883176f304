/**
 * The engine facade every surface uses (CLI, app service, batch, evaluation): finds models, runs detection
 * and restoration in the inference worker, and reports which execution provider runs each model and why.
 */
import type { ModelView } from '../core/api/contract.js';
import { badInput, KintsugiError } from '../core/errors.js';
import type { Device, Mask, Progress, Raster } from '../core/image.js';
import { addInto, countUnfilled, MAX_GROW } from '../core/mask.js';
import type { FillDetail } from '../core/pipeline.js';
import { isTonedPrint } from '../core/print-kind.js';
import { isValidStrength, type ToneParams } from '../core/tone.js';
import { InferenceClient } from './inference/worker-client.js';
import type { ModelTask } from './models/manifest.js';
import { CLASSICAL_ID, loadRegistry, type RegisteredModel, type Registry, type RejectedModel } from './models/registry.js';

/** Where models come from and which device jobs use by default. */
export interface EngineOptions {
  modelsDir?: string;
  userModelsDir?: string;
  device?: Device;
  /** How long a cancelled job may keep running before its worker is retired (default 2 s). */
  hardStopMs?: number;
  /** onnxruntime intra-op threads per session (default: every core); batch `--jobs N` splits the cores. */
  threads?: number;
}

/** A model as listed to people (`kintsugi models`, the model picker). */
export type ModelInfo = ModelView & {
  /** Absolute path of the ONNX file; null for the built-in classical fill. */
  file: string | null;
  sha256?: string;
};

/** Per-job choices. */
export interface JobOptions {
  modelId?: string;
  device?: Device;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Id carried by this job's progress events; generated when absent. */
  jobId?: string;
  /** Hand the input pixel buffers to the worker instead of copying them; the caller's arrays detach. */
  transferInput?: boolean;
}

/** Options of `Engine.detect`. */
export interface DetectOptions extends JobOptions {
  /** Detection threshold in (0, 1) instead of the model's own (manifest `postprocess.threshold`). */
  threshold?: number;
  /**
   * The mask will be used without anyone reviewing it (restore or batch without masks): the detector's
   * conservative operating point (manifest `postprocess.unattended`), only what it is sure of.
   */
  unattended?: boolean;
  /** Also return what the proposal leaves out for a person reviewing it (`suggested`; not with `unattended`). */
  suggest?: boolean;
}

/** What `Engine.detect` proposes. */
export interface Detection {
  mask: Mask;
  modelId: string;
  provider: string;
  /** Marks too thick to fill unreviewed (core/areas.ts). */
  areasLeft?: number;
  /** The first look's marks the proposal leaves out (areas, doubted thin marks), when asked for and any. */
  suggested?: Mask;
}

/** Options of `Engine.restore`. */
export interface RestoreOptions extends JobOptions {
  /**
   * Also fill every pixel within this many pixels of the mask (0 to MAX_GROW; default 0: the mask is
   * filled exactly as given and every other pixel comes back bit-identical).
   */
  grow?: number;
  /**
   * Fine detail added to the fill (core/pipeline.ts FillDetail): the photo's own texture copied from matching
   * places ('texture'), synthetic grain ('grain') or none, the network's smooth fill as it is; default
   * DEFAULT_DETAIL.
   */
  detail?: FillDetail;
  /** Hide the damage's soft edge around a tight mask from the network (core/halo.ts); default DEFAULT_HALO_GUARD. */
  haloGuard?: boolean;
}

/**
 * Copied texture by default: on the dev set it raises the fill's detail ratio from about 0.1 to 0.5 (synthetic
 * grain: 0.27, Telea: 0.21) for about 0.1-0.2 dB of PSNR per hole band (README, "Detail in the fill").
 */
export const DEFAULT_DETAIL: FillDetail = 'texture';

/**
 * The halo guard is on by default: on the real labelled scans, whose masks are tight, it lifts the fill near
 * the damage by up to 1.8 dB, past Telea (README, "Masks drawn tight"); on the dev set's exact masks it costs
 * 0.02–0.03 dB per hole band.
 */
export const DEFAULT_HALO_GUARD = true;

/** Options of `Engine.tone`. */
export interface ToneJobOptions extends JobOptions {
  /** 0 = unchanged, 1 = the model's full correction (default 1). */
  strength?: number;
  /** Black-and-white prints keep their sepia (or other) toning instead of coming out neutral grey. */
  keepSepia?: boolean;
}

/** A tone strength must be a number from 0 to 1. */
export function checkStrength(strength: number, what = 'tone strength'): void {
  if (!isValidStrength(strength)) throw badInput(undefined, `${what} must be a number from 0 to 1, got ${String(strength)}`);
}

/** A mask growth must be a whole number of pixels from 0 to MAX_GROW. */
export function checkGrow(grow: number, what = 'mask growth'): void {
  if (!Number.isInteger(grow) || grow < 0 || grow > MAX_GROW) {
    throw badInput(undefined, `${what} must be a whole number of pixels from 0 to ${MAX_GROW}, got ${String(grow)}`);
  }
}

/** A detection threshold must lie strictly between 0 and 1 (0 would mark everything, 1 nothing). */
export function checkThreshold(threshold: number, what = 'detection threshold'): void {
  if (!Number.isFinite(threshold) || threshold <= 0 || threshold >= 1) {
    throw badInput(undefined, `${what} must be a number between 0 and 1 (exclusive), got ${String(threshold)}`);
  }
}

function checkRaster(image: Raster): void {
  const { width, height, channels, data } = image;
  if (!(width > 0 && height > 0) || data.length !== width * height * channels) {
    throw badInput(undefined, `image buffer holds ${data.length} samples, expected ${width}×${height}×${channels}`);
  }
}

/** Runs restoration and damage detection; create one per concurrent job stream (each owns a worker). */
export class Engine {
  private constructor(
    private registry: Registry,
    private readonly client: InferenceClient,
    private readonly device: Device,
    private readonly options: EngineOptions,
  ) {}

  /** Loads the registry (bundled manifest + user folder); the worker starts with the first job. */
  static async create(opts: EngineOptions = {}): Promise<Engine> {
    const registry = await loadRegistry({ modelsDir: opts.modelsDir, userModelsDir: opts.userModelsDir });
    return new Engine(registry, new InferenceClient(opts.hardStopMs, opts.threads), opts.device ?? 'auto', opts);
  }

  /** Re-reads the manifest and the user models folder (after the user adds or removes a model file). */
  async refreshModels(): Promise<void> {
    this.registry = await loadRegistry({ modelsDir: this.options.modelsDir, userModelsDir: this.options.userModelsDir });
  }

  /** Model files that were found but skipped, with the reason (corrupt, incompatible, missing). */
  get rejectedModels(): readonly RejectedModel[] {
    return this.registry.rejected;
  }

  /** Every usable model; with resolveProviders, each session is created to learn its provider and why. */
  async listModels(opts: { resolveProviders?: boolean; device?: Device } = {}): Promise<ModelInfo[]> {
    const defaults = new Set(
      (['inpaint', 'detect-damage', 'restore-tone'] as const).map((t) => this.registry.defaultFor(t)?.spec.id).filter(Boolean),
    );
    const out: ModelInfo[] = [];
    for (const m of this.registry.models) {
      const info: ModelInfo = {
        id: m.spec.id, name: m.name, task: m.spec.task, family: m.family, file: m.spec.file, bytes: m.bytes,
        source: m.source, format: m.spec.format, isDefault: defaults.has(m.spec.id),
      };
      if (m.sha256) info.sha256 = m.sha256;
      if (m.scores !== undefined) info.scores = m.scores;
      if (m.card) info.card = m.card;
      if (m.spec.postprocess) info.threshold = m.spec.postprocess.threshold;
      const prints = this.registry.printsModelOf(m);
      if (prints) info.prints = prints.spec.id;
      if (opts.resolveProviders) {
        try {
          const choice = await this.client.call({ kind: 'prepare', model: m.spec, device: opts.device ?? this.device });
          info.provider = choice.provider;
          info.providerReason = choice.reason;
        } catch (e) {
          info.providerReason = e instanceof Error ? e.message : String(e);
        }
      }
      out.push(info);
    }
    return out;
  }

  /** The id of the model a job of this task would use (the given one, checked, or the default); bad input when none. */
  requireModel(task: ModelTask, modelId?: string): string {
    return this.pick(task, modelId).spec.id;
  }

  private pick(task: ModelTask, modelId?: string): RegisteredModel {
    if (modelId) {
      const m = this.registry.get(modelId);
      if (m.spec.task !== task) throw badInput(undefined, `model "${modelId}" is a ${m.spec.task} model, not ${task}`);
      return m;
    }
    const m = this.registry.defaultFor(task);
    if (!m) throw badInput(undefined, task === 'restore-tone' ? 'no tone-restoration model installed' : 'no damage-detection model installed');
    return m;
  }

  /**
   * The detector for this photo: a detector whose entry names a model for old prints (ManifestEntry.prints) hands
   * grey and toned prints to it when it is installed (core/print-kind.ts).
   */
  private forPhoto(model: RegisteredModel, image: Raster): RegisteredModel {
    const prints = this.registry.printsModelOf(model);
    return prints && isTonedPrint(image) ? prints : model;
  }

  /**
   * Starts the inference worker and creates the session of the model a job of `task` would use, without
   * waiting: a caller overlaps it with decoding the photo (on a 12 MP restore, worker start-up and session
   * creation are a few hundred milliseconds). Failures are left for the job itself to report.
   */
  warmUp(task: ModelTask, opts: { modelId?: string; device?: Device } = {}): void {
    let model: RegisteredModel;
    try {
      model = this.pick(task, opts.modelId);
    } catch {
      return;
    }
    if (model.spec.format === 'classical') return;
    this.client.call({ kind: 'prepare', model: model.spec, device: opts.device ?? this.device }).catch(() => undefined);
  }

  /**
   * Proposes a damage mask (thresholded, dilated probability map) at the image's resolution. `threshold`
   * overrides the model's operating threshold: lower marks more (fainter damage, more false marks).
   *
   * A grey or toned print goes to the detector's model for old prints (ManifestEntry.prints) when one is installed.
   * Where nobody reviews the mask (`unattended`) it gets both models' conservative masks together: the old-print
   * model finds crack networks the colour model leaves, the colour model keeps thick cracks the old-print model's
   * stricter areas rule leaves unfilled (models/cards/detect-damage-unet.md, session 17).
   */
  async detect(image: Raster, opts: DetectOptions = {}): Promise<Detection> {
    checkRaster(image);
    const { threshold } = opts;
    if (threshold !== undefined) checkThreshold(threshold);
    const picked = this.pick('detect-damage', opts.modelId);
    const model = this.forPhoto(picked, image);
    // Both models' masks together: each one's areas left for review are counted only where the other's mask
    // does not fill them.
    const union = !!opts.unattended && model !== picked;
    const run = (m: RegisteredModel, jobOpts: DetectOptions) => this.client.call(
      {
        kind: 'detect', model: m.spec, device: opts.device ?? this.device, image,
        ...(threshold !== undefined ? { threshold } : {}), ...(opts.unattended ? { unattended: true } : {}),
        ...(opts.suggest && !opts.unattended ? { suggest: true } : {}), ...(union ? { areas: true } : {}),
      },
      jobOpts,
    );
    if (union) {
      // Progress: the first look fills the first half of the bar, the second the rest.
      const { onProgress } = opts;
      const half = (k: 0 | 1) => onProgress && ((p: Progress) => onProgress({ ...p, done: p.done + k * p.total, total: 2 * p.total }));
      const first = await run(picked, { ...opts, transferInput: false, onProgress: half(0) });
      const second = await run(model, { ...opts, onProgress: half(1) });
      const mask = addInto(first.mask, second.mask);
      const left = first.areas && second.areas ? addInto(first.areas, second.areas) : (first.areas ?? second.areas);
      const areasLeft = left ? countUnfilled(left, mask) : Math.max(first.areasLeft ?? 0, second.areasLeft ?? 0);
      return { mask, modelId: model.spec.id, provider: second.provider, areasLeft };
    }
    const r = await run(model, opts);
    return {
      mask: r.mask, modelId: model.spec.id, provider: r.provider,
      ...(r.areasLeft !== undefined ? { areasLeft: r.areasLeft } : {}), ...(r.suggested ? { suggested: r.suggested } : {}),
    };
  }

  /** Fills the mask's holes (grown only when `grow` asks); every other pixel comes back bit-identical. */
  async restore(image: Raster, mask: Mask, opts: RestoreOptions = {}): Promise<{ image: Raster; modelId: string; provider: string }> {
    checkRaster(image);
    const grow = opts.grow ?? 0;
    checkGrow(grow);
    if (mask.width !== image.width || mask.height !== image.height) {
      throw badInput(undefined, `mask is ${mask.width}×${mask.height} but the image is ${image.width}×${image.height}`);
    }
    if (mask.data.length !== mask.width * mask.height) throw new KintsugiError('bad-input', 'mask buffer has the wrong length');
    const model = this.pick('inpaint', opts.modelId);
    const r = await this.client.call(
      { kind: 'restore', model: model.spec, device: opts.device ?? this.device, image, mask, grow,
        detail: opts.detail ?? DEFAULT_DETAIL, haloGuard: opts.haloGuard ?? DEFAULT_HALO_GUARD },
      opts,
    );
    return { image: r.image, modelId: model.spec.id, provider: r.provider };
  }

  /**
   * Restores the tone of a whole photo (fading, colour cast, see-through stains): the `restore-tone` model looks
   * at a small copy and its smooth transform is applied at full resolution; same size, channels and depth back.
   */
  async tone(image: Raster, opts: ToneJobOptions = {}): Promise<{ image: Raster; modelId: string; provider: string; params: ToneParams; isMono: boolean }> {
    checkRaster(image);
    const strength = opts.strength ?? 1;
    checkStrength(strength);
    const model = this.pick('restore-tone', opts.modelId);
    const r = await this.client.call(
      { kind: 'tone', model: model.spec, device: opts.device ?? this.device, image, strength, keepSepia: !!opts.keepSepia },
      opts,
    );
    return { image: r.image, modelId: model.spec.id, provider: r.provider, params: r.params, isMono: r.isMono };
  }

  /**
   * Hard stop: jobs in flight are rejected now and the next job starts a new worker; the old one exits at
   * its next return from native code. The promise resolves when it is gone (callers need not wait).
   */
  stop(): Promise<void> {
    return this.client.hardStop();
  }

  /** The worker thread's id while one is running (diagnostics, tests). */
  get workerThreadId(): number | undefined {
    return this.client.threadId;
  }

  /**
   * Lets the inference worker go when no job is running (its sessions and their memory arenas with it); the
   * engine stays usable and starts a fresh worker for the next job.
   */
  async release(): Promise<void> {
    await this.client.release();
  }

  /** Ends the worker; the engine cannot be used afterwards. */
  async close(): Promise<void> {
    await this.client.close();
  }
}

/** The id that selects the built-in classical fill (`--model classical`). */
export { CLASSICAL_ID };
