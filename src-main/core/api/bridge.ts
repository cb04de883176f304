/**
 * The shape of `window.kintsugi`, the object the Electron preload exposes through contextBridge. It is
 * built from the contract (named methods per channel, never a generic invoke) and returns wire results
 * (`ApiResult`) because errors must survive the bridge as data; the renderer client unwraps them.
 * Pure: used by the preload bundle and, as a type, by the renderer.
 */
import { CHANNELS, splitChannel, type ApiResult, type AppEvent, type ArgsOf, type Channel, type ResultOf } from './contract.js';
import { parseArgs } from './validate.js';

type DomainOf<C> = C extends `app:${infer D}.${string}` ? D : never;

/** Per channel: `bridge.photo.open(args) → Promise<ApiResult<SessionView>>`. */
export type BridgeInvoke = {
  [D in DomainOf<Channel>]: {
    [C in Channel as C extends `app:${D}.${infer V}` ? V : never]: (args?: ArgsOf<C>) => Promise<ApiResult<ResultOf<C>>>;
  };
};

/** Everything the preload exposes. */
export interface PreloadBridge extends BridgeInvoke {
  /** Marks the bridge so the renderer can tell Electron from a browser. */
  readonly host: 'electron';
  /** Pushed events; returns the function that unsubscribes (AbortSignals cannot cross contextBridge). */
  subscribe(listener: (e: AppEvent) => void): () => void;
  /**
   * Streams a file of `size` bytes to main over a MessagePort (never through invoke), pulling each chunk
   * through `read` only when main has written the previous one; resolves with the upload id.
   */
  upload(name: string, size: number, read: (offset: number, length: number) => Promise<ArrayBuffer>): Promise<ApiResult<{ uploadId: string }>>;
}

/**
 * Builds the nested per-channel method object from one transport function. Each method is named after
 * its channel and validates its argument with the contract's schema before anything is sent.
 */
export function buildInvokeObject(
  send: (channel: Channel, args: unknown) => Promise<ApiResult<unknown>>,
): BridgeInvoke {
  const api: Record<string, Record<string, (args?: unknown) => Promise<ApiResult<unknown>>>> = {};
  for (const channel of CHANNELS) {
    const { domain, verb } = splitChannel(channel);
    (api[domain] ??= {})[verb] = async (args?: unknown) => {
      const parsed = parseArgs(channel, args);
      return parsed.ok ? send(channel, parsed.args) : parsed;
    };
  }
  return api as unknown as BridgeInvoke;
}
