/**
 * "Fix fading and colour" in Debian's Chromium against the real web host and the shipped restore-tone model, on a
 * real faded print: the toggle makes one history step and shows the correction; moving the strength slider
 * previews at once (no job, no step) and letting go makes a step; undo and redo move between them; a restore with the tone on
 * repairs the photo before the tone and re-applies it; turning it off shows the repairs alone; the export is
 * the toned photo.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CHROMIUM } from './support/browser.js';
import { useApp } from './support/app.js';
import { repoRoot } from './support/build-renderer.js';
import { removeDir, tempDir } from '../support/temp-dir.js';

const FLOW_TIMEOUT = 420_000;
const PHOTO = path.resolve(repoRoot, '../shared/data/real-damage/bopbtl-old/c.png');

/** Mean absolute difference per sample of two decoded images of the same size. */
async function meanDiff(a: Buffer, b: Buffer): Promise<number> {
  const x = await sharp(a).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const y = await sharp(b).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  expect([y.info.width, y.info.height]).toEqual([x.info.width, x.info.height]);
  let d = 0;
  for (let i = 0; i < x.data.length; i++) d += Math.abs(x.data[i]! - y.data[i]!);
  return d / x.data.length;
}

describe.skipIf(!existsSync(CHROMIUM))('Fix fading and colour (web host + Chromium, shipped model)', () => {
  const downloads = tempDir('kintsugi-tone-e2e-');
  const app = useApp({
    ...(process.env.KINTSUGI_TONE_TEST_MODELS ? { modelsDir: process.env.KINTSUGI_TONE_TEST_MODELS } : {}),
    cleanup: () => removeDir(downloads),
  });

  it('toggles, previews and commits the strength, undoes, survives a restore and turns off', async () => {
    const { host, browser, editor } = app;
    await editor.goto(host.url);
    await editor.openPhoto(PHOTO);
    const original = await sharp(PHOTO).png().toBuffer();

    await editor.setTone(true);
    let entries = await editor.history.entries();
    expect(entries.at(-1)).toMatchObject({ kind: 'tone', isCurrent: true });
    expect(entries.at(-1)!.label).toMatch(/Fix fading and colour \(100 %\)/);
    const on = (await editor.toneLayers())!;
    expect(on.opacity).toBe(1);
    expect(await meanDiff(on.base, original)).toBe(0); // nothing repaired yet: the tone sits over the original
    expect(await meanDiff(on.full, original)).toBeGreaterThan(3);

    // Moving the slider previews without a job or a step; letting go records the strength.
    const steps = await editor.history.count();
    await editor.previewToneStrength(40);
    await browser.page.waitForFunction(() => getComputedStyle(document.querySelector('[data-testid="tone-full-image"]')!).opacity === '0.4');
    expect(await editor.byTestId('job-bar').count()).toBe(0);
    expect(await editor.history.count()).toBe(steps);
    await editor.commitToneStrength(40);
    entries = await editor.history.entries();
    expect(entries.at(-1)!.label).toMatch(/Fix fading and colour \(40 %\)/);
    expect((await editor.toneLayers())!.opacity).toBeCloseTo(0.4, 5);

    await editor.history.undo();
    await editor.waitForToneLayers();
    await browser.page.waitForFunction(() => getComputedStyle(document.querySelector('[data-testid="tone-full-image"]')!).opacity === '1');
    await editor.history.redo();
    await browser.page.waitForFunction(() => getComputedStyle(document.querySelector('[data-testid="tone-full-image"]')!).opacity === '0.4');

    // A restore with the tone on repairs the photo before the tone, then the tone is applied to the repair.
    await editor.setBrushSize(4);
    await editor.drawLine([100, 200], [500, 260]);
    const cursor = await editor.history.cursor();
    await editor.byTestId('restore-button').click();
    await editor.waitForJob();
    await browser.page.waitForSelector(`[data-testid="history-entry"][data-index="${cursor + 1}"][data-kind="restore"][aria-current="step"]`);
    await editor.waitForToneLayers();
    const repaired = (await editor.toneLayers())!;
    expect(await meanDiff(repaired.base, original)).toBeGreaterThan(0); // the repair, not the original
    expect(await meanDiff(repaired.base, original)).toBeLessThan(2); // a thin line only
    expect(await meanDiff(repaired.full, repaired.base)).toBeGreaterThan(3);

    // The export is the repair with 40 % of the correction: the blend the slider previewed, within rounding.
    const saved = await editor.exportResult(downloads);
    const exported = await sharp(saved).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const base = await sharp(repaired.base).removeAlpha().raw().toBuffer();
    const full = await sharp(repaired.full).removeAlpha().raw().toBuffer();
    let worst = 0;
    for (let i = 0; i < base.length; i++) worst = Math.max(worst, Math.abs(exported.data[i]! - (0.6 * base[i]! + 0.4 * full[i]!)));
    expect(worst).toBeLessThanOrEqual(1.5);

    await editor.setTone(false);
    expect(await editor.toneLayers()).toBeNull();
    expect((await editor.history.entries()).at(-1)!.label).toMatch(/Fix fading and colour off/);
  }, FLOW_TIMEOUT);
});
