/**
 * What the editor says after Detect damage, so the person knows what happened to the mask they painted:
 * kept with the proposal added, or replaced. Pure (a unit test checks the wording against the numbers).
 */
import type { DetectMode } from '@core/api/contract.js';

/** The notice for a detection that took the mask from `before` to `after` hole pixels. */
export function detectNotice(mode: DetectMode, before: number, after: number): string {
  const n = (v: number): string => `${v.toLocaleString('en-US')} px`;
  if (after === 0) return 'No damage found — paint the mask by hand.';
  if (mode === 'replace') {
    return before > 0 ? `Detection replaced your mask: ${n(after)} marked (undo brings your painting back).` : `Detection marked ${n(after)}.`;
  }
  if (before === 0) return `Detection marked ${n(after)}.`;
  const added = after - before;
  if (added <= 0) return `Detection found nothing beyond your mask; it is unchanged (${n(after)}).`;
  return `Detection added ${n(added)} to your painted mask (${n(after)} in all).`;
}
