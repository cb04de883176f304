/**
 * Issue 14 item 1 in Debian's Chromium against the real web host and detector: Detect damage adds its
 * proposal to the mask painted so far (one history step, and the notice says so); "Replace the painted mask"
 * from the button's menu is the explicit other choice. At 1440×900 and 1024×700, with the layout checked.
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

const FLOW_TIMEOUT = 420_000;
const PHOTO = path.resolve(repoRoot, '../shared/data/real-damage/bopbtl-scratched/a.png');

/** Mask coverage (> 50 %) along a horizontal band of the mask canvas, as a fraction of its pixels. */
async function coveredBand(editor: EditorPage, y0: number, y1: number, x0: number, x1: number): Promise<number> {
  return editor.page.evaluate(({ y0, y1, x0, x1 }) => {
    const c = document.querySelector<HTMLCanvasElement>('[data-testid="mask-canvas"]')!;
    const d = c.getContext('2d')!.getImageData(x0, y0, x1 - x0, y1 - y0).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i]! > 127) n++;
    return n / (d.length / 4);
  }, { y0, y1, x0, x1 });
}

describe.skipIf(!existsSync(CHROMIUM)).each(VIEWPORTS)('Detect damage adds to the painted mask at $width×$height', (viewport) => {
  const app = useApp({ modelsDir: e2eModels().dir, viewport });

  it('keeps a painted line when detecting, as one step; replace is a menu choice', async () => {
    const { host, editor } = app;
    await editor.goto(host.url);
    await editor.openPhoto(PHOTO);
    await editor.setBrushSize(9);
    // A thick horizontal line the detector has no reason to mark (a painted band, rows 296..304).
    await editor.drawLine([40, 300], [200, 300]);
    const painted = await editor.maskPixels();
    expect(painted).toBeGreaterThan(1000);
    expect(await coveredBand(editor, 298, 303, 60, 180)).toBe(1);

    // Add (the button): the line stays, the detector's proposal joins it, one step.
    const steps = await editor.history.count();
    await editor.detect();
    expect(await editor.history.count()).toBe(steps + 1);
    expect((await editor.history.entries()).at(-1)?.kind).toBe('detect');
    expect(await coveredBand(editor, 298, 303, 60, 180)).toBe(1);
    const added = await editor.maskPixels();
    expect(added).toBeGreaterThan(painted);
    await expect.poll(() => editor.holePixels(), { timeout: 30_000 }).toBe(added);
    await expect.poll(() => editor.notice()).toMatch(/^Detection added [\d,]+ px to your painted mask \([\d,]+ px in all\)\.$/);
    const notice = await editor.notice();
    const [inAll] = /\(([\d,]+) px in all\)/.exec(notice)!.slice(1).map((s) => Number(s.replace(/,/g, '')));
    expect(inAll).toBe(added);
    expect(await layoutProblems(editor.page)).toEqual({ horizontalScroll: 0, clipped: [], overlapping: [] });

    // Undo brings back exactly the painted line.
    await editor.history.undo();
    expect(await editor.maskPixels()).toBe(painted);

    // Replace (from the menu): the painted line is gone, only the proposal is left, one step.
    await editor.byTestId('detect-menu-button').click();
    expect(await editor.byTestId('detect-menu').isVisible()).toBe(true);
    expect(await layoutProblems(editor.page)).toEqual({ horizontalScroll: 0, clipped: [], overlapping: [] });
    await editor.page.keyboard.press('Escape');
    await editor.detect({ mode: 'replace' });
    expect(await editor.history.count()).toBe(steps + 1);
    const [last] = (await editor.history.entries()).slice(-1);
    expect(last?.label).toMatch(/replaced mask/);
    expect(await coveredBand(editor, 298, 303, 60, 180)).toBeLessThan(0.5);
    const replaced = await editor.maskPixels();
    expect(replaced).toBeGreaterThan(0);
    expect(replaced).toBeLessThan(added);
    await expect.poll(() => editor.notice()).toMatch(/^Detection replaced your mask: [\d,]+ px marked/);
  }, FLOW_TIMEOUT);
});
