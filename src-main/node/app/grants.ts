/**
 * Files and folders the backend chose or accepted, by the ids it handed out (see PathGrant in the
 * contract): the renderer only ever names ids, so a compromised page cannot make the backend read or write
 * anywhere the person did not choose. Also the two channels that issue folder ids.
 */
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, resolve } from 'node:path';
import type { PathGrant } from '../../core/api/contract.js';
import { badInput } from '../../core/errors.js';
import type { HandlersFor } from './context.js';

/** The ids the backend issued for paths. */
export class PathGrants {
  private readonly byId = new Map<string, PathGrant>();

  /**
   * Issues an id for a file or folder the host vouches for (its dialog, or the web host's typed path).
   * Folders to read must exist; an output folder may still be created later. The same path keeps its id.
   */
  async grant(path: string, kind: PathGrant['kind'], opts: { mayNotExist?: boolean } = {}): Promise<PathGrant> {
    const abs = resolve(path);
    const st = await stat(abs).catch(() => null);
    if (!st && !opts.mayNotExist) throw badInput(abs, kind === 'folder' ? 'folder not found' : 'file not found');
    if (st && kind === 'folder' && !st.isDirectory()) throw badInput(abs, 'is a file, not a folder');
    if (st && kind === 'photo' && st.isDirectory()) throw badInput(abs, 'is a folder, not a photo');
    for (const g of this.byId.values()) if (g.path === abs && g.kind === kind) return g;
    return this.issue(abs, kind);
  }

  /** A new id for a path the backend itself produced (a batch's restored copy, for "open in editor"). */
  issue(path: string, kind: PathGrant['kind']): PathGrant {
    const abs = resolve(path);
    const g: PathGrant = { id: `${kind === 'photo' ? 'f' : 'd'}${randomUUID().replace(/-/g, '').slice(0, 20)}`, kind, name: basename(abs) || abs, path: abs };
    this.byId.set(g.id, g);
    return g;
  }

  /** The path behind an id this backend issued, or a clear refusal (a forged or stale id). */
  granted(id: string, kind: PathGrant['kind'], what: string): string {
    const g = this.byId.get(id);
    if (!g || g.kind !== kind) throw badInput(undefined, `no ${what} ${id}: choose it again`);
    return g.path;
  }
}

/** A typed `~` or `~/…` means the home folder, as in a shell (`~user` is left as typed). */
export function expandHome(p: string): string {
  return /^~(?=$|[\\/])/.test(p) ? homedir() + p.slice(1) : p;
}

/** folder.choose (a path from the host's dialog) and path.grant (a path typed into the web host's page). */
export function grantHandlers(grants: PathGrants): HandlersFor<'app:folder.choose' | 'app:path.grant'> {
  return {
    'app:folder.choose': async (_a, host) => {
      if (!host.chosenPath) throw badInput(undefined, "the folder dialog exists only in the desktop app; type the folder's path");
      return grants.grant(host.chosenPath, 'folder', { mayNotExist: true });
    },
    'app:path.grant': async (a, host) => {
      if (!host.acceptsTypedPaths) {
        throw badInput(undefined, "paths from the page are refused here: choose files and folders with the app's own dialogs");
      }
      return grants.grant(expandHome(a.path), a.kind, { mayNotExist: a.kind === 'folder' });
    },
  };
}
