/**
 * Calls a contract channel on an AppService the way a renderer would, unwrapping the result: the value,
 * or an Error carrying the contract's error code. By default the calls come from a web host (which lets
 * the page type paths, `app:path.grant`); pass `{}` to call as the desktop app does.
 */
import type { ArgsOf, Channel, PathGrant, SessionView } from '../../../src-main/core/api/contract.js';
import type { AppService, HostContext } from '../../../src-main/node/app/service.js';

export type AppCall = <T>(channel: string, args?: unknown) => Promise<T>;

export function appCaller(service: () => AppService, host: HostContext = { acceptsTypedPaths: true }): AppCall {
  return async <T,>(channel: string, args: unknown = {}): Promise<T> => {
    const r = await service().invoke(channel as Channel, args as ArgsOf<Channel>, host);
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
    return r.value as T;
  };
}

/** Opens a photo by path as the web host does: the typed path becomes an id, and the id is opened. */
export async function openByPath(call: AppCall, path: string): Promise<SessionView> {
  const g = await call<PathGrant>('app:path.grant', { path, kind: 'photo' });
  return call<SessionView>('app:photo.open', { source: { kind: 'file', fileId: g.id } });
}

/** A folder id for a path, as the web host makes one. */
export async function folderId(call: AppCall, path: string): Promise<string> {
  return (await call<PathGrant>('app:path.grant', { path, kind: 'folder' })).id;
}
