import { describe, expect, it } from 'vitest';
import { manifestScores } from '../../../../src-main/node/app/models.js';
import { expandHome } from '../../../../src-main/node/app/grants.js';
import { homedir } from 'node:os';

describe('manifestScores (the dev scores a manifest entry ships with, for the Models tab)', () => {
  it("reads an inpainting model's own dev scores by hole band, in band order, not the Telea reference beside them", () => {
    const scores = {
      dev: { band4: { psnr: 20.4, ssim: 0.73 }, band0: { psnr: 33.8, ssim: 0.97, psnrHole: 20.8, ssimHole: 0.55 }, band10: { psnr: 1, ssim: 0.1 } },
      telea: { band0: { psnr: 33.2, ssim: 0.96 } },
    };
    expect(manifestScores(scores)).toEqual([
      { band: 'band0', psnr: 33.8, ssim: 0.97, psnrHole: 20.8, ssimHole: 0.55 },
      { band: 'band4', psnr: 20.4, ssim: 0.73 },
      { band: 'band10', psnr: 1, ssim: 0.1 },
    ]);
  });

  it("reads a detector's held-out F1 / IoU as one band, and drops fields that are not numbers", () => {
    expect(manifestScores({ heldOut: { f1: 0.7587, iou: 0.6113, images: 122, seed: 1234, note: 'x', threshold: 0.7 } })).toEqual([
      { band: 'heldOut', f1: 0.7587, iou: 0.6113, images: 122 },
    ]);
  });

  it('reads flat bands (a user model sidecar) and a dev set that is itself one set of scores', () => {
    expect(manifestScores({ band1: { psnr: 27, ssim: 0.92 } })).toEqual([{ band: 'band1', psnr: 27, ssim: 0.92 }]);
    expect(manifestScores({ dev: { psnr: 30, ssim: 0.9 } })).toEqual([{ band: 'dev', psnr: 30, ssim: 0.9 }]);
  });

  it('gives nothing for missing or malformed scores', () => {
    for (const s of [undefined, null, {}, 'high', 42, { dev: 'good' }, { band0: { psnr: 'NaN' } }, { band0: { psnr: Number.NaN } }]) {
      expect(manifestScores(s)).toEqual([]);
    }
  });
});

describe('expandHome (a folder typed into the web host)', () => {
  it('turns ~ and ~/… into the home folder and leaves everything else as typed', () => {
    expect(expandHome('~')).toBe(homedir());
    expect(expandHome('~/scans/1950')).toBe(`${homedir()}/scans/1950`);
    expect(expandHome('~user/scans')).toBe('~user/scans');
    expect(expandHome('/tmp/~/x')).toBe('/tmp/~/x');
    expect(expandHome('scans~')).toBe('scans~');
  });
});
