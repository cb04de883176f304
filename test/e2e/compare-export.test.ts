/**
 * Issue 14 item 2 (the editor's part) in Debian's Chromium against the real web host and shipped model: every
 * before/after comparison `kintsugi compare` makes is exported from the editor's Export menu — side by side,
 * stacked, split where the Compare slider is, and the HTML slider page (opened and dragged here) — and the
 * "Exported" notice goes when another photo opens. At 1440×900 and 1024×700, with the layout checked.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { layoutSize } from '../../src-main/node/compare/index.js';
import { CHROMIUM } from './support/browser.js';
import { useApp } from './support/app.js';
import { layoutProblems, VIEWPORTS } from './support/layout.js';
import { repoRoot } from './support/build-renderer.js';
import { tempDir } from '../support/temp-dir.js';

const FLOW_TIMEOUT = 420_000;
const PHOTO = path.resolve(repoRoot, '../shared/data/real-damage/bopbtl-scratched/a.png');
const OTHER = path.resolve(repoRoot, '../shared/data/real-damage/bopbtl-old/b.png');

async function rgb(file: string | Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(file).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Summed absolute difference of `a` (a picture `aw` wide) and `b` at the masked pixels with x in [x0, x1). */
function diffAt(a: Buffer, aw: number, b: Buffer, bw: number, mask: Uint8Array, w: number, x0: number, x1: number): number {
  let d = 0;
  for (let i = 0; i < mask.length; i++) {
    const x = i % w;
    const y = Math.floor(i / w);
    if (!mask[i] || x < x0 || x >= x1) continue;
    for (let k = 0; k < 3; k++) d += Math.abs(a[(y * aw + x) * 3 + k]! - b[(y * bw + x) * 3 + k]!);
  }
  return d;
}

describe.skipIf(!existsSync(CHROMIUM)).each(VIEWPORTS)('before/after export from the editor at $width×$height', (viewport) => {
  const downloads = tempDir('kintsugi-e2e-compare-');
  const app = useApp({ viewport });

  it('exports side by side, stacked, split at the slider and the slider page; the notice leaves with the photo', async () => {
    const { host, browser, editor } = app;
    await editor.goto(host.url);
    await editor.openPhoto(PHOTO);
    const { width, height } = await editor.photoSize();
    await editor.setBrushSize(12);
    await editor.drawLine([30, 300], [460, 300]);
    await editor.restore();
    const shown = await editor.shownImages();
    const original = await rgb(shown.original);
    const result = await rgb(shown.result);

    await editor.byTestId('export-menu-button').click();
    expect(await layoutProblems(editor.page)).toEqual({ horizontalScroll: 0, clipped: [], overlapping: [] });
    await editor.page.keyboard.press('Escape');

    for (const layout of ['side-by-side', 'stacked'] as const) {
      const file = await editor.exportComparison(layout, downloads);
      expect(path.basename(file)).toBe(`a-before-after-${layout}.jpg`);
      const pic = await rgb(file);
      expect({ width: pic.width, height: pic.height }).toEqual(layoutSize(layout, width, height));
      expect(await editor.notice()).toBe(`Exported a-before-after-${layout}.jpg`);
    }

    // Split: before left of the Compare slider, after right of it, as the editor shows it.
    await editor.compare.toggleSplit();
    await editor.compare.dragSplitTo(0.5);
    const at = await editor.compare.splitFraction();
    expect(at).toBeGreaterThan(0.4);
    expect(at).toBeLessThan(0.6);
    const split = await rgb(await editor.exportComparison('split', downloads));
    expect({ width: split.width, height: split.height }).toEqual({ width, height });
    const cut = Math.round(at * width);
    const left: [number, number] = [0, cut - 20];
    const right: [number, number] = [cut + 20, width];
    expect(diffAt(split.data, width, original.data, width, shown.mask, width, ...left)).toBeLessThan(diffAt(split.data, width, result.data, width, shown.mask, width, ...left));
    expect(diffAt(split.data, width, result.data, width, shown.mask, width, ...right)).toBeLessThan(diffAt(split.data, width, original.data, width, shown.mask, width, ...right));

    // The slider page: one self-contained HTML file with both pictures and a working slider.
    const page = await editor.exportComparison('slider', downloads);
    expect(path.basename(page)).toBe('a-before-after.html');
    const html = readFileSync(page, 'utf8');
    expect(html.match(/data:image\/jpeg;base64,/g)?.length).toBe(2);
    const viewer = await browser.context.newPage();
    await viewer.goto(`file://${page}`);
    const range = viewer.locator('input[type="range"]');
    await range.fill('200');
    expect(await viewer.locator('.cmp').evaluate((el) => getComputedStyle(el).getPropertyValue('--pos').trim())).toBe('20.00%');
    await viewer.close();

    // "Exported …" belongs to the photo it was about: opening another photo clears it.
    expect(await editor.notice()).toBe('Exported a-before-after.html');
    await editor.openPhoto(OTHER);
    await expect.poll(() => editor.byTestId('project-name').innerText()).toMatch(/^b\b/);
    expect(await editor.notice()).toBe('');
  }, FLOW_TIMEOUT);
});
