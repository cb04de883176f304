import { describe, expect, it } from 'vitest';
import { combineLooks, judgedMarks, type ConfirmCue } from '../../../src-main/core/confirm.js';
import { detectMask } from '../../../src-main/core/detect.js';
import type { Progress, Raster } from '../../../src-main/core/image.js';
import { resizeRaster } from '../../../src-main/core/resample.js';

const W = 200, H = 100;
const STRICT: ConfirmCue = { scale: 2, thinRadius: 0.05, combine: 'min' };

/** The marks `cue` judges, combined with the second look in place; returns how many pixels were judged. */
function confirmThin(prob: Float32Array, second: Float32Array, w: number, h: number, threshold: number, cue: ConfirmCue): number {
  const judged = judgedMarks(prob, w, h, threshold, cue);
  if (!judged) return 0;
  combineLooks(prob, second, judged, cue);
  return judged.data.reduce((n, v) => n + (v ? 1 : 0), 0);
}

function fill(p: Float32Array, w: number, rects: Array<[number, number, number, number]>, v: number): Float32Array {
  for (const [x0, y0, x1, y1] of rects) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) p[y * w + x] = v;
  return p;
}

describe('judgedMarks and combineLooks', () => {
  it('keeps a thin mark only as sure as the second look, and leaves thick marks and unmarked pixels alone', () => {
    const first = fill(new Float32Array(W * H).fill(0.05), W, [[10, 10, 190, 12], [20, 30, 22, 90], [100, 40, 160, 90]], 0.95);
    const second = fill(new Float32Array(W * H), W, [[10, 10, 190, 12]], 0.9); // sees the scratch, not the crack or the area
    const judged = confirmThin(first, second, W, H, 0.5, STRICT); // thin: radius <= 0.05 × 200 = 10 px
    expect(judged).toBe(180 * 2 + 2 * 60); // the scratch's and the crack's pixels
    expect(first[11 * W + 50]).toBeCloseTo(0.9); // the scratch: the lower of the two
    expect(first[50 * W + 21]).toBe(0); // the crack: not damage at the second size
    expect(first[60 * W + 130]).toBeCloseTo(0.95); // the 60 × 50 area (radius 25 px) is not judged
    expect(first[0]).toBeCloseTo(0.05);
  });

  it('leaves marks shorter than minLength (specks) to the first look', () => {
    const first = fill(new Float32Array(W * H), W, [[10, 10, 190, 12], [50, 50, 54, 54]], 0.95);
    const second = new Float32Array(W * H); // the second look sees nothing
    expect(confirmThin(first, second, W, H, 0.5, { ...STRICT, minLength: 0.05 })).toBe(180 * 2); // the speck, shorter than 10 px, is not judged
    expect(first[11 * W + 50]).toBe(0); // the 180-px line is judged
    expect(first[52 * W + 52]).toBeCloseTo(0.95); // the 4-px speck is not
  });

  it('with the geometric mean, softens a doubtful second look and never raises a probability', () => {
    const first = fill(new Float32Array(W * H), W, [[10, 10, 190, 12], [10, 50, 190, 52]], 0.81);
    const second = fill(fill(new Float32Array(W * H), W, [[10, 10, 190, 12]], 0.49), W, [[10, 50, 190, 52]], 1);
    confirmThin(first, second, W, H, 0.5, { ...STRICT, combine: 'geometric' });
    expect(first[11 * W + 50]).toBeCloseTo(Math.sqrt(0.81 * 0.49)); // 0.63: still a mark at 0.5
    expect(first[51 * W + 50]).toBeCloseTo(0.81); // a surer second look does not raise it
  });
});

describe('resizeRaster', () => {
  it('doubles a photo bilinearly and shrinks it by area, keeping channels and depth', () => {
    const img: Raster = { width: 4, height: 2, channels: 3, depth: 16, data: new Uint16Array(24).map((_, i) => (i % 3 === 0 ? 60000 : 1000 * (i % 3))) };
    const big = resizeRaster(img, 8, 4);
    expect([big.width, big.height, big.channels, big.depth]).toEqual([8, 4, 3, 16]);
    expect(big.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(big.data.slice(0, 3))).toEqual([60000, 1000, 2000]); // a flat photo stays flat
    const small = resizeRaster(big, 4, 2);
    expect(Array.from(small.data.slice(0, 3))).toEqual([60000, 1000, 2000]);
  });
});

