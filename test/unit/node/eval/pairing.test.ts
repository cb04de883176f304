import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupMasks, maskFor, readMaskResized, resizeNearest } from '../../../../src-main/node/eval/pairing.js';
import { bandOf, holeRatio, syntheticMask } from '../../../../src-main/node/eval/synthetic-masks.js';

const repoRoot = resolve(__dirname, '../../../..');
const masksDir = resolve(repoRoot, '../shared/data/dev-eval/masks');
const reference = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/metrics/reference.json'), 'utf8')) as {
  nearestResize: { mask: string; width: number; height: number; holes: number; sha256: string }[];
};

describe('pairing rule shared with devset.py', () => {
  it('groups masks by bandB- prefix, each sorted, and cycles them over images', () => {
    const groups = groupMasks(['/m/band1-02001.png', '/m/band0-00002.png', '/m/band1-02000.png', '/m/band0-00001.png']);
    expect([...groups.keys()]).toEqual(['band0', 'band1']);
    expect(groups.get('band1')).toEqual(['/m/band1-02000.png', '/m/band1-02001.png']);
    expect([0, 1, 2].map((i) => maskFor(groups.get('band0')!, i))).toEqual(['/m/band0-00001.png', '/m/band0-00002.png', '/m/band0-00001.png']);
    expect([...groupMasks(['/m/b.png', '/m/a.png']).entries()]).toEqual([['all', ['/m/a.png', '/m/b.png']]]);
  });

  for (const r of reference.nearestResize) {
    it(`resizes ${r.mask} to ${r.width}x${r.height} exactly as cv2.INTER_NEAREST does`, async () => {
      const m = await readMaskResized(join(masksDir, r.mask), r.width, r.height);
      const bits = m.data.map((v) => (v ? 1 : 0));
      expect(bits.reduce((a, b) => a + b, 0)).toBe(r.holes);
      expect(createHash('sha256').update(bits).digest('hex')).toBe(r.sha256);
    });
  }

  it('nearest resize picks floor(x * src/dst)', () => {
    expect([...resizeNearest(Uint8Array.from([1, 2, 3]), 3, 1, 6, 1)]).toEqual([1, 1, 2, 2, 3, 3]);
    expect([...resizeNearest(Uint8Array.from([1, 2, 3, 4]), 4, 1, 2, 1)]).toEqual([1, 3]);
  });
});

describe('synthetic damage', () => {
  it('is reproducible from the seed and lands in the requested band', () => {
    const a = syntheticMask('strokes', 200, 150, 42, 'band2');
    const b = syntheticMask('strokes', 200, 150, 42, 'band2');
    expect(Buffer.compare(a.data, b.data)).toBe(0);
    expect(bandOf(holeRatio(a))).toBe('band2');
    const s = syntheticMask('scratches', 200, 150, 7);
    expect(holeRatio(s)).toBeGreaterThan(0);
    expect(holeRatio(s)).toBeLessThan(0.2);
    expect(Buffer.compare(s.data, syntheticMask('scratches', 200, 150, 8).data)).not.toBe(0);
  });
});
