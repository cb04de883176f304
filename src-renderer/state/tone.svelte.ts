/**
 * "Fix fading and colour" in the editor: the controls' state (on/off at the cursor, strength, keep sepia),
 * the live preview while the strength slider moves (the full correction blended in by CSS opacity, no
 * job), and the history step each committed change becomes (a tone job the editor runs).
 */
import type { SessionView } from '@core/api/contract.js';

/** What a tone job is asked for. */
export interface ToneRequest {
  enabled: boolean;
  strength: number;
  keepSepia: boolean;
}

export class ToneLayer {
  /** The strength the slider shows (the step's, or the user's next choice). */
  strength = $state(1);
  /** Black-and-white prints keep their sepia instead of coming out neutral grey. */
  keepSepia = $state(false);
  /** While the strength slider moves: the strength previewed (no job; the full correction blended in). */
  preview = $state<number | null>(null);

  constructor(
    /** The session at the cursor (the editor's). */
    private readonly session: () => SessionView | null,
    private readonly blobUrl: (blobId: string) => string,
    /** Runs the tone job that records a change as one history step. */
    private readonly run: (request: ToneRequest) => Promise<void>,
  ) {}

  /** Whether Fix fading and colour is on at the cursor. */
  get isOn(): boolean {
    return !!this.session()?.tone;
  }
  /** How much of the full correction the picture shows now (the slider's preview, else the step's). */
  get shownStrength(): number {
    return this.preview ?? this.session()?.tone?.strength ?? 0;
  }
  /** The photo before the tone (what the tone layer is blended over); null when the tone is off. */
  get baseUrl(): string | null {
    const s = this.session();
    const t = s?.tone;
    if (!s || !t) return null;
    return this.blobUrl(t.baseBlobId ?? s.originalBlobId);
  }
  get fullUrl(): string | null {
    const t = this.session()?.tone;
    return t ? this.blobUrl(t.fullBlobId) : null;
  }

  /** Turns Fix fading and colour on (at the slider's strength) or off: one history step. */
  async set(on: boolean): Promise<void> {
    await this.#record(on);
  }

  /** The slider moves: preview that strength at once. */
  previewStrength(strength: number): void {
    this.strength = strength;
    if (this.isOn) this.preview = strength;
  }

  /** The slider is let go: the strength becomes a history step (when the tone is on). */
  async commitStrength(strength: number): Promise<void> {
    this.strength = strength;
    if (!this.isOn) return;
    if (strength === this.session()?.tone?.strength) {
      this.preview = null;
      return;
    }
    await this.#record(true);
  }

  async setKeepSepia(keep: boolean): Promise<void> {
    this.keepSepia = keep;
    if (this.isOn) await this.#record(true);
  }

  /** A session arrived from the service: a tone step's settings become the controls'. */
  adopt(view: SessionView): void {
    if (view.tone) {
      this.strength = view.tone.strength;
      this.keepSepia = view.tone.keepSepia;
    }
  }

  async #record(enabled: boolean): Promise<void> {
    try {
      await this.run({ enabled, strength: this.strength, keepSepia: this.keepSepia });
    } finally {
      this.preview = null;
    }
  }
}
