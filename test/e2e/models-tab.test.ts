/**
 * Issue 14 item 4 in Debian's Chromium against the real web host on a FRESH data folder (no eval run): the
 * Models tab shows the shipped models' dev scores by hole band from their manifest entries, one leaderboard
 * per task (the damage detector on its own), non-empty charts, and each card as formatted text — at
 * 1440×900 and 1024×700, with the layout checked.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM } from './support/browser.js';
import { useApp } from './support/app.js';
import { layoutProblems, VIEWPORTS } from './support/layout.js';
import { repoRoot } from './support/build-renderer.js';
import { ModelsPage } from './pages/ModelsPage.js';

const MODELS = path.join(repoRoot, 'models');
const manifest = JSON.parse(readFileSync(path.join(MODELS, 'manifest.json'), 'utf8')) as {
  defaults: Record<string, string>;
  models: Array<{ id: string; task: string; file: string; scores?: { dev?: Record<string, { psnr: number; ssim: number }>; heldOut?: { f1: number; iou: number } } }>;
};
const shipped = manifest.models.filter((m) => existsSync(path.join(MODELS, m.file)));
const hasShippedScores = shipped.some((m) => m.task === 'inpaint' && m.scores?.dev) && shipped.some((m) => m.task === 'detect-damage' && m.scores?.heldOut);

describe.skipIf(!existsSync(CHROMIUM) || !hasShippedScores).each(VIEWPORTS)('Models tab on a fresh data folder at $width×$height', (viewport) => {
  const app = useApp({ modelsDir: MODELS, viewport });

  it("shows the shipped models' dev scores by band, a leaderboard per task, non-empty charts and formatted cards", async () => {
    const { host, browser, editor } = app;
    await editor.goto(host.url);
    const models = new ModelsPage(browser.page);
    await models.open();
    expect(await models.tasks()).toEqual(['inpaint', 'detect-damage']);

    // Inpainting: every shipped inpainting model, its card's dev PSNR / SSIM in each hole band.
    const inpaint = shipped.filter((m) => m.task === 'inpaint' && m.scores?.dev);
    const rows = await models.rows('inpaint');
    expect(rows.map((r) => r.modelId).sort()).toEqual(inpaint.map((m) => m.id).sort());
    for (const m of inpaint) {
      const row = rows.find((r) => r.modelId === m.id)!;
      for (const [band, s] of Object.entries(m.scores!.dev!)) expect(row.cells[band]).toBe(`${s.psnr.toFixed(2)} / ${s.ssim.toFixed(4)}`);
    }
    // Best first by mean PSNR over the bands.
    const meanPsnr = (id: string) => { const d = Object.values(inpaint.find((m) => m.id === id)!.scores!.dev!); return d.reduce((a, s) => a + s.psnr, 0) / d.length; };
    expect(rows.map((r) => meanPsnr(r.modelId))).toEqual([...rows.map((r) => meanPsnr(r.modelId))].sort((a, b) => b - a));
    const bands = Object.keys(inpaint[0]!.scores!.dev!).length;
    for (const metric of ['psnr', 'ssim']) {
      const bars = await models.bars('inpaint', metric);
      expect(bars).toHaveLength(bands * inpaint.length);
      for (const h of bars) expect(h).toBeGreaterThan(0);
    }

    // The detector is on its own leaderboard, by F1 / IoU, never on the inpainting one.
    // (the detector for old prints among them: its held-out score is the routed one, see its card)
    const dets = shipped.filter((m) => m.task === 'detect-damage' && m.scores?.heldOut);
    const det = dets.find((m) => m.id === manifest.defaults['detect-damage']) ?? dets[0]!;
    expect(rows.some((r) => dets.some((d) => d.id === r.modelId))).toBe(false);
    const detRows = await models.rows('detect-damage');
    const cell = (m: (typeof dets)[number]) => ({ modelId: m.id, cells: { heldOut: `${m.scores!.heldOut!.f1.toFixed(4)} / ${m.scores!.heldOut!.iou.toFixed(4)}` } });
    expect([...detRows].sort((a, b) => a.modelId.localeCompare(b.modelId))).toEqual(dets.map(cell).sort((a, b) => a.modelId.localeCompare(b.modelId)));
    expect((await models.bars('detect-damage', 'f1')).length).toBe(dets.length);

    // Cards: Markdown rendered (headings, tables, code), not shown as source, and nothing executable.
    const card = await models.openCard(manifest.defaults.inpaint!);
    expect(await card.locator('h1').count()).toBe(1);
    expect(await card.locator('table').count()).toBeGreaterThan(0);
    expect(await card.locator('code').count()).toBeGreaterThan(0);
    expect(await card.innerText()).not.toMatch(/^#|\n## |\|---\|/);
    expect(await card.locator('script, img, iframe').count()).toBe(0);
    const detCard = await models.openCard(det.id);
    expect(await detCard.locator('h1, h2').count()).toBeGreaterThan(0);
    // A detector that hands old prints to another model says so on its card (manifest `prints`).
    const routed = shipped.filter((m) => (m as { prints?: string }).prints);
    for (const m of routed) {
      await expect.poll(() => models.card(m.id).getByTestId('prints-route').innerText()).toBe(`grey and toned prints go to ${(m as { prints?: string }).prints}`);
    }
    expect(await browser.page.getByTestId('prints-route').count()).toBe(routed.length);

    expect(await layoutProblems(browser.page)).toEqual({ horizontalScroll: 0, clipped: [], overlapping: [] });
    // The leaderboards and the cards fit the window: nothing inside the tab scrolls sideways either.
    const wide = await browser.page.$$eval('[data-testid="models-view"], [data-testid="leaderboard"]', (els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.getAttribute('data-testid')));
    expect(wide).toEqual([]);
    await browser.page.getByTestId('models-view').evaluate((el) => el.scrollTo(0, 0));
    await browser.page.screenshot({ path: path.join(repoRoot, 'test-artifacts/e2e', `models-tab-${viewport.width}x${viewport.height}.png`) });
    expect(browser.errors, browser.errors.join('\n')).toEqual([]);
  }, 240_000);
});

describe.skipIf(!existsSync(CHROMIUM))('a model card from a models folder is sanitised', () => {
  const dir = path.join(repoRoot, 'test-artifacts', `hostile-card-models-${process.pid}`);
  const app = useApp({ modelsDir: dir, viewport: VIEWPORTS[1], prepare, cleanup: () => rmSync(dir, { recursive: true, force: true }) });

  function prepare(): void {
    // One shipped model, its card replaced by one that tries to run code (a folder a user filled from anywhere).
    const entry = manifest.models.find((m) => m.id === manifest.defaults.inpaint)!;
    mkdirSync(path.join(dir, 'cards'), { recursive: true });
    copyFileSync(path.join(MODELS, entry.file), path.join(dir, entry.file));
    writeFileSync(path.join(dir, 'cards', 'hostile.md'), [
      '# Hostile card', '', '<script>window.__pwned = 1</script>', '', '<img src="x" onerror="window.__pwned = 2">', '',
      '[a link](javascript:window.__pwned=3) and <a href="#" onclick="window.__pwned=4">another</a>', '',
      '<iframe src="about:blank"></iframe>', '', 'See [the paper](https://example.org/paper).', '', '| band | PSNR |', '|---|---|', '| band0 | 33.8 |', '',
    ].join('\n'));
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: 1, defaults: { inpaint: entry.id }, models: [{ ...entry, card: 'cards/hostile.md' }] }));
  }

  it('renders its Markdown without scripts, event handlers, frames, pictures or javascript: links', async () => {
    const { host, browser, editor } = app;
    await editor.goto(host.url);
    const models = new ModelsPage(browser.page);
    await models.open();
    const card = await models.openCard(manifest.defaults.inpaint!);
    expect(await card.locator('h1').innerText()).toBe('Hostile card');
    expect(await card.locator('table td').allInnerTexts()).toEqual(['band0', '33.8']);
    expect(await card.locator('script, img, iframe, [onclick], [onerror]').count()).toBe(0);
    const hrefs = await card.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    for (const h of hrefs) expect(h ?? '').not.toMatch(/^javascript:/i);
    // A real link opens outside the app, never in place of it.
    expect(await card.locator('a[href="https://example.org/paper"]').evaluate((a) => [a.getAttribute('target'), a.getAttribute('rel')])).toEqual(['_blank', 'noopener noreferrer']);
    await card.locator('a').first().click().catch(() => undefined);
    expect(await browser.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(browser.errors, browser.errors.join('\n')).toEqual([]);
  }, 120_000);
});
