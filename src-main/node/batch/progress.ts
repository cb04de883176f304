/** What a progress bar or the app's queue header shows while a batch runs. */
export interface BatchProgress {
  /** Files settled so far (restored, skipped, already done or failed). */
  done: number;
  total: number;
  /** Files being worked on right now (one per job). */
  current: string[];
  /** Photos restored per minute in this run (resumed files do not count), null until one finished. */
  rate: number | null;
  /** Seconds left at the current rate, null while unknown. */
  etaSec: number | null;
  restored: number;
  skipped: number;
  failed: number;
}

/**
 * Counts settled files and turns them into a rate and an ETA. Only photos actually processed in this
 * run feed the rate, so a resumed run that skips 90 finished files does not promise an absurd speed.
 */
export class ProgressTracker {
  private readonly started: number;
  private processed = 0;
  restored = 0;
  skipped = 0;
  failed = 0;
  readonly current = new Set<string>();

  constructor(readonly total: number, private readonly now: () => number = Date.now) {
    this.started = now();
  }

  /** A file settled; `processed` is false when it cost nothing (already done in an earlier run, no mask). */
  settle(outcome: 'restored' | 'skipped' | 'failed', processed: boolean): void {
    this[outcome] += 1;
    if (processed) this.processed += 1;
  }

  snapshot(): BatchProgress {
    const done = this.restored + this.skipped + this.failed;
    const minutes = (this.now() - this.started) / 60_000;
    const rate = this.processed > 0 && minutes > 0 ? this.processed / minutes : null;
    const left = this.total - done;
    return {
      done,
      total: this.total,
      current: [...this.current],
      rate,
      etaSec: rate === null ? null : Math.round((left / rate) * 60),
      restored: this.restored,
      skipped: this.skipped,
      failed: this.failed,
    };
  }
}
