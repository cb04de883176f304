/**
 * Picks the API for the host this renderer runs in: the preload bridge when Electron exposed
 * `window.kintsugi`, else the web host (token from the page URL).
 */
import type { PreloadBridge } from '@core/api/bridge.js';
import { ApiError, type KintsugiApi } from './api.js';
import { createElectronClient } from './electron-client.js';
import { createWebClient, tokenFromLocation } from './web-client.js';

export { ApiError, unwrap, type KintsugiApi } from './api.js';
export { createElectronClient } from './electron-client.js';
export { createWebClient, tokenFromLocation } from './web-client.js';

let cached: KintsugiApi | null = null;

/** The API object for this page (created once). */
export function getApi(): KintsugiApi {
  if (cached) return cached;
  const bridge = (globalThis as { kintsugi?: PreloadBridge }).kintsugi;
  if (bridge && bridge.host === 'electron') {
    cached = createElectronClient(bridge);
  } else {
    const token = tokenFromLocation();
    if (!token) throw new ApiError('bad-input', 'No access token: open the URL the Kintsugi host printed (it ends in ?token=…).');
    cached = createWebClient({ token });
  }
  return cached;
}
