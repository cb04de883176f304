/**
 * What the editor says after Detect damage, so the person knows what happened to the mask they painted:
 * kept with the proposal added, or replaced. Pure (a unit test checks the wording against the numbers).
 */
import type { DetectMode } from '@core/api/contract.js';

/**
 * The notice for a detection that took the mask from `before` to `after` hole pixels and suggested `suggested`
 * marks beside it.
 */
export function detectNotice(mode: DetectMode, before: number, after: number, suggested = 0): string {
  const more = suggested > 0 ? ` ${suggested === 1 ? '1 mark it is unsure of is' : `${suggested.toLocaleString('en-US')} marks it is unsure of are`} suggested in amber.` : '';
  return mainNotice(mode, before, after, suggested) + more;
}

function mainNotice(mode: DetectMode, before: number, after: number, suggested: number): string {
  const n = (v: number): string => `${v.toLocaleString('en-US')} px`;
  if (after === 0) return suggested > 0 ? 'Detection is sure of no damage.' : 'No damage found — paint the mask by hand.';
  if (mode === 'replace') {
    return before > 0 ? `Detection replaced your mask: ${n(after)} marked (undo brings your painting back).` : `Detection marked ${n(after)}.`;
  }
  if (before === 0) return `Detection marked ${n(after)}.`;
  const added = after - before;
  if (added <= 0) return `Detection found nothing beyond your mask; it is unchanged (${n(after)}).`;
  return `Detection added ${n(added)} to your painted mask (${n(after)} in all).`;
}
