/** Page object for the history panel: entries, undo, redo and jumping to a step. */
import type { Page } from 'playwright-core';

export interface EntryRow {
  index: number;
  kind: string;
  label: string;
  isCurrent: boolean;
  isFuture: boolean;
}

export class HistoryPanel {
  constructor(readonly page: Page) {}

  async entries(): Promise<EntryRow[]> {
    return this.page.$$eval('[data-testid="history-entry"]', (els) =>
      els.map((el) => ({
        index: Number(el.getAttribute('data-index')),
        kind: el.getAttribute('data-kind') ?? '',
        label: (el.textContent ?? '').trim().replace(/\s+/g, ' '),
        isCurrent: el.getAttribute('aria-current') === 'step',
        isFuture: el.classList.contains('future'),
      })),
    );
  }

  async count(): Promise<number> {
    return this.page.locator('[data-testid="history-entry"]').count();
  }

  async cursor(): Promise<number> {
    const cur = (await this.entries()).find((e) => e.isCurrent);
    return cur ? cur.index : -1;
  }

  async waitForEntries(n: number): Promise<void> {
    await this.page.waitForFunction(
      (want) => document.querySelectorAll('[data-testid="history-entry"]').length >= want,
      n,
    );
  }

  async waitForCursor(index: number): Promise<void> {
    await this.page.waitForSelector(`[data-testid="history-entry"][data-index="${index}"][aria-current="step"]`);
  }

  /** Clicks the panel's Undo button. */
  async undo(): Promise<void> {
    const cur = await this.cursor();
    await this.page.getByTestId('history-undo').click();
    await this.waitForCursor(cur - 1);
  }

  /** Clicks the panel's Redo button. */
  async redo(): Promise<void> {
    const cur = await this.cursor();
    await this.page.getByTestId('history-redo').click();
    await this.waitForCursor(cur + 1);
  }

  /** Clicks an entry to make it the current step. */
  async jumpTo(index: number): Promise<void> {
    await this.page.locator(`[data-testid="history-entry"][data-index="${index}"]`).click();
    await this.waitForCursor(index);
  }
}
