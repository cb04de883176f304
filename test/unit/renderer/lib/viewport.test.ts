import { describe, expect, it } from 'vitest';
import { actualSize, fitView, isFitted, panBy, screenToImage, wheelFactor, zoomAround, MAX_SCALE } from '../../../../src-renderer/lib/canvas/viewport.js';

describe('viewport math', () => {
  it('fits a 12 MP photo inside the viewport, centred, and enlarges small photos to fit (up to 8×)', () => {
    const v = fitView(4000, 3000, 1200, 800, 24);
    expect(v.scale).toBeCloseTo((800 - 48) / 3000);
    expect(v.x * 2 + 4000 * v.scale).toBeCloseTo(1200);
    expect(fitView(200, 100, 1200, 800).scale).toBeCloseTo((1200 - 48) / 200);
    expect(fitView(256, 256, 1200, 800).scale).toBeCloseTo((800 - 48) / 256);
    expect(fitView(16, 16, 1200, 800).scale).toBe(8);
    expect(isFitted(fitView(256, 256, 1200, 800), 256, 256, 1200, 800)).toBe(true);
    expect(isFitted(fitView(256, 256, 1200, 800), 256, 256, 1000, 800)).toBe(false);
  });

  it('keeps the image point under the cursor fixed while zooming', () => {
    const v0 = { scale: 0.25, x: 40, y: 30 };
    const [ix, iy] = screenToImage(v0, 500, 300);
    const v1 = zoomAround(v0, wheelFactor(-240, 0), 500, 300);
    expect(v1.scale).toBeGreaterThan(v0.scale);
    const [jx, jy] = screenToImage(v1, 500, 300);
    expect(jx).toBeCloseTo(ix);
    expect(jy).toBeCloseTo(iy);
  });

  it('clamps zoom and reaches exactly 100 %', () => {
    expect(zoomAround({ scale: 30, x: 0, y: 0 }, 10, 0, 0).scale).toBe(MAX_SCALE);
    expect(actualSize({ scale: 0.3, x: 5, y: 7 }, 800, 600).scale).toBeCloseTo(1);
  });

  it('pans by screen deltas', () => {
    expect(panBy({ scale: 2, x: 1, y: 2 }, 10, -5)).toEqual({ scale: 2, x: 11, y: -3 });
  });
});