describe('detectMask with a second look', () => {
  // A bright photo with a dark 4-px scratch across it, a thin grey 1-px picture line and a grey 50 × 30 block.
  const data = new Uint8Array(W * H * 3).fill(200);
  const paint = (x0: number, y0: number, x1: number, y1: number, v: number): void => {
    for (let y = y0; y < y1; y++) data.fill(v, (y * W + x0) * 3, (y * W + x1) * 3);
  };
  paint(0, 20, W, 24, 0);
  paint(10, 60, 190, 61, 100);
  paint(120, 70, 170, 100, 100);
  const image: Raster = { width: W, height: H, channels: 3, depth: 8, data };
  // The network: anything dark is damage at any size; grey is damage only where it is exactly the photo's grey
  // (1-px lines blur to other greys when the photo is enlarged, while the block's inside stays grey).
  const calls: number[] = [];
  const backend = {
    id: 'scales', padMultiple: 16, tileSize: 512, overlap: 16,
    run: (rgb: Float32Array, w: number, h: number) => {
      calls.push(w * h);
      const p = new Float32Array(w * h);
      for (let i = 0; i < w * h; i++) {
        const v = rgb[i]! * 255;
        if (v < 50 || Math.abs(v - 100) < 3) p[i] = 0.97;
      }
      return Promise.resolve(p);
    },
  };

  it('drops thin marks the larger look does not see, keeps the ones it does and every area, and counts both looks in its progress', async () => {
    const one = await detectMask(image, backend, { threshold: 0.5, dilate: 0 });
    expect([one.data[22 * W + 100], one.data[60 * W + 100], one.data[85 * W + 140]]).toEqual([255, 255, 255]);
    calls.length = 0;
    const progress: Progress[] = [];
    const two = await detectMask(image, backend, { threshold: 0.5, dilate: 0, confirm: STRICT }, { onProgress: (p) => progress.push(p) });
    expect(calls.length).toBeGreaterThanOrEqual(2); // the first look, then the second around the judged marks
    expect(two.data[22 * W + 100]).toBe(255); // the scratch, dark at both sizes
    expect(two.data[60 * W + 100]).toBe(0); // the thin line seen at one size only
    expect(two.data[85 * W + 140]).toBe(255); // a 50 × 30 block is an area (radius 15 > 10 px): kept
    const last = progress.at(-1)!;
    expect(last.done).toBe(last.total);
    expect(progress.every((p) => p.stage === 'detect' && p.done <= p.total)).toBe(true);
  });

  it('suggests what it leaves out: the doubted line and the areas maxRadius drops, never what it keeps', async () => {
    const pp = { threshold: 0.5, dilate: 0, confirm: STRICT, maxRadius: 0.05 }; // radius limit 10 px: the block is an area
    const plain = await detectMask(image, backend, pp);
    expect(plain.suggested).toBeUndefined(); // only when asked for
    const r = await detectMask(image, backend, pp, { suggest: true });
    expect(Array.from(r.data)).toEqual(Array.from(plain.data)); // the proposal itself is the same
    expect(r.areasLeft).toBe(1);
    const s = r.suggested!;
    expect([r.data[22 * W + 100], s.data[22 * W + 100]]).toEqual([255, 0]); // the scratch: proposed, not suggested
    expect([r.data[60 * W + 100], s.data[60 * W + 100]]).toEqual([0, 255]); // the doubted line: suggested
    expect([r.data[85 * W + 140], s.data[85 * W + 140]]).toEqual([0, 255]); // the area: suggested
    expect(s.data.some((v, i) => v !== 0 && r.data[i] !== 0)).toBe(false);
    // With nothing left out there is nothing to suggest.
    expect((await detectMask(image, backend, { threshold: 0.5, dilate: 0 }, { suggest: true })).suggested).toBeUndefined();
  });

  it('looks again only around the marks it judges: a photo without thin marks costs one look', async () => {
    const blank: Raster = { ...image, data: new Uint8Array(W * H * 3).fill(200) };
    const block = { ...blank, data: blank.data.slice() };
    for (let y = 30; y < 90; y++) block.data.fill(0, (y * W + 40) * 3, (y * W + 160) * 3); // an area only
    for (const photo of [blank, block]) {
      calls.length = 0;
      const progress: Progress[] = [];
      await detectMask(photo, backend, { threshold: 0.5, dilate: 0, confirm: STRICT }, { onProgress: (p) => progress.push(p) });
      expect(calls).toEqual([208 * 112]); // one padded tile of the first look, nothing more
      expect(progress.at(-1)).toMatchObject({ done: 1, total: 1 }); // and the bar ends full
    }
    // One short judged line: the second look covers its region (line + margin, doubled), not the whole photo.
    const line = { ...blank, data: blank.data.slice() };
    for (let x = 20; x < 60; x++) line.data.fill(0, (50 * W + x) * 3, (50 * W + x + 1) * 3);
    calls.length = 0;
    await detectMask(line, backend, { threshold: 0.5, dilate: 0, confirm: STRICT });
    expect(calls.length).toBe(2);
    expect(calls[1]!).toBeLessThan(400 * 200);
  });
});
