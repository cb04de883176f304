/**
 * The desktop app end to end: the same open → detect → restore flow as the web-host e2e, driven through
 * playwright-core's `_electron` against the real Electron shell (sandboxed preload, kintsugi:// protocol,
 * validated IPC, the service worker). Electron's binary cannot be downloaded on every machine (it is an
 * optional dependency); there the test reports itself skipped with the reason.
 */
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { _electron, type ElectronApplication } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { EditorPage } from './pages/EditorPage.js';
import { tempDir } from '../support/temp-dir.js';

const root = resolve(__dirname, '../..');
const photo = resolve(root, '../shared/data/real-damage/bopbtl-scratched/a.png');

function findElectron(): { bin?: string; reason?: string } {
  try {
    const bin = createRequire(import.meta.url)('electron') as unknown;
    if (typeof bin === 'string' && existsSync(bin)) {
      if (!existsSync(join(root, 'dist/main/electron/main.js'))) return { reason: 'the Electron shell is not built (npm run build)' };
      if (!existsSync(join(root, 'dist/renderer/index.html'))) return { reason: 'the renderer is not built (npm run build:renderer)' };
      return { bin };
    }
    return { reason: 'the electron package is installed but its binary is missing (download failed)' };
  } catch {
    return { reason: 'the electron package is not installed (optional dependency; its binary cannot be downloaded here)' };
  }
}

const electron = findElectron();
if (!electron.bin) console.log(`Electron e2e skipped: ${electron.reason}`);

describe.skipIf(!electron.bin)('Electron app', () => {
  let app: ElectronApplication | undefined;
  const dataDir = tempDir('kintsugi-electron-');
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens a photo, detects, paints, restores — with the renderer sandboxed', async () => {
    app = await _electron.launch({
      executablePath: electron.bin!,
      args: [root],
      env: { ...process.env, KINTSUGI_DATA_DIR: dataDir },
    });
    const page = await app.firstWindow();
    const editor = new EditorPage(page);
    await page.waitForSelector('[data-testid="start-screen"], [data-testid="viewport"]');

    // The renderer has no Node and only the named bridge.
    const isolated = await page.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      bridge: typeof (globalThis as { kintsugi?: { photo?: { open?: unknown } } }).kintsugi?.photo?.open,
      invoke: typeof (globalThis as { kintsugi?: { invoke?: unknown } }).kintsugi?.invoke,
    }));
    expect(isolated).toEqual({ require: 'undefined', process: 'undefined', bridge: 'function', invoke: 'undefined' });
    expect(page.url()).toMatch(/^kintsugi:\/\/app\//);

    await editor.openPhoto(photo);
    await editor.screenshot('electron-opened');
    if (await editor.isDetectAvailable()) {
      await editor.detect();
      await editor.screenshot('electron-detected');
    }
    const { width, height } = await editor.photoSize();
    await editor.drawLine([width * 0.2, height * 0.5], [width * 0.6, height * 0.55]);
    await editor.restore();
    await editor.screenshot('electron-restored');
    expect(await editor.history.count()).toBeGreaterThanOrEqual(3);
  });
});
