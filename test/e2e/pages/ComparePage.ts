/** Page object for before/after: the split slider and the hold-to-compare key. */
import type { Page } from 'playwright-core';

export class ComparePage {
  constructor(readonly page: Page) {}

  async isSplit(): Promise<boolean> {
    return this.page.getByTestId('split-line').isVisible();
  }

  /** Turns the split view on (or off). */
  async toggleSplit(): Promise<void> {
    const was = await this.isSplit();
    await this.page.getByTestId('compare-toggle').click();
    await this.page.getByTestId('split-line').waitFor({ state: was ? 'hidden' : 'visible' });
  }

  /** Drags the split handle to a fraction of the photo's width. */
  async dragSplitTo(fraction: number): Promise<void> {
    const handle = await this.page.getByTestId('split-handle').boundingBox();
    const stage = await this.page.getByTestId('stage').boundingBox();
    if (!handle || !stage) throw new Error('split handle not visible');
    const m = this.page.mouse;
    await m.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await m.down();
    await m.move(stage.x + stage.width * fraction, handle.y + handle.height / 2, { steps: 8 });
    await m.up();
  }

  /** Fraction of the result image hidden on the left (the "before" side). */
  async splitFraction(): Promise<number> {
    return this.page.getByTestId('result-image').evaluate((el) => {
      const m = /inset\(0(?:px)? 0(?:px)? 0(?:px)? ([\d.]+)%\)/.exec((el as HTMLElement).style.clipPath);
      return m ? Number(m[1]) / 100 : 0;
    });
  }

  /** Holds the compare key while `during` runs (the original is shown), then releases it. */
  async holdOriginal(during: () => Promise<void>): Promise<void> {
    await this.page.keyboard.down('\\');
    await this.page.getByTestId('hold-compare').waitFor({ state: 'visible' });
    try {
      await during();
    } finally {
      await this.page.keyboard.up('\\');
    }
    await this.page.getByTestId('hold-compare').waitFor({ state: 'hidden' });
  }
}
