/**
 * What each channel needs from the host serving it, declared once next to the contract: which native
 * dialog comes first, whether it takes a path typed into the page, whether its result is saved through a
 * Save dialog, whether it changes the recent-projects list. The one dispatcher (node/app/host-dispatch.ts)
 * reads this table for Electron IPC and the web host alike, so no host keeps its own list of channels.
 * Pure: the preload bundle and the renderer may read it too.
 */
import type { Channel } from './contract.js';

/** A channel's host needs; a channel absent from the table needs nothing from its host. */
export interface HostNeeds {
  /**
   * A native dialog the desktop host shows before the call; its path goes in the host context (`openPath`,
   * `chosenPath`). Cancelling it answers `null` without calling the backend. Hosts without dialogs pass the
   * call on as is, and the backend says the dialog exists only in the desktop app.
   */
  dialog?: 'open-photo' | 'choose-folder';
  /**
   * Takes a filesystem path typed into the page: served only by hosts without native dialogs (the web host);
   * the desktop app refuses it before anything opens, so a compromised renderer cannot name a path.
   */
  takesTypedPath?: true;
  /** Produces an export that the desktop host then writes where its Save dialog says (cancel: `cancelled`). */
  savesExport?: true;
  /** May change the library's recent projects (the desktop host rebuilds File ▸ Open Recent after it). */
  changesProjects?: true;
}

/** Host needs per channel. */
export const HOST_NEEDS: Readonly<Partial<Record<Channel, HostNeeds>>> = {
  'app:photo.open': { changesProjects: true },
  'app:photo.openDialog': { dialog: 'open-photo', changesProjects: true },
  'app:folder.choose': { dialog: 'choose-folder' },
  'app:path.grant': { takesTypedPath: true },
  'app:project.open': { changesProjects: true },
  'app:project.save': { changesProjects: true },
  'app:export.save': { savesExport: true },
  'app:compare.export': { savesExport: true },
  'app:batch.openInEditor': { changesProjects: true },
};

/** The host needs of a channel (an empty object when it has none). */
export function hostNeeds(channel: Channel): HostNeeds {
  return HOST_NEEDS[channel] ?? {};
}
