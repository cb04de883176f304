/**
 * Issue 14 items 2 and 3 in Debian's Chromium against the real web host, models and photos: the Batch tab
 * checks its folders before starting (a missing one is one clear error; `~` is the home folder), includes
 * subfolders when asked, shows elapsed time and each photo's progress, says Cancelled after Cancel, shows an
 * earlier run's photos as done, opens a photo in the editor as original + mask + result, exports comparisons
 * of the run, and lets the person review the detector's masks before restoring — at 1440×900 and 1024×700,
 * with the layout checked.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM } from './support/browser.js';
import { useApp } from './support/app.js';
import { e2eModels } from './support/models.js';
import { layoutProblems, VIEWPORTS } from './support/layout.js';
import { ARTIFACTS } from './pages/EditorPage.js';
import { BatchPage } from './pages/BatchPage.js';
import { makePhotos } from '../integration/batch/fixtures.js';
import { tempDir } from '../support/temp-dir.js';

const FLOW_TIMEOUT = 420_000;
const NO_PROBLEMS = { horizontalScroll: 0, clipped: [], overlapping: [] };
/** Two busy cores: a view may take a while to catch up with the service. */
const POLL = { timeout: 60_000 };

describe.skipIf(!existsSync(CHROMIUM)).each(VIEWPORTS)('Batch tab at $width×$height', (viewport) => {
  let batch: BatchPage;
  // Photos live under the home folder so the test can type them as `~/…`.
  let home: string;
  let out: string;
  const failed: string[] = [];
  const shot = (name: string) => app.page.screenshot({ path: path.join(ARTIFACTS, `batch-${name}-${viewport.width}x${viewport.height}.png`) });

  const app = useApp({
    modelsDir: e2eModels().dir,
    viewport,
    prepare: () => {
      home = mkdtempSync(path.join(homedir(), '.kintsugi-e2e-batch-'));
      out = tempDir('kintsugi-e2e-batch-out-');
    },
    cleanup: () => {
      rmSync(home, { recursive: true, force: true });
      rmSync(out, { recursive: true, force: true });
      rmSync(`${out}-compare`, { recursive: true, force: true });
    },
  });
  beforeAll(() => {
    // Which resource failed, should one fail (the console only says "404").
    app.page.on('response', (r) => void (r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`)));
    batch = new BatchPage(app.page);
  });

  it('checks folders first, includes subfolders, times and cancels a run, resumes it, opens the original with mask and result, exports comparisons', async () => {
    const { host, browser, editor } = app;
    const inDir = path.join(home, 'scans');
    const masksDir = path.join(home, 'masks');
    await makePhotos(inDir, 6, { maskDir: masksDir, scale: 0.8, subdirEvery: 3 });
    const typed = (p: string) => `~/${path.relative(homedir(), p)}`;
    await editor.goto(host.url);
    await batch.open();
    expect(await layoutProblems(browser.page)).toEqual(NO_PROBLEMS);

    // A missing folder: one clear error naming it (with ~ expanded), and no batch at all.
    await batch.setFolders({ photos: '~/.kintsugi-no-such-folder', output: out });
    await batch.start();
    await expect.poll(() => batch.error(), POLL).toBe(`the folder of photos ${path.join(homedir(), '.kintsugi-no-such-folder')} does not exist`);
    expect(await batch.state()).toEqual({ state: null, phase: null });

    // Without subfolders: the 4 photos at the top. Cancel while it runs: nothing is left Queued.
    await batch.setFolders({ photos: typed(inDir), output: out, masks: typed(masksDir) });
    await batch.setOptions({ recursive: false });
    await batch.start();
    await batch.byTestId('batch-cancel').waitFor();
    await expect.poll(async () => (await batch.items()).length, POLL).toBe(4);
    await batch.cancel();
    await batch.waitFor(['cancelled']);
    const cancelled = await batch.items();
    expect(cancelled.filter((i) => i.state !== 'done').length).toBeGreaterThan(0);
    for (const i of cancelled.filter((x) => x.state !== 'done')) expect([i.state, i.label]).toEqual(['cancelled', 'Cancelled']);
    expect(await layoutProblems(browser.page)).toEqual(NO_PROBLEMS);

    // With subfolders: all 6; elapsed time and ETA in the header; the photo in hand shows its progress.
    await batch.setOptions({ recursive: true });
    await batch.recordLabels();
    await batch.start();
    await batch.waitFor(['done']);
    const all = await batch.items();
    expect(all.map((i) => i.name).sort()).toEqual(['photo-000.png', 'photo-001.jpg', 'photo-003.jpg', 'photo-004.png', 'sub/photo-002.png', 'sub/photo-005.jpg']);
    expect(all.every((i) => i.state === 'done')).toBe(true);
    expect((await batch.headerText()).elapsed).toMatch(/^\d+:\d\d elapsed$/);
    expect((await batch.headerText()).count).toBe('6/6 done');
    expect(await batch.byTestId('batch-state-label').innerText()).toBe('Done');
    const seen = await batch.recordedLabels();
    expect(seen.some((l) => /^Restoring… \d+ %$/.test(l))).toBe(true);
    expect(seen.some((l) => /^about \d+:\d\d left$/.test(l))).toBe(true);

    // Again on the same folders: every photo was finished by an earlier run — done, not red, no error.
    await batch.start();
    await batch.waitFor(['done']);
    await expect.poll(async () => (await batch.items()).map((i) => [i.state, i.isResumed, i.error, i.label.startsWith('Restored earlier')]), POLL)
      .toEqual(Array.from({ length: 6 }, () => ['done', true, null, true]));
    await shot('resumed');
    expect(await layoutProblems(browser.page)).toEqual(NO_PROBLEMS);

    // Comparisons of the run: contact sheet + every per-photo form the CLI offers.
    const result = await batch.exportComparisons(['side-by-side', 'stacked', 'split', 'slider']);
    expect(result).toBe(`24 files and a contact sheet in ${out}-compare`);
    expect(await batch.byTestId('batch-contact-sheet').count()).toBe(1);
    expect(readdirSync(path.join(`${out}-compare`, 'sub')).sort()).toEqual([
      'photo-002-png.compare.jpg', 'photo-002-png.slider.html', 'photo-002-png.split.jpg', 'photo-002-png.stacked.jpg',
      'photo-005-jpg.compare.jpg', 'photo-005-jpg.slider.html', 'photo-005-jpg.split.jpg', 'photo-005-jpg.stacked.jpg',
    ]);
    expect(existsSync(path.join(`${out}-compare`, 'contact-sheet-001.jpg'))).toBe(true);
    expect(await layoutProblems(browser.page)).toEqual(NO_PROBLEMS);

    // Open in editor: the ORIGINAL photo, the batch's mask as a step, the restored copy as the result.
    await batch.openInEditor('sub/photo-002.png');
    await editor.waitForPhoto();
    await editor.history.waitForEntries(3);
    expect((await editor.history.entries()).map((e) => e.kind)).toEqual(['open', 'mask-import', 'restore']);
    expect(await editor.byTestId('compare-toggle').isEnabled()).toBe(true);
    expect(await editor.holePixels()).toBeGreaterThan(0);
    const shown = await editor.shownImages();
    expect(Buffer.compare(shown.original, shown.result)).not.toBe(0);

    // Back on the Batch tab, the run is still there.
    await batch.open();
    expect((await batch.items()).length).toBe(6);
    expect(browser.errors, [...browser.errors, ...failed].join('\n')).toEqual([]);
  }, FLOW_TIMEOUT);

  it('reviews the proposed masks before restoring: accept, skip, fix one in the editor, restore the accepted', async () => {
    const { host, browser, editor } = app;
    const inDir = path.join(home, 'unmasked');
    await makePhotos(inDir, 3, { scale: 0.5, offset: 3 });
    await editor.goto(host.url);
    await batch.open();
    await batch.setFolders({ photos: inDir, output: path.join(out, 'reviewed') });
    await batch.setOptions({ recursive: false, reviewFirst: true });
    await batch.start();
    await batch.waitFor(['paused'], 'review');
    expect(await batch.reviewStates()).toEqual(['proposed', 'proposed', 'proposed']);
    await expect.poll(() => batch.reviewImagesLoaded(), POLL).toBe(3);
    expect(await layoutProblems(browser.page)).toEqual(NO_PROBLEMS);
    await shot('review');

    await batch.review(0, 'accept');
    await batch.review(1, 'skip');
    await expect.poll(() => batch.reviewStates(), POLL).toEqual(['accepted', 'skipped', 'proposed']);
    // Fix in editor: the original with the proposal; a line painted there is taken back to the batch.
    await batch.review(2, 'fix');
    await editor.waitForPhoto();
    await editor.history.waitForEntries(2);
    // The proposal opens as the detection it was when the detector suggested marks beside it (the amber bar), else
    // as an imported mask.
    const hasSuggestions = (await editor.byTestId('suggestions-bar').count()) > 0;
    expect((await editor.history.entries()).map((e) => e.kind)).toEqual(['open', hasSuggestions ? 'detect' : 'mask-import']);
    const before = await editor.maskPixels();
    await editor.setBrushSize(7);
    await editor.drawLine([10, 20], [120, 20]);
    await expect.poll(() => editor.maskPixels(), POLL).toBeGreaterThan(before);
    await batch.open();
    expect(await batch.reviewStates()).toEqual(['accepted', 'skipped', 'proposed']);
    // "Use editor's mask" is offered for the photo that went to the editor, and only for it.
    expect(await batch.byTestId('review-use-editor').count()).toBe(1);
    await batch.review(2, 'use-editor');
    await expect.poll(() => batch.reviewStates(), POLL).toEqual(['accepted', 'skipped', 'accepted']);

    await batch.restoreAccepted();
    await batch.waitFor(['done']);
    await shot('reviewed');
    const items = await batch.items();
    expect(items.map((i) => [i.state, i.error])).toEqual([['done', null], ['skipped', 'skipped in the mask review'], ['done', null]]);
    expect(readdirSync(path.join(out, 'reviewed')).filter((n) => !n.startsWith('.')).sort()).toEqual(['photo-000.png', 'photo-002.png']);
    expect(await layoutProblems(browser.page)).toEqual(NO_PROBLEMS);
    expect(browser.errors, [...browser.errors, ...failed].join('\n')).toEqual([]);
  }, FLOW_TIMEOUT);
});
