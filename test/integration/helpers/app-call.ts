/**
 * Calls a contract channel on an AppService the way a renderer would, unwrapping the result: the value,
 * or an Error carrying the contract's error code.
 */
import type { AppService } from '../../../src-main/node/app/service.js';

export function appCaller(service: () => AppService): <T>(channel: string, args?: unknown) => Promise<T> {
  return async <T,>(channel: string, args: unknown = {}): Promise<T> => {
    const r = await service().invoke(channel, args);
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
    return r.value as T;
  };
}
