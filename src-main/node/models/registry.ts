/**
 * The model registry: the bundled models/manifest.json, the user's models folder (any .onnx, with an
 * optional sidecar <name>.json entry), and the built-in classical fallback. Third-party LaMa and MI-GAN
 * exports are recognised by their graph signature so users can drop them in without writing a manifest.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { badInput, isKintsugiError, KintsugiError } from '../../core/errors.js';
import { DEFAULT_DETECT_POSTPROCESS, type DetectPostprocess } from '../../core/detect.js';
import type { Manifest, ManifestEntry, ModelTask, SizeRule } from './manifest.js';
import { describeSignature, type OnnxSignature, readOnnxSignature, type TensorSignature } from './onnx-signature.js';

/** How the engine must feed a model: our own contract, a third-party export, or no network at all. */
export type ModelFormat = 'native' | 'lama' | 'migan' | 'classical';

/** Everything the inference worker needs to build a backend for one model (plain data, cloneable). */
export interface ModelSpec {
  id: string;
  task: ModelTask;
  format: ModelFormat;
  /** Absolute path of the .onnx file; null for the classical fallback. */
  file: string | null;
  size: SizeRule;
  tile: { size: number; overlap: number };
  postprocess?: DetectPostprocess;
  /** detect-damage: the model grey and toned prints go to instead (ManifestEntry.prints). */
  prints?: string;
  inputNames: string[];
  outputNames: string[];
  /** Architecture family from the manifest (e.g. partial-conv): says how far the network looks around a pixel. */
  family?: string;
}

/** A model the registry knows, with the facts `kintsugi models` and the UI show. */
export interface RegisteredModel {
  spec: ModelSpec;
  name: string;
  family: string;
  bytes: number;
  source: 'builtin' | 'bundled' | 'user';
  sha256?: string;
  scores?: unknown;
  card?: string;
}

/** A model file that was found but could not be used, and why (shown, never fatal). */
export interface RejectedModel {
  file: string;
  reason: string;
}

/** The id of the built-in fast-marching inpainter; selects the classical fallback everywhere. */
export const CLASSICAL_ID = 'classical';

const CLASSICAL: RegisteredModel = {
  spec: {
    id: CLASSICAL_ID,
    task: 'inpaint',
    format: 'classical',
    file: null,
    size: { kind: 'dynamic', padMultiple: 1 },
    tile: { size: 1024, overlap: 32 },
    inputNames: [],
    outputNames: [],
  },
  name: 'Classical fill (fast marching, Telea)',
  family: 'telea',
  bytes: 0,
  source: 'builtin',
};

/** Where the registry looks. */
export interface RegistryOptions {
  /** Folder holding manifest.json and the bundled .onnx files. */
  modelsDir?: string;
  /** Folder of user-added models. */
  userModelsDir?: string;
}

/**
 * Finds the bundled models folder: KINTSUGI_MODELS_DIR, then Electron's resources folder, then the
 * nearest `models/` above this module (works from src-main/ under tsx and from dist/main/).
 */
export function defaultModelsDir(): string {
  if (process.env.KINTSUGI_MODELS_DIR) return resolve(process.env.KINTSUGI_MODELS_DIR);
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  if (resources && existsSync(join(resources, 'models'))) return join(resources, 'models');
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'models'))) return join(dir, 'models');
    dir = dirname(dir);
  }
  return resolve('models');
}

/** The user's models folder: KINTSUGI_USER_MODELS, else $XDG_CONFIG_HOME/kintsugi/models (~/.config/…). */
export function defaultUserModelsDir(): string {
  if (process.env.KINTSUGI_USER_MODELS) return resolve(process.env.KINTSUGI_USER_MODELS);
  const config = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(config, 'kintsugi', 'models');
}

const isFloat = (t: TensorSignature | undefined): boolean => t?.dtype === 'float32';
const isU8 = (t: TensorSignature | undefined): boolean => t?.dtype === 'uint8';
const dimsAre = (t: TensorSignature | undefined, c: number): boolean =>
  !!t?.shape && t.shape.length === 4 && (t.shape[1] === c || typeof t.shape[1] !== 'number');
const fixedSide = (t: TensorSignature | undefined): number | undefined => {
  const h = t?.shape?.[2];
  const w = t?.shape?.[3];
  return typeof h === 'number' && typeof w === 'number' && h === w ? h : undefined;
};

/** What a graph signature says about a model, when it matches a contract we know. */
export interface Recognised {
  task: ModelTask;
  format: Exclude<ModelFormat, 'classical'>;
  size: SizeRule;
  tile: { size: number; overlap: number };
  inputNames: string[];
  outputNames: string[];
  family: string;
}

/**
 * Matches a signature against the known contracts (DESIGN.md): native inpaint / detector, LaMa ONNX
 * (fixed 512 float, output 0..255) and MI-GAN pipeline (uint8, 255 = keep). Returns undefined otherwise.
 */
