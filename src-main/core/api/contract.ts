/**
 * The one typed contract between the renderer and the app backend. Every channel is `app:domain.verb`
 * with a zod schema for its argument, a result type and a one-line doc. The Electron preload, the Electron
 * main handlers, the web host and the renderer clients are all built from this table, so a channel that is
 * not here does not exist anywhere. Pixels never travel through these calls: images are served by blob id
 * (`kintsugi://blob/<id>` in Electron, `GET /blob/<id>?token=…` in the web host) and uploads go as binary
 * bodies / transferred ArrayBuffers, referenced here by an upload id.
 *
 * Pure TypeScript + zod: no electron, no node:* imports (it is bundled into the sandboxed preload and the
 * renderer).
 */
import { z } from 'zod';
import { DEVICES } from '../image.js';
import { MAX_GROW } from '../mask.js';
import type { BatchCompareResult, BatchStatus, ExportResult, HistoryView, JobStarted, LeaderboardRow, ModelCard, ModelView, PathGrant, ProjectSummary, SessionView } from './views.js';

export type * from './views.js';

// ---------------------------------------------------------------------------------------------------------
// Shared value schemas
// ---------------------------------------------------------------------------------------------------------

/** Opaque ids are short printable strings; the bound keeps junk out of SQL and URLs. */
const id = z.string().min(1).max(128).regex(/^[A-Za-z0-9._:-]+$/);
/**
 * A filesystem path typed into the page. Only `app:path.grant` takes one, and only the web host honours it
 * (no native dialogs there); every other channel names files and folders by ids that the backend issued.
 */
const filePath = z.string().min(1).max(4096);

/** Execution providers the model/device picker offers: core/image.ts `DEVICES`. */
export const deviceSchema = z.enum(DEVICES);
/** Formats an export may be written in; `undefined` means "the original's format". */
export const exportFormatSchema = z.enum(['jpeg', 'png', 'tiff', 'webp', 'avif']);

/** Model + device choice carried by detect / restore / batch. */
const jobChoice = {
  modelId: id.optional(),
  device: deviceSchema.optional(),
};

/** What Detect damage does with the mask painted so far: keeps it and adds the proposal, or replaces it. */
export const detectModeSchema = z.enum(['add', 'replace']);
export type DetectMode = z.infer<typeof detectModeSchema>;

/** The comparisons the editor exports: the CLI's picture layouts and its HTML slider page. */
export const compareExportLayoutSchema = z.enum(['side-by-side', 'stacked', 'split', 'slider']);
export type CompareExportLayout = z.infer<typeof compareExportLayoutSchema>;

/** Mask painting tools; a straight line is a stroke with two points, the eraser removes coverage. */
export const toolSchema = z.enum(['brush', 'line', 'eraser']);

/**
 * A mask edit the renderer appends to history. Coordinates are image pixels (not screen pixels);
 * `points` is flat `[x0, y0, x1, y1, …]`; `size` is the brush diameter in image pixels; `hardness` 0..1
 * (1 = hard edge). One stroke (mark → drag → release) is one command.
 */
export const strokeCommandSchema = z.object({
  kind: z.literal('stroke'),
  tool: toolSchema,
  points: z
    .array(z.number().finite())
    .min(2)
    .max(400_000)
    .refine((p) => p.length % 2 === 0, 'points must be [x0, y0, x1, y1, …]'),
  size: z.number().positive().max(4096),
  hardness: z.number().min(0).max(1),
});
/** Empties the mask (an undoable step). */
export const clearCommandSchema = z.object({ kind: z.literal('clear') });
/** Replaces the mask with an uploaded grayscale image (> 127 = hole), e.g. a mask painted elsewhere. */
export const maskImportCommandSchema = z.object({ kind: z.literal('mask-import'), uploadId: id });
/**
 * Adds the last detection's suggestions (what its proposal left out: large areas, doubted thin lines) to the
 * mask: all of them, or with `at` (image pixels) only the suggested mark there.
 */
export const addSuggestionsCommandSchema = z.object({
  kind: z.literal('add-suggestions'),
  at: z.object({ x: z.number().int().nonnegative(), y: z.number().int().nonnegative() }).strict().optional(),
});

/**
 * Adds the crack under `at` (image pixels) to the mask: the crack wand (src-main/core/crack-wand.ts) selects the
 * network of thin lines of the clicked line's polarity and hue that it belongs to, in the picture at the cursor.
 * `tolerance` is the largest hue difference (0–255 opponent colour; default 24). With `erase` the selection is
 * taken out of the mask instead (a rope the detector marked, erased with one click).
 */
