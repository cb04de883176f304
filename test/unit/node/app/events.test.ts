/**
 * The app's event hub: progress is throttled per job by the one progress throttle (≈10 Hz, a job's last
 * step and a new stage always pass), other events always pass, and a throwing subscriber stops no one.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppEvent } from '../../../../src-main/core/api/contract.js';
import { EventHub } from '../../../../src-main/node/app/events.js';

beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
afterEach(() => vi.useRealTimers());

describe('EventHub', () => {
  it('throttles each job\'s progress on its own and lets the last step through', () => {
    const hub = new EventHub();
    const seen: AppEvent[] = [];
    hub.subscribe(() => {
      throw new Error('a closed socket');
    });
    hub.subscribe((e) => seen.push(e));
    for (let i = 0; i <= 100; i++) {
      hub.emit({ type: 'progress', jobId: 'a', stage: 'inpaint', done: i, total: 100 });
      hub.emit({ type: 'progress', jobId: 'b', stage: 'detect', done: i, total: 100 });
      vi.advanceTimersByTime(5); // 100 tiles in half a second
    }
    const of = (job: string) => seen.filter((e) => e.type === 'progress' && e.jobId === job);
    for (const job of ['a', 'b']) {
      expect(of(job).length).toBeGreaterThanOrEqual(5);
      expect(of(job).length).toBeLessThanOrEqual(8);
      expect(of(job).at(-1)).toMatchObject({ done: 100, total: 100 });
    }
    hub.emit({ type: 'job', jobId: 'a', kind: 'restore', state: 'done' });
    expect(seen.at(-1)).toEqual({ type: 'job', jobId: 'a', kind: 'restore', state: 'done' });
    expect(hub.size).toBe(2);
  });
});
