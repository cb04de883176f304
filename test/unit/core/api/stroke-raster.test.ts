import { describe, expect, it } from 'vitest';
import { countCoverageHoles, paintStroke, toBinaryMask } from '../../../../src-main/core/api/stroke-raster.js';

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
    expect(countCoverageHoles(m)).toBeGreaterThan(850);
    expect(countCoverageHoles(m)).toBeLessThan(950);
  });

  it('a soft brush falls off towards its rim; the eraser removes coverage', () => {
    const m = blank();
    paintStroke(m, { kind: 'stroke', tool: 'brush', points: [50, 30], size: 20, hardness: 0 });
    expect(m.data[30 * 100 + 50]).toBeGreaterThan(230);
    const mid = m.data[30 * 100 + 55]!;
    expect(mid).toBeGreaterThan(60);
    expect(mid).toBeLessThan(200);
    paintStroke(m, { kind: 'stroke', tool: 'eraser', points: [50, 30], size: 40, hardness: 1 });
    expect(countCoverageHoles(m)).toBe(0);
  });

  it('strokes outside the image touch nothing', () => {
    const m = blank();
    expect(paintStroke(m, { kind: 'stroke', tool: 'brush', points: [-50, -50, -40, -40], size: 4, hardness: 1 })).toBeNull();
    expect(countCoverageHoles(toBinaryMask(m))).toBe(0);
  });

  it('matches a brute-force distance-to-polyline reference on random strokes', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let n = 0; n < 30; n++) {
      const pts: number[] = [];
      const k = 1 + Math.floor(rnd() * 5);
      for (let i = 0; i < k; i++) pts.push(rnd() * 120 - 10, rnd() * 80 - 10);
      const stroke = { kind: 'stroke' as const, tool: 'brush' as const, points: pts, size: 1 + rnd() * 20, hardness: rnd() };
      const m = blank(100, 60);
      paintStroke(m, stroke);
      const r = Math.max(0.5, stroke.size / 2), inner = r * stroke.hardness;
      let off = 0;
      for (let y = 0; y < 60; y++) {
        for (let x = 0; x < 100; x++) {
          let best = Infinity;
          for (let s = 0; s < Math.max(1, k - 1); s++) {
            const ax = pts[2 * s]!, ay = pts[2 * s + 1]!;
            const bx = k === 1 ? ax : pts[2 * s + 2]!, by = k === 1 ? ay : pts[2 * s + 3]!;
            const dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
            const t = l2 > 0 ? Math.min(1, Math.max(0, ((x + 0.5 - ax) * dx + (y + 0.5 - ay) * dy) / l2)) : 0;
            best = Math.min(best, Math.hypot(x + 0.5 - ax - t * dx, y + 0.5 - ay - t * dy));
          }
          const c = best >= r ? 0 : best <= inner ? 1 : (r - best) / (r - inner);
          if (Math.abs(m.data[y * 100 + x]! - Math.round(c * 255)) > 1) off++;
        }
      }
      expect(off).toBe(0);
    }
  });
});
