import { describe, expect, it } from 'vitest';
import { throttleProgress, type Step } from '../../../../src-main/node/inference/throttle.js';

describe('throttleProgress', () => {
  it('passes at most one step per interval, but always stage changes and the last step', () => {
    let clock = 0;
    const seen: Step[] = [];
    const p = throttleProgress((s) => seen.push(s), 100, () => clock);
    p({ stage: 'load-model', done: 0, total: 1 });
    p({ stage: 'inpaint', done: 0, total: 1000 });
    for (let i = 1; i <= 1000; i++) {
      clock += 1; // 1000 tiles in 1 s of injected time
      p({ stage: 'inpaint', done: i, total: 1000 });
    }
    expect(seen[0]!.stage).toBe('load-model');
    expect(seen[1]).toEqual({ stage: 'inpaint', done: 0, total: 1000 });
    expect(seen.at(-1)).toEqual({ stage: 'inpaint', done: 1000, total: 1000 });
    // ≈10 Hz over one second: the first, ten interval steps, and the final one.
    expect(seen.length).toBeLessThanOrEqual(13);
    expect(seen.length).toBeGreaterThanOrEqual(11);
  });
});
