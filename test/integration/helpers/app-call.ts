/**
 * Calls a contract channel on an AppService the way a renderer would, unwrapping the result: the value,
 * or an Error carrying the contract's error code. By default the calls come from a web host (which lets
 * the page type paths, `app:path.grant`); pass `{}` to call as the desktop app does. Typed by the
 * contract: `call('app:photo.open', {...})` resolves with a SessionView and checks the argument; a test
 * that sends something the types refuse names the result type itself (`call<T>(channel, args)`).
 */
import type { ArgsOf, Channel, PathGrant, ResultOf, SessionView } from '../../../src-main/core/api/contract.js';
import sharp from 'sharp';
import type { AppService, HostContext } from '../../../src-main/node/app/service.js';

/** A typed call, or a loose one where a test passes what the types would refuse. */
export interface AppCall {
  <C extends Channel>(channel: C, args?: ArgsOf<C>): Promise<ResultOf<C>>;
  <T>(channel: string, args?: unknown): Promise<T>;
}

export function appCaller(service: () => AppService, host: HostContext = { acceptsTypedPaths: true }): AppCall {
  return (async (channel: string, args: unknown = {}) => {
    const r = await service().invoke(channel as Channel, args as ArgsOf<Channel>, host);
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
    return r.value;
  }) as AppCall;
}

/** Opens a photo by path as the web host does: the typed path becomes an id, and the id is opened. */
export async function openByPath(call: AppCall, path: string): Promise<SessionView> {
  const g: PathGrant = await call('app:path.grant', { path, kind: 'photo' });
  return call('app:photo.open', { source: { kind: 'file', fileId: g.id } });
}

/** A folder id for a path, as the web host makes one. */
export async function folderId(call: AppCall, path: string): Promise<string> {
  return (await call('app:path.grant', { path, kind: 'folder' })).id;
}

/** The mask at a view's cursor as 1 (hole) / 0 per pixel, decoded from its blob. */
export async function maskBitsOf(service: AppService, view: SessionView): Promise<Uint8Array> {
  if (!view.maskBlobId) return new Uint8Array(view.photo.width * view.photo.height);
  const blob = await service.readBlob(view.maskBlobId);
  if (!blob) throw new Error(`mask blob ${view.maskBlobId} is gone`);
  const { data } = await sharp(blob.bytes).greyscale().raw().toBuffer({ resolveWithObject: true });
  return Uint8Array.from(data, (v) => (v > 127 ? 1 : 0));
}
