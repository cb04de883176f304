/** Page object for the versions bar: each restore kept as a version, shown or compared from here. */
import type { Page } from 'playwright-core';

export interface VersionRow {
  number: number;
  label: string;
  isShown: boolean;
}

export class VersionsBar {
  constructor(readonly page: Page) {}

  async list(): Promise<VersionRow[]> {
    return this.page.getByTestId('version').evaluateAll((els) =>
      els.map((el) => ({
        number: Number((el as HTMLElement).dataset.number),
        label: (el.textContent ?? '').trim().replace(/^\d+\s*·\s*/, ''),
        isShown: el.getAttribute('aria-pressed') === 'true',
      })),
    );
  }

  /** Shows version `n` and waits until its picture is the one displayed. */
  async show(n: number): Promise<void> {
    await this.page.locator(`[data-testid="version"][data-number="${n}"]`).click();
    await this.page.waitForSelector(`[data-testid="version"][data-number="${n}"][aria-pressed="true"]`);
    await this.page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('[data-testid="result-image"]');
      return !!img && img.complete && img.naturalWidth > 0;
    });
  }

  /** Compares the shown version with version `n` (null: the original) in the split view. */
  async compareWith(n: number | null): Promise<void> {
    const select = this.page.getByTestId('compare-with');
    if (n === null) await select.selectOption({ index: 0 });
    else await select.selectOption({ label: await select.locator('option', { hasText: `version ${n} ·` }).innerText() });
    if (n !== null) await this.page.getByTestId('compare-version-image').waitFor();
  }
}