export const traceCrackCommandSchema = z.object({
  kind: z.literal('trace-crack'),
  at: z.object({ x: z.number().int().nonnegative(), y: z.number().int().nonnegative() }).strict(),
  tolerance: z.number().min(1).max(255).optional(),
  erase: z.boolean().optional(),
});

/** Commands the renderer may append; detect / restore / open entries are created by the backend itself. */
export const historyCommandSchema = z.discriminatedUnion('kind', [
  strokeCommandSchema,
  clearCommandSchema,
  maskImportCommandSchema,
  addSuggestionsCommandSchema,
  traceCrackCommandSchema,
]);
export type StrokeCommand = z.infer<typeof strokeCommandSchema>;
export type HistoryCommand = z.infer<typeof historyCommandSchema>;
export type Tool = z.infer<typeof toolSchema>;
export type ExportFormat = z.infer<typeof exportFormatSchema>;

// ---------------------------------------------------------------------------------------------------------
// The channel table
// ---------------------------------------------------------------------------------------------------------

/** A channel's declaration: its argument schema and doc; `result` is a type-only marker (never read). */
export interface ChannelSpec<A extends z.ZodType, R> {
  args: A;
  doc: string;
  /** Type-level marker for the result; undefined at run time. */
  result?: R;
}

function channel<R>() {
  return <A extends z.ZodType>(doc: string, args: A): ChannelSpec<A, R> => ({ args, doc });
}

const none = z.object({}).strict();
const photoSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('file'), fileId: id }).strict(),
  z.object({ kind: z.literal('upload'), uploadId: id }).strict(),
]);
/** What a chosen folder is for; the desktop app titles its dialog by it. */
export const folderPurposeSchema = z.enum(['photos', 'output', 'masks']);

/**
 * Every channel. Adding one here adds it to the preload, both hosts and both clients; its handler goes in
 * the domain module under src-main/node/app (the router will not compile without it) and what it needs
 * from the host (a dialog, a typed path, a Save dialog) in host-needs.ts.
 */
