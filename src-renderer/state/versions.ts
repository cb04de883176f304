/**
 * Versions: every restore in the history is kept as a version of the photo (one per model tried, or per mask),
 * so a second model never costs the first result. Showing a version moves the history cursor to it (what is
 * shown is what exports); comparing puts another version where the original is in the split view. Pure.
 */
import type { HistoryEntryView, SessionView } from '@core/api/contract.js';

/** One restore's result, as the versions bar lists it. */
export interface Version {
  /** 1-based, in history order. */
  number: number;
  /** Its history entry. */
  index: number;
  resultBlobId: string;
  modelId: string | null;
  label: string;
}

/** The restores in the history (also those after the cursor, which are redo-able), oldest first. */
export function versionsOf(session: SessionView | null): Version[] {
  const entries: readonly HistoryEntryView[] = session?.history.entries ?? [];
  return entries
    .filter((e): e is HistoryEntryView & { resultBlobId: string } => e.kind === 'restore' && !!e.resultBlobId)
    .map((e, i) => ({ number: i + 1, index: e.index, resultBlobId: e.resultBlobId, modelId: e.modelId ?? null, label: e.modelId ?? e.label }));
}

/** The version the picture at the cursor comes from (the last restore at or before it), if any. */
export function currentVersion(session: SessionView | null, versions: readonly Version[]): Version | null {
  const cursor = session?.history.cursor ?? -1;
  return versions.filter((v) => v.index <= cursor).at(-1) ?? null;
}

/** The split view's two captions: Before / After, or the two versions compared (`compareWith`: a version's blob). */
export function compareCaptions(session: SessionView | null, compareWith: string | null): [string, string] {
  const versions = versionsOf(session);
  const other = compareWith ? versions.find((v) => v.resultBlobId === compareWith) : undefined;
  const shown = currentVersion(session, versions);
  return other && shown ? [`Version ${other.number}`, `Version ${shown.number}`] : ['Before', 'After'];
}
