/**
 * The Batch tab tells which photos had large marked areas left unfilled (issue 11, item 5: where nobody reviews
 * the mask, only lines and specks are filled), in Debian's Chromium against the real web host, the shipped
 * models and two real prints from ../shared/data: the cracked boy's (bopbtl-scratched/b, whose white collar and
 * sleeve the detector marks) gets the note, a toned print with nothing to fill (swinir-oldphoto2) does not. (c, the
 * girl with fine scratches, used here before, now has a small bright blob at its left edge left for review by the
 * detector for old prints: models/cards/detect-damage-unet.md, session 17.)
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM } from './support/browser.js';
import { useApp } from './support/app.js';
import { e2eModels } from './support/models.js';
import { layoutProblems, VIEWPORTS } from './support/layout.js';
import { ARTIFACTS } from './pages/EditorPage.js';
import { BatchPage } from './pages/BatchPage.js';
import { repoRoot } from './support/build-renderer.js';
import { tempDir } from '../support/temp-dir.js';

const scans = path.join(path.resolve(repoRoot, '../shared/data'), 'real-damage/bopbtl-scratched');
const models = e2eModels();

describe.skipIf(!existsSync(CHROMIUM) || !models.isShipped).each(VIEWPORTS)('Batch tab, restore without masks, at $width×$height', (viewport) => {
  let home: string;
  let out: string;
  const app = useApp({
    modelsDir: models.dir,
    viewport,
    prepare: () => {
      home = mkdtempSync(path.join(homedir(), '.kintsugi-e2e-areas-'));
      out = tempDir('kintsugi-e2e-areas-out-');
      copyFileSync(path.join(scans, 'b.png'), path.join(home, 'boy.png'));
      copyFileSync(path.join(scans, '..', 'swinir-oldphoto2.png'), path.join(home, 'lady.png'));
    },
    cleanup: () => {
      rmSync(home, { recursive: true, force: true });
      rmSync(out, { recursive: true, force: true });
    },
  });

  it('marks the photo whose large marked areas were left for review, and only that one', async () => {
    const { host, browser, editor } = app;
    const batch = new BatchPage(browser.page);
    await editor.goto(host.url);
    await batch.open();
    await batch.setFolders({ photos: home, output: out });
    await batch.setOptions({ recursive: false, reviewFirst: false });
    await batch.start();
    await batch.waitFor(['done']);
    const notes = await browser.page.getByTestId('batch-item').evaluateAll((items) => items.map((li) => [
      li.querySelector('.name')?.textContent?.trim(),
      li.querySelector('[data-testid="batch-item-areas"]')?.textContent?.trim().replace(/\s+/g, ' ') ?? null,
    ]));
    expect(Object.fromEntries(notes)).toEqual({
      'boy.png': expect.stringMatching(/^\d+ large areas? left unfilled: review in the editor$/),
      'lady.png': null,
    });
    expect(await layoutProblems(browser.page)).toEqual({ horizontalScroll: 0, clipped: [], overlapping: [] });
    await browser.page.screenshot({ path: path.join(ARTIFACTS, `batch-areas-${viewport.width}x${viewport.height}.png`) });
  }, 300_000);
});
