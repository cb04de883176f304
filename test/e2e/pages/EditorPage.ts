/**
 * Page object for the editor: opening photos, painting the mask in image coordinates, detect,
 * restore, export and screenshots. Tests talk to this, not to selectors.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { HistoryPanel } from './HistoryPanel.js';
import { ComparePage } from './ComparePage.js';
import { VersionsBar } from './VersionsBar.js';

export const ARTIFACTS = path.resolve(import.meta.dirname, '../../../test-artifacts/e2e');

export class EditorPage {
  readonly history: HistoryPanel;
  readonly compare: ComparePage;
  readonly versions: VersionsBar;

  constructor(readonly page: Page) {
    this.history = new HistoryPanel(page);
    this.compare = new ComparePage(page);
    this.versions = new VersionsBar(page);
  }

  /** The "N px masked" counter as a number: the hole size the service reports for the current mask. */
  async holePixels(): Promise<number> {
    return Number((await this.byTestId('hole-pixels').innerText()).replace(/[^\d]/g, ''));
  }

  byTestId(id: string): Locator {
    return this.page.getByTestId(id);
  }

  async goto(url: string): Promise<void> {
    await this.page.goto(url);
    await this.page.waitForSelector('[data-testid="start-screen"], [data-testid="viewport"]');
  }

  /** Opens a photo through the file picker (the web host's upload path). */
  async openPhoto(file: string): Promise<void> {
    const before = await this.page.evaluate(() => location.hash);
    await this.byTestId('file-input').setInputFiles(file);
    // A new project (its id in the address) whose picture has loaded, not the photo that was open before.
    await this.page.waitForFunction((h) => location.hash !== h && location.hash.includes('project='), before);
    await this.waitForPhoto();
  }

  /** Opens a photo by dropping it on the window, as from a file manager. */
  async dropPhoto(file: string, mime = 'image/jpeg'): Promise<void> {
    const b64 = readFileSync(file).toString('base64');
    const dt = await this.page.evaluateHandle(
      ({ b64, name, mime }) => {
        const bin = atob(b64);
        const bytes = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        const data = new DataTransfer();
        data.items.add(new File([bytes], name, { type: mime }));
        return data;
      },
      { b64, name: path.basename(file), mime },
    );
    await this.page.dispatchEvent('body', 'dragover', { dataTransfer: dt });
    await this.byTestId('drop-zone').waitFor();
    await this.page.dispatchEvent('body', 'drop', { dataTransfer: dt });
    await this.waitForPhoto();
  }

  /** The zoom level the tool panel shows, in percent. */
  async zoomPercent(): Promise<number> {
    return parseInt(await this.byTestId('zoom-level').innerText(), 10);
  }

  /** Image pixel under a screen point (inverse of toScreen). */
  async toImage(sx: number, sy: number): Promise<[number, number]> {
    const box = await this.byTestId('stage').boundingBox();
    if (!box) throw new Error('stage not visible');
    const { width, height } = await this.photoSize();
    return [((sx - box.x) * width) / box.width, ((sy - box.y) * height) / box.height];
  }

  /** Waits until the photo is decoded in the viewport and the models are listed. */
  async waitForPhoto(): Promise<void> {
    await this.page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('[data-testid="original-image"]');
      return !!img && img.complete && img.naturalWidth > 0 && !document.querySelector('[data-testid="opening-progress"]');
    });
    await this.history.waitForEntries(1);
  }

  /** The photo's size as the editor shows it (from the stage element). */
  async photoSize(): Promise<{ width: number; height: number }> {
    return this.page.getByTestId('stage').evaluate((el) => ({
      width: parseFloat((el as HTMLElement).style.width),
      height: parseFloat((el as HTMLElement).style.height),
    }));
  }

  /** Screen position of an image pixel, from the stage's on-screen box. */
  async toScreen(x: number, y: number): Promise<[number, number]> {
    const box = await this.byTestId('stage').boundingBox();
    if (!box) throw new Error('stage not visible');
    const { width, height } = await this.photoSize();
    return [box.x + (x * box.width) / width, box.y + (y * box.height) / height];
  }

  async selectTool(tool: 'brush' | 'line' | 'eraser'): Promise<void> {
    await this.page.keyboard.press(tool === 'brush' ? 'b' : tool === 'line' ? 'l' : 'e');
    await this.page.waitForSelector(`[data-testid="tool-${tool}"][aria-pressed="true"]`);
  }

  async setBrushSize(px: number): Promise<void> {
    await this.byTestId('brush-size-input').fill(String(px));
  }

  /** A freehand brush stroke through image-pixel points (one history step). */
  async drawStroke(points: Array<[number, number]>, opts: { tool?: 'brush' | 'eraser' } = {}): Promise<void> {
    await this.selectTool(opts.tool ?? 'brush');
    const before = await this.history.count();
    const [first, ...rest] = points;
    if (!first) return;
    const m = this.page.mouse;
    await m.move(...(await this.toScreen(...first)));
    await m.down();
    for (const p of rest) await m.move(...(await this.toScreen(...p)), { steps: 6 });
    await m.up();
    await this.history.waitForEntries(before + 1);
  }

  /** A straight line by dragging with the line tool (one history step). */
  async drawLine(from: [number, number], to: [number, number]): Promise<void> {
    await this.selectTool('line');
    const before = await this.history.count();
    const m = this.page.mouse;
    await m.move(...(await this.toScreen(...from)));
    await m.down();
    await m.move(...(await this.toScreen(...to)), { steps: 8 });
    await m.up();
    await this.history.waitForEntries(before + 1);
  }

  /** Pixels of the mask canvas with coverage over 50 % (what Restore will fill). */
  async maskPixels(): Promise<number> {
    return this.page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('[data-testid="mask-canvas"]');
      if (!c) return -1;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i]! > 127) n++;
      return n;
    });
  }

  /** The painted mask, 1 byte per pixel (coverage over 50 % = 1), with its size. */
  async maskBits(): Promise<{ mask: Uint8Array; width: number; height: number }> {
    const r = await this.page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('[data-testid="mask-canvas"]')!;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const bits: number[] = [];
      for (let i = 3; i < d.length; i += 4) bits.push(d[i]! > 127 ? 1 : 0);
      return { bits, width: c.width, height: c.height };
    });
    return { mask: Uint8Array.from(r.bits), width: r.width, height: r.height };
  }

  /** Whether the red mask overlay is shown (it hides after a restore so the result is visible). */
  async isMaskShown(): Promise<boolean> {
    return (await this.byTestId('mask-layer').getAttribute('data-visible')) === 'true';
  }

  /** Waits for the running job's progress bar to go away; throws the banner text on failure. */
  async waitForJob(): Promise<void> {
    await this.page.waitForFunction(() => !document.querySelector('[data-testid="job-bar"]'), null, { timeout: 240_000 });
    const error = this.byTestId('error-banner');
    if (await error.isVisible()) throw new Error(`editor error: ${await error.innerText()}`);
  }

  /** The notice banner's message (without its dismiss button), or '' when none is shown. */
  async notice(): Promise<string> {
    const n = this.page.locator('[data-testid="notice"] > span');
    return (await n.count()) ? (await n.innerText()).trim() : '';
  }

  async isDetectAvailable(): Promise<boolean> {
    return this.byTestId('detect-button').isEnabled();
  }

  /** Detection sensitivity (1 - threshold) on the slider; null: back to the detector's own (double-click). */
  async setDetectSensitivity(value: number | null): Promise<void> {
    const slider = this.byTestId('detect-sensitivity');
    if (value === null) await slider.dblclick();
    else await slider.fill(String(value));
  }

  /** The Grow mask control (pixels Restore also fills around the painted mask; 0 = as painted). */
  async setGrowMask(px: number): Promise<void> {
    const input = this.byTestId('grow-mask');
    await input.fill(String(px));
    await input.blur();
  }

  /**
   * What the editor shows, as bytes: the original and the result image files (fetched from their blob
   * URLs) and the painted mask (coverage > 50 %, 1 byte per pixel) — for checking which pixels a restore changed.
   */
  async shownImages(): Promise<{ original: Buffer; result: Buffer; mask: Uint8Array; width: number; height: number }> {
    const r = await this.page.evaluate(async () => {
      const b64 = (u8: Uint8Array): string => {
        let s = '';
        for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000));
        return btoa(s);
      };
      const bytes = async (id: string): Promise<string> => {
        const img = document.querySelector<HTMLImageElement>(`[data-testid="${id}"]`)!;
        return b64(new Uint8Array(await (await fetch(img.src)).arrayBuffer()));
      };
      const c = document.querySelector<HTMLCanvasElement>('[data-testid="mask-canvas"]')!;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const mask = new Uint8Array(c.width * c.height);
      for (let i = 0; i < mask.length; i++) mask[i] = d[i * 4 + 3]! > 127 ? 1 : 0;
      return { original: await bytes('original-image'), result: await bytes('result-image'), mask: b64(mask), width: c.width, height: c.height };
    });
    return {
      original: Buffer.from(r.original, 'base64'),
      result: Buffer.from(r.result, 'base64'),
      mask: new Uint8Array(Buffer.from(r.mask, 'base64')),
      width: r.width,
      height: r.height,
    };
  }

  /** Detect damage: `add` (the button) adds to the painted mask, `replace` (from its menu) replaces it. */
  async detect(opts: { mode?: 'add' | 'replace' } = {}): Promise<void> {
    const cursor = await this.history.cursor();
    if (opts.mode === 'replace') {
      await this.byTestId('detect-menu-button').click();
      await this.byTestId('detect-replace').click();
    } else {
      await this.byTestId('detect-button').click();
    }
    await this.waitForJob();
    // The new step sits right after the cursor (after an undo it replaces the redo branch, so count alone can't tell).
    await this.page.waitForSelector(`[data-testid="history-entry"][data-index="${cursor + 1}"][data-kind="detect"][aria-current="step"]`);
  }

  /** Runs Restore and waits until the result is shown in place. */
  async restore(opts: { onProgress?: () => Promise<void> } = {}): Promise<void> {
    const cursor = await this.history.cursor();
    await this.byTestId('restore-button').click();
    if (opts.onProgress) {
      await this.byTestId('job-bar').waitFor({ state: 'visible' }).catch(() => undefined);
      await opts.onProgress();
    }
    await this.waitForJob();
    // The new step sits right after the cursor (after an undo it replaces the redo branch, so count alone can't tell).
    await this.page.waitForSelector(`[data-testid="history-entry"][data-index="${cursor + 1}"][data-kind="restore"][aria-current="step"]`);
    await this.page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('[data-testid="result-image"]');
      return !!img && img.complete && img.naturalWidth > 0;
    });
  }

  /** Turns Fix fading and colour on or off and waits for its history step. */
  async setTone(on: boolean): Promise<void> {
    const cursor = await this.history.cursor();
    await this.byTestId('tone-toggle').setChecked(on);
    await this.waitForJob();
    await this.page.waitForSelector(`[data-testid="history-entry"][data-index="${cursor + 1}"][data-kind="tone"][aria-current="step"]`);
    if (on) await this.waitForToneLayers();
  }

  /** Moves the tone strength slider to `percent` without letting go: the live preview (no job). */
  async previewToneStrength(percent: number): Promise<void> {
    await this.byTestId('tone-strength-input').evaluate((el, v) => {
      const input = el as HTMLInputElement;
      input.value = String(v);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }, percent);
  }

  /** Lets go of the tone strength slider at `percent`: one history step. */
  async commitToneStrength(percent: number): Promise<void> {
    const cursor = await this.history.cursor();
    await this.previewToneStrength(percent);
    await this.byTestId('tone-strength-input').evaluate((el) => el.dispatchEvent(new Event('change', { bubbles: true })));
    await this.waitForJob();
    await this.page.waitForSelector(`[data-testid="history-entry"][data-index="${cursor + 1}"][data-kind="tone"][aria-current="step"]`);
    await this.waitForToneLayers();
  }

  async waitForToneLayers(): Promise<void> {
    await this.page.waitForFunction(() =>
      ['tone-base-image', 'tone-full-image'].every((id) => {
        const img = document.querySelector<HTMLImageElement>(`[data-testid="${id}"]`);
        return !!img && img.complete && img.naturalWidth > 0;
      }),
    );
  }

  /** The tone layers as shown: the opacity of the full correction and both pictures' bytes (null when off). */
  async toneLayers(): Promise<{ opacity: number; base: Buffer; full: Buffer } | null> {
    const r = await this.page.evaluate(async () => {
      const full = document.querySelector<HTMLImageElement>('[data-testid="tone-full-image"]');
      const base = document.querySelector<HTMLImageElement>('[data-testid="tone-base-image"]');
      if (!full || !base) return null;
      const b64 = async (src: string): Promise<string> => {
        const u8 = new Uint8Array(await (await fetch(src)).arrayBuffer());
        let s = '';
        for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000));
        return btoa(s);
      };
      return { opacity: Number(getComputedStyle(full).opacity), base: await b64(base.src), full: await b64(full.src) };
    });
    return r && { opacity: r.opacity, base: Buffer.from(r.base, 'base64'), full: Buffer.from(r.full, 'base64') };
  }

  /** Exports the result and saves the download; returns the saved path. */
  async exportResult(dir: string): Promise<string> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.byTestId('export-button').click()]);
    const target = path.join(dir, download.suggestedFilename());
    await download.saveAs(target);
    return target;
  }

  /** Exports a before/after comparison from the Export menu and saves the download; returns the saved path. */
  async exportComparison(layout: 'side-by-side' | 'stacked' | 'split' | 'slider', dir: string): Promise<string> {
    await this.byTestId('export-menu-button').click();
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.byTestId(`export-compare-${layout}`).click()]);
    const target = path.join(dir, download.suggestedFilename());
    await download.saveAs(target);
    return target;
  }

  /** Picks an execution device; the picker re-asks the host which provider each model then runs on. */
  async chooseDevice(device: string): Promise<void> {
    await this.byTestId('device').selectOption(device);
  }

  /** The "runs on …" badge: its text and its tooltip (the host's reason for that provider). */
  async providerBadge(): Promise<{ text: string; reason: string }> {
    const badge = this.byTestId('provider');
    return { text: (await badge.textContent())?.trim() ?? '', reason: (await badge.getAttribute('title')) ?? '' };
  }

  /** Picks the first inpainting model other than the selected one; returns its id. */
  async chooseOtherModel(): Promise<string> {
    const select = this.byTestId('inpaint-model');
    const current = await select.inputValue();
    const ids = await select.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    const other = ids.find((id) => id !== current);
    if (!other) throw new Error('only one inpainting model installed');
    await select.selectOption(other);
    return other;
  }

  async selectedModel(): Promise<string> {
    return this.byTestId('inpaint-model').inputValue();
  }

  /** Saves a full-window screenshot as test-artifacts/e2e/<name>.png. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, `${name}.png`);
    await this.page.mouse.move(2, 2); // keep the brush ring out of the picture
    await this.page.screenshot({ path: file });
    return file;
  }
}
