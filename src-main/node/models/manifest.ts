/**
 * Types of models/manifest.json, the contract between the training toolkit (which writes it) and the
 * engine (which reads it). Field meanings: ../shared/DESIGN.md, "Model contract".
 */
import type { DetectPostprocess } from '../../core/detect.js';

/** What a model does (`restore-tone`: fading and colour casts, a smooth transform; see core/tone.ts). */
export type ModelTask = 'inpaint' | 'detect-damage' | 'restore-tone';

/** Size rule: any size padded to a multiple, or one fixed square size. */
export type SizeRule = { kind: 'dynamic'; padMultiple: number; min?: number } | { kind: 'fixed'; size: number };

/** One input or output tensor as the manifest describes it. */
export interface TensorSpec {
  name: string;
  dtype: string;
  layout?: string;
  channels?: number;
  range?: [number, number];
  hole?: number;
}

/** One model entry of the manifest (or of a user model's sidecar .json). */
export interface ManifestEntry {
  id: string;
  name?: string;
  task: ModelTask;
  family?: string;
  file: string;
  sha256?: string;
  bytes?: number;
  io?: { inputs?: TensorSpec[]; outputs?: TensorSpec[]; size?: SizeRule };
  tile?: { size: number; overlap: number };
  postprocess?: DetectPostprocess;
  /**
   * detect-damage only: the id of the detect-damage model that looks at grey and toned prints instead of this
   * one (core/print-kind.ts decides per photo); ignored when that model is not installed.
   */
  prints?: string;
  license?: string;
  card?: string;
  training?: unknown;
  scores?: unknown;
  /** Third-party contract, when the entry describes a LaMa or MI-GAN export. */
  format?: 'native' | 'lama' | 'migan';
}

/** The whole manifest file. */
export interface Manifest {
  version?: number;
  defaults?: Partial<Record<ModelTask, string>>;
  models: ManifestEntry[];
}
