/**
 * The editor's state: the open session (from the service), its history and mask, and the running job,
 * with the parts that have their own reason to change in their own modules — the model and device choice
 * (models.svelte.ts), Fix fading and colour (tone.svelte.ts), the tools and the view (tools.svelte.ts) and
 * the local-preview caches (mask-history.ts). Every history change goes through the API; the mask canvas
 * is kept in step locally (strokes painted as they happen, replays after undo/redo/jump/reload).
 */
import type {
  AppEvent,
  DetectMode,
  HistoryEntryView,
  JobKind,
  MenuCommand,
  ProjectSummary,
  SessionView,
} from '@core/api/contract.js';
import { MAX_GROW } from '@core/mask.js';
import { errorMessage, isCancelled, type EditorApi } from '../lib/editor-api.js';
import { commandFromOp } from '../lib/history.js';
import { MaskDocument } from '../lib/canvas/mask-document.js';
import { overlayToMaskPng } from '../lib/canvas/mask-image.js';
import type { StrokeOp } from '../lib/tools/mask-ops.js';
import { detectNotice } from './detect-notice.js';
import { Exports } from './exports.svelte.js';
import { MaskHistory } from './mask-history.js';
import { ModelChoice } from './models.svelte.js';
import { SuggestionLayer } from './suggestions.svelte.js';
import { ToneLayer } from './tone.svelte.js';
import { Tools, Viewer } from './tools.svelte.js';

export type Tab = 'editor' | 'models' | 'batch';

/** A detect, restore or tone job in flight, with its latest progress. */
export interface RunningJob {
  kind: JobKind;
  jobId: string | null;
  stage: string;
  done: number;
  total: number;
}

export class EditorState {
  readonly api: EditorApi;

  tab = $state<Tab>('editor');
  session = $state.raw<SessionView | null>(null);
  projects = $state.raw<ProjectSummary[]>([]);
  /** Grow mask (pixels): also fill this far around the painted mask. 0: the mask is filled as painted. */
  growMask = $state(0);
  /** Which tool paints the mask, how big and how hard. */
  readonly tools = new Tools();
  /** Zoom, pan and the before/after comparison. */
  readonly viewer = new Viewer(() => this.session?.photo);

  job = $state<RunningJob | null>(null);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  isOpening = $state(false);

  /** The red overlay; hidden after a restore so the result shows, back on when painting or detecting. */
  isMaskVisible = $state(true);

  /** The mask canvas at image resolution; replaced when a photo of another size opens. */
  mask = $state.raw<MaskDocument | null>(null);
  /** Bumped whenever the mask pixels change outside a live stroke (for the hole counter). */
  maskVersion = $state(0);
  /** Bumped on undo, redo and jumps, so tools drop state tied to the old mask (the line anchor). */
  historyMoves = $state(0);

  /** Set by the app shell: native menu commands (Electron) arrive as events. */
  onMenu: ((c: MenuCommand, projectId?: string) => void) | null = null;

  #queue: Promise<unknown> = Promise.resolve();
  #syncToken = 0;
  /** Keyframe masks and result pictures seen so far, for local previews of undo, redo and jumps. */
  #masks: MaskHistory;
  /** State key of the last local preview; the matching service answer needs no rebuild. */
  #previewed: string | null = null;
  #pendingMoves = 0;
  #events = new AbortController();

  /** Which models and device jobs use (the model picker). */
  readonly picker: ModelChoice;

  /** Fix fading and colour: its controls, preview and steps. */
  readonly tone: ToneLayer;

  /** Exports of the result and of before/after comparisons. */
  readonly exports: Exports;

  /** What the last detection suggests beyond its proposal. */
  readonly suggestions: SuggestionLayer;

