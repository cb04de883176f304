import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../../../src-renderer/state/batch.svelte.js';

describe('formatDuration (elapsed time and ETA in the Batch tab)', () => {
  it('shows m:ss under an hour and h:mm:ss from an hour on, rounding to the second', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(9_400)).toBe('0:09');
    expect(formatDuration(247_000)).toBe('4:07');
    expect(formatDuration(3_600_000)).toBe('1:00:00');
    expect(formatDuration(3_909_000)).toBe('1:05:09');
    expect(formatDuration(-5)).toBe('0:00');
  });
});
