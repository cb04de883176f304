/**
 * Issue 14 item 5 in Debian's Chromium against the real web host: the editor's layout at 1440×900 and 1024×700
 * (and, within each run, 800×600): no control narrower than its label, no sideways scrolling, no overlapping
 * labels, the canvas re-fits when the window changes; a 256 px photo is enlarged to fit; opening a large photo
 * shows progress, never the previous photo stretched; recent projects show a thumbnail, where they came from and
 * a date; the line tool previews the line a Shift+click will draw; "?" lists the shortcuts.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CHROMIUM } from './support/browser.js';
import { useApp } from './support/app.js';
import { layoutProblems, VIEWPORTS } from './support/layout.js';
import { EditorPage } from './pages/EditorPage.js';
import { repoRoot } from './support/build-renderer.js';
import { tempDir } from '../support/temp-dir.js';

const FLOW_TIMEOUT = 420_000;
const SCRATCHED = path.resolve(repoRoot, '../shared/data/real-damage/bopbtl-scratched/a.png');
const OLD = path.resolve(repoRoot, '../shared/data/real-damage/bopbtl-old/a.png');
const NO_PROBLEMS = { horizontalScroll: 0, clipped: [], overlapping: [] };

/** The stage (the photo) lies inside the viewport, and fills it along one side up to Fit's margin. */
async function fitsViewport(editor: EditorPage): Promise<{ inside: boolean; fill: number }> {
  const stage = (await editor.byTestId('stage').boundingBox())!;
  const view = (await editor.byTestId('viewport').boundingBox())!;
  const inside = stage.x >= view.x - 0.5 && stage.y >= view.y - 0.5 && stage.x + stage.width <= view.x + view.width + 0.5 && stage.y + stage.height <= view.y + view.height + 0.5;
  return { inside, fill: Math.max((stage.width + 48) / view.width, (stage.height + 48) / view.height) };
}

