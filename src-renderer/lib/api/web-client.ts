/**
 * KintsugiApi over the loopback web host: `POST /api/<channel>` with a JSON body, `GET /blob/<id>`,
 * `POST /upload` with the raw bytes, and one shared EventSource on `/events` for pushed events. Every
 * request carries the per-launch token the host printed in its URL.
 */
import { CHANNELS, splitChannel, TOKEN_HEADER, type ApiResult, type AppEvent, type Channel, type ExportResult } from '@core/api/contract.js';
import { parseArgs } from '@core/api/validate.js';
import { ApiError, unwrap, type KintsugiApi } from './api.js';

/** Options for tests and for pages served from elsewhere. */
export interface WebClientOptions {
  /** Origin of the host, default the page's own. */
  baseUrl?: string;
  token: string;
}

/** Reads the token from `?token=` (kept in sessionStorage so in-app navigation does not lose it). */
export function tokenFromLocation(): string | null {
  const fromUrl = new URLSearchParams(globalThis.location?.search ?? '').get('token');
  if (fromUrl) {
    try { sessionStorage.setItem('kintsugi-token', fromUrl); } catch { /* storage may be off */ }
    return fromUrl;
  }
  try { return sessionStorage.getItem('kintsugi-token'); } catch { return null; }
}

/** Builds the web-host client. */
export function createWebClient(opts: WebClientOptions): KintsugiApi {
  const base = (opts.baseUrl ?? '').replace(/\/$/, '');
  const token = opts.token;
  const q = `token=${encodeURIComponent(token)}`;

  async function call(channel: Channel, args: unknown): Promise<unknown> {
    const parsed = parseArgs(channel, args);
    if (!parsed.ok) throw new ApiError(parsed.error.code, parsed.error.message);
    let res: Response;
    try {
      res = await fetch(`${base}/api/${encodeURIComponent(channel)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
        body: JSON.stringify(parsed.args),
      });
    } catch (e) {
      throw new ApiError('internal', `The Kintsugi host is not reachable (${String(e)})`);
    }
    const body = (await res.json().catch(() => null)) as ApiResult<unknown> | null;
    if (!body || typeof body !== 'object' || !('ok' in body)) throw new ApiError('internal', `${channel}: HTTP ${res.status}`);
    return unwrap(body);
  }

  // One EventSource shared by all subscribers (browsers allow few connections per host).
  const listeners = new Set<(e: AppEvent) => void>();
  let source: EventSource | null = null;
  function ensureSource(): void {
    if (source) return;
    source = new EventSource(`${base}/events?${q}`);
    source.onmessage = (m) => {
      let e: AppEvent;
      try { e = JSON.parse(m.data as string) as AppEvent; } catch { return; }
      for (const l of [...listeners]) l(e);
    };
  }

  const api: Record<string, unknown> = {
    host: 'web',
    subscribe(listener: (e: AppEvent) => void, signal: AbortSignal): void {
      if (signal.aborted) return;
      listeners.add(listener);
      ensureSource();
      signal.addEventListener('abort', () => {
        listeners.delete(listener);
        if (listeners.size === 0 && source) { source.close(); source = null; }
      }, { once: true });
    },
    async upload(file: Blob, name: string): Promise<string> {
      const res = await fetch(`${base}/upload?name=${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', [TOKEN_HEADER]: token },
        body: file,
      });
      const body = (await res.json().catch(() => null)) as ApiResult<{ uploadId: string }> | null;
      if (!body) throw new ApiError('internal', `upload: HTTP ${res.status}`);
      return unwrap(body).uploadId;
    },
    blobUrl: (blobId: string) => `${base}/blob/${encodeURIComponent(blobId)}?${q}`,
    download(result: ExportResult): void {
      const a = document.createElement('a');
      a.href = `${base}/blob/${encodeURIComponent(result.blobId)}?${q}&download=${encodeURIComponent(result.fileName)}`;
      a.download = result.fileName;
      document.body.appendChild(a);
      a.click();
      a.remove();
    },
  };
  for (const channel of CHANNELS) {
    const { domain, verb } = splitChannel(channel);
    const target = ((api[domain] as Record<string, unknown> | undefined) ??= {}) as Record<string, unknown>;
    target[verb] = (args?: unknown) => call(channel, args);
  }
  return api as unknown as KintsugiApi;
}