  constructor(api: EditorApi) {
    this.api = api;
    this.picker = new ModelChoice(api, (fn) => this.#guard(fn));
    this.tone = new ToneLayer(
      () => this.session,
      (id) => api.blobUrl(id),
      (t) =>
        this.#runJob('tone', () => {
          const model = this.picker.toneModels.find((m) => m.isDefault);
          return this.api.tone.run({ device: this.picker.device, ...t, ...(model ? { modelId: model.id } : {}) });
        }),
    );
    this.#masks = new MaskHistory((id) => api.blobUrl(id));
    this.suggestions = new SuggestionLayer(() => this.session, (id) => api.blobUrl(id), async (command) => {
      await this.#serial(async () => this.#adopt(await this.api.history.append({ command })));
    });
    this.exports = new Exports(api, () => this.session, (notice, error) => {
      if (notice !== null) this.notice = notice;
      if (error !== null) this.error = error;
    });
  }

  get photoUrl(): string | null {
    return this.session ? this.api.blobUrl(this.session.originalBlobId) : null;
  }
  get resultUrl(): string | null {
    return this.session?.resultBlobId ? this.api.blobUrl(this.session.resultBlobId) : null;
  }
  get canUndo(): boolean {
    return !!this.session?.history.canUndo && !this.job;
  }
  get canRedo(): boolean {
    return !!this.session?.history.canRedo && !this.job;
  }
  /** Loads models and picks up the session a reload left open, else lists recent projects. */
  async init(): Promise<void> {
    this.api.subscribe((e) => this.#onEvent(e), this.#events.signal);
    void this.picker.load();
    await this.#guard(async () => {
      const current = await this.api.session.current({});
      const wanted = /[#&]project=([A-Za-z0-9._:-]+)/.exec(globalThis.location?.hash ?? '')?.[1];
      if (current) {
        await this.#adopt(current);
      } else if (wanted) {
        // The host restarted since this page last saw its project: reopen it from the library.
        const view = await this.api.project.open({ projectId: wanted }).catch(() => null);
        if (view) await this.#adopt(view);
      }
      if (!this.session) this.projects = await this.api.project.list({});
    });
  }

  dispose(): void {
    this.#events.abort();
  }

  async refreshProjects(): Promise<void> {
    await this.#guard(async () => {
      this.projects = await this.api.project.list({});
    });
  }

  // ---- opening --------------------------------------------------------------------------------

  async openFile(file: File): Promise<void> {
    await this.#opening(async () => {
      const uploadId = await this.api.upload(file, file.name);
      return this.api.photo.open({ source: { kind: 'upload', uploadId } });
    });
  }

  /** A photo by an id the backend issued (a batch result); the page never names a path. */
  async openFileId(fileId: string): Promise<void> {
    await this.#opening(() => this.api.photo.open({ source: { kind: 'file', fileId } }));
  }

  async openDialog(): Promise<void> {
    await this.#opening(() => this.api.photo.openDialog({}));
  }

  async openProject(projectId: string): Promise<void> {
    await this.#opening(() => this.api.project.open({ projectId }));
  }

  /** Back to the start screen (recent projects); the project stays in the library. */
  async closePhoto(): Promise<void> {
    this.session = null;
    this.notice = null;
    this.exports.forget();
    this.mask = null;
    if (typeof location !== 'undefined') history.replaceState(null, '', location.pathname + location.search);
    await this.refreshProjects();
  }

  async #opening(open: () => Promise<SessionView | null>): Promise<void> {
    if (this.job) {
      this.notice = 'Wait for the running job to finish (or cancel it) before opening another photo.';
      return;
    }
    this.error = null;
    this.isOpening = true;
    try {
      await this.#serial(async () => {
        const view = await open();
        if (view) await this.#adopt(view);
      });
    } finally {
      this.isOpening = false;
    }
  }

  // ---- the mask -------------------------------------------------------------------------------

  /** A finished stroke or line (already painted on the canvas) becomes one history step. */
  commitStroke(op: StrokeOp): void {
    this.#previewed = null;
    this.maskVersion++;
    this.isMaskVisible = true;
    void this.#appendLocal(() => this.api.history.append({ command: commandFromOp(op) }));
  }

  /**
   * The crack wand: adds the crack network under (x, y) (image pixels) to the mask, or with `erase` takes it out,
   * one history step; the service finds it in the picture at the cursor and says so when no line stands out there.
   */
  async traceCrack(x: number, y: number, erase = false): Promise<void> {
    if (!this.mask || this.job) return;
    this.error = null;
    this.isMaskVisible = true;
    const command = { kind: 'trace-crack' as const, at: { x: Math.round(x), y: Math.round(y) }, tolerance: this.tools.crackTolerance, ...(erase ? { erase } : {}) };
    await this.#serial(async () => this.#adopt(await this.api.history.append({ command })));
  }

  clearMask(): void {
    if (!this.mask || this.job) return;
    this.#previewed = null;
    this.mask.rebuild([]);
    this.maskVersion++;
    void this.#appendLocal(() => this.api.history.append({ command: { kind: 'clear' } }));
  }

  /**
   * Records an edit already painted locally. If the service refuses it, the canvas is rebuilt from
   * the service's history so what is shown never differs from what is saved.
   */
  async #appendLocal(append: () => Promise<SessionView>): Promise<void> {
    await this.#serial(async () => {
      try {
        this.session = await append();
      } catch (e) {
        this.error = errorMessage(e);
        const view = await this.api.session.current({});
        if (view) await this.#adopt(view);
      }
    });
  }

  undo(): void {
    if (!this.canUndo || !this.session) return;
    this.#move(this.session.history.cursor - 1, () => this.api.history.undo({}));
  }

  redo(): void {
    if (!this.canRedo || !this.session) return;
    this.#move(this.session.history.cursor + 1, () => this.api.history.redo({}));
  }

  jumpTo(index: number): void {
    if (this.job || !this.session) return;
    this.#move(index, () => this.api.history.jumpTo({ index }));
  }

  /**
   * Undo, redo and jumps show their result at once when the editor can rebuild it locally (strokes
   * on a known base, a known result picture); the service's answer then only confirms it. Of several
   * quick moves, only the last answer is applied.
   */
  #move(target: number, call: () => Promise<SessionView>): void {
    this.historyMoves++;
    this.#pendingMoves++;
    this.#preview(target);
    void this.#serial(async () => {
      let view: SessionView;
      try {
        view = await call();
      } catch (e) {
        // The service did not move: show what it has, not the preview.
        this.#pendingMoves--;
        this.#previewed = null;
        const current = await this.api.session.current({});
        if (current) await this.#adopt(current);
        throw e;
      }
      this.#pendingMoves--;
      if (this.#pendingMoves === 0) await this.#adopt(view);
    });
  }

  #preview(target: number): void {
    const s = this.session;
    const mask = this.mask;
    // The tone layers come from the service's view: moves to or from a toned state wait for its answer.
    if (!s || !mask || s.tone) return;
    const local = this.#masks.preview(s, target);
    if (!local) return;
    const { entries } = s.history;
    this.#syncToken++; // an adopt still loading blobs must not overwrite this
    mask.rebuild(local.ops);
    this.maskVersion++;
    this.isMaskVisible = entries[target]?.kind !== 'restore' && entries[target]?.kind !== 'tone';
    this.session = {
      ...s,
      resultBlobId: local.resultBlobId,
      history: { ...s.history, cursor: target, canUndo: target > 0, canRedo: target < entries.length - 1 },
    };
    this.#previewed = stateKey(s.projectId, entries, target);
  }

  // ---- jobs -----------------------------------------------------------------------------------

  /** Detect damage: adds its proposal to the painted mask (or replaces it), one step, and says which it did. */
  async detect(mode: DetectMode = 'add'): Promise<void> {
    const before = this.session?.holePixels ?? 0;
    await this.#runJob(
      'detect',
      () =>
        this.api.mask.detect({
          modelId: this.picker.detectModelId,
          device: this.picker.device,
          mode,
          ...(this.picker.detectThreshold !== null ? { threshold: this.picker.detectThreshold } : {}),
        }),
      (view) => (this.notice = detectNotice(mode, before, view.holePixels)),
    );
  }

  /** Sets Grow mask from the control's text: whole pixels clamped to 0..MAX_GROW (anything else: 0). */
  setGrowMask(value: string | number): void {
    const n = Math.round(Number(value));
    this.growMask = Number.isFinite(n) ? Math.min(MAX_GROW, Math.max(0, n)) : 0;
  }

  async restore(): Promise<void> {
    await this.#runJob('restore', () =>
      this.api.restore.run({
        modelId: this.picker.inpaintModelId,
        device: this.picker.device,
        ...(this.growMask > 0 ? { grow: this.growMask } : {}),
      }),
    );
  }

  async cancelJob(): Promise<void> {
    const id = this.job?.jobId;
    if (!id) return;
    this.job = { ...this.job!, stage: 'cancelling' };
    await this.#guard(() => this.api.job.cancel({ jobId: id }));
  }

  async #runJob(kind: RunningJob['kind'], start: () => Promise<{ jobId: string }>, onDone?: (view: SessionView) => void): Promise<void> {
    if (!this.session || this.job) return;
    this.error = null;
    this.notice = null;
    this.job = { kind, jobId: null, stage: 'starting', done: 0, total: 1 };
    try {
      await this.#queue;
      const { jobId } = await start();
      if (this.job) this.job = { ...this.job, jobId };
      const view = await this.api.job.wait({ jobId });
      await this.#adopt(view);
      onDone?.(view);
    } catch (e) {
      if (isCancelled(e)) this.notice = kind === 'restore' ? 'Restore cancelled.' : kind === 'tone' ? 'Fix fading and colour cancelled.' : 'Detection cancelled.';
      else this.error = errorMessage(e);
    } finally {
      this.job = null;
    }
  }

  #onEvent(e: AppEvent): void {
    if (e.type === 'menu') {
      this.onMenu?.(e.command, e.projectId);
      return;
    }
    if (e.type === 'progress' && this.job && (this.job.jobId === null || this.job.jobId === e.jobId)) {
      this.job = { ...this.job, jobId: e.jobId, stage: e.stage, done: e.done, total: e.total };
    }
  }

  // ---- export ---------------------------------------------------------------------------------

  /** Exports the result (Ctrl+E, File ▸ Export); comparisons are `exports.comparison`. */
  exportResult(): Promise<void> {
    return this.exports.result();
  }

  /** File ▸ Save Project: history is saved as it happens; this confirms it and names the project. */
  async saveProject(): Promise<void> {
    if (!this.session) return;
    await this.#guard(async () => {
      const p = await this.api.project.save({});
      this.notice = `Project “${p.name}” saved`;
    });
  }

  // ---- internals ------------------------------------------------------------------------------

  /**
   * Takes a session from the service (open, undo, redo, jump, detect, restore, reload) and rebuilds
   * the mask for it. Mask pixels that must be fetched are loaded first, then the mask, the history
   * cursor and the picture change together, so the panel never shows a step the canvas has not reached.
   */
  async #adopt(view: SessionView): Promise<void> {
    const token = ++this.#syncToken;
    const { width, height } = view.photo;
    const { entries, cursor } = view.history;
    const mask =
      this.mask && this.mask.width === width && this.mask.height === height ? this.mask : new MaskDocument(width, height);
    this.#masks.rememberResult(view);
    const prev = this.session;
    const isNewPhoto = !prev || prev.sessionId !== view.sessionId || prev.projectId !== view.projectId;
    const isPreviewed = !isNewPhoto && mask === this.mask && this.#previewed === stateKey(view.projectId, entries, cursor);
    this.#previewed = null;
    const ops = isPreviewed ? null : await this.#masks.maskOps(view, mask);
    if (token !== this.#syncToken) return; // a later session superseded this one
    if (ops) mask.rebuild(ops);
    this.mask = mask;
    this.session = view;
    this.maskVersion++;
    // At a restore or tone step the result is what matters; anywhere else, the mask being edited.
    const atKind = view.history.entries[view.history.cursor]?.kind;
    this.isMaskVisible = atKind !== 'restore' && atKind !== 'tone';
    this.tone.adopt(view);
    if (isNewPhoto) {
      this.notice = null; // "Exported …" and the like were about the photo before
      this.exports.forget();
      this.tab = 'editor';
      this.viewer.resetCompare();
      this.viewer.fit();
      if (typeof location !== 'undefined') history.replaceState(null, '', `#project=${view.projectId}`);
    }
  }

  /** Runs history mutations one after another so strokes, undo and redo reach the service in order. */
  #serial<T>(fn: () => Promise<T>): Promise<T | undefined> {
    const next = this.#queue.then(() => this.#guard(fn));
    this.#queue = next;
    return next;
  }

  async #guard<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (e) {
      this.error = errorMessage(e);
      return undefined;
    }
  }

  /** Exposed for tests and debugging: the hole mask as the service would receive it. */
  async maskPng(): Promise<Blob | null> {
    return this.mask ? (await overlayToMaskPng(this.mask.canvas)).png : null;
  }
}

/** Identifies a history position of a project (changes if the history itself changes). */
function stateKey(projectId: string, entries: readonly HistoryEntryView[], cursor: number): string {
  return `${projectId}:${cursor}:${entries.length}:${entries.at(-1)?.createdAt ?? 0}`;
}