export function recognise(sig: OnnxSignature): Recognised | undefined {
  const input = (name: string): TensorSignature | undefined => sig.inputs.find((t) => t.name === name);
  const image = input('image');
  const mask = input('mask');
  if (sig.inputs.length === 2 && image && mask && sig.outputs.length === 1) {
    const out = sig.outputs[0]!;
    if (isU8(image) && isU8(mask) && isU8(out) && dimsAre(image, 3) && dimsAre(mask, 1)) {
      return {
        task: 'inpaint', format: 'migan', size: { kind: 'dynamic', padMultiple: 1 }, tile: { size: 2048, overlap: 64 },
        inputNames: ['image', 'mask'], outputNames: [out.name], family: 'mi-gan',
      };
    }
    if (isFloat(image) && isFloat(mask) && isFloat(out) && dimsAre(image, 3) && dimsAre(mask, 1)) {
      const side = fixedSide(image);
      if (side !== undefined) {
        // A fixed-size float export with these names is the LaMa (Carve) contract: output in 0..255.
        return {
          task: 'inpaint', format: 'lama', size: { kind: 'fixed', size: side }, tile: { size: side, overlap: 64 },
          inputNames: ['image', 'mask'], outputNames: [out.name], family: 'lama',
        };
      }
      // Without a sidecar the network's down-sampling depth is unknown: 32 fits up to five stride-2 stages.
      return {
        task: 'inpaint', format: 'native', size: { kind: 'dynamic', padMultiple: 32 }, tile: { size: 512, overlap: 32 },
        inputNames: ['image', 'mask'], outputNames: [out.name], family: 'unknown',
      };
    }
  }
  if (sig.inputs.length === 1 && image && isFloat(image) && dimsAre(image, 3) && sig.outputs.length === 1) {
    const out = sig.outputs[0]!;
    if (isFloat(out) && dimsAre(out, 1)) {
      return {
        task: 'detect-damage', format: 'native', size: { kind: 'dynamic', padMultiple: 32 }, tile: { size: 512, overlap: 32 },
        inputNames: ['image'], outputNames: [out.name], family: 'unknown',
      };
    }
  }
  return undefined;
}

/** Checks that an .onnx file has the inputs/outputs its manifest entry (or its signature) promises. */
async function specFromEntry(entry: ManifestEntry, file: string): Promise<ModelSpec> {
  const sig = await readOnnxSignature(file);
  const seen = recognise(sig);
  const wantIn = entry.io?.inputs?.map((t) => t.name) ?? seen?.inputNames ?? [];
  const wantOut = entry.io?.outputs?.map((t) => t.name) ?? seen?.outputNames ?? [];
  const missing = [...wantIn.filter((n) => !sig.inputs.some((t) => t.name === n)), ...wantOut.filter((n) => !sig.outputs.some((t) => t.name === n))];
  if (missing.length > 0 || wantIn.length === 0) {
    throw badInput(file, `model does not match its manifest entry "${entry.id}" (missing ${missing.join(', ') || 'inputs'}; the file has ${describeSignature(sig)})`);
  }
  const format = entry.format ?? (seen?.format && seen.task === entry.task ? seen.format : 'native');
  const size: SizeRule = entry.io?.size ?? seen?.size ?? { kind: 'dynamic', padMultiple: 8 };
  const spec: ModelSpec = {
    id: entry.id,
    task: entry.task,
    format,
    file,
    size,
    tile: entry.tile ?? seen?.tile ?? { size: 512, overlap: 32 },
    inputNames: wantIn,
    outputNames: wantOut,
    ...(entry.family ? { family: entry.family } : {}),
  };
  if (entry.task === 'detect-damage') {
    spec.postprocess = entry.postprocess ?? DEFAULT_DETECT_POSTPROCESS;
    if (typeof entry.prints === 'string' && entry.prints !== entry.id) spec.prints = entry.prints;
  }
  return spec;
}

async function readJson<T>(file: string): Promise<T> {
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw badInput(file, `not valid JSON (${(e as Error).message})`, e);
  }
}

function checkEntry(entry: unknown, file: string): ManifestEntry {
  const e = entry as Partial<ManifestEntry> | null;
  if (!e || typeof e !== 'object' || typeof e.id !== 'string' || typeof e.file !== 'string') {
    throw badInput(file, 'model entry needs string "id" and "file"');
  }
  if (e.task !== 'inpaint' && e.task !== 'detect-damage' && e.task !== 'restore-tone') throw badInput(file, `model "${e.id}" has unknown task ${String(e.task)}`);
  return e as ManifestEntry;
}

/** The models found, the defaults per task, and the files that were skipped with their reasons. */
export class Registry {
  constructor(
    readonly models: RegisteredModel[],
    readonly defaults: Partial<Record<ModelTask, string>>,
    readonly rejected: RejectedModel[],
  ) {}

  /** A model by id; unknown ids are bad input listing the ids that exist. */
  get(id: string): RegisteredModel {
    const m = this.models.find((x) => x.spec.id === id);
    if (!m) throw badInput(undefined, `unknown model "${id}"; installed: ${this.models.map((x) => x.spec.id).join(', ')}`);
    return m;
  }

