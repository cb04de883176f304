/**
 * The result (view) types of the contract: plain JSON, what crosses the boundary — sessions, history rows,
 * models, exports, batches, pushed events and the wire result every call returns. Split from contract.ts
 * (which re-exports them) so the channel table stays readable. Pure.
 */
import type { StrokeCommand, ExportFormat } from './contract.js';

/** Error codes that survive the boundary (those of core/errors.ts). */
export type ApiErrorCode = 'bad-input' | 'cancelled' | 'internal';
/** What every invoke returns on the wire, so errors survive IPC/HTTP as data (Signal's wrapResult). */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: { code: ApiErrorCode; message: string } };

/** Kinds of history entries; `open` is always entry 0, `snapshot` replaces entries dropped by the byte cap. */
export type HistoryKind = 'open' | 'snapshot' | 'stroke' | 'clear' | 'mask-import' | 'detect' | 'restore' | 'tone';

/** The kinds of job the editor runs: detect damage, fill it, fix fading and colour. */
export type JobKind = 'detect' | 'restore' | 'tone';

/** One row of the history panel. */
export interface HistoryEntryView {
  index: number;
  kind: HistoryKind;
  /** Human label, e.g. "Brush stroke (24 px)", "Detect damage (unet-s)", "Restore (classical)". */
  label: string;
  /** For `stroke` entries, so a renderer can redraw without fetching the mask. */
  stroke?: StrokeCommand;
  /** The entry stores the whole mask it leaves (every non-stroke step, and every Nth stroke of a long run). */
  keyframe?: boolean;
  /** For `restore` entries: the picture it made and the model that made it (the editor's versions). */
  resultBlobId?: string;
  modelId?: string;
  createdAt: number;
}

/** The history panel: all entries and which one is current (entries after `cursor` are redo-able). */
export interface HistoryView {
  entries: HistoryEntryView[];
  cursor: number;
  canUndo: boolean;
  canRedo: boolean;
}

/** What the renderer needs to know about the open photo; its pixels come from `originalBlobId`. */
export interface PhotoInfo {
  /** File name shown in the title bar. */
  name: string;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  depth: 8 | 16;
  format: 'jpeg' | 'png' | 'tiff' | 'webp' | 'avif' | 'gif' | 'heif';
  hasAlpha: boolean;
}

/**
 * The state of the one open photo at the history cursor. Blob ids are fetched with the blob URL helpers:
 * `originalBlobId` is a PNG of the decoded original; `resultBlobId` the latest restore at the cursor (null
 * before any); `maskBlobId` a gray PNG of the mask at the cursor (white = hole; null when empty). A blob id
 * changes whenever its content does, so it can be used as a cache key.
 */
export interface SessionView {
  sessionId: string;
  projectId: string;
  projectName: string;
  photo: PhotoInfo;
  originalBlobId: string;
  resultBlobId: string | null;
  maskBlobId: string | null;
  /** Number of hole pixels in the mask at the cursor. */
  holePixels: number;
  history: HistoryView;
  /** Fix fading and colour at the cursor; null when off (absent from hosts without the tone step). */
  tone?: ToneView | null;
  /**
   * What the last detection at the cursor left out of its proposal for a person to judge (large areas, thin
   * lines a second look doubted): `blobId` an RGBA PNG of them tinted for display; null when there are none.
   */
  suggestions?: SuggestionsView | null;
}

/** The detection's suggestions at the cursor (see SessionView.suggestions). */
export interface SuggestionsView {
  blobId: string;
  /** Suggested pixels not yet in the mask. */
  pixels: number;
  /** Separate suggested marks. */
  marks: number;
}

/** A job (detect, restore or tone) started; follow it with events and `app:job.wait`. */
export interface JobStarted {
  jobId: string;
  kind: JobKind;
}

/**
 * "Fix fading and colour" at the history cursor (null: off). The tone is a layer over the repaired photo: detect
 * and restore work on `baseBlobId` (the photo before the tone; null = the original), and the result shown is
 * `fullBlobId` (the full correction of that photo) blended in by `strength` — which is also how the editor
 * previews another strength while the slider moves (no job needed).
 */
export interface ToneView {
  strength: number;
  keepSepia: boolean;
  modelId: string;
  /** The model treated the photo as black-and-white (grey out, or its sepia kept). */
  isMono: boolean;
  baseBlobId: string | null;
  fullBlobId: string;
}

/** What a model does: fill holes, propose a damage mask, or restore the tone (fading, colour cast). */
export type ModelTaskName = 'inpaint' | 'detect-damage' | 'restore-tone';

/** A model as the model/device picker shows it, including where it runs and why. */
export interface ModelView {
  id: string;
  name: string;
  task: ModelTaskName;
  family: string;
  bytes: number;
  source: 'builtin' | 'bundled' | 'user';
  format: 'native' | 'lama' | 'migan' | 'classical';
  isDefault: boolean;
  provider?: string;
  providerReason?: string;
  /** Detectors: the probability at which a pixel counts as damage unless the user picks another. */
  threshold?: number;
  /** Detectors: the installed detector that grey and toned prints go to instead (manifest `prints`). */
  prints?: string;
  scores?: unknown;
  card?: string;
}

/**
 * A model's mean scores over one band: hole-ratio bands (`band0` = 1-10 % holes, …) for inpainting, the held-out
 * set for a damage detector (F1 and IoU of its masks). Each figure is absent when the source did not measure it.
 */
export interface BandScore {
  band: string;
  psnr?: number;
  ssim?: number;
  /** PSNR / SSIM over the hole pixels only. */
  psnrHole?: number;
  ssimHole?: number;
  /** Fill's mean |Laplacian| in the hole over the clean photo's (1 = as detailed as the real photo). */
  detail?: number;
  /** Detectors: F1 and IoU of the proposed masks against the true damage. */
  f1?: number;
  iou?: number;
  images?: number;
}

