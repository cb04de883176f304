/**
 * Messages between a host process (Electron main) and the app service running in a worker thread, so
 * SQLite, sharp and the engine never block the thread that draws windows and menus.
 */
import type { ApiResult, AppEvent } from '../../core/api/contract.js';
import type { HostContext } from './service.js';

/** Host → worker. */
export type ServiceRequest =
  | { type: 'invoke'; id: number; channel: string; args: unknown; host: HostContext }
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

/** What the worker needs to build the service (plain data: it crosses the thread boundary). */
export interface ServiceWorkerData {
  dataDir: string;
  modelsDir: string;
  userModelsDir: string;
  historyCapBytes?: number;
  maxUploadBytes?: number;
}
