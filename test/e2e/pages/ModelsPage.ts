/**
 * Page object for the Models tab: the leaderboard of each task (rows, scores by band, chart bars) and the
 * model cards rendered from Markdown.
 */
import type { Locator, Page } from 'playwright-core';

export interface BoardRow {
  modelId: string;
  /** Band → the cell's text ("33.83 / 0.9708"). */
  cells: Record<string, string>;
}

export class ModelsPage {
  constructor(readonly page: Page) {}

  byTestId(id: string): Locator {
    return this.page.getByTestId(id);
  }

  async open(): Promise<void> {
    await this.byTestId('tab-models').click();
    await this.byTestId('models-view').waitFor();
  }

  /** The tasks that have a leaderboard, in the order shown. */
  async tasks(): Promise<string[]> {
    await this.byTestId('leaderboard').first().waitFor();
    return this.page.$$eval('[data-testid="leaderboard"]', (els) => els.map((e) => (e as HTMLElement).dataset.task ?? ''));
  }

  async rows(task: string): Promise<BoardRow[]> {
    return this.page.$$eval(`[data-testid="leaderboard"][data-task="${task}"] [data-testid="leaderboard-row"]`, (rows) =>
      rows.map((r) => ({
        modelId: (r as HTMLElement).dataset.model ?? '',
        cells: Object.fromEntries([...r.querySelectorAll<HTMLElement>('[data-testid="score"]')].map((c) => [c.dataset.band ?? '', c.textContent?.trim() ?? ''])),
      })),
    );
  }

  /** Bars drawn in a task's chart for a metric, with their heights. */
  async bars(task: string, metric: string): Promise<number[]> {
    return this.page.$$eval(`[data-testid="leaderboard-section"][data-task="${task}"] [data-testid="chart-${metric}"] rect`, (rs) =>
      rs.map((r) => Number(r.getAttribute('height'))),
    );
  }

  card(modelId: string): Locator {
    return this.page.locator(`[data-testid="model-card"][data-model="${modelId}"]`);
  }

  /** Opens a model's card and returns its rendered text element. */
  async openCard(modelId: string): Promise<Locator> {
    const card = this.card(modelId);
    if (!(await card.locator('details').evaluate((d) => (d as HTMLDetailsElement).open))) await card.locator('summary').click();
    const text = card.getByTestId('model-card-text');
    await text.waitFor();
    return text;
  }
}
