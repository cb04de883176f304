/**
 * The Grow mask control in Debian's Chromium against the real web host and the shipped default model:
 * a painted mask is restored as painted (no pixel outside it changes), and with Grow mask = 3 px the
 * restore also fills up to 3 px around it and no further.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Mask } from '../../src-main/core/image.js';
import { dilate } from '../../src-main/core/mask.js';
import { CHROMIUM } from './support/browser.js';
import { useApp } from './support/app.js';
import { repoRoot } from './support/build-renderer.js';

const FLOW_TIMEOUT = 420_000;
const PHOTO = path.resolve(repoRoot, '../shared/data/real-damage/bopbtl-scratched/a.png');

/** Pixels that differ between the two decoded images and that `region` does not cover. */
async function changedOutside(a: Buffer, b: Buffer, region: Mask): Promise<number> {
  const x = await sharp(a).raw().toBuffer({ resolveWithObject: true });
  const y = await sharp(b).raw().toBuffer({ resolveWithObject: true });
  expect([y.info.width, y.info.height, y.info.channels]).toEqual([x.info.width, x.info.height, x.info.channels]);
  const c = x.info.channels;
  let n = 0;
  for (let p = 0; p < region.data.length; p++) {
    if (region.data[p]) continue;
    for (let k = 0; k < c; k++) if (x.data[p * c + k] !== y.data[p * c + k]) { n++; break; }
  }
  return n;
}

describe.skipIf(!existsSync(CHROMIUM))('Grow mask (web host + Chromium, shipped model)', () => {
  const app = useApp();

  it('restores a painted line as painted, and with Grow mask 3 px fills exactly 3 px around it', async () => {
    const { host, editor } = app;
    await editor.goto(host.url);
    await editor.openPhoto(PHOTO);
    await editor.setBrushSize(3);
    await editor.drawLine([60, 100], [400, 140]);

    await editor.restore();
    const exact = await editor.shownImages();
    const mask: Mask = { width: exact.width, height: exact.height, data: exact.mask };
    expect(mask.data.reduce((n, v) => n + v, 0)).toBeGreaterThan(300);
    expect(await changedOutside(exact.original, exact.result, mask)).toBe(0);

    await editor.history.undo();
    await editor.setGrowMask(3);
    await editor.restore();
    const grown = await editor.shownImages();
    expect(await changedOutside(grown.original, grown.result, dilate(mask, 3))).toBe(0);
    expect(await changedOutside(grown.original, grown.result, dilate(mask, 2))).toBeGreaterThan(50);
  }, FLOW_TIMEOUT);
});
