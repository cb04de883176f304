/**
 * Exports from the editor: the result at the cursor and the before/after comparisons `kintsugi compare`
 * makes (side by side, stacked, split, the HTML slider page). In a browser the file is downloaded; in the
 * desktop app main asks where and writes it. What was exported is said in a notice that belongs to the photo
 * it was exported from (the editor drops it when another photo opens).
 */
import type { CompareExportLayout, ExportResult, SessionView } from '@core/api/contract.js';
import { errorMessage, type EditorApi } from '../lib/editor-api.js';

/** The comparison choices the Export menu offers, in its order, with their menu labels. */
export const COMPARISONS: ReadonlyArray<{ layout: CompareExportLayout; label: string; hint: string }> = [
  { layout: 'side-by-side', label: 'Before/after side by side', hint: 'one JPEG, labelled' },
  { layout: 'stacked', label: 'Before/after stacked', hint: 'one JPEG, before above after' },
  { layout: 'split', label: 'Before/after split', hint: 'one JPEG, wiped where the Compare slider is' },
  { layout: 'slider', label: 'Before/after slider page', hint: 'one HTML file with a draggable slider' },
];

/** The editor's exports and their outcome. */
export class Exports {
  /** The last export of the open photo (null after another photo opens). */
  last = $state.raw<ExportResult | null>(null);

  constructor(
    private readonly api: EditorApi,
    private readonly session: () => SessionView | null,
    private readonly say: (notice: string | null, error: string | null) => void,
  ) {}

  /** Exports the result at the cursor in the original's format. */
  async result(): Promise<void> {
    await this.#run(() => this.api.export.save({}));
  }

  /**
   * Exports a before/after comparison; `position` is where the split wipe sits (the Compare slider's); with
   * `versusBlobId` (another version's picture) that version takes the original's place.
   */
  async comparison(layout: CompareExportLayout, position = 0.5, versusBlobId: string | null = null): Promise<void> {
    const at = Math.min(1, Math.max(0, position));
    await this.#run(() => this.api.compare.export({ layout, position: at, ...(versusBlobId ? { versusBlobId } : {}) }));
  }

  /** Forgets the last export (another photo opened, or back to the start screen). */
  forget(): void {
    this.last = null;
  }

  async #run(exporting: () => Promise<ExportResult>): Promise<void> {
    const s = this.session();
    if (!s?.resultBlobId) return;
    try {
      const r = await exporting();
      if (this.session()?.projectId !== s.projectId) return; // another photo opened meanwhile: not its news
      if (!r.path) this.api.download(r);
      this.last = r;
      this.say(r.path ? `Exported to ${r.path}` : `Exported ${r.fileName}`, null);
    } catch (e) {
      this.say(null, errorMessage(e));
    }
  }
}