export const contract = {
  'app:photo.open': channel<SessionView>()(
    'Opens a photo (a file id the backend issued, or an uploaded file) as a new project; entry 0 of its history.',
    z.object({ source: photoSource }).strict(),
  ),
  'app:photo.openDialog': channel<SessionView | null>()(
    'Shows the native Open dialog and opens the chosen photo; null when cancelled (desktop app only).',
    none,
  ),
  'app:folder.choose': channel<PathGrant | null>()(
    'Shows the native folder dialog (desktop app only) and returns an id for the chosen folder; null when cancelled.',
    z.object({ purpose: folderPurposeSchema }).strict(),
  ),
  'app:path.grant': channel<PathGrant>()(
    'Web host only (it has no native dialogs): a path typed into the page becomes an id. The desktop app refuses it.',
    z.object({ path: filePath, kind: z.enum(['photo', 'folder']) }).strict(),
  ),
  'app:session.current': channel<SessionView | null>()(
    'The photo open right now, if any (a reloaded page picks up where it was).',
    none,
  ),
  'app:project.list': channel<ProjectSummary[]>()('All projects in the library, most recent first.', none),
  'app:project.recent': channel<ProjectSummary[]>()(
    'The most recently edited projects (for File ▸ Open Recent).',
    z.object({ limit: z.number().int().min(1).max(50).default(10) }).strict(),
  ),
  'app:project.open': channel<SessionView>()(
    'Reopens a project: photo, mask edits, results and the whole history (not itself an undo step).',
    z.object({ projectId: id }).strict(),
  ),
  'app:project.save': channel<ProjectSummary>()(
    'Names the open project and makes sure everything is on disk (history is also saved as it happens).',
    z.object({ name: z.string().min(1).max(200).optional() }).strict(),
  ),
  'app:history.list': channel<HistoryView>()('The history panel of the open photo.', none),
  'app:history.append': channel<SessionView>()(
    'Appends one mask edit (stroke, line, eraser, clear, mask import); drops any redo branch.',
    z.object({ command: historyCommandSchema }).strict(),
  ),
  'app:history.undo': channel<SessionView>()('Steps the cursor back one entry.', none),
  'app:history.redo': channel<SessionView>()('Steps the cursor forward one entry.', none),
  'app:history.jumpTo': channel<SessionView>()(
    'Moves the cursor to an entry (clicking it in the history panel).',
    z.object({ index: z.number().int().min(0) }).strict(),
  ),
  'app:mask.detect': channel<JobStarted>()(
    'Starts damage detection on the working image; its mask proposal becomes one history step. `threshold` (the '
      + "sensitivity) replaces the detector's own: lower marks more. `mode`: `add` (default) adds the proposal to "
      + 'the mask painted so far, `replace` puts it in place of that mask.',
    z.object({ ...jobChoice, threshold: z.number().gt(0).lt(1).optional(), mode: detectModeSchema.default('add') }).strict(),
  ),
  'app:restore.run': channel<JobStarted>()(
    'Starts inpainting the working image inside the current mask; the result becomes one history step. The mask '
      + 'is filled as painted unless `grow` (pixels, the Grow mask control) asks to fill that far around it too.',
    z.object({ ...jobChoice, grow: z.number().int().min(0).max(MAX_GROW).optional() }).strict(),
  ),
  'app:tone.run': channel<JobStarted>()(
    'Fix fading and colour: restores the tone of the photo at the cursor (after its repairs) with a restore-tone '
      + 'model at `strength`, the sepia of black-and-white prints kept or not; `enabled: false` turns it off. One '
      + 'history step; detect and restore keep working on the photo before the tone.',
    z
      .object({
        ...jobChoice,
        enabled: z.boolean().default(true),
        strength: z.number().min(0).max(1).default(1),
        keepSepia: z.boolean().default(false),
      })
      .strict(),
  ),
  'app:job.wait': channel<SessionView>()(
    'Resolves when a job ends: the session after its history step, or its error (code cancelled on cancel).',
    z.object({ jobId: id, kind: z.enum(['detect', 'restore', 'tone']).optional() }).strict(),
  ),
  'app:job.cancel': channel<{ cancelled: boolean }>()(
    'Cancels a running job (checked between tiles); false when it had already ended.',
    z.object({ jobId: id, kind: z.enum(['detect', 'restore', 'tone']).optional() }).strict(),
  ),
  'app:models.list': channel<ModelView[]>()(
    'Installed models with the provider each runs on for `device` (default: the host\'s) and why (resolving providers loads sessions).',
    z.object({ resolveProviders: z.boolean().default(false), device: deviceSchema.optional() }).strict(),
  ),
  'app:models.leaderboard': channel<LeaderboardRow[]>()(
    'Dev-set scores per model and hole band, from evaluation runs in the library or else the manifest.',
    z.object({ task: z.enum(['inpaint', 'detect-damage', 'restore-tone']).optional() }).strict(),
  ),
  'app:models.card': channel<ModelCard>()(
    "A model's card (Markdown from its manifest entry's `card` file; null when it has none).",
    z.object({ modelId: id }).strict(),
  ),
  'app:export.save': channel<ExportResult>()(
    "Exports the result at the cursor (the original's format and metadata by default); Electron asks where.",
    z
      .object({
        format: exportFormatSchema.optional(),
        quality: z.number().int().min(1).max(100).optional(),
        what: z.enum(['result', 'mask']).default('result'),
      })
      .strict(),
  ),
  'app:compare.export': channel<ExportResult>()(
    'Exports a before/after comparison of the original and the result at the cursor, as `kintsugi compare` makes '
      + 'them: a labelled picture side by side, stacked or split at `position`, or `slider`, the one-file HTML page. '
      + 'With `versusBlobId`, that version of the restore takes the original\'s place (two versions compared).',
    z
      .object({
        layout: compareExportLayoutSchema.default('side-by-side'),
        /** Compare with another version (a restore's picture in this project's history) instead of the original. */
        versusBlobId: id.optional(),
        position: z.number().min(0).max(1).default(0.5),
        format: z.enum(['png', 'jpeg']).default('jpeg'),
      })
      .strict(),
  ),
  'app:batch.start': channel<BatchStatus>()(
    'Restores many photos: detect (optional) + restore each, writing to an output folder; folders are ids, never paths.',
    z
      .object({
        /** Folder of photos: an id from `app:folder.choose` / `app:path.grant`. */
        photosFolderId: id,
        /** Where restored copies go (a folder id); absent: `<photos folder>-restored` next to it. */
        outputFolderId: id.optional(),
        /** Masks matched to photos by relative path and file name (any image extension); else detection. */
        masksFolderId: id.optional(),
        detect: z.boolean().default(true),
        /** Also the photos in subfolders (kept in the same subfolders of the output). */
        recursive: z.boolean().default(false),
        /** Without masks: detect first and wait for the person to review the proposed masks (`app:batch.review`). */
        review: z.boolean().default(false),
        ...jobChoice,
      })
      .strict(),
  ),
  'app:batch.review': channel<BatchStatus>()(
    "Mask review, file by file (`index` into the batch's files): accept the proposed mask, skip the photo, or take the "
      + "editor's current mask of that photo (after fixing it there) as its mask, accepted.",
    z.object({ batchId: id, index: z.number().int().min(0), decision: z.enum(['accept', 'skip', 'use-editor-mask']) }).strict(),
  ),
  'app:batch.restoreAccepted': channel<BatchStatus>()(
    'Ends the mask review: restores the photos whose masks were accepted, with those masks (the rest are skipped).',
    z.object({ batchId: id, ...jobChoice }).strict(),
  ),
  'app:batch.openInEditor': channel<SessionView>()(
    "Opens a batch's photo in the editor: the original with the batch's mask and, once restored, the restored copy as its "
      + 'result (before/after); a photo under review opens with its proposed mask to fix.',
    z.object({ batchId: id, index: z.number().int().min(0) }).strict(),
  ),
  'app:batch.compare': channel<BatchCompareResult>()(
    "Writes before/after comparisons of a batch's restored photos next to its output folder: contact sheets and an index "
      + 'page always, and per photo each of `forms` (pictures side by side, stacked, split, or the HTML slider page).',
    z
      .object({
        batchId: id,
        forms: z.array(z.enum(['side-by-side', 'stacked', 'split', 'slider'])).max(4).default(['side-by-side']),
      })
      .strict(),
  ),
  'app:batch.pause': channel<BatchStatus>()('Pauses a batch after the current file.', z.object({ batchId: id }).strict()),
  'app:batch.resume': channel<BatchStatus>()('Resumes a paused batch.', z.object({ batchId: id }).strict()),
  'app:batch.cancel': channel<BatchStatus>()('Cancels a batch (the current file is abandoned).', z.object({ batchId: id }).strict()),
  'app:batch.status': channel<BatchStatus>()('The state of a batch and of each of its files.', z.object({ batchId: id }).strict()),
} as const;

