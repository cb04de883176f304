/**
 * Issue 14 item 6 in Debian's Chromium against the real web host and the shipped models: each restore is kept
 * as a version, so trying a second model keeps the first result; the versions bar flips between them (what is
 * shown is the cursor's, so it is what exports) and compares one with another in the split view. At 1440×900
 * and 1024×700, with the layout checked.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM } from './support/browser.js';
import { useApp } from './support/app.js';
import { layoutProblems, VIEWPORTS } from './support/layout.js';
import { repoRoot } from './support/build-renderer.js';
import { tempDir } from '../support/temp-dir.js';

const FLOW_TIMEOUT = 420_000;
const PHOTO = path.resolve(repoRoot, '../shared/data/real-damage/bopbtl-scratched/a.png');

describe.skipIf(!existsSync(CHROMIUM)).each(VIEWPORTS)('versions of a restore at $width×$height', (viewport) => {
  const downloads = tempDir('kintsugi-e2e-versions-');
  const app = useApp({ viewport });

  it('keeps the first model\'s result when restoring with a second, flips between them and compares them', async () => {
    const { host, editor } = app;
    await editor.goto(host.url);
    await editor.openPhoto(PHOTO);
    await editor.setBrushSize(10);
    await editor.drawLine([40, 200], [450, 230]);

    const first = await editor.selectedModel();
    await editor.restore();
    expect(await editor.versions.list()).toEqual([{ number: 1, label: first, isShown: true }]);
    const v1 = (await editor.shownImages()).result;

    const second = await editor.chooseOtherModel();
    expect(second).not.toBe(first);
    await editor.restore();
    expect(await editor.versions.list()).toEqual([
      { number: 1, label: first, isShown: false },
      { number: 2, label: second, isShown: true },
    ]);
    const v2 = (await editor.shownImages()).result;
    expect(v2.equals(v1)).toBe(false);
    expect(await layoutProblems(editor.page)).toEqual({ horizontalScroll: 0, clipped: [], overlapping: [] });

    // Flip back to version 1: its picture is shown (and the history cursor is on its restore), version 2 stays.
    await editor.versions.show(1);
    expect((await editor.shownImages()).result.equals(v1)).toBe(true);
    expect(await editor.byTestId('versions-warning').innerText()).toBe('A new edit here drops version 2');
    expect((await editor.history.entries()).find((e) => e.isCurrent)?.kind).toBe('restore');
    await editor.versions.show(2);
    expect((await editor.shownImages()).result.equals(v2)).toBe(true);

    // Compare version 2 with version 1: the split shows version 1 on the left, captioned.
    await editor.versions.compareWith(1);
    expect(await editor.compare.isSplit()).toBe(true);
    expect(await editor.byTestId('split-before-tag').innerText()).toBe('Version 1');
    expect(await editor.byTestId('split-after-tag').innerText()).toBe('Version 2');
    const compared = await editor.byTestId('compare-version-image').evaluate(async (img) => {
      const u8 = new Uint8Array(await (await fetch((img as HTMLImageElement).src)).arrayBuffer());
      return Array.from(u8);
    });
    expect(Buffer.from(compared).equals(v1)).toBe(true);
    await editor.screenshot(`60-versions-compared-${viewport.width}`);
    // The comparisons Export offers are now of the two versions.
    await editor.byTestId('export-menu-button').click();
    expect(await editor.byTestId('export-compare-side-by-side').innerText()).toMatch(/^Version 1\/Version 2 side by side/);
    await editor.page.keyboard.press('Escape');
    const file = await editor.exportComparison('side-by-side', downloads);
    expect(path.basename(file)).toBe('a-versions-1-2-side-by-side.jpg');
    expect(await layoutProblems(editor.page)).toEqual({ horizontalScroll: 0, clipped: [], overlapping: [] });
    // And back to the original.
    await editor.versions.compareWith(null);
    expect(await editor.byTestId('compare-version-image').count()).toBe(0);
    expect(await editor.byTestId('split-before-tag').innerText()).toBe('Before');
  }, FLOW_TIMEOUT);
});