/** One row of a model leaderboard (one per task): a model's scores by band, from an eval run or its manifest. */
export interface LeaderboardRow {
  modelId: string;
  name: string;
  task: ModelTaskName;
  /** Where the figures come from: an evaluation run in the library, or the model's manifest entry (its card's dev scores). */
  source: 'eval-run' | 'manifest';
  runId?: string;
  scores: BandScore[];
  createdAt?: number;
}

/** A model's card as the Models view renders it: Markdown text, null when the model has none. */
export interface ModelCard {
  modelId: string;
  markdown: string | null;
}

/**
 * A file or folder the backend chose or accepted (a native dialog in the desktop app, a typed path in the
 * web host), named from then on by `id`. The renderer never hands a path back: a compromised page cannot
 * make the backend read or write anywhere the person did not choose.
 */
export interface PathGrant {
  id: string;
  kind: 'photo' | 'folder';
  /** Last path component, for display. */
  name: string;
  /** Where it is, for display only. */
  path: string;
}

/** A project in the library (one per opened photo; the original file is referenced, never copied/written). */
export interface ProjectSummary {
  id: string;
  name: string;
  sourceName: string;
  sourcePath: string;
  width: number;
  height: number;
  historyLength: number;
  createdAt: number;
  updatedAt: number;
  /** A small JPEG of the photo (absent for projects made before thumbnails). */
  thumbBlobId?: string;
  /** The folder the photo was opened from; null when it was uploaded from a browser (no folder known). */
  folder?: string | null;
}

/** A file produced by export: downloadable by blob id; `path` is set when it was written to disk (Electron). */
export interface ExportResult {
  blobId: string;
  fileName: string;
  path: string | null;
  bytes: number;
  /** `html`: the before/after slider page. */
  format: ExportFormat | 'gif' | 'heif' | 'html';
}

/** Per-file state inside a batch. */
export type BatchFileState = 'pending' | 'running' | 'done' | 'failed' | 'skipped' | 'cancelled';

/** Where a photo stands in a batch's mask review: its proposal is waiting, accepted, or the photo is left out. */
export type ReviewState = 'proposed' | 'accepted' | 'skipped';

/** One photo of a batch. */
export interface BatchFileView {
  path: string;
  /** Where it is inside the folder of photos (`sub/a.jpg`), for display. */
  rel?: string;
  state: BatchFileState;
  outPath?: string;
  /** The restored copy as a photo id for `app:photo.open`, once it is done. */
  outFileId?: string;
  error?: string;
  /** A small JPEG of the photo for the queue view (node/batch batchThumbnail), when made. */
  thumbBlobId?: string;
  /** Done by an earlier run on the same folders (not redone, not a failure). */
  isResumed?: boolean;
  /** The photo's mask (gray PNG, white = hole) when the batch has it: the proposal under review, the mask used. */
  maskBlobId?: string;
  review?: ReviewState;
  /** The photo being worked on: how far (0..1) and at which stage. */
  progress?: { stage: string; fraction: number };
  /** How long the photo took, ms. */
  durationMs?: number;
  /** Marked areas (not lines or specks) left unfilled because nobody reviewed the proposed mask. */
  areasLeft?: number;
}

/** Snapshot of a batch run. */
export interface BatchStatus {
  batchId: string;
  /**
   * Revision: grows with every copy of the status main sends (an event or a call's answer). A call's answer can
   * arrive after events that are newer than it; a view keeps the highest revision it has seen of a batch.
   */
  rev: number;
  state: 'running' | 'paused' | 'cancelled' | 'done' | 'failed';
  /** `detect`: proposing masks for review; `review`: waiting for the person; `restore`: restoring (the default). */
  phase?: 'detect' | 'review' | 'restore';
  total: number;
  done: number;
  failed: number;
  outputDir: string;
  /** When the run (its current phase) started (ms since the epoch), and how long it has run or ran. */
  startedAt?: number;
  elapsedMs?: number;
  /** Seconds left at this run's pace; null until a photo has been processed in this run. */
  etaSec?: number | null;
  /** Why the batch as a whole stopped (state `failed`): one message, not a failure per photo. */
  error?: string;
  files: BatchFileView[];
}

/** What `app:batch.compare` wrote: the folder, its index page, and each contact sheet (also as a blob to view). */
export interface BatchCompareResult {
  dir: string;
  index: string;
  sheets: Array<{ path: string; blobId: string; fileName: string }>;
  /** Comparison files written, per photo × form. */
  files: number;
  failed: Array<{ path: string; reason: string }>;
}

/** Commands the native menus send to the renderer (Electron); the renderer runs them through the API. */
export type MenuCommand =
  | 'open'
  | 'open-recent'
  | 'save-project'
  | 'export'
  | 'batch'
  | 'undo'
  | 'redo'
  | 'zoom-in'
  | 'zoom-out'
  | 'zoom-fit'
  | 'zoom-100'
  | 'compare';

/** Events pushed to subscribers (`subscribe(listener, signal)`); progress is throttled to ~10 Hz. */
export type AppEvent =
  | { type: 'progress'; jobId: string; stage: string; done: number; total: number }
  | {
      type: 'job';
      jobId: string;
      kind: JobKind;
      state: 'running' | 'done' | 'failed' | 'cancelled';
      error?: { code: ApiErrorCode; message: string };
    }
  | { type: 'batch'; batchId: string; path: string; state: BatchFileState; error?: string; status: BatchStatus }
  | { type: 'menu'; command: MenuCommand; projectId?: string };
