/**
 * The live brush (mask-ops.ts) on a real canvas in Chromium, and the point rounding strokes are stored
 * with: hard brushes cover a disc of the brush's size, soft ones fall off towards the edge, the eraser
 * removes coverage, and a rounded point replays the same.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roundPoint, type StrokeOp } from '../../../../../src-renderer/lib/tools/mask-ops.js';
import { openModulePage, type ModulePage } from '../../support/in-chromium.js';

let page: ModulePage;

beforeAll(async () => {
  page = await openModulePage(`export { paintStroke } from './src-renderer/lib/tools/mask-ops.ts';`, resolve(__dirname, '../../../../..'));
});
afterAll(async () => {
  await page?.close();
});

/** Paints `ops` in order on a 64×64 canvas and returns its alpha channel. */
function paint(ops: StrokeOp[]): Promise<number[]> {
  return page.run(
    (mod, list: StrokeOp[]) => {
      const m = mod as unknown as { paintStroke: (ctx: CanvasRenderingContext2D, op: StrokeOp) => void };
      const canvas = document.createElement('canvas');
      canvas.width = 64;
      canvas.height = 64;
      const ctx = canvas.getContext('2d')!;
      for (const op of list) m.paintStroke(ctx, op);
      const data = ctx.getImageData(0, 0, 64, 64).data;
      const alpha: number[] = [];
      for (let i = 3; i < data.length; i += 4) alpha.push(data[i]!);
      return alpha;
    },
    ops,
  );
}

const at = (alpha: number[], x: number, y: number): number => alpha[y * 64 + x]!;

describe('paintStroke (real canvas)', () => {
  it('a hard dab covers a disc of the brush diameter and nothing beyond it', async () => {
    const a = await paint([{ kind: 'stroke', tool: 'brush', size: 20, hardness: 1, points: [32, 32] }]);
    expect(at(a, 32, 32)).toBe(255);
    expect(at(a, 32 + 8, 32)).toBe(255);
    expect(at(a, 32 + 12, 32)).toBe(0);
    const covered = a.filter((v) => v > 127).length;
    expect(covered).toBeGreaterThan(Math.PI * 9 * 9);
    expect(covered).toBeLessThan(Math.PI * 11 * 11);
  });

  it('a soft brush is full at the centre and fades towards its edge', async () => {
    const a = await paint([{ kind: 'stroke', tool: 'brush', size: 30, hardness: 0.2, points: [32, 32] }]);
    expect(at(a, 32, 32)).toBeGreaterThan(240);
    expect(at(a, 32 + 11, 32)).toBeGreaterThan(0);
    expect(at(a, 32 + 11, 32)).toBeLessThan(at(a, 32 + 4, 32));
    expect(at(a, 32 + 16, 32)).toBe(0);
  });

  it('the eraser removes coverage along its path and leaves the rest', async () => {
    const a = await paint([
      { kind: 'stroke', tool: 'brush', size: 40, hardness: 1, points: [10, 32, 54, 32] },
      { kind: 'line', tool: 'eraser', size: 8, hardness: 1, points: [32, 0, 32, 63] },
    ]);
    expect(at(a, 32, 32)).toBe(0);
    expect(at(a, 15, 32)).toBe(255);
    expect(at(a, 50, 32)).toBe(255);
  });
});

describe('roundPoint', () => {
  it('rounds to a tenth of a pixel, so a stored stroke replays the same', () => {
    expect(roundPoint(10.04, 3.06)).toEqual([10, 3.1]);
    expect(roundPoint(-0.26, 99.95)).toEqual([-0.3, 100]);
    const [x, y] = roundPoint(1 / 3, 2 / 3);
    expect(roundPoint(x, y)).toEqual([x, y]);
  });
});
