/**
 * The Content-Security-Policy of the Electron renderer: scripts and styles only from the app's own
 * origin (kintsugi://app), pixels from kintsugi://blob, no remote anything.
 */
export const APP_ORIGIN = 'kintsugi://app';
export const BLOB_ORIGIN = 'kintsugi://blob';

export const ELECTRON_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  `img-src 'self' ${BLOB_ORIGIN} blob: data:`,
  `connect-src 'self' ${BLOB_ORIGIN}`,
  "worker-src 'self' blob:",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');
