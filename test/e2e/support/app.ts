/**
 * The set-up every editor e2e test shares: the real web host (support/host.ts), Debian's Chromium on one page
 * (support/browser.ts) and the page object over it, started in `beforeAll` and closed in `afterAll` of the
 * `describe` block that calls `useApp`. `prepare` runs first (the test's own photos and folders), `cleanup` last.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type BrowserSession } from './browser.js';
import { startHost, type RunningHost } from './host.js';
import { EditorPage } from '../pages/EditorPage.js';

export interface AppOptions {
  /** Models folder for the host (default: the shipped models/). */
  modelsDir?: string;
  viewport?: { width: number; height: number };
  prepare?: () => Promise<void> | void;
  cleanup?: () => void;
}

export interface App {
  readonly host: RunningHost;
  readonly browser: BrowserSession;
  readonly page: Page;
  readonly editor: EditorPage;
  /** Stops the host keeping its library and starts a new one on it (new port and token): a relaunch. */
  relaunch(): Promise<void>;
}

/** Registers the hooks; the returned handle's fields are there once `beforeAll` has run. */
export function useApp(opts: AppOptions = {}): App {
  let host: RunningHost | undefined;
  let browser: BrowserSession | undefined;
  let editor: EditorPage | undefined;
  const hostOptions = opts.modelsDir ? { modelsDir: opts.modelsDir } : {};
  const ready = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('useApp: the app is used before beforeAll started it');
    return v;
  };
  beforeAll(async () => {
    await opts.prepare?.();
    host = await startHost(hostOptions);
    browser = await launchBrowser(opts.viewport);
    editor = new EditorPage(browser.page);
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    opts.cleanup?.();
  });
  return {
    get host() { return ready(host); },
    get browser() { return ready(browser); },
    get page() { return ready(browser).page; },
    get editor() { return ready(editor); },
    async relaunch() {
      const old = ready(host);
      await old.close({ keepData: true });
      host = await startHost({ ...hostOptions, dataDir: old.dataDir });
    },
  };
}
