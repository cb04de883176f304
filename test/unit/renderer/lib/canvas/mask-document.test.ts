/**
 * MaskDocument on a real canvas in Chromium: the stroke protocol (mark → drag → squash, or bail) and
 * replay. What a committed stroke leaves must equal a replay of it, and bail must put every pixel back,
 * or undo/redo and a reopened project would show a different mask from the one painted.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MaskDocument } from '../../../../../src-renderer/lib/canvas/mask-document.js';
import type { StrokeOp } from '../../../../../src-renderer/lib/tools/mask-ops.js';
import { openModulePage, type ModulePage } from '../../support/in-chromium.js';

type Mod = { MaskDocument: typeof MaskDocument };

let page: ModulePage;

beforeAll(async () => {
  page = await openModulePage(
    `export { MaskDocument } from './src-renderer/lib/canvas/mask-document.ts';`,
    resolve(__dirname, '../../../../..'),
  );
});
afterAll(async () => {
  await page?.close();
});

/** Runs `body` in the page with the module and a `pixels(doc)` helper (the alpha channel as an array). */
function inPage<A, R>(body: (m: Mod, arg: A, pixels: (d: MaskDocument) => number[]) => R, arg: A): Promise<R> {
  return page.run(
    (mod, a: { src: string; arg: A }) => {
      const pixels = (d: MaskDocument): number[] => {
        const data = d.ctx.getImageData(0, 0, d.width, d.height).data;
        const alpha: number[] = [];
        for (let i = 3; i < data.length; i += 4) alpha.push(data[i]!);
        return alpha;
      };
      return (new Function('m', 'arg', 'pixels', `return (${a.src})(m, arg, pixels);`) as (m: unknown, x: A, p: typeof pixels) => R)(mod, a.arg, pixels);
    },
    { src: body.toString(), arg },
  );
}

const brush: Omit<StrokeOp, 'points'> = { kind: 'stroke', tool: 'brush', size: 14, hardness: 0.5 };

describe('MaskDocument (real canvas)', () => {
  it('a committed stroke leaves exactly what replaying it paints', async () => {
    const r = await inPage(
      (m, op, pixels) => {
        const live = new m.MaskDocument(300, 200);
        live.begin(op, 20, 30);
        for (const [x, y] of [[60, 40], [120, 90], [200, 150], [260, 60]] as const) live.extend(x, y);
        const committed = live.commit();
        const replay = new m.MaskDocument(300, 200);
        replay.rebuild(committed ? [committed] : []);
        const a = pixels(live);
        const b = pixels(replay);
        return { points: committed?.points, covered: a.filter((v) => v > 0).length, differing: a.filter((v, i) => v !== b[i]).length, isStroking: live.isStroking };
      },
      brush,
    );
    expect(r.points).toEqual([20, 30, 60, 40, 120, 90, 200, 150, 260, 60]);
    expect(r.covered).toBeGreaterThan(2000);
    expect(r.differing).toBe(0);
    expect(r.isStroking).toBe(false);
  });

  it('bail puts back every pixel the live stroke touched, across tiles of a large mask', async () => {
    const r = await inPage(
      (m, op, pixels) => {
        const doc = new m.MaskDocument(900, 600); // several 256-px tiles
        doc.begin({ ...op, hardness: 1 }, 100, 100);
        doc.extend(400, 300);
        doc.commit();
        const before = pixels(doc);
        doc.begin({ ...op, size: 60 }, 50, 500);
        doc.extend(850, 50);
        doc.extend(880, 580);
        const during = pixels(doc);
        doc.bail();
        const after = pixels(doc);
        return {
          changedWhileLive: during.filter((v, i) => v !== before[i]).length,
          differingAfterBail: after.filter((v, i) => v !== before[i]).length,
          isStroking: doc.isStroking,
        };
      },
      brush,
    );
    expect(r.changedWhileLive).toBeGreaterThan(10_000);
    expect(r.differingAfterBail).toBe(0);
    expect(r.isStroking).toBe(false);
  });

  it('ignores moves under half a pixel, and commit without a stroke is null', async () => {
    const r = await inPage(
      (m, op) => {
        const doc = new m.MaskDocument(50, 50);
        const none = doc.commit();
        doc.begin(op, 10, 10);
        doc.extend(10.2, 10.3);
        doc.extend(20, 10);
        return { none, points: doc.commit()?.points };
      },
      brush,
    );
    expect(r.none).toBeNull();
    expect(r.points).toEqual([10, 10, 20, 10]);
  });

  it('rebuild replays from the last clear, erases with the eraser, and draws a detector proposal whole', async () => {
    const r = await inPage(
      (m, op, pixels) => {
        const a: StrokeOp = { ...op, points: [10, 10, 90, 10] };
        const b: StrokeOp = { ...op, kind: 'line', points: [10, 40, 90, 40] };
        const cleared = new m.MaskDocument(100, 60);
        cleared.rebuild([a, { kind: 'clear' }, b]);
        const onlyB = new m.MaskDocument(100, 60);
        onlyB.rebuild([b]);

        const erased = new m.MaskDocument(100, 60);
        erased.rebuild([{ ...op, hardness: 1, points: [10, 30, 90, 30] }, { ...op, tool: 'eraser', hardness: 1, size: 40, points: [10, 30, 90, 30] }]);

        const proposal = document.createElement('canvas');
        proposal.width = 100;
        proposal.height = 60;
        const pctx = proposal.getContext('2d')!;
        pctx.fillStyle = 'rgb(255, 48, 64)';
        pctx.fillRect(0, 0, 25, 60);
        const detected = new m.MaskDocument(100, 60);
        detected.rebuild([a, { kind: 'detect', mask: proposal }]);
        const d = pixels(detected);
        return {
          clearedEqualsOnlyB: pixels(cleared).every((v, i) => v === pixels(onlyB)[i]),
          coveredB: pixels(onlyB).filter((v) => v > 0).length,
          erasedLeft: pixels(erased).filter((v) => v > 0).length,
          detectedCovered: d.filter((v) => v > 0).length,
          detectedLeftColumn: d[30 * 100 + 5],
          detectedRight: d[10 * 100 + 60],
        };
      },
      brush,
    );
    expect(r.coveredB).toBeGreaterThan(500);
    expect(r.clearedEqualsOnlyB).toBe(true);
    expect(r.erasedLeft).toBe(0);
    // The proposal replaces what came before it: the stroke at y=10 is gone, its left quarter is set.
    expect(r.detectedCovered).toBe(25 * 60);
    expect(r.detectedLeftColumn).toBe(255);
    expect(r.detectedRight).toBe(0);
  });
});
