import { describe, expect, it } from 'vitest';
import { connectedComponents, countHoles, dilate, joinTouching, maskFromGray, probToMask } from '../../../src-main/core/mask.js';

const point = (w: number, h: number, x: number, y: number) => {
  const data = new Uint8Array(w * h);
  data[y * w + x] = 255;
  return { width: w, height: h, data };
};

describe('mask ops', () => {
  it('thresholds gray at > 127', () => {
    expect([...maskFromGray([0, 127, 128, 255], 4, 1).data]).toEqual([0, 0, 255, 255]);
  });

  it('dilates by a Euclidean disc', () => {
    const d = dilate(point(11, 11, 5, 5), 3);
    expect(countHoles(d)).toBe(29); // lattice points with x²+y² ≤ 9
    expect(d.data[5 * 11 + 8]).toBe(255);
    expect(d.data[8 * 11 + 8]).toBe(0);
    expect(countHoles(dilate(point(5, 5, 0, 0), 0))).toBe(1);
  });

  it('finds 8-connected components with their boxes and sizes', () => {
    const w = 10, h = 6;
    const data = new Uint8Array(w * h);
    for (const [x, y] of [[1, 1], [2, 2], [3, 3], [3, 1], [8, 0], [8, 5], [9, 5]]) data[y! * w + x!] = 255;
    const comps = connectedComponents({ width: w, height: h, data }).sort((a, b) => a.y - b.y || a.x - b.x);
    expect(comps).toEqual([
      { x: 8, y: 0, width: 1, height: 1, pixels: 1 },
      { x: 1, y: 1, width: 3, height: 3, pixels: 4 },
      { x: 8, y: 5, width: 2, height: 1, pixels: 2 },
    ]);
  });

  it('joins a U shape into one component', () => {
    const w = 5, h = 3;
    const data = new Uint8Array([255, 0, 0, 0, 255, 255, 0, 0, 0, 255, 255, 255, 255, 255, 255]);
    expect(connectedComponents({ width: w, height: h, data })).toHaveLength(1);
  });

  it('turns a probability map into a dilated mask', () => {
    const prob = new Float32Array(25);
    prob[12] = 0.9; prob[0] = 0.4;
    const m = probToMask(prob, 5, 5, 0.5, 1);
    expect(countHoles(m)).toBe(5);
    expect(m.data[0]).toBe(0);
  });

  it('keeps only marks that reach the seed, each whole (hysteresis)', () => {
    // row 0: a faint mark (0.6) that never reaches the seed; row 2: a mark whose middle is sure (0.95)
    const w = 6, h = 3;
    const prob = new Float32Array(w * h);
    prob.set([0.6, 0.6, 0.6], 0);
    prob.set([0.6, 0.7, 0.95, 0.7, 0.6, 0.2], 12);
    const plain = probToMask(prob, w, h, 0.5, 0);
    expect(countHoles(plain)).toBe(8);
    const sure = probToMask(prob, w, h, 0.5, 0, 0.9);
    expect([...sure.data.slice(0, 6)]).toEqual([0, 0, 0, 0, 0, 0]);
    expect([...sure.data.slice(12, 18)]).toEqual([255, 255, 255, 255, 255, 0]);
  });

  it('joins diagonal neighbours to a sure mark', () => {
    const prob = new Float32Array([0.99, 0, 0, 0, 0.6, 0, 0, 0, 0.6]);
    expect(countHoles(probToMask(prob, 3, 3, 0.5, 0, 0.9))).toBe(3);
  });
});

describe('joinTouching', () => {
  /** A 12 × 3 mask from rows of '#' (marked) and '.' characters. */
  const rows = (...lines: string[]) => ({
    width: lines[0]!.length, height: lines.length,
    data: Uint8Array.from(lines.join(''), (c) => (c === '#' ? 255 : 0)),
  });
  const text = (m: { width: number; data: Uint8Array }) =>
    Array.from({ length: m.data.length / m.width }, (_, y) => Array.from(m.data.subarray(y * m.width, (y + 1) * m.width), (v) => (v ? '#' : '.')).join(''));

  it('adds the marks of the reach that touch the mask, and only those', () => {
    const mask = rows('..##........', '............', '..........#.');
    const reach = rows('.####...##..', '.....#......', '......#...#.');
    expect(joinTouching(mask, reach)).toBe(4); // x 1 and 4 of row 0, then the diagonal run down to (6, 2)
    expect(text(mask)).toEqual(['.####.......', '.....#......', '......#...#.']);
  });

  it('keeps what the mask marks even where the reach does not', () => {
    const mask = rows('#...........', '............', '............');
    expect(joinTouching(mask, rows('............', '............', '............'))).toBe(0);
    expect(text(mask)[0]).toBe('#...........');
  });
});