  /** The installed detect-damage model that grey and toned prints go to instead of `model` (ManifestEntry.prints). */
  printsModelOf(model: RegisteredModel): RegisteredModel | undefined {
    const id = model.spec.prints;
    return id ? this.models.find((m) => m.spec.id === id && m.spec.task === 'detect-damage') : undefined;
  }

  /** The default for a task: the manifest's choice, else the first model of that task, else classical. */
  defaultFor(task: ModelTask): RegisteredModel | undefined {
    const chosen = this.defaults[task];
    const byDefault = chosen ? this.models.find((m) => m.spec.id === chosen && m.spec.task === task) : undefined;
    return byDefault ?? this.models.find((m) => m.spec.task === task && m.source !== 'builtin') ?? this.models.find((m) => m.spec.task === task);
  }
}

async function loadBundled(dir: string, rejected: RejectedModel[]): Promise<{ models: RegisteredModel[]; defaults: Manifest['defaults'] }> {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) return { models: [], defaults: {} };
  const manifest = await readJson<Manifest>(manifestPath);
  const models: RegisteredModel[] = [];
  for (const raw of manifest.models ?? []) {
    try {
      const entry = checkEntry(raw, manifestPath);
      const file = resolve(dir, entry.file);
      if (!existsSync(file)) {
        rejected.push({ file, reason: `${file}: listed in ${manifestPath} but not present` });
        continue;
      }
      const size = (await stat(file)).size;
      if (entry.bytes !== undefined && entry.bytes !== size) {
        rejected.push({ file, reason: `${file}: file is ${size} bytes but the manifest says ${entry.bytes} (incomplete or replaced)` });
        continue;
      }
      models.push({
        spec: await specFromEntry(entry, file),
        name: entry.name ?? entry.id,
        family: entry.family ?? 'unknown',
        bytes: size,
        source: 'bundled',
        sha256: entry.sha256,
        scores: entry.scores,
        card: entry.card ? resolve(dir, entry.card) : undefined,
      });
    } catch (e) {
      if (!isKintsugiError(e)) throw e;
      rejected.push({ file: e.file ?? manifestPath, reason: e.message });
    }
  }
  return { models, defaults: manifest.defaults ?? {} };
}

/**
 * Describes one user .onnx file: from its sidecar <name>.json when present, else by recognising its
 * signature. Incompatible or corrupt files are bad-input errors naming the file.
 */
export async function inspectUserModel(file: string): Promise<RegisteredModel> {
  const sidecar = join(dirname(file), `${basename(file, extname(file))}.json`);
  const bytes = (await stat(file)).size;
  if (existsSync(sidecar)) {
    const entry = checkEntry({ ...(await readJson<object>(sidecar)), file: basename(file) }, sidecar);
    return {
      spec: await specFromEntry(entry, file), name: entry.name ?? entry.id, family: entry.family ?? 'unknown',
      bytes, source: 'user', sha256: entry.sha256, scores: entry.scores, card: entry.card,
    };
  }
  const sig = await readOnnxSignature(file);
  const seen = recognise(sig);
  if (!seen) {
    throw badInput(file, `not a model Kintsugi can use: expected the native, LaMa or MI-GAN contract but the file has ${describeSignature(sig)}`);
  }
  const id = `user:${basename(file, extname(file))}`;
  const label = { lama: 'LaMa', migan: 'MI-GAN', native: 'Kintsugi-contract' }[seen.format];
  const spec: ModelSpec = { id, task: seen.task, format: seen.format, file, size: seen.size, tile: seen.tile, inputNames: seen.inputNames, outputNames: seen.outputNames };
  if (seen.task === 'detect-damage') spec.postprocess = DEFAULT_DETECT_POSTPROCESS;
  return { spec, name: `${basename(file)} (${label} ${seen.task === 'inpaint' ? 'inpainting' : 'damage detector'})`, family: seen.family, bytes, source: 'user' };
}

async function loadUser(dir: string, rejected: RejectedModel[]): Promise<RegisteredModel[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const models: RegisteredModel[] = [];
  for (const name of names.sort()) {
    if (extname(name).toLowerCase() !== '.onnx') continue;
    const file = join(dir, name);
    try {
      models.push(await inspectUserModel(file));
    } catch (e) {
      if (!(e instanceof KintsugiError)) throw e;
      rejected.push({ file, reason: e.message });
    }
  }
  return models;
}

/** Reads the bundled manifest and the user folder; never fails because of one bad model file. */
export async function loadRegistry(opts: RegistryOptions = {}): Promise<Registry> {
  const rejected: RejectedModel[] = [];
  const bundled = await loadBundled(opts.modelsDir ?? defaultModelsDir(), rejected);
  const user = await loadUser(opts.userModelsDir ?? defaultUserModelsDir(), rejected);
  const models = [...bundled.models];
  for (const m of user) if (!models.some((x) => x.spec.id === m.spec.id)) models.push(m);
  models.push(CLASSICAL);
  return new Registry(models, bundled.defaults ?? {}, rejected);
}
