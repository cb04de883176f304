/**
 * The crack wand on a real crazed print (bopbtl-scratched/d, read with sharp from ../shared/data): a click on the
 * cream crack network over the dark background selects the network (thousands of pixels of light lines), and a
 * click on the hairline crack across the woman's cheek follows that line instead of the skin's highlights beside
 * it (followed at the full 6 px radius, as the first version did, it took 648 px, mostly highlights). On a clean
 * harbour scan a click on a rope takes the rope, not the wooded hill's texture behind it.
 */
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { traceCrack } from '../../src-main/core/crack-wand.js';
import { lumaAt, type Raster } from '../../src-main/core/image.js';

const photo = join(resolve(__dirname, '../../../shared/data'), 'real-damage/bopbtl-scratched/d.png');
const harbour = join(resolve(__dirname, '../../../shared/data'), 'real-damage/bopbtl-old/f.png');
let image: Raster;
let luma: Float32Array;

beforeAll(async () => {
  const { data, info } = await sharp(photo).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  image = { width: info.width, height: info.height, channels: 3, depth: 8, data: new Uint8Array(data) };
  luma = Float32Array.from({ length: info.width * info.height }, (_, i) => lumaAt(data, i * 3, 3));
});

/** Share of the selected pixels at least 8 levels lighter than the median of their 9 × 9 neighbourhood: on a light line. */
function onLightLine(mask: Uint8Array): number {
  const { width: w, height: h } = image;
  let on = 0, all = 0;
  for (let i = 0; i < w * h; i++) {
    if (!mask[i]) continue;
    all++;
    const x = i % w, y = (i - x) / w;
    const around: number[] = [];
    for (let yy = Math.max(0, y - 4); yy <= Math.min(h - 1, y + 4); yy++) for (let xx = Math.max(0, x - 4); xx <= Math.min(w - 1, x + 4); xx++) around.push(luma[yy * w + xx]!);
    around.sort((a, b) => a - b);
    if (luma[i]! >= around[around.length >> 1]! + 8) on++;
  }
  return on / all;
}

describe('the crack wand on bopbtl-scratched/d', () => {
  it('selects the cream crack network a click lands on', () => {
    const picked = traceCrack(image, { x: 93, y: 32 })!;
    expect(picked.light).toBe(true);
    expect(picked.pixels).toBeGreaterThan(0.02 * image.width * image.height);
    expect(picked.pixels).toBeLessThan(0.15 * image.width * image.height);
    let sel = 0, all = 0;
    for (let i = 0; i < luma.length; i++) { all += luma[i]!; if (picked.mask.data[i]) sel += luma[i]!; }
    expect(sel / picked.pixels).toBeGreaterThan(all / luma.length + 8); // light lines (and the 1 px grown around them), not the dark picture
  });

  it('on a clean harbour scan (bopbtl-old/f) follows the clicked rope, not the foliage behind it', async () => {
    const { data, info } = await sharp(harbour).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const scan: Raster = { width: info.width, height: info.height, channels: 3, depth: 8, data: new Uint8Array(data) };
    const picked = traceCrack(scan, { x: 503, y: 360 })!; // a lit rope in front of the wooded hill
    expect(picked.light).toBe(true);
    expect(picked.pixels).toBeGreaterThan(50);
    expect(picked.pixels).toBeLessThan(0.005 * info.width * info.height); // without the texture rule: 10 % of the scan
  });

  it('follows the hairline crack across the cheek, not the highlights beside it', () => {
    const picked = traceCrack(image, { x: 159, y: 141 })!;
    expect(picked.light).toBe(true);
    expect(picked.pixels).toBeGreaterThan(100);
    expect(picked.pixels).toBeLessThan(400);
    expect(onLightLine(picked.mask.data)).toBeGreaterThan(0.5);
  });
});
