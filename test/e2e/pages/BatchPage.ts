/**
 * Page object for the Batch tab: typing the folders (the web host's way), the options, starting, following
 * the queue, cancelling, the mask review grid, opening a photo in the editor and exporting comparisons.
 */
import type { Locator, Page } from 'playwright-core';

export interface QueueItem {
  name: string;
  state: string;
  label: string;
  isResumed: boolean;
  error: string | null;
}

export class BatchPage {
  constructor(readonly page: Page) {}

  byTestId(id: string): Locator {
    return this.page.getByTestId(id);
  }

  async open(): Promise<void> {
    await this.byTestId('tab-batch').click();
    await this.byTestId('batch-view').waitFor();
  }

  /** Fills the folder fields and options; empty strings clear a field. */
  async setFolders(f: { photos: string; output?: string; masks?: string }): Promise<void> {
    await this.byTestId('batch-input-dir').fill(f.photos);
    await this.byTestId('batch-output-dir').fill(f.output ?? '');
    await this.byTestId('batch-masks-dir').fill(f.masks ?? '');
  }

  async setOptions(o: { recursive?: boolean; reviewFirst?: boolean }): Promise<void> {
    if (o.recursive !== undefined) await this.byTestId('batch-recursive').setChecked(o.recursive);
    if (o.reviewFirst !== undefined) await this.byTestId('batch-review-first').setChecked(o.reviewFirst);
  }

  /**
   * Clicks Start. With `expectNew` (the default) it also waits until the header shows a new batch, so a wait
   * for `done` that follows cannot be met by the run before; a start that is refused shows an error instead.
   */
  async start(expectNew = true): Promise<void> {
    const before = await this.page.evaluate(() => document.querySelector<HTMLElement>('[data-testid="batch-status"]')?.dataset.batchId ?? null);
    await this.byTestId('batch-start').click();
    if (!expectNew) return;
    await this.page.waitForFunction((before) => {
      const id = document.querySelector<HTMLElement>('[data-testid="batch-status"]')?.dataset.batchId ?? null;
      return (id !== null && id !== before) || document.querySelector('[data-testid="batch-error"]') !== null;
    }, before, { timeout: 60_000 });
  }

  /** The batch's state and phase as the header shows them. */
  async state(): Promise<{ state: string | null; phase: string | null }> {
    const head = this.byTestId('batch-status');
    if ((await head.count()) === 0) return { state: null, phase: null };
    return { state: await head.getAttribute('data-state'), phase: await head.getAttribute('data-phase') };
  }

  /** Waits until the batch reaches one of `states` (done, cancelled, failed, or paused for review). */
  async waitFor(states: string[], phase?: string): Promise<void> {
    await this.page.waitForFunction(
      ({ states, phase }) => {
        const el = document.querySelector<HTMLElement>('[data-testid="batch-status"]');
        return !!el && states.includes(el.dataset.state ?? '') && (phase === undefined || el.dataset.phase === phase);
      },
      { states, phase },
      { timeout: 300_000 },
    );
    // The batch bar slides to its new width (a short CSS transition): let it arrive before anyone looks.
    await this.page.waitForFunction(() => {
      const fill = document.querySelector('[aria-label="Batch progress"] .fill');
      return !fill || fill.getAnimations().length === 0;
    });
  }

  async items(): Promise<QueueItem[]> {
    return this.page.$$eval('[data-testid="batch-item"]', (els) =>
      els.map((el) => ({
        name: el.querySelector('.name')?.textContent?.trim() ?? '',
        state: (el as HTMLElement).dataset.state ?? '',
        label: el.querySelector('[data-testid="batch-item-state"]')?.textContent?.trim() ?? '',
        isResumed: (el as HTMLElement).dataset.resumed === 'true',
        error: el.querySelector('[data-testid="batch-item-error"]')?.textContent?.trim() ?? null,
      })),
    );
  }

  /** Starts recording every label the queue's items and the ETA show (to see the progress go by). */
  async recordLabels(): Promise<void> {
    await this.page.evaluate(() => {
      const seen = new Set<string>();
      (window as unknown as { batchLabels: Set<string> }).batchLabels = seen;
      const grab = () => document.querySelectorAll('[data-testid="batch-item-state"], [data-testid="batch-eta"]').forEach((el) => seen.add(el.textContent?.trim() ?? ''));
      new MutationObserver(grab).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
  }

  async recordedLabels(): Promise<string[]> {
    return this.page.evaluate(() => [...(window as unknown as { batchLabels: Set<string> }).batchLabels]);
  }

  async headerText(): Promise<{ elapsed: string; count: string }> {
    return { elapsed: await this.byTestId('batch-elapsed').innerText(), count: await this.byTestId('batch-count').innerText() };
  }

  async cancel(): Promise<void> {
    await this.byTestId('batch-cancel').click();
  }

  async error(): Promise<string | null> {
    const el = this.byTestId('batch-error');
    return (await el.count()) ? el.innerText() : null;
  }

  /** "Open in editor" on the queue item named `name`. */
  async openInEditor(name: string): Promise<void> {
    await this.page.locator('[data-testid="batch-item"]', { has: this.page.locator('.name', { hasText: name }) }).getByTestId('batch-open').click();
  }

  // ---- mask review ----

  reviewItem(index: number): Locator {
    return this.byTestId('review-item').nth(index);
  }

  async reviewStates(): Promise<string[]> {
    return this.page.$$eval('[data-testid="review-item"]', (els) => els.map((el) => (el as HTMLElement).dataset.review ?? ''));
  }

  /** How many review pictures have loaded (the photo with its mask in red). */
  async reviewImagesLoaded(): Promise<number> {
    return this.page.$$eval('[data-testid="review-item"] img', (els) => els.filter((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0).length);
  }

  async review(index: number, action: 'accept' | 'skip' | 'fix' | 'use-editor'): Promise<void> {
    await this.reviewItem(index).getByTestId(`review-${action}`).click();
  }

  async restoreAccepted(): Promise<void> {
    await this.byTestId('review-restore').click();
  }

  // ---- comparisons ----

  async exportComparisons(forms: Array<'side-by-side' | 'stacked' | 'split' | 'slider'>): Promise<string> {
    for (const f of ['side-by-side', 'stacked', 'split', 'slider'] as const) await this.byTestId(`compare-form-${f}`).setChecked(forms.includes(f));
    await this.byTestId('batch-compare-export').click();
    await this.byTestId('batch-compare-result').waitFor();
    return this.byTestId('batch-compare-result').innerText();
  }
}
