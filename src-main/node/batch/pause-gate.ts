import { cancelled } from '../../core/errors.js';

/**
 * Lets the app pause a running batch without losing its place: workers finish the photo in hand, then
 * wait at the gate before taking the next. Cancel is the AbortSignal; pause is this.
 */
export class PauseGate {
  private waiters: Array<() => void> = [];
  private paused = false;

  get isPaused(): boolean {
    return this.paused;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves at once when running; otherwise when resumed. Rejects with `cancelled` if `signal` aborts. */
  async wait(signal?: AbortSignal): Promise<void> {
    if (!this.paused) return;
    if (signal?.aborted) throw cancelled('Batch');
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.waiters = this.waiters.filter((w) => w !== done);
        reject(cancelled('Batch'));
      };
      const done = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.waiters.push(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
