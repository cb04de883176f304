/**
 * The loopback web host: serves the built renderer and the same typed API as Electron over HTTP + SSE,
 * so the real UI runs against the real core in any browser (and in Playwright's Chromium).
 *
 * Defences, because any web page the person visits can reach 127.0.0.1: it binds 127.0.0.1 only; every
 * API, blob, upload and event request needs the per-launch random token (header or `?token=`); the Host
 * header must be `127.0.0.1:<port>` or `localhost:<port>` (DNS rebinding gets 421); a cross-origin Origin
 * gets 403; responses carry a strict CSP.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { TOKEN_HEADER, type AppEvent } from '../core/api/contract.js';
import { isKnownChannel, unknownChannel } from '../core/api/validate.js';
import { failure, toFailure } from '../core/api/wire.js';
import { dispatch, type DispatchBackend } from '../node/app/host-dispatch.js';

/** The part of the app service the host needs (AppService satisfies it). */
export interface HostedService extends DispatchBackend {
  readBlob(id: string): Promise<{ bytes: Buffer; contentType: string; fileName?: string } | null>;
  /** Writes an upload to disk as its chunks arrive (the request body is never buffered whole). */
  putUploadStream(chunks: AsyncIterable<Uint8Array>, name: string): Promise<string>;
  subscribe(listener: (e: AppEvent) => void): () => void;
}

export interface WebHostOptions {
  service: HostedService;
  /** 0 = any free port. */
  port?: number;
  /** Built renderer (dist/renderer); without it only the API is served. */
  staticDir?: string;
  /** Fixed token (tests); by default 32 random bytes, hex. */
  token?: string;
  /** Largest upload accepted, bytes (default 1 GiB); checked from Content-Length and while streaming. */
  maxUploadBytes?: number;
}

/** A running host. */
export interface WebHost {
  /** `http://127.0.0.1:<port>/?token=…` — what people open. */
  url: string;
  origin: string;
  port: number;
  token: string;
  server: Server;
  close(): Promise<void>;
}

/** CSP for the renderer: only our own origin; inline styles for Svelte transitions; images may be blob:/data:. */
export const WEB_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; " +
  "connect-src 'self'; worker-src 'self' blob:; font-src 'self' data:; object-src 'none'; base-uri 'none'; " +
  "frame-ancestors 'none'; form-action 'none'";

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
};

const MAX_JSON_BYTES = 64 * 1024 * 1024;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(text);
}

function refuse(res: ServerResponse, status: number, message: string): void {
  send(res, status, failure(message));
}

/** An HTTP error with its status, for failures that are the request's fault. */
function httpError(status: number, message: string): Error {
  return Object.assign(new Error(message), { status });
}

/** A path segment decoded, or a 400 for a malformed percent-escape (`%E0%A4%A`). */
function decodeSegment(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw httpError(400, 'malformed percent-escape in the URL');
  }
}

