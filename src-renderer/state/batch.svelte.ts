/**
 * The Batch tab's state, kept outside the component so a batch survives switching tabs: a photo opened in the
 * editor from the mask review (to fix its mask) comes back to the same review. Holds the folder choice, the
 * batch's last status (pushed as `batch` events), the comparison export's result, and the calls the tab makes.
 */
import type { BatchCompareResult, BatchStatus, PathGrant } from '@core/api/contract.js';
import type { KintsugiApi } from '../lib/api/index.js';
import { errorMessage } from '../lib/editor-api.js';

/** The per-photo comparison forms the CLI offers (the contact sheet and index page always come along). */
export type CompareForm = 'side-by-side' | 'stacked' | 'split' | 'slider';

/** One Batch tab's state. */
export class BatchState {
  inputDir = $state('');
  outputDir = $state('');
  masksDir = $state('');
  /** Electron: folders chosen in main's dialogs (ids plus where they are, for display). */
  photos = $state<PathGrant | null>(null);
  output = $state<PathGrant | null>(null);
  masks = $state<PathGrant | null>(null);
  /** Electron: ask for a masks folder after the photo and output folders (else damage is detected). */
  pickMasks = $state(false);
  isRecursive = $state(false);
  /** Without masks: let the person review the detector's masks before anything is restored. */
  isReviewFirst = $state(true);
  status = $state<BatchStatus | null>(null);
  error = $state<string | null>(null);
  isBusy = $state(false);
  compareForms = $state<CompareForm[]>(['side-by-side']);
  compared = $state<BatchCompareResult | null>(null);
  /** The photo of the review last opened in the editor to fix its mask ("Use editor's mask" is offered for it). */
  fixing = $state<number | null>(null);
  /** Ticks every second while a batch runs, so the elapsed time moves between events. */
  now = $state(Date.now());

  // Plain getters, not $derived: this object outlives the components that read it (a derived made while one
  // of them rendered would go stale once it unmounts).
  /** A run is going on (or paused mid-run): the folder fields are locked. */
  get isActive(): boolean {
    return this.status?.state === 'running' || (this.status?.state === 'paused' && this.status.phase !== 'review');
  }

  /** The detector has proposed the masks and the batch waits for the person's review. */
  get isReviewing(): boolean {
    return this.status?.phase === 'review' && this.status.state === 'paused';
  }

  constructor(readonly api: KintsugiApi) {
    api.subscribe((e) => {
      if (e.type === 'batch') this.adopt(e.status, false);
    }, new AbortController().signal);
    setInterval(() => {
      if (this.isActive) this.now = Date.now();
    }, 1000);
  }

  /** Elapsed time of the batch's current phase, ms: live while it runs, as recorded once it stopped. */
  get elapsedMs(): number {
    const s = this.status;
    if (!s) return 0;
    if (this.isActive && s.startedAt) return Math.max(s.elapsedMs ?? 0, this.now - s.startedAt);
    return s.elapsedMs ?? 0;
  }

  /**
   * Shows `next` unless it is older than what is shown: events and call answers race (a quick batch can send
   * its whole run as events before the answer to its start arrives), so of one batch the highest revision
   * wins. An event of another batch is taken only while nothing is shown; a call's answer always is.
   */
  private adopt(next: BatchStatus, isAnswer: boolean): void {
    const cur = this.status;
    if (cur === null || (cur.batchId === next.batchId ? next.rev > cur.rev : isAnswer)) this.status = next;
  }

  async call(fn: () => Promise<BatchStatus | null>): Promise<void> {
    this.isBusy = true;
    this.error = null;
    try {
      const next = await fn();
      if (next) this.adopt(next, true);
    } catch (e) {
      this.error = errorMessage(e);
    } finally {
      this.isBusy = false;
    }
  }

  /** Folder ids for the batch: main's dialogs in Electron (null when one is cancelled), typed paths in the web host. */
  async chooseFolders(): Promise<{ photosFolderId: string; outputFolderId?: string; masksFolderId?: string } | null> {
    const { api } = this;
    if (api.host === 'electron') {
      this.photos = await api.folder.choose({ purpose: 'photos' });
      if (!this.photos) return null;
      this.output = await api.folder.choose({ purpose: 'output' });
      if (!this.output) return null;
      this.masks = this.pickMasks ? await api.folder.choose({ purpose: 'masks' }) : null;
      if (this.pickMasks && !this.masks) return null;
      return { photosFolderId: this.photos.id, outputFolderId: this.output.id, ...(this.masks ? { masksFolderId: this.masks.id } : {}) };
    }
    const grant = (path: string) => api.path.grant({ path, kind: 'folder' });
    const photosFolder = await grant(this.inputDir.trim());
    const outputFolder = this.outputDir.trim() ? await grant(this.outputDir.trim()) : null;
    const masksFolder = this.masksDir.trim() ? await grant(this.masksDir.trim()) : null;
    return {
      photosFolderId: photosFolder.id,
      ...(outputFolder ? { outputFolderId: outputFolder.id } : {}),
      ...(masksFolder ? { masksFolderId: masksFolder.id } : {}),
    };
  }

  /** Whether the chosen folders include a masks folder (then there is nothing to review). */
  get hasMasks(): boolean {
    return this.api.host === 'electron' ? this.pickMasks : this.masksDir.trim() !== '';
  }

  start(): void {
    this.compared = null;
    this.fixing = null;
    void this.call(async () => {
      const folders = await this.chooseFolders();
      if (!folders) return null;
      this.status = null;
      return this.api.batch.start({ ...folders, recursive: this.isRecursive, review: this.isReviewFirst && !this.hasMasks });
    });
  }

  review(index: number, decision: 'accept' | 'skip' | 'use-editor-mask'): void {
    const s = this.status;
    if (s) void this.call(() => this.api.batch.review({ batchId: s.batchId, index, decision }));
  }

  /** Accepts every proposal still waiting (the person looked at the grid and is happy with the rest). */
  acceptAll(): void {
    const s = this.status;
    if (!s) return;
    void this.call(async () => {
      let last: BatchStatus | null = null;
      for (const [i, f] of s.files.entries()) if (f.review === 'proposed') last = await this.api.batch.review({ batchId: s.batchId, index: i, decision: 'accept' });
      return last;
    });
  }

  restoreAccepted(): void {
    const s = this.status;
    if (s) void this.call(() => this.api.batch.restoreAccepted({ batchId: s.batchId }));
  }

  /** Opens a photo of the batch in the editor; resolves with its project id (null when it failed). */
  async openInEditor(index: number): Promise<string | null> {
    const s = this.status;
    if (!s) return null;
    this.error = null;
    try {
      return (await this.api.batch.openInEditor({ batchId: s.batchId, index })).projectId;
    } catch (e) {
      this.error = errorMessage(e);
      return null;
    }
  }

  exportComparisons(): void {
    const s = this.status;
    if (!s) return;
    this.compared = null;
    void this.call(async () => {
      this.compared = await this.api.batch.compare({ batchId: s.batchId, forms: this.compareForms });
      return null;
    });
  }
}

const states = new WeakMap<KintsugiApi, BatchState>();

/** The Batch tab's state for this API (made once; it outlives the tab's component). */
export function batchStateFor(api: KintsugiApi): BatchState {
  let s = states.get(api);
  if (!s) {
    s = new BatchState(api);
    states.set(api, s);
  }
  return s;
}

/** "1:05:09" / "4:07" / "0:09" — elapsed and remaining times in the header. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
