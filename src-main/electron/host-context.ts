/**
 * What Electron main adds to a renderer's call before the service sees it: paths from main's own native
 * dialogs, and nothing else. A channel that would take a path from the page (`app:path.grant`) is refused
 * here, and the context never carries `acceptsTypedPaths`, so the service refuses it too. Electron-free
 * (dialogs come in as functions), so the refusals are tested in Node with hostile payloads.
 */
import type { Channel } from '../core/api/contract.js';
import type { Refusal } from '../core/api/validate.js';
import type { HostContext } from '../node/app/service.js';

/** Main's native dialogs, each resolving with the chosen path or null when cancelled. */
export interface HostDialogs {
  openPhoto(): Promise<string | null>;
  chooseFolder(purpose: 'photos' | 'output' | 'masks'): Promise<string | null>;
}

/** Channels the desktop app never forwards: they would take a path from the page. */
export const PAGE_PATH_CHANNELS: ReadonlySet<Channel> = new Set<Channel>(['app:path.grant']);

/** The host context for one call, `cancelled` when the person closed the dialog, or a refusal. */
export type HostDecision = { ok: true; host: HostContext } | { ok: true; cancelled: true } | Refusal;

/** Builds the host context for `channel` from main's own dialogs; `args` are already validated. */
export async function decideHostContext(channel: Channel, args: unknown, dialogs: HostDialogs): Promise<HostDecision> {
  if (PAGE_PATH_CHANNELS.has(channel)) {
    return { ok: false, error: { code: 'bad-input', message: `${channel}: the desktop app takes files and folders only from its own dialogs` } };
  }
  if (channel === 'app:photo.openDialog') {
    const path = await dialogs.openPhoto();
    return path === null ? { ok: true, cancelled: true } : { ok: true, host: { openPath: path } };
  }
  if (channel === 'app:folder.choose') {
    const purpose = (args as { purpose: 'photos' | 'output' | 'masks' }).purpose;
    const path = await dialogs.chooseFolder(purpose);
    return path === null ? { ok: true, cancelled: true } : { ok: true, host: { chosenPath: path } };
  }
  return { ok: true, host: {} };
}
