/**
 * Messages between a host process (Electron main) and the app service running in a worker thread, so
 * SQLite, sharp and the engine never block the thread that draws windows and menus.
 */
import type { ApiResult, AppEvent, Channel } from '../../core/api/contract.js';
import type { HostContext } from './host-dispatch.js';
import type { AppSetup } from './setup.js';

/** Host → worker. The worker checks every invoke again: it trusts no caller. */
export type ServiceRequest =
  | { type: 'invoke'; id: number; channel: Channel; args: unknown; host: HostContext }
  | { type: 'blob'; id: number; blobId: string }
  | { type: 'uploadBegin'; id: number; name: string }
  | { type: 'uploadWrite'; id: number; token: string; bytes: ArrayBuffer }
  | { type: 'uploadFinish'; id: number; token: string }
  | { type: 'uploadAbort'; id: number; token: string }
  | { type: 'saveExport'; id: number; exportId: string; path: string }
  | { type: 'close'; id: number };

/** Worker → host. */
export type ServiceReply =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'result'; id: number; result: ApiResult<unknown> }
  | { type: 'blob'; id: number; blob: { bytes: Uint8Array; contentType: string; fileName?: string } | null }
  | { type: 'event'; event: AppEvent };

/** What the worker needs to build the service: the host's setup (plain data: it crosses the thread boundary). */
export type ServiceWorkerData = AppSetup;
