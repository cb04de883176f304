/**
 * The app API as the editor sees it, and how its failures are shown. Both clients in ./api
 * (preload bridge, web-host client) implement it.
 */
import type { KintsugiApi } from './api/index.js';

/** The editor uses the app API as is; the alias keeps the editor's imports in one place. */
export type EditorApi = KintsugiApi;

/** Message to show for anything an API call threw. */
export function errorMessage(e: unknown): string {
  const raw = e && typeof e === 'object' && 'message' in e ? String((e as { message: unknown }).message) : String(e);
  // A dropped file is stored by the host under <data>/uploads/<id>/<name>: name only the person's file.
  return raw.replace(/(?:[A-Za-z]:)?[^\s:]*[\\/]uploads[\\/][A-Za-z0-9_-]+[\\/]/g, '');
}

/** Whether a failure was the user's own cancel (not shown as an error). */
export function isCancelled(e: unknown): boolean {
  return !!e && typeof e === 'object' && 'code' in e && (e as { code: unknown }).code === 'cancelled';
}
