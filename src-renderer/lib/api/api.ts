/**
 * The one API object the renderer talks to, whichever host it runs in: the Electron preload bridge
 * (`window.kintsugi`) or the loopback web host (fetch + Server-Sent Events). Methods resolve with the
 * value or reject with an `ApiError` carrying the contract's error code.
 */
import type { ApiErrorCode, ApiResult, AppEvent, ExportResult, InvokeApi } from '@core/api/contract.js';

/** The renderer's API: every contract channel as `api.domain.verb(args)`, plus events, uploads, blobs. */
export interface KintsugiApi extends InvokeApi {
  /** Which host serves this renderer. */
  readonly host: 'electron' | 'web';
  /** Pushed events (progress, job ends, batch file states, menu commands) until `signal` aborts. */
  subscribe(listener: (e: AppEvent) => void, signal: AbortSignal): void;
  /** Sends a dropped or picked file's bytes (never through invoke); resolves with the upload id. */
  upload(file: Blob, name: string): Promise<string>;
  /** A URL an <img>, fetch or createImageBitmap can load for a blob id. */
  blobUrl(blobId: string): string;
  /** Offers an exported file to the person: a browser download in the web host, nothing in Electron (already on disk). */
  download(result: ExportResult): void;
}

/** An error that came back across the boundary as data. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  constructor(code: ApiErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}

/** Turns a wire result into a value or a thrown ApiError. */
export function unwrap<T>(r: ApiResult<T>): T {
  if (r.ok) return r.value;
  throw new ApiError(r.error.code, r.error.message);
}
