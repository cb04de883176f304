/**
 * The canvas on a 12 MP photo opened by drag-and-drop: wheel zoom around the cursor, 100 %, fit,
 * space-drag and middle-button pan, brush size keys, click/shift-click lines, Escape mid-stroke, the
 * eraser — and the overlay always equal to the service's own mask.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';

/** Chromium, the host and real inference share 2 busy cores: allow a whole flow several minutes. */
const FLOW_TIMEOUT = 420_000;
import { CHROMIUM } from './support/browser.js';
import { useApp } from './support/app.js';
import { repoRoot } from './support/build-renderer.js';
import { tempDir } from '../support/temp-dir.js';

const SOURCE = path.resolve(repoRoot, '../shared/data/real-damage/bopbtl-scratched/a.png');

describe.skipIf(!existsSync(CHROMIUM))('canvas tools on a 12 MP photo', () => {
  let photo: string;
  const app = useApp({
    prepare: async () => {
      // A 12 MP scan made from a real scratched photo (written to tmp, never into the project).
      photo = path.join(tempDir('kintsugi-e2e-12mp-'), 'scan-12mp.jpg');
      await sharp(SOURCE).removeAlpha().resize(3000, 4000, { fit: 'fill' }).jpeg({ quality: 90 }).toFile(photo);
    },
  });

  it('zooms, pans and paints with every tool', async () => {
    const { host, browser, editor } = app;
    const { page } = browser;
    await editor.goto(host.url);
    await editor.dropPhoto(photo);
    expect(await editor.photoSize()).toEqual({ width: 3000, height: 4000 });
    expect(await editor.zoomPercent()).toBeLessThan(25);

    // Wheel zoom keeps the pixel under the cursor in place.
    const vp = (await editor.byTestId('viewport').boundingBox())!;
    const cx = vp.x + vp.width * 0.4;
    const cy = vp.y + vp.height * 0.45;
    await page.mouse.move(cx, cy);
    const before = await editor.toImage(cx, cy);
    const z0 = await editor.zoomPercent();
    for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -200);
    await expect.poll(() => editor.zoomPercent(), { timeout: 30_000 }).toBeGreaterThan(z0);
    const after = await editor.toImage(cx, cy);
    expect(Math.abs(after[0] - before[0])).toBeLessThan(2);
    expect(Math.abs(after[1] - before[1])).toBeLessThan(2);
    await editor.screenshot('20-12mp-zoomed');

    // 100 % and fit.
    await page.keyboard.press('1');
    await expect.poll(() => editor.zoomPercent(), { timeout: 30_000 }).toBe(100);
    await editor.byTestId('zoom-fit').click();
    await expect.poll(() => editor.zoomPercent(), { timeout: 30_000 }).toBeLessThan(25);

    // Space-drag and middle-button pan move the stage by the drag.
    const s0 = (await editor.byTestId('stage').boundingBox())!;
    await page.mouse.move(cx, cy);
    await page.keyboard.down('Space');
    await page.mouse.down();
    await page.mouse.move(cx + 80, cy + 30, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.up('Space');
    const s1 = (await editor.byTestId('stage').boundingBox())!;
    expect(s1.x - s0.x).toBeCloseTo(80, 0);
    expect(s1.y - s0.y).toBeCloseTo(30, 0);
    await page.mouse.move(cx, cy);
    await page.mouse.down({ button: 'middle' });
    await page.mouse.move(cx - 80, cy - 30, { steps: 5 });
    await page.mouse.up({ button: 'middle' });
    const s2 = (await editor.byTestId('stage').boundingBox())!;
    expect(s2.x).toBeCloseTo(s0.x, 0);
    expect(s2.y).toBeCloseTo(s0.y, 0);
    expect(await editor.history.count()).toBe(1); // panning is not a step

    // [ and ] change the brush size.
    await editor.setBrushSize(40);
    await page.keyboard.press(']');
    expect(Number(await editor.byTestId('brush-size').innerText())).toBe(48);
    await page.keyboard.press('[');
    expect(Number(await editor.byTestId('brush-size').innerText())).toBe(40);

    // Brush stroke, then a line by click and shift-click.
    await editor.drawStroke([[600, 900], [900, 1000], [1300, 950]]);
    await editor.selectTool('line');
    await page.mouse.click(...(await editor.toScreen(2000, 500)));
    expect(await editor.history.count()).toBe(2); // the click only sets the start
    await page.keyboard.down('Shift');
    await page.mouse.click(...(await editor.toScreen(2400, 3200)));
    await page.keyboard.up('Shift');
    await editor.history.waitForEntries(3);
    expect((await editor.history.entries()).at(-1)?.label).toMatch(/line/i);
    const painted = await editor.maskPixels();
    await expect.poll(() => editor.holePixels(), { timeout: 30_000 }).toBe(painted);

    // Escape mid-stroke bails: no step, mask unchanged.
    await editor.selectTool('brush');
    await page.mouse.move(...(await editor.toScreen(500, 2500)));
    await page.mouse.down();
    await page.mouse.move(...(await editor.toScreen(1500, 2600)), { steps: 6 });
    await page.keyboard.press('Escape');
    await page.mouse.up();
    expect(await editor.maskPixels()).toBe(painted);
    expect(await editor.history.count()).toBe(3);

    // The eraser removes coverage, as one step, and the service agrees.
    await editor.setBrushSize(120);
    await editor.drawStroke([[2150, 1500], [2250, 2000]], { tool: 'eraser' });
    const erased = await editor.maskPixels();
    expect(erased).toBeLessThan(painted);
    await expect.poll(() => editor.holePixels(), { timeout: 30_000 }).toBe(erased);
    await editor.screenshot('21-12mp-tools');

    // Restore shows progress and can be cancelled: no step is recorded and no result appears.
    await editor.setBrushSize(400);
    await editor.drawStroke([[300, 300], [2700, 300], [2700, 1300], [300, 1300], [300, 2300], [2700, 2300], [2700, 3300], [300, 3300]]);
    const steps = await editor.history.count();
    await editor.byTestId('restore-button').click();
    await editor.byTestId('job-bar').waitFor();
    const cancel = editor.byTestId('job-cancel');
    await expect.poll(() => cancel.isEnabled(), { timeout: 60_000 }).toBe(true);
    await editor.screenshot('22-12mp-restoring');
    await cancel.click();
    await editor.byTestId('job-bar').waitFor({ state: 'detached', timeout: 240_000 });
    expect(await editor.byTestId('notice').innerText()).toMatch(/cancelled/i);
    expect(await editor.history.count()).toBe(steps);
    expect(await editor.byTestId('result-image').count()).toBe(0);
    expect(browser.errors, browser.errors.join('\n')).toEqual([]);
  }, FLOW_TIMEOUT);

  it('refuses a file that is not a photo with a readable message and keeps the open photo', async () => {
    const { editor } = app;
    const dir = tempDir('kintsugi-e2e-bad-');
    const bogus = path.join(dir, 'holiday-notes.jpg');
    writeFileSync(bogus, 'these are words, not pixels\n'.repeat(50));
    const steps = await editor.history.count();
    await editor.byTestId('file-input').setInputFiles(bogus);
    const banner = editor.byTestId('error-banner');
    await banner.waitFor();
    const text = await banner.innerText();
    expect(text).toContain('holiday-notes.jpg');
    expect(text).not.toContain('/uploads/');
    expect(text).not.toMatch(/\n\s+at |Error:|\.ts:\d+/);
    await editor.screenshot('23-bad-file');
    expect(await editor.photoSize()).toEqual({ width: 3000, height: 4000 });
    expect(await editor.history.count()).toBe(steps);
  }, FLOW_TIMEOUT);
});
