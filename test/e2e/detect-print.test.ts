/**
 * Detect damage on an old toned print in Debian's Chromium against the real web host and the shipped detectors: the
 * app hands bopbtl-scratched/d to the detector for old prints, follows its marks on across the faces as `kintsugi
 * detect` does (the same proposal, pixel for pixel), and names that detector in the history.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CHROMIUM } from './support/browser.js';
import { useApp } from './support/app.js';
import { e2eModels } from './support/models.js';
import { layoutProblems, VIEWPORTS } from './support/layout.js';
import { repoRoot } from './support/build-renderer.js';
import { runKintsugi } from '../support/cli.js';
import { tempDir } from '../support/temp-dir.js';

const PHOTO = path.resolve(repoRoot, '../shared/data/real-damage/bopbtl-scratched/d.png');
const models = e2eModels();

describe.skipIf(!existsSync(CHROMIUM) || !models.isShipped).each(VIEWPORTS)('Detect damage on a toned print at $width×$height', (viewport) => {
  const app = useApp({ modelsDir: models.dir, viewport });

  it('proposes what kintsugi detect proposes, by the detector for old prints, named in the history', async () => {
    const work = tempDir('kintsugi-e2e-print-');
    const cliMask = path.join(work, 'cli.png');
    const cli = await runKintsugi(['detect', PHOTO, '--out', cliMask, '--models-dir', models.dir, '--json'], { cwd: work, env: { ...process.env } });
    expect(cli.code, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout).modelId).toBe('detect-damage-prints');
    const { data: cliPx } = await sharp(cliMask).greyscale().raw().toBuffer({ resolveWithObject: true });

    const { host, editor } = app;
    await editor.goto(host.url);
    await editor.openPhoto(PHOTO);
    await editor.detect();
    const shown = await editor.maskBits();
    expect([shown.width, shown.height]).toEqual([400, 256]);
    let same = 0;
    let cliMarked = 0;
    for (let i = 0; i < shown.mask.length; i++) {
      const c = cliPx[i]! > 127 ? 1 : 0;
      cliMarked += c;
      if (c === shown.mask[i]) same++;
    }
    expect(cliMarked).toBeGreaterThan(0.05 * shown.mask.length); // the crack network, faces included
    expect(same).toBe(shown.mask.length);
    const entries = await editor.history.entries();
    expect(entries.at(-1)!.label).toMatch(/detect-damage-prints/);
    expect(await layoutProblems(editor.page)).toEqual({ horizontalScroll: 0, clipped: [], overlapping: [] });
    await editor.screenshot(`detect-print-${viewport.width}`);
  }, 180_000);
});