/** The request body as chunks, failing with 413 once more than `limit` bytes have come. */
async function* capped(req: IncomingMessage, limit: number): AsyncGenerator<Uint8Array> {
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw httpError(413, `request body over ${limit} bytes`);
    yield chunk as Buffer;
  }
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw Object.assign(new Error(`request body over ${limit} bytes`), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Starts the host on 127.0.0.1. */
export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const token = opts.token ?? randomBytes(32).toString('hex');
  const tokenBuf = Buffer.from(token);
  const staticRoot = opts.staticDir ? resolve(opts.staticDir) : null;
  const maxUpload = opts.maxUploadBytes ?? 1024 * 1024 * 1024;
  let port = 0;
  const sse = new Set<ServerResponse>();

  const hasToken = (req: IncomingMessage, url: URL): boolean => {
    const given = (req.headers[TOKEN_HEADER] as string | undefined) ?? url.searchParams.get('token') ?? '';
    const buf = Buffer.from(given);
    return buf.length === tokenBuf.length && timingSafeEqual(buf, tokenBuf);
  };
  const hostAllowed = (req: IncomingMessage): boolean => {
    const host = (req.headers.host ?? '').toLowerCase();
    return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
  };
  const originAllowed = (req: IncomingMessage): boolean => {
    const origin = req.headers.origin;
    return origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
  };

  async function serveStatic(res: ServerResponse, pathname: string): Promise<void> {
    if (!staticRoot) return refuse(res, 404, 'the renderer is not built here (run npm run build:renderer)');
    const rel = decodeSegment(pathname);
    const file = resolve(staticRoot, `.${sep}${normalize(rel === '/' ? '/index.html' : rel)}`);
    if (file !== staticRoot && !file.startsWith(staticRoot + sep)) return refuse(res, 403, 'outside the app folder');
    const st = await stat(file).catch(() => null);
    const target = st?.isFile() ? file : join(staticRoot, 'index.html');
    const tst = st?.isFile() ? st : await stat(target).catch(() => null);
    if (!tst?.isFile()) return refuse(res, 404, 'not found');
    res.writeHead(200, {
      'content-type': STATIC_TYPES[extname(target)] ?? 'application/octet-stream',
      'content-length': String(tst.size),
      'content-security-policy': WEB_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': extname(target) === '.html' ? 'no-store' : 'max-age=3600',
    });
    createReadStream(target).pipe(res);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // DNS rebinding: a page on evil.example resolving to 127.0.0.1 still sends Host: evil.example.
    if (!hostAllowed(req)) return refuse(res, 421, 'wrong Host header: this host only answers 127.0.0.1 and localhost');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const path = url.pathname;
    const isApi = path.startsWith('/api/') || path.startsWith('/blob/') || path === '/upload' || path === '/events';
    if (!isApi) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'method not allowed');
      return serveStatic(res, path);
    }
    if (!originAllowed(req)) return refuse(res, 403, 'cross-origin requests are refused');
    if (!hasToken(req, url)) return refuse(res, 401, 'missing or wrong token: open the URL the host printed');

    if (path.startsWith('/api/')) {
      if (req.method !== 'POST') return refuse(res, 405, 'API calls are POST');
      const channel = decodeSegment(path.slice('/api/'.length));
      // Errors are data (ok:false) with 200 so clients read one shape; unknown channels are 404.
      if (!isKnownChannel(channel)) return send(res, 404, unknownChannel(channel));
      let args: unknown;
      try {
        const body = await readBody(req, MAX_JSON_BYTES);
        args = body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as unknown);
      } catch (e) {
        return refuse(res, (e as { status?: number }).status ?? 400, `${channel}: the body is not valid JSON`);
      }
      // No native dialogs here: paths typed into the page are the person's (the dispatcher says so to the service).
      return send(res, 200, await dispatch(opts.service, channel, args, { dialogs: null }));
    }
    if (path.startsWith('/blob/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'blobs are GET');
      const id = decodeSegment(path.slice('/blob/'.length));
      if (!/^[A-Za-z0-9._:-]{1,128}$/.test(id)) return refuse(res, 400, 'malformed blob id');
      const blob = await opts.service.readBlob(id);
      if (!blob) return refuse(res, 404, `no blob ${id}`);
      const download = url.searchParams.get('download');
      const headers: Record<string, string> = {
        'content-type': blob.contentType,
        'content-length': String(blob.bytes.length),
        'cache-control': 'private, max-age=31536000, immutable',
        'x-content-type-options': 'nosniff',
      };
      if (download !== null) {
        const name = (download || blob.fileName || id).replace(/[^\w.\- ()]+/g, '_');
        headers['content-disposition'] = `attachment; filename="${name}"`;
      }
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : blob.bytes);
      return;
    }
    if (path === '/upload') {
      if (req.method !== 'POST') return refuse(res, 405, 'uploads are POST');
      const name = url.searchParams.get('name') ?? 'upload';
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxUpload) {
        // Refused before a byte is read; the connection closes so the client stops sending.
        res.setHeader('connection', 'close');
        res.once('finish', () => req.destroy());
        return refuse(res, 413, `upload ${name}: ${declared} bytes is over the limit of ${maxUpload} bytes`);
      }
      try {
        // Streamed to disk as it arrives, under the cap: the body is never held in memory whole.
        return send(res, 200, { ok: true, value: { uploadId: await opts.service.putUploadStream(capped(req, maxUpload), name) } });
      } catch (e) {
        const err = e as { code?: string; message?: string; status?: number };
        if (err.status === 413) {
          res.setHeader('connection', 'close');
          res.once('finish', () => req.destroy());
          return refuse(res, 413, `upload ${name}: ${err.message ?? String(e)}`);
        }
        return send(res, 200, toFailure(e));
      }
    }
    if (req.method !== 'GET') return refuse(res, 405, 'the event stream is GET');
    // /events: Server-Sent Events, one JSON AppEvent per message.
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': connected\n\n');
    sse.add(res);
    const off = opts.service.subscribe((e) => res.write(`data: ${JSON.stringify(e)}\n\n`));
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(ping);
      off();
      sse.delete(res);
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      const status = (e as { status?: number })?.status;
      if (!res.headersSent && status !== undefined && status >= 400 && status < 500) refuse(res, status, (e as Error).message);
      else if (!res.headersSent) send(res, 500, failure(String((e as Error)?.message ?? e), 'internal'));
      else res.destroy();
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    server,
    close: () =>
      new Promise<void>((ok) => {
        for (const r of sse) r.end();
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
