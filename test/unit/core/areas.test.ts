import { describe, expect, it } from 'vitest';
import { completeMarks, dropAreas, insideDistance } from '../../../src-main/core/areas.js';
import type { Raster } from '../../../src-main/core/image.js';
import { detectMask, effectivePostprocess } from '../../../src-main/core/detect.js';

const W = 200, H = 100;

/** Probability map with rectangles set to `p` (x0, y0, x1, y1 inclusive-exclusive). */
function probWith(rects: Array<[number, number, number, number]>, p = 0.9): Float32Array {
  const prob = new Float32Array(W * H).fill(0.05);
  for (const [x0, y0, x1, y1] of rects) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) prob[y * W + x] = p;
  return prob;
}

describe('insideDistance', () => {
  it('is 1 on a one-pixel line, grows to the middle of a block and is 0 outside', () => {
    const m = new Uint8Array(W * H);
    for (let x = 10; x < 60; x++) m[20 * W + x] = 1; // 1 px line
    for (let y = 40; y < 61; y++) for (let x = 100; x < 121; x++) m[y * W + x] = 1; // 21 × 21 block
    const d = insideDistance(m, W, H);
    expect(d[20 * W + 30]).toBe(1);
    expect(d[50 * W + 110]).toBe(11); // the centre is 11 steps from the nearest unmarked pixel
    expect(d[40 * W + 110]).toBe(1);
    expect(d[0]).toBe(0);
  });

  it('does not count the image edge as unmarked, and a mark over everything is as thick as the image', () => {
    const m = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < 3; x++) m[y * W + x] = 1; // a 3-px strip along the left edge
    expect(insideDistance(m, W, H)[50 * W]).toBe(3);
    expect(insideDistance(new Uint8Array(W * H).fill(1), W, H)[0]).toBe(W);
  });
});

describe('dropAreas', () => {
  it('drops a thick mark whole and keeps thin scratches, cracks and specks', () => {
    const prob = probWith([
      [10, 10, 190, 13], // a long 3-px scratch
      [20, 30, 23, 90], // a vertical crack
      [60, 40, 100, 80], // a 40 × 40 pale area (a collar or a torn patch)
      [150, 50, 154, 54], // a 4 × 4 speck
    ]);
    const dropped = dropAreas(prob, W, H, 0.5, 0.015); // limit 0.015 × 200 = 3 px
    expect(dropped).toBe(1);
    expect(prob[70 * W + 80]).toBe(0);
    expect(prob[60 * W + 60]).toBe(0); // its rim goes with it, not only its core
    expect(prob[11 * W + 100]).toBeCloseTo(0.9);
    expect(prob[50 * W + 21]).toBeCloseTo(0.9);
    expect(prob[51 * W + 151]).toBeCloseTo(0.9);
    expect(prob[0]).toBeCloseTo(0.05); // unmarked pixels are untouched
  });

  it('drops a thin line together with the area it runs into (one mark), and scales with the photo', () => {
    const joined = probWith([[0, 50, 60, 52], [60, 30, 100, 70]]);
    expect(dropAreas(joined, W, H, 0.5, 0.015)).toBe(1);
    expect(joined[50 * W + 10]).toBe(0);
    // The same 40-px area is no area at a limit of 0.15 × 200 = 30 px.
    const lenient = probWith([[60, 30, 100, 70]]);
    expect(dropAreas(lenient, W, H, 0.5, 0.15)).toBe(0);
    expect(lenient[50 * W + 80]).toBeCloseTo(0.9);
  });
});

describe('completeMarks', () => {
  const cue = { low: 0.4, minThick: 3 };
  const marked = (prob: Float32Array, t: number): number => prob.reduce((n, p) => n + (p > t ? 1 : 0), 0);

  it('joins the less sure tip of a thick mark to it, and nothing unconnected', () => {
    // a 20x20 sure patch, its 10x6 tip at 0.6, and an unconnected 0.6 blob elsewhere
    const prob = probWith([[20, 20, 40, 40]]);
    for (let y = 27; y < 33; y++) for (let x = 40; x < 50; x++) prob[y * W + x] = 0.6;
    for (let y = 70; y < 80; y++) for (let x = 150; x < 160; x++) prob[y * W + x] = 0.6;
    expect(completeMarks(prob, W, H, 0.85, cue)).toBe(60);
    expect(prob[30 * W + 49]).toBeGreaterThan(0.85);
    expect(prob[75 * W + 155]).toBeCloseTo(0.6);
    expect(marked(prob, 0.85)).toBe(400 + 60);
  });

  it('leaves thin marks (a line into an unsure region) and a region larger than the mark as they are', () => {
    // a 2 px line running into a 0.6 band; a 6x6 sure patch inside a 40x40 unsure area
    const prob = probWith([[10, 10, 120, 12]]);
    for (let y = 12; y < 20; y++) for (let x = 10; x < 120; x++) prob[y * W + x] = 0.6;
    for (let y = 40; y < 80; y++) for (let x = 140; x < 180; x++) prob[y * W + x] = 0.6;
    for (let y = 57; y < 63; y++) for (let x = 157; x < 163; x++) prob[y * W + x] = 0.95;
    const before = prob.slice();
    expect(completeMarks(prob, W, H, 0.85, cue)).toBe(0);
    expect(prob).toEqual(before);
  });
});

describe('detectMask with maxRadius', () => {
  const image: Raster = { width: W, height: H, channels: 3, depth: 8, data: new Uint8Array(W * H * 3) };
  // A detector that marks a long thin scratch and a wide pale area, whatever the photo holds.
  const fixed = {
    id: 'fixed', padMultiple: 16, tileSize: 256, overlap: 16,
    run: (_rgb: Float32Array, w: number, h: number) => {
      const p = new Float32Array(w * h);
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          if ((y >= 10 && y < 12) || (x >= 60 && x < 100 && y >= 40 && y < 80)) p[y * w + x] = 0.95;
        }
      }
      return Promise.resolve(p);
    },
  };

  it('fills only the lines when set (unattended) and proposes both when not (review)', async () => {
    const review = await detectMask(image, fixed, { threshold: 0.5, dilate: 0 });
    const unattended = await detectMask(image, fixed, { threshold: 0.5, dilate: 0, maxRadius: 0.015 });
    expect(review.data[60 * W + 80]).toBe(255);
    expect(unattended.data[60 * W + 80]).toBe(0);
    expect(review.data[10 * W + 150]).toBe(255);
    expect(unattended.data[10 * W + 150]).toBe(255);
  });

  it('completes a thick mark when the post-processing asks for it, in the review and unattended alike', async () => {
    const tipped = {
      ...fixed,
      run: async (rgb: Float32Array, w: number, h: number) => {
        const p = await fixed.run(rgb, w, h);
        for (let y = 55; y < 65; y++) for (let x = 100; x < 110; x++) p[y * w + x] = 0.6; // the unsure tip
        return p;
      },
    };
    const pp = { threshold: 0.85, dilate: 0, complete: { low: 0.4, minThick: 3 } };
    const plain = await detectMask(image, tipped, { threshold: 0.85, dilate: 0 });
    const completed = await detectMask(image, tipped, pp);
    const unattended = await detectMask(image, tipped, effectivePostprocess({ ...pp, threshold: 0.7, unattended: { threshold: 0.85 } }, { unattended: true }));
    expect(plain.data[60 * W + 105]).toBe(0);
    expect(completed.data[60 * W + 105]).toBe(255);
    expect(unattended.data[60 * W + 105]).toBe(255);
  });
});
