/**
 * KintsugiApi over the Electron preload bridge. The bridge already validates arguments with the
 * contract; this adapter unwraps results, turns AbortSignals into unsubscribe calls and uses the
 * privileged `kintsugi://blob/<id>` protocol for pixels.
 */
import type { PreloadBridge } from '@core/api/bridge.js';
import { CHANNELS, splitChannel } from '@core/api/contract.js';
import { ApiError, unwrap, type KintsugiApi } from './api.js';

/** Wraps the object the preload put on `window.kintsugi`. */
export function createElectronClient(bridge: PreloadBridge): KintsugiApi {
  const api: Record<string, unknown> = {
    host: 'electron',
    subscribe(listener: Parameters<KintsugiApi['subscribe']>[0], signal: AbortSignal): void {
      if (signal.aborted) return;
      const off = bridge.subscribe(listener);
      signal.addEventListener('abort', () => off(), { once: true });
    },
    async upload(file: Blob, name: string): Promise<string> {
      // Chunks are read only as main asks for them: the file is never in memory whole.
      return unwrap(await bridge.upload(name, file.size, (offset, length) => file.slice(offset, offset + length).arrayBuffer())).uploadId;
    },
    blobUrl: (blobId: string) => `kintsugi://blob/${encodeURIComponent(blobId)}`,
    download: () => undefined,
  };
  for (const channel of CHANNELS) {
    const { domain, verb } = splitChannel(channel);
    const group = (bridge as unknown as Record<string, Record<string, (a?: unknown) => Promise<never>>>)[domain];
    const fn = group?.[verb];
    const target = ((api[domain] as Record<string, unknown> | undefined) ??= {}) as Record<string, unknown>;
    target[verb] = async (args?: unknown) => {
      if (!fn) throw new ApiError('internal', `${channel} is not exposed by the preload`);
      return unwrap(await fn(args));
    };
  }
  return api as unknown as KintsugiApi;
}
