/**
 * The detection's suggestions in the editor: what the detector marked on a first look but left out of its
 * proposal because it may be the picture (white clothing, a tear; rigging, or a scratch?). Shown in amber under
 * the mask; the person adds them all, or picks them one at a time on the canvas. Each addition is a history
 * step the service records (`add-suggestions`).
 */
import type { HistoryCommand, SessionView } from '@core/api/contract.js';

type AddSuggestions = Extract<HistoryCommand, { kind: 'add-suggestions' }>;

export class SuggestionLayer {
  isVisible = $state(true);
  /** Clicking the canvas adds the suggested mark under the pointer instead of painting. */
  isPicking = $state(false);

  constructor(
    /** The session at the cursor (the editor's). */
    private readonly session: () => SessionView | null,
    private readonly blobUrl: (blobId: string) => string,
    /** Appends the command as one history step and shows the service's answer. */
    private readonly append: (command: AddSuggestions) => Promise<void>,
  ) {}

  /** The suggestions at the cursor (null: none). */
  get current(): NonNullable<SessionView['suggestions']> | null {
    return this.session()?.suggestions ?? null;
  }
  /** The tinted picture of the suggestions, when there are some and they are shown. */
  get url(): string | null {
    const s = this.current;
    return s && this.isVisible ? this.blobUrl(s.blobId) : null;
  }

  /** Adds every suggested mark to the mask. */
  async addAll(): Promise<void> {
    this.isPicking = false;
    await this.append({ kind: 'add-suggestions' });
  }

  /** Adds the suggested mark at (x, y) (image pixels); picking goes on while suggestions are left. */
  async addAt(x: number, y: number): Promise<void> {
    await this.append({ kind: 'add-suggestions', at: { x: Math.round(x), y: Math.round(y) } });
    if (!this.current) this.isPicking = false;
  }
}
