import { describe, expect, it } from 'vitest';
import { detectNotice } from '../../../../src-renderer/state/detect-notice.js';

describe('detectNotice', () => {
  it('says whether the painted mask was kept and how much the detector added, or that it was replaced', () => {
    expect(detectNotice('add', 0, 0)).toBe('No damage found — paint the mask by hand.');
    expect(detectNotice('add', 0, 1500)).toBe('Detection marked 1,500 px.');
    expect(detectNotice('add', 1000, 4000)).toBe('Detection added 3,000 px to your painted mask (4,000 px in all).');
    expect(detectNotice('add', 1000, 1000)).toBe('Detection found nothing beyond your mask; it is unchanged (1,000 px).');
    expect(detectNotice('replace', 1000, 700)).toBe('Detection replaced your mask: 700 px marked (undo brings your painting back).');
    expect(detectNotice('replace', 0, 700)).toBe('Detection marked 700 px.');
  });
});
