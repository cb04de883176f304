/**
 * The privileged `kintsugi://` scheme: `kintsugi://app/…` serves the built renderer (so the page has a
 * real, secure origin instead of file://), `kintsugi://blob/<id>` serves pixels by id — images never go
 * through IPC invoke.
 */
import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { extname, normalize, resolve, sep } from 'node:path';
import type { ServiceProxy } from '../node/app/service-proxy.js';
import { APP_ORIGIN, ELECTRON_CSP } from './csp.js';

/** Must run before `app.whenReady()`: standard + secure so the origin gets fetch, storage and a CSP. */
export function registerSchemePrivileges(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: 'kintsugi', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true } },
  ]);
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
};

/** Serves the renderer from `rendererDir` and blobs from the service. */
export function handleScheme(rendererDir: string, service: ServiceProxy): void {
  const root = resolve(rendererDir);
  protocol.handle('kintsugi', async (request) => {
    const url = new URL(request.url);
    if (url.host === 'blob') {
      const id = decodeURIComponent(url.pathname.slice(1));
      if (!/^[A-Za-z0-9._:-]{1,128}$/.test(id)) return new Response('malformed blob id', { status: 400 });
      const blob = await service.readBlob(id);
      if (!blob) return new Response('not found', { status: 404 });
      return new Response(new Uint8Array(blob.bytes), {
        headers: {
          'content-type': blob.contentType,
          'access-control-allow-origin': APP_ORIGIN,
          'cache-control': 'private, max-age=31536000, immutable',
        },
      });
    }
    if (url.host !== 'app') return new Response('not found', { status: 404 });
    const rel = normalize(decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname));
    const file = resolve(root, `.${sep}${rel}`);
    if (!file.startsWith(root + sep)) return new Response('forbidden', { status: 403 });
    try {
      const body = await readFile(file);
      return new Response(new Uint8Array(body), {
        headers: { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-security-policy': ELECTRON_CSP },
      });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}
