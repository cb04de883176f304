/**
 * Fan-out of pushed events (progress, job ends, batch file states) to every subscriber, with progress
 * throttled to ~10 Hz per job so neither IPC nor SSE is flooded by per-tile updates.
 */
import type { AppEvent } from '../../core/api/contract.js';

/** Minimum gap between two progress events of one job, unless the job reached its total. */
export const PROGRESS_INTERVAL_MS = 100;

/** Subscribers and the throttle state. */
export class EventHub {
  private readonly listeners = new Set<(e: AppEvent) => void>();
  private readonly lastProgress = new Map<string, number>();

  /** Adds a listener; the returned function removes it. */
  subscribe(listener: (e: AppEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends an event to everyone; a throwing listener does not stop the others. */
  emit(e: AppEvent): void {
    if (e.type === 'progress') {
      const now = Date.now();
      const last = this.lastProgress.get(e.jobId) ?? 0;
      if (e.done < e.total && now - last < PROGRESS_INTERVAL_MS) return;
      this.lastProgress.set(e.jobId, now);
    } else if (e.type === 'job' && e.state !== 'running') {
      this.lastProgress.delete(e.jobId);
    }
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // A broken subscriber (closed socket) must not break the job that emitted.
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
