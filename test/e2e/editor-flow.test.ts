/**
 * The person's whole path through the editor in Debian's Chromium against the real web host: open a
 * scratched photo, detect, paint, undo/redo from the history panel, restore, compare, export, reload
 * and find the project and its history intact. A screenshot of each state goes to test-artifacts/e2e.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';

/** Chromium, the host and real inference share 2 busy cores: allow a whole flow several minutes. */
const FLOW_TIMEOUT = 420_000;
import { CHROMIUM } from './support/browser.js';
import { useApp } from './support/app.js';
import { e2eModels } from './support/models.js';
import { repoRoot } from './support/build-renderer.js';
import { tempDir } from '../support/temp-dir.js';

const PHOTO = path.resolve(repoRoot, '../shared/data/real-damage/bopbtl-scratched/a.png');
const hasChromium = existsSync(CHROMIUM);

describe.skipIf(!hasChromium)('editor end to end (web host + Chromium)', () => {
  const models = e2eModels();
  const downloads = tempDir('kintsugi-e2e-dl-');
  const app = useApp({
    modelsDir: models.dir,
    prepare: () => {
      if (!models.isShipped) console.warn('e2e: no shipped damage detector yet; Detect runs the stand-in test detector');
    },
  });

  it('opens a scratched photo, finds damage, edits the mask, restores, compares, exports and reloads', async () => {
    const { host, browser, editor } = app;
    const { page } = browser;
    await editor.goto(host.url);
    await editor.screenshot('00-start');

    // Open.
    await editor.openPhoto(PHOTO);
    expect(await editor.photoSize()).toEqual({ width: 496, height: 624 });
    expect((await editor.history.entries()).map((e) => e.kind)).toEqual(['open']);
    await editor.screenshot('01-opened');

    // Device picker: each choice re-resolves the provider, and the badge gives the host's reason.
    await editor.chooseDevice('cuda');
    await expect.poll(() => editor.providerBadge().then((b) => b.reason), { timeout: 60_000 }).toMatch(/^cuda: .*using cpu$/);
    expect((await editor.providerBadge()).text).toBe('runs on cpu');
    await editor.chooseDevice('cpu');
    await expect.poll(() => editor.providerBadge().then((b) => b.reason), { timeout: 60_000 }).toBe('cpu: requested');
    await editor.chooseDevice('auto');
    await expect.poll(() => editor.providerBadge().then((b) => b.reason), { timeout: 60_000 }).toMatch(/auto|using cpu/);

    // Sensitivity: the lowest marks fewer pixels than the detector's own threshold (compared below).
    await editor.setDetectSensitivity(0.05);
    await editor.detect();
    const leastSensitive = await editor.maskPixels();
    await editor.setDetectSensitivity(null);

    // Detect (replacing the first proposal): the proposal becomes a step and fills the mask (overlay == the service's mask).
    await editor.detect({ mode: 'replace' });
    expect((await editor.history.entries()).at(-1)?.kind).toBe('detect');
    expect(await editor.maskPixels()).toBeGreaterThan(0);
    expect(await editor.isMaskShown()).toBe(true);
    await expect.poll(() => editor.holePixels(), { timeout: 30_000 }).toBe(await editor.maskPixels());
    await editor.screenshot('02-detected');
    const afterDetect = await editor.maskPixels();
    expect(afterDetect).toBeGreaterThan(leastSensitive);
    const stepsBeforeStrokes = await editor.history.count();

    // A brush stroke and a line, each one step; the overlay equals the service's mask.
    await editor.setBrushSize(14);
    await editor.drawStroke([[60, 80], [100, 95], [140, 90], [170, 120]]);
    const afterStroke = await editor.maskPixels();
    expect(afterStroke).toBeGreaterThan(afterDetect);
    await editor.setBrushSize(6);
    await editor.drawLine([300, 40], [420, 300]);
    const afterLine = await editor.maskPixels();
    expect(afterLine).toBeGreaterThan(afterStroke);
    expect(await editor.history.count()).toBe(stepsBeforeStrokes + 2);
    await expect.poll(() => editor.holePixels(), { timeout: 30_000 }).toBe(afterLine);
    await editor.screenshot('03-painted');

    // Undo and redo from the history panel; jump back and forth.
    const last = await editor.history.cursor();
    await editor.history.undo();
    expect(await editor.maskPixels()).toBe(afterStroke);
    await editor.history.undo();
    expect(await editor.maskPixels()).toBe(afterDetect);
    await editor.history.redo();
    expect(await editor.maskPixels()).toBe(afterStroke);
    // The locally replayed mask (detector keyframe + strokes) is the service's mask, pixel count for count.
    await expect.poll(() => editor.holePixels(), { timeout: 30_000 }).toBe(afterStroke);
    await editor.screenshot('04-history-undo');
    await editor.history.jumpTo(last);
    expect(await editor.maskPixels()).toBe(afterLine);
    // Keyboard undo/redo reach the same states.
    await page.keyboard.press('Control+z');
    await editor.history.waitForCursor(last - 1);
    await page.keyboard.press('Control+Shift+z');
    await editor.history.waitForCursor(last);
    expect((await editor.history.entries()).every((e) => !e.isFuture)).toBe(true);
    // Quick repeated undo lands on the right step, with the service agreeing.
    for (let i = 0; i < last; i++) await page.keyboard.press('Control+z');
    await editor.history.waitForCursor(0);
    expect(await editor.maskPixels()).toBe(0);
    await expect.poll(() => editor.holePixels(), { timeout: 30_000 }).toBe(0);
    await editor.history.jumpTo(last);
    expect(await editor.maskPixels()).toBe(afterLine);
    await expect.poll(() => editor.holePixels(), { timeout: 30_000 }).toBe(afterLine);

    // Restore with progress; the result appears in place.
    await editor.restore();
    const entries = await editor.history.entries();
    expect(entries.at(-1)?.kind).toBe('restore');
    expect(await editor.isMaskShown()).toBe(false);
    await editor.screenshot('05-restored');

    // Compare: split slider and hold-to-compare.
    await editor.compare.toggleSplit();
    await editor.compare.dragSplitTo(0.35);
    expect(await editor.compare.splitFraction()).toBeGreaterThan(0.25);
    expect(await editor.compare.splitFraction()).toBeLessThan(0.45);
    await editor.screenshot('06-compare-split');
    await editor.compare.toggleSplit();
    await editor.compare.holdOriginal(async () => {
      expect(await editor.byTestId('result-image').count()).toBe(0);
      await editor.screenshot('07-compare-hold');
    });
    expect(await editor.byTestId('result-image').count()).toBe(1);

    // Export: the downloaded file decodes to the photo's size.
    const exported = await editor.exportResult(downloads);
    const meta = await sharp(exported).metadata();
    expect([meta.width, meta.height]).toEqual([496, 624]);
    expect(meta.format).toBe('png');

    // The Models and Batch tabs render and hand back to the editor unchanged.
    await editor.byTestId('tab-models').click();
    await editor.byTestId('models-view').waitFor();
    await editor.screenshot('10-models-tab');
    await editor.byTestId('tab-batch').click();
    await editor.byTestId('batch-view').waitFor();
    await editor.screenshot('11-batch-tab');
    await editor.byTestId('tab-editor').click();
    await editor.waitForPhoto();

    // Reload: the same project and its whole history come back.
    const labels = (await editor.history.entries()).map((e) => e.label);
    const cursor = await editor.history.cursor();
    await page.reload();
    await editor.waitForPhoto();
    await editor.history.waitForEntries(labels.length);
    expect((await editor.history.entries()).map((e) => e.label)).toEqual(labels);
    expect(await editor.history.cursor()).toBe(cursor);
    expect(await editor.isMaskShown()).toBe(false);
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('[data-testid="result-image"]');
      return !!img && img.complete && img.naturalWidth > 0;
    });
    await editor.screenshot('12-reloaded');

    // The project list holds it; reopening it from there gives the same history.
    await editor.byTestId('projects-button').click();
    const recent = editor.byTestId('recent-project');
    await recent.first().waitFor();
    expect(await recent.count()).toBe(1);
    await editor.screenshot('13-projects');
    await recent.first().click();
    await editor.waitForPhoto();
    await editor.history.waitForEntries(labels.length);
    expect((await editor.history.entries()).map((e) => e.label)).toEqual(labels);
    await editor.history.jumpTo(stepsBeforeStrokes + 1);
    expect(await editor.maskPixels()).toBe(afterLine);
    expect(await editor.isMaskShown()).toBe(true);

    // A new host process on the same library (new port and token) lists the project; it reopens intact.
    const projectId = await page.evaluate(() => /project=([^&]+)/.exec(location.hash)?.[1]);
    expect(projectId).toBeTruthy();
    expect(browser.errors, browser.errors.join('\n')).toEqual([]);
    await app.relaunch();
    await editor.goto(app.host.url);
    browser.errors.length = 0; // the old page's event stream could not reach the stopped host
    const listed = editor.byTestId('recent-project').first();
    await listed.waitFor();
    expect(await listed.getAttribute('data-project-id')).toBe(projectId);
    await listed.click();
    await editor.waitForPhoto();
    await editor.history.waitForEntries(labels.length);
    expect((await editor.history.entries()).map((e) => e.label)).toEqual(labels);
    await editor.screenshot('14-after-host-restart');

    expect(browser.errors, browser.errors.join('\n')).toEqual([]);
  }, FLOW_TIMEOUT);
});
