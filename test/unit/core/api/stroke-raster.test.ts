import { describe, expect, it } from 'vitest';
import { countHoles, paintStroke, toBinaryMask } from '../../../../src-main/core/api/stroke-raster.js';

const blank = (w = 100, h = 60) => ({ width: w, height: h, data: new Uint8Array(w * h) });

describe('paintStroke', () => {
  it('a hard line covers a capsule of the brush diameter and nothing else', () => {
    const m = blank();
    paintStroke(m, { kind: 'stroke', tool: 'line', points: [10, 30, 90, 30], size: 10, hardness: 1 });
    expect(m.data[30 * 100 + 50]).toBe(255);
    expect(m.data[26 * 100 + 50]).toBe(255); // within r = 5
    expect(m.data[20 * 100 + 50]).toBe(0);
    expect(m.data[30 * 100 + 97]).toBe(0); // beyond the cap
    // ≈ 80 × 10 rectangle + a disc of radius 5
    expect(countHoles(m)).toBeGreaterThan(850);
    expect(countHoles(m)).toBeLessThan(950);
  });

  it('a soft brush falls off towards its rim; the eraser removes coverage', () => {
    const m = blank();
    paintStroke(m, { kind: 'stroke', tool: 'brush', points: [50, 30], size: 20, hardness: 0 });
    expect(m.data[30 * 100 + 50]).toBeGreaterThan(230);
    const mid = m.data[30 * 100 + 55]!;
    expect(mid).toBeGreaterThan(60);
    expect(mid).toBeLessThan(200);
    paintStroke(m, { kind: 'stroke', tool: 'eraser', points: [50, 30], size: 40, hardness: 1 });
    expect(countHoles(m)).toBe(0);
  });

  it('strokes outside the image touch nothing', () => {
    const m = blank();
    expect(paintStroke(m, { kind: 'stroke', tool: 'brush', points: [-50, -50, -40, -40], size: 4, hardness: 1 })).toBeNull();
    expect(countHoles(toBinaryMask(m))).toBe(0);
  });
});
