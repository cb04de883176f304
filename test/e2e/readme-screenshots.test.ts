/**
 * The README's editor screenshots, taken from the real UI in Debian's Chromium at 1440×900 against the real web
 * host and shipped models: the mask after Detect damage and painting (editor.png), two restores kept as versions
 * with a redo-able step (history-panel.png) and the split compare (compare.png). They go to test-artifacts/e2e;
 * with KINTSUGI_README_SHOTS=1 also to resources/screenshots (palette PNGs, as the README ships them):
 *   KINTSUGI_README_SHOTS=1 npx vitest run test/e2e/readme-screenshots.test.ts
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CHROMIUM } from './support/browser.js';
import { useApp } from './support/app.js';
import { e2eModels } from './support/models.js';
import { layoutProblems } from './support/layout.js';
import { repoRoot } from './support/build-renderer.js';

const FLOW_TIMEOUT = 420_000;
const PHOTO = path.resolve(repoRoot, '../shared/data/real-damage/bopbtl-scratched/a.png');
const README_DIR = path.join(repoRoot, 'resources/screenshots');
const isForReadme = process.env.KINTSUGI_README_SHOTS === '1';

describe.skipIf(!existsSync(CHROMIUM))('README screenshots of the editor (1440×900)', () => {
  const app = useApp({ modelsDir: e2eModels().dir, viewport: { width: 1440, height: 900 } });

  async function shot(name: string): Promise<void> {
    expect(await layoutProblems(app.page)).toEqual({ horizontalScroll: 0, clipped: [], overlapping: [] });
    const file = await app.editor.screenshot(`readme-${name}`);
    if (isForReadme) await sharp(file).png({ palette: true, quality: 90, effort: 10 }).toFile(path.join(README_DIR, `${name}.png`));
  }

  it('takes the editor, history-with-versions and compare screenshots', async () => {
    const { host, editor } = app;
    await editor.goto(host.url);
    await editor.openPhoto(PHOTO);
    await editor.detect();
    await editor.setBrushSize(14);
    await editor.drawStroke([[60, 80], [100, 95], [140, 90], [170, 120]]);
    await editor.setBrushSize(6);
    await editor.drawLine([300, 40], [420, 300]);
    await shot('editor');

    await editor.restore();
    await editor.chooseOtherModel();
    await editor.restore();
    await editor.versions.show(1);
    await shot('history-panel');

    await editor.versions.show(2);
    await editor.compare.toggleSplit();
    await editor.compare.dragSplitTo(0.5);
    await shot('compare');
  }, FLOW_TIMEOUT);
});
