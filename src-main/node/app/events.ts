/**
 * Fan-out of pushed events (progress, job ends, batch file states) to every subscriber, with progress
 * throttled to ~10 Hz per job — by the same throttle the inference worker uses — so neither IPC nor SSE is
 * flooded by per-tile updates.
 */
import type { AppEvent } from '../../core/api/contract.js';
import { throttleProgress } from '../inference/throttle.js';

type ProgressEvent = Extract<AppEvent, { type: 'progress' }>;

/** Subscribers and the throttle state. */
export class EventHub {
  private readonly listeners = new Set<(e: AppEvent) => void>();
  /** Per running job: its progress throttle, which sends what passes to every subscriber. */
  private readonly progress = new Map<string, (e: ProgressEvent) => void>();

  /** Adds a listener; the returned function removes it. */
  subscribe(listener: (e: AppEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends an event to everyone; a throwing listener does not stop the others. */
  emit(e: AppEvent): void {
    if (e.type === 'progress') {
      this.progressOf(e.jobId)(e);
      return;
    }
    if (e.type === 'job' && e.state !== 'running') this.progress.delete(e.jobId);
    this.send(e);
  }

  private progressOf(jobId: string): (e: ProgressEvent) => void {
    let p = this.progress.get(jobId);
    if (!p) {
      p = throttleProgress<ProgressEvent>((e) => this.send(e));
      this.progress.set(jobId, p);
    }
    return p;
  }

  private send(e: AppEvent): void {
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
