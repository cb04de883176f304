/**
 * The crack wand in Debian's Chromium against the real web host: on a crazed print (bopbtl-scratched/d, whose
 * cream crack network the detector does not see) W picks the wand, one click on a crack adds the network it
 * belongs to as one history step, Alt+click takes it out again, undo steps back through both, and a click where no
 * line stands out says so. With KINTSUGI_README_SHOTS=1 the 1440×900 screenshot also goes to
 * resources/screenshots/crack-wand.png (the README's).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CHROMIUM } from './support/browser.js';
import { useApp } from './support/app.js';
import { e2eModels } from './support/models.js';
import { layoutProblems, VIEWPORTS } from './support/layout.js';
import { repoRoot } from './support/build-renderer.js';

const PHOTO = path.resolve(repoRoot, '../shared/data/real-damage/bopbtl-scratched/d.png');
const models = e2eModels();

describe.skipIf(!existsSync(CHROMIUM)).each(VIEWPORTS)('the crack wand at $width×$height', (viewport) => {
  const app = useApp({ modelsDir: models.dir, viewport });

  it('adds the crack network under a click as one step, Alt+click takes it out; undo; a flat place is refused', async () => {
    const { host, editor } = app;
    await editor.goto(host.url);
    await editor.openPhoto(PHOTO);
    await editor.page.keyboard.press('w');
    expect(await editor.byTestId('tool-crack').getAttribute('aria-pressed')).toBe('true');
    await editor.byTestId('crack-hint').waitFor();
    expect(await layoutProblems(editor.page)).toEqual({ horizontalScroll: 0, clipped: [], overlapping: [] });
    const steps = await editor.history.count();
    expect(await editor.maskPixels()).toBe(0);

    // A cream crack near the top left of the 400 × 256 print.
    await editor.page.mouse.click(...(await editor.toScreen(93.5, 32.5)));
    await expect.poll(() => editor.history.count(), { timeout: 30_000 }).toBe(steps + 1);
    expect((await editor.history.entries()).at(-1)?.label).toMatch(/Trace a light crack \([\d,]+ px\)$/);
    // More than a brush dab: the network it belongs to (2 % of the print and up), not the whole print.
    await expect.poll(() => editor.maskPixels(), { timeout: 30_000 }).toBeGreaterThan(0.02 * 400 * 256);
    const traced = await editor.maskPixels();
    expect(traced).toBeLessThan(0.2 * 400 * 256);
    const file = await editor.screenshot(`crack-wand-${viewport.width}`);
    if (process.env.KINTSUGI_README_SHOTS === '1' && viewport.width === 1440) {
      await sharp(file).png({ palette: true, quality: 90, effort: 10 }).toFile(path.join(repoRoot, 'resources/screenshots/crack-wand.png'));
    }

    // Alt+click on the same crack takes the network out again, as a step of its own; undo brings it back.
    await editor.page.keyboard.down('Alt');
    await editor.page.mouse.click(...(await editor.toScreen(93.5, 32.5)));
    await editor.page.keyboard.up('Alt');
    await expect.poll(() => editor.history.count(), { timeout: 30_000 }).toBe(steps + 2);
    expect((await editor.history.entries()).at(-1)?.label).toMatch(/Erase a light line \([\d,]+ px\)$/);
    await expect.poll(() => editor.maskPixels(), { timeout: 30_000 }).toBe(0);
    await editor.history.undo();
    await expect.poll(() => editor.maskPixels(), { timeout: 30_000 }).toBe(traced);

    // Undo the trace: the mask is empty again.
    await editor.history.undo();
    await expect.poll(() => editor.maskPixels(), { timeout: 30_000 }).toBe(0);
    const afterUndo = await editor.history.count();

    // The paper-white corner outside the print (top left) has no line in it: refused with a readable error.
    await editor.page.mouse.click(...(await editor.toScreen(3.5, 3.5)));
    await expect.poll(async () => (await editor.byTestId('error-banner').isVisible()) ? editor.byTestId('error-banner').innerText() : '', { timeout: 30_000 }).toMatch(/no crack or scratch stands out where you clicked/);
    expect(await editor.history.count()).toBe(afterUndo);
    expect(await editor.maskPixels()).toBe(0);

    // The wand's panel (hint, tolerance) still fits the smallest window the layout holds at.
    await editor.page.setViewportSize({ width: 800, height: 600 });
    expect(await layoutProblems(editor.page)).toEqual({ horizontalScroll: 0, clipped: [], overlapping: [] });
    await editor.screenshot(`crack-wand-800x600-from-${viewport.width}`);
  }, 240_000);
});
