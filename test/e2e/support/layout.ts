/**
 * Layout checks run in the page at each window size the e2e tests use: nothing scrolls sideways, and no
 * visible button, select or labelled control is narrower than its own text (a select shrunk to a bare chevron,
 * a button whose label is cut, two labels drawn over each other), and no notice or error banner covers a control.
 */
import type { Page } from 'playwright-core';

/** The window sizes every editor e2e test runs at (the two). */
export const VIEWPORTS = [
  { width: 1440, height: 900 },
  { width: 1024, height: 700 },
] as const;

export interface LayoutProblems {
  /** The page scrolls sideways by this many pixels (0 when it does not). */
  horizontalScroll: number;
  /** Controls whose text does not fit them: "testid-or-text: text width > box width". */
  clipped: string[];
  /** Pairs of visible labels/controls in the bars that overlap. */
  overlapping: string[];
}

/** Measures the page as laid out now. */
export async function layoutProblems(page: Page): Promise<LayoutProblems> {
  return page.evaluate(() => {
    const root = document.scrollingElement ?? document.documentElement;
    const horizontalScroll = Math.max(0, root.scrollWidth - root.clientWidth, document.body.scrollWidth - document.body.clientWidth);
    const ctx = document.createElement('canvas').getContext('2d')!;
    const textWidth = (el: Element, text: string): number => {
      const cs = getComputedStyle(el);
      ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      return ctx.measureText(text).width;
    };
    const isShown = (el: Element): boolean => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    };
    const name = (el: Element): string => (el as HTMLElement).dataset.testid ?? el.textContent?.trim().slice(0, 30) ?? el.tagName;
    const clipped: string[] = [];
    for (const el of document.querySelectorAll('button, select')) {
      if (!isShown(el)) continue;
      const cs = getComputedStyle(el);
      const inner = el.getBoundingClientRect().width - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - parseFloat(cs.borderLeftWidth) - parseFloat(cs.borderRightWidth);
      if (el instanceof HTMLSelectElement) {
        const text = el.selectedOptions[0]?.textContent?.trim() ?? '';
        // The chevron takes about 16 px; show at least 10 characters' worth of the choice (or all of it).
        const need = Math.min(textWidth(el, text), textWidth(el, text.slice(0, 10))) + 16;
        if (inner + 0.5 < need) clipped.push(`${name(el)}: needs ${need.toFixed(0)} px, has ${inner.toFixed(0)}`);
      } else if (el.scrollWidth > el.clientWidth + 1) {
        clipped.push(`${name(el)}: text ${el.scrollWidth} px > box ${el.clientWidth} px`);
      }
    }
    const overlapping: string[] = [];
    /** Whether two elements' boxes share more than a pixel each way. */
    const overlap = (x: Element, y: Element): boolean => {
      const a = x.getBoundingClientRect();
      const b = y.getBoundingClientRect();
      return Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
    };
    const bars = [...document.querySelectorAll('header, .actions, [data-testid="tool-panel"]')];
    for (const bar of bars) {
      const items = [...bar.querySelectorAll('button, select, input, label > span, [data-testid="hole-pixels"], [data-testid="project-name"]')].filter(isShown);
      for (let i = 0; i < items.length; i++) {
        for (let j = i + 1; j < items.length; j++) {
          if (items[i]!.contains(items[j]!) || items[j]!.contains(items[i]!)) continue;
          if (overlap(items[i]!, items[j]!)) overlapping.push(`${name(items[i]!)} × ${name(items[j]!)}`);
        }
      }
    }
    // A notice or error banner floats over the page: it must not cover a control or the text of a bar (the
    // bars over the canvas, the tool panel, the history).
    for (const banner of [...document.querySelectorAll('.banner')].filter(isShown)) {
      for (const el of [...document.querySelectorAll('button, select, input, .canvas-strip span')].filter(isShown)) {
        if (!banner.contains(el) && overlap(banner, el)) overlapping.push(`${name(banner)} × ${name(el)}`);
      }
    }
    return { horizontalScroll, clipped, overlapping };
  });
}