describe.skipIf(!existsSync(CHROMIUM)).each(VIEWPORTS)('editor layout at $width×$height', (viewport) => {
  const dir = tempDir('kintsugi-e2e-layout-');
  const small = path.join(dir, 'small-256.png');
  const large = path.join(dir, 'large-scan.jpg');

  const app = useApp({
    viewport,
    prepare: async () => {
      // Made from a real scratched photo, written to tmp: a 256 px scan and a 16 MP one.
      await sharp(SCRATCHED).removeAlpha().resize(256, 256, { fit: 'cover' }).png().toFile(small);
      await sharp(SCRATCHED).removeAlpha().resize(3400, 4700, { fit: 'fill' }).jpeg({ quality: 92 }).toFile(large);
    },
  });

  it('fits small photos, shows progress while opening, previews lines, lists shortcuts and re-fits on resize', async () => {
    const { host, browser, editor } = app;
    const { page } = browser;
    await editor.goto(host.url);
    expect(await layoutProblems(page)).toEqual(NO_PROBLEMS);

    // A 256 px photo is enlarged to fit the window.
    await editor.openPhoto(small);
    expect(await editor.zoomPercent()).toBeGreaterThan(150);
    expect(await fitsViewport(editor)).toEqual({ inside: true, fill: expect.closeTo(1, 1) });
    expect(await layoutProblems(page)).toEqual(NO_PROBLEMS);

    // The line tool: a click sets the start, the preview follows the pointer, Shift+click draws it.
    await editor.selectTool('line');
    const [ax, ay] = await editor.toScreen(40, 60);
    const [bx, by] = await editor.toScreen(200, 180);
    await page.mouse.click(ax, ay);
    await page.mouse.move(bx, by, { steps: 4 });
    const preview = editor.byTestId('line-preview');
    const ends = await preview.evaluate((el) => ['x1', 'y1', 'x2', 'y2'].map((a) => Number(el.getAttribute(a))));
    const view = (await editor.byTestId('viewport').boundingBox())!;
    expect(ends.map((v) => Math.round(v))).toEqual([ax - view.x, ay - view.y, bx - view.x, by - view.y].map((v) => Math.round(v)));
    const steps = await editor.history.count();
    await page.keyboard.down('Shift');
    await page.mouse.click(bx, by);
    await page.keyboard.up('Shift');
    await editor.history.waitForEntries(steps + 1);
    expect((await editor.history.entries()).at(-1)?.label).toMatch(/Line \(\d+ px\)/);

    // "?" lists the shortcuts; Escape closes the list.
    await page.keyboard.press('?');
    const help = editor.byTestId('shortcut-help');
    await help.waitFor();
    expect(await help.innerText()).toMatch(/Ctrl\+Z[\s\S]*Undo/);
    expect(await layoutProblems(page)).toEqual(NO_PROBLEMS);
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });

    // Opening a large photo: progress over a hidden stage, never the previous photo stretched to the new size.
    const seen = page.waitForFunction(() => {
      const progress = document.querySelector('[data-testid="opening-progress"]');
      const stage = document.querySelector<HTMLElement>('[data-testid="stage"]');
      return !!progress && (!stage || getComputedStyle(stage).visibility === 'hidden');
    }, null, { polling: 'raf' });
    await editor.byTestId('file-input').setInputFiles(large);
    await seen;
    await page.waitForFunction(() => !document.querySelector('[data-testid="opening-progress"]'));
    expect(await editor.photoSize()).toEqual({ width: 3400, height: 4700 });
    expect(await editor.byTestId('stage').evaluate((el) => getComputedStyle(el).visibility)).toBe('visible');
    expect((await fitsViewport(editor)).inside).toBe(true);

    // 800×600: still no overlap or clipping, and the photo is re-fitted to the smaller canvas.
    await page.setViewportSize({ width: 800, height: 600 });
    await expect.poll(async () => (await fitsViewport(editor)).fill, { timeout: 10_000 }).toBeCloseTo(1, 1);
    expect((await fitsViewport(editor)).inside).toBe(true);
    expect(await layoutProblems(page)).toEqual(NO_PROBLEMS);
    await editor.screenshot(`70-layout-800x600-from-${viewport.width}`);
    // A job's progress bar stays on the canvas it belongs to, and its Cancel button whole.
    await editor.setBrushSize(40);
    await editor.drawLine([400, 400], [2400, 3400]);
    await editor.byTestId('restore-button').click();
    await editor.byTestId('job-bar').waitFor();
    const bar = (await editor.byTestId('job-bar').boundingBox())!;
    const canvas = (await editor.byTestId('viewport').boundingBox())!;
    expect(bar.x).toBeGreaterThanOrEqual(canvas.x);
    expect(bar.x + bar.width).toBeLessThanOrEqual(canvas.x + canvas.width);
    expect(await layoutProblems(page)).toEqual(NO_PROBLEMS);
    await editor.screenshot(`72-job-800x600-from-${viewport.width}`);
    // Cancel it (the restore may be quicker than this test; then there is nothing to cancel).
    await page.waitForFunction(() => {
      const b = document.querySelector<HTMLButtonElement>('[data-testid="job-cancel"]');
      if (b && !b.disabled) b.click();
      return !document.querySelector('[data-testid="job-bar"]');
    }, null, { polling: 200 });
    expect(await editor.byTestId('error-banner').count()).toBe(0);
    await page.setViewportSize(viewport);
    await expect.poll(async () => (await fitsViewport(editor)).fill, { timeout: 10_000 }).toBeCloseTo(1, 1);

    // Recent projects: two photos named a.png from two folders are told apart by thumbnail and date.
    await editor.openPhoto(SCRATCHED);
    await editor.openPhoto(OLD);
    await editor.byTestId('projects-button').click();
    const rows = editor.byTestId('recent-project');
    await rows.first().waitFor();
    const listed = await rows.evaluateAll((els) =>
      els.map((el) => ({
        text: (el.textContent ?? '').replace(/\s+/g, ' ').trim(),
        thumb: el.querySelector<HTMLImageElement>('[data-testid="recent-thumb"]')?.src ?? null,
      })),
    );
    const named = listed.filter((r) => r.text.startsWith('a.png'));
    expect(named).toHaveLength(2);
    expect(named.every((r) => r.thumb !== null)).toBe(true);
    expect(named[0]!.thumb).not.toBe(named[1]!.thumb);
    expect(named[0]!.text).toMatch(/uploaded from the browser/);
    expect(named[0]!.text).toMatch(/\d{4}/);
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('[data-testid="recent-thumb"]')].every((i) => i.complete && i.naturalWidth > 0));
    expect(await layoutProblems(page)).toEqual(NO_PROBLEMS);
    await editor.screenshot(`71-recent-projects-${viewport.width}`);
  }, FLOW_TIMEOUT);
});
