/**
 * Detect damage's suggestions in Debian's Chromium against the real web host and the shipped detector: on a
 * cracked print (bopbtl-scratched/b) the cracks go in the mask and the white collar and sleeve — which may be
 * the picture — are shown in amber beside it. A click in "Pick on the photo" mode adds one suggested mark, "Add
 * all" the rest, each one history step; undo brings the suggestions back.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM } from './support/browser.js';
import { useApp } from './support/app.js';
import { e2eModels } from './support/models.js';
import { layoutProblems, VIEWPORTS } from './support/layout.js';
import { EditorPage } from './pages/EditorPage.js';
import { repoRoot } from './support/build-renderer.js';

const PHOTO = path.resolve(repoRoot, '../shared/data/real-damage/bopbtl-scratched/b.png');
const models = e2eModels();

/** The suggested pixels the amber layer shows (image coordinates), or [] when it is not shown. */
async function shownSuggestions(editor: EditorPage): Promise<Array<[number, number]>> {
  return editor.page.evaluate(async () => {
    const img = document.querySelector<HTMLImageElement>('[data-testid="suggestions-layer"]');
    if (!img) return [];
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    const out: Array<[number, number]> = [];
    for (let i = 0; i < c.width * c.height; i++) if (d[i * 4 + 3]! > 0) out.push([i % c.width, Math.floor(i / c.width)]);
    return out;
  });
}

describe.skipIf(!existsSync(CHROMIUM) || !models.isShipped).each(VIEWPORTS)('Detect damage suggests what may be the picture at $width×$height', (viewport) => {
  const app = useApp({ modelsDir: models.dir, viewport });

  it('shows the suggestions in amber; a picked mark and then all of them join the mask, each one step', async () => {
    const { host, editor } = app;
    await editor.goto(host.url);
    await editor.openPhoto(PHOTO);
    expect(await editor.byTestId('suggestions-bar').count()).toBe(0);
    await editor.detect();
    const bar = editor.byTestId('suggestions-bar');
    await bar.waitFor();
    const marks = Number(await bar.getAttribute('data-marks'));
    expect(marks).toBeGreaterThan(0);
    // The bar says what was left out; the notice says only what was marked (at 1024 px a longer one covered the bar).
    await expect.poll(() => editor.notice()).toMatch(/^Detection marked [\d,]+ px\.$/);
    expect(await layoutProblems(editor.page)).toEqual({ horizontalScroll: 0, clipped: [], overlapping: [] });
    await expect.poll(async () => (await shownSuggestions(editor)).length, { timeout: 30_000 }).toBeGreaterThan(0);
    const suggested = await shownSuggestions(editor);
    // The collar (rows 160..220, columns 80..180 of the 256 × 256 print) is among them.
    expect(suggested.filter(([x, y]) => x >= 80 && x < 180 && y >= 160 && y < 220).length).toBeGreaterThan(1500);
    await editor.screenshot(`suggestions-${viewport.width}`);
    const proposed = await editor.maskPixels();
    const steps = await editor.history.count();

    // Pick one: the click adds the mark under it and paints nothing else.
    await editor.byTestId('suggestions-pick').click();
    const [x, y] = suggested[Math.floor(suggested.length / 2)]!;
    await editor.page.mouse.click(...(await editor.toScreen(x + 0.5, y + 0.5)));
    await expect.poll(() => editor.history.count(), { timeout: 30_000 }).toBe(steps + 1);
    expect((await editor.history.entries()).at(-1)?.label).toMatch(/Add a suggested mark/);
    await expect.poll(() => editor.maskPixels(), { timeout: 30_000 }).toBeGreaterThan(proposed);
    const picked = await editor.maskPixels();
    const left = await shownSuggestions(editor);
    expect(left.length).toBeLessThan(suggested.length);
    expect(picked - proposed).toBeLessThanOrEqual(suggested.length - left.length);

    // Add all: every suggestion joins the mask and the bar goes away.
    if (marks > 1) {
      await editor.byTestId('suggestions-add-all').click();
      await expect.poll(() => editor.history.count(), { timeout: 30_000 }).toBe(steps + 2);
      await bar.waitFor({ state: 'detached' });
      expect(await editor.maskPixels()).toBeGreaterThanOrEqual(proposed + suggested.length * 0.9);
      await editor.history.undo();
      await bar.waitFor();
    }
    // Undo back to the detection: the mask is the proposal again and every suggestion is back.
    await editor.history.undo();
    await expect.poll(() => editor.maskPixels(), { timeout: 30_000 }).toBe(proposed);
    await expect.poll(async () => (await shownSuggestions(editor)).length, { timeout: 30_000 }).toBe(suggested.length);
  }, 420_000);
});
