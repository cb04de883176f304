import { describe, expect, it } from 'vitest';
import { effectivePostprocess, type DetectPostprocess } from '../../../src-main/core/detect.js';

const pp: DetectPostprocess = { threshold: 0.5, seed: 0.9, dilate: 2, maxSide: 1024, unattended: { seed: 0.97, dilate: 1, maxRadius: 0.03 } };

describe('effectivePostprocess', () => {
  it('uses the review operating point unless the mask goes unreviewed', () => {
    expect(effectivePostprocess(pp, {})).toEqual({ threshold: 0.5, seed: 0.9, dilate: 2, maxSide: 1024 });
    expect(effectivePostprocess(pp, { unattended: true })).toEqual({ threshold: 0.5, seed: 0.97, dilate: 1, maxSide: 1024, maxRadius: 0.03 });
  });

  it('moves the seed with a user threshold, never to 1', () => {
    expect(effectivePostprocess(pp, { threshold: 0.3 })).toMatchObject({ threshold: 0.3, seed: 0.7 });
    expect(effectivePostprocess(pp, { threshold: 0.9 }).seed).toBeCloseTo(0.995);
  });

  it('moves the suggestions\' seed with a user threshold too', () => {
    const r = effectivePostprocess({ ...pp, suggestSeed: 0.8 }, { threshold: 0.3 });
    expect(r.seed).toBeCloseTo(0.7);
    expect(r.suggestSeed).toBeCloseTo(0.6);
  });

  it('leaves a detector without a seed a plain threshold', () => {
    expect(effectivePostprocess({ threshold: 0.65, dilate: 2 }, { threshold: 0.4, unattended: true })).toEqual({ threshold: 0.4, dilate: 2 });
  });

  it('extends marks only in review, unless the unattended values name it, and moves the floor with a user threshold', () => {
    const withExtend: DetectPostprocess = { ...pp, extend: { low: 0.3 } };
    expect(effectivePostprocess(withExtend, {}).extend).toEqual({ low: 0.3 });
    expect(effectivePostprocess(withExtend, { unattended: true }).extend).toBeUndefined();
    expect(effectivePostprocess({ ...withExtend, unattended: { extend: { low: 0.4 } } }, { unattended: true }).extend).toEqual({ low: 0.4 });
    expect(effectivePostprocess(withExtend, { threshold: 0.6 }).extend!.low).toBeCloseTo(0.4);
    expect(effectivePostprocess(withExtend, { threshold: 0.1 }).extend!.low).toBeCloseTo(0.01);
  });
});