/** The closed set of channel names. */
export type Channel = keyof typeof contract;
/** All channel names, for allow-lists. */
export const CHANNELS = Object.keys(contract) as Channel[];

/** The argument a caller passes to a channel (zod input: defaults may be omitted). */
export type ArgsOf<C extends Channel> = z.input<(typeof contract)[C]['args']>;
/** The argument a handler receives (zod output: defaults filled in). */
export type ParsedArgsOf<C extends Channel> = z.output<(typeof contract)[C]['args']>;
/** The value a channel resolves with. */
export type ResultOf<C extends Channel> =
  (typeof contract)[C] extends ChannelSpec<z.ZodType, infer R> ? R : never;

type DomainOf<C> = C extends `app:${infer D}.${string}` ? D : never;

/**
 * The invoke part of the renderer API, nested by domain: `api.photo.open({source})`. Methods resolve with
 * the value or reject with an `ApiError` (see src-renderer/lib/api).
 */
export type InvokeApi = {
  [D in DomainOf<Channel>]: {
    [C in Channel as C extends `app:${D}.${infer V}` ? V : never]: {} extends ArgsOf<C>
      ? (args?: ArgsOf<C>) => Promise<ResultOf<C>>
      : (args: ArgsOf<C>) => Promise<ResultOf<C>>;
  };
};

/** Splits `app:photo.open` into its domain and verb (used to build the nested API objects). */
export function splitChannel(c: Channel): { domain: string; verb: string } {
  const m = /^app:([a-z]+)\.([A-Za-z]+)$/.exec(c);
  if (!m) throw new Error(`malformed channel name ${c}`);
  return { domain: m[1]!, verb: m[2]! };
}

/** The channel carrying pushed events (Electron: main → renderer send; web host: SSE at /events). */
export const EVENT_CHANNEL = 'app:event';
/** The Electron channel over which a MessagePort carrying an upload's ArrayBuffer is sent to main. */
export const UPLOAD_CHANNEL = 'app:upload';
/** Header the web host reads the per-launch token from (a `token` query parameter also works). */
export const TOKEN_HEADER = 'x-kintsugi-token';
