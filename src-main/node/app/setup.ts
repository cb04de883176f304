/**
 * The one composition root of the app backend: from a data folder and a models folder it builds the
 * library, the engine options and the service, the same way for Electron's service worker, the web host
 * and tests. The editor's engine and every batch the app starts use the engine options made here, so a
 * batch sees exactly the models the editor lists.
 */
import { join } from 'node:path';
import type { EngineOptions } from '../engine.js';
import { defaultModelsDir } from '../models/registry.js';
import { AppService } from './service.js';

/** Everything a host decides about the backend (plain data: it crosses into the service worker). */
export interface AppSetup {
  /** Folder for the library database, blobs, uploads and exports. */
  dataDir: string;
  /** The bundled models (manifest.json and its files); default: the app's own models folder. */
  modelsDir?: string;
  /** The person's own model files; default: `models` inside the data folder. */
  userModelsDir?: string;
  historyCapBytes?: number;
  /** Largest upload accepted, bytes (default 1 GiB); checked while it streams to disk. */
  maxUploadBytes?: number;
}

/** Where the app's engines find models: the bundled folder and the library's user folder. */
export function appEngineOptions(setup: AppSetup): EngineOptions {
  return { modelsDir: setup.modelsDir ?? defaultModelsDir(), userModelsDir: setup.userModelsDir ?? join(setup.dataDir, 'models') };
}

/** Opens the library and builds the service for a host. */
export function createAppService(setup: AppSetup): Promise<AppService> {
  return AppService.create({
    dataDir: setup.dataDir,
    engine: appEngineOptions(setup),
    ...(setup.historyCapBytes !== undefined ? { historyCapBytes: setup.historyCapBytes } : {}),
    ...(setup.maxUploadBytes !== undefined ? { maxUploadBytes: setup.maxUploadBytes } : {}),
  });
}
