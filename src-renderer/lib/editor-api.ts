/**
 * The app API as the editor sees it, and how its failures are shown. Both clients in ./api
 * (preload bridge, web-host client) implement it.
 */
import type { KintsugiApi } from './api/index.js';

/** The editor uses the app API as is; the alias keeps the editor's imports in one place. */
export type EditorApi = KintsugiApi;

/** Message to show for anything an API call threw. */
export function errorMessage(e: unknown): string {
  if (e && typeof e === 'object' && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}

/** Whether a failure was the user's own cancel (not shown as an error). */
export function isCancelled(e: unknown): boolean {
  return !!e && typeof e === 'object' && 'code' in e && (e as { code: unknown }).code === 'cancelled';
}
