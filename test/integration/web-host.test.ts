import { readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';
import { connect } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PathGrant, SessionView } from '../../src-main/core/api/contract.js';
import { AppService } from '../../src-main/node/app/service.js';
import { launchWebHost } from '../../src-main/web-host/main.js';
import { startWebHost } from '../../src-main/web-host/server.js';
import { tempDir } from '../support/temp-dir.js';

const data = resolve(__dirname, '../../../shared/data');
const photo = join(data, 'real-damage/bopbtl-scratched/a.png');

let launched: Awaited<ReturnType<typeof launchWebHost>>;
let dataDir: string;
let base: string;
let token: string;

beforeAll(async () => {
  dataDir = tempDir('kintsugi-webhost-');
  launched = await launchWebHost({ port: 0, dataDir });
  base = launched.host.origin;
  token = launched.host.token;
});
afterAll(async () => {
  await launched?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Raw request so the Host header can be forged (fetch will not let us). */
function raw(path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port: launched.host.port, path, method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

/** The web host's way to open a photo by path: the typed path becomes an id, and the id is opened. */
async function openPhoto(path: string): Promise<Awaited<ReturnType<typeof api<SessionView>>>> {
  const g = await api<PathGrant>('app:path.grant', { path, kind: 'photo' });
  if (!g.ok) return g;
  return api<SessionView>('app:photo.open', { source: { kind: 'file', fileId: g.value.id } });
}

async function api<T>(channel: string, args: unknown = {}): Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }> {
  const res = await fetch(`${base}/api/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-kintsugi-token': token },
    body: JSON.stringify(args),
  });
  return (await res.json()) as never;
}

describe('web host', () => {
  it('binds 127.0.0.1 only', async () => {
    const addr = launched.host.server.address();
    expect(typeof addr === 'object' && addr?.address).toBe('127.0.0.1');
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (external) {
      const refused = await new Promise<boolean>((ok) => {
        const s = connect({ host: external.address, port: launched.host.port });
        s.once('connect', () => (s.destroy(), ok(false)));
        s.once('error', () => ok(true));
      });
      expect(refused).toBe(true);
    }
  });

  it('refuses API, blob, upload and event requests without the right token', async () => {
    const paths: Array<[string, string]> = [
      ['POST', '/api/app:session.current'],
      ['GET', '/blob/abc'],
      ['POST', '/upload?name=x.png'],
      ['GET', '/events'],
    ];
    for (const [method, p] of paths) {
      const host = `127.0.0.1:${launched.host.port}`;
      expect((await raw(p, { host }, method, method === 'POST' ? '{}' : undefined)).status).toBe(401);
      expect((await raw(p, { host, 'x-kintsugi-token': 'nope' }, method, method === 'POST' ? '{}' : undefined)).status).toBe(401);
      const wrongQuery = p.includes('?') ? `${p}&token=${token.slice(1)}x` : `${p}?token=${token.slice(1)}x`;
      expect((await raw(wrongQuery, { host }, method, method === 'POST' ? '{}' : undefined)).status).toBe(401);
    }
    const ok = await raw(`/api/app:session.current?token=${token}`, { host: `localhost:${launched.host.port}` }, 'POST', '{}');
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ ok: true, value: null });
  });

  it('refuses a wrong Host header (DNS rebinding) even with the token, and cross-origin requests', async () => {
    for (const host of ['evil.example', `evil.example:${launched.host.port}`, '127.0.0.1', `127.0.0.1:${launched.host.port + 1}`]) {
      const r = await raw('/api/app:session.current', { host, 'x-kintsugi-token': token }, 'POST', '{}');
      expect(r.status).toBe(421);
      expect((await raw('/', { host })).status).toBe(421);
    }
    const r = await raw('/api/app:session.current', {
      host: `127.0.0.1:${launched.host.port}`,
      origin: 'https://evil.example',
      'x-kintsugi-token': token,
    }, 'POST', '{}');
    expect(r.status).toBe(403);
  });

  it('refuses unknown channels, malformed JSON and malformed arguments with clear messages', async () => {
    const unknown = await fetch(`${base}/api/app:fs.read`, { method: 'POST', headers: { 'x-kintsugi-token': token }, body: '{}' });
    expect(unknown.status).toBe(404);
    const badJson = await fetch(`${base}/api/app:photo.open`, { method: 'POST', headers: { 'x-kintsugi-token': token }, body: '{nope' });
    expect(badJson.status).toBe(400);
    // Photos are opened by ids the host issued, never by a path in the call.
    const bad = await api('app:photo.open', { source: { kind: 'path', path: photo } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toMatch(/app:photo\.open: malformed argument \(source/);
    const missing = await api('app:path.grant', { path: '/nonexistent/photo.jpg', kind: 'photo' });
    expect(missing).toEqual({ ok: false, error: { code: 'bad-input', message: '/nonexistent/photo.jpg: file not found' } });
    const forged = await api('app:photo.open', { source: { kind: 'file', fileId: 'f0123456789abcdef0123' } });
    expect(forged).toMatchObject({ ok: false, error: { code: 'bad-input', message: expect.stringMatching(/no photo f0123456789abcdef0123/) } });
  });

  it('opens a real damaged photo, serves its pixels by blob id, and records mask strokes with undo/redo', async () => {
    const opened = await openPhoto(photo);
    if (!opened.ok) throw new Error(opened.error.message);
    const s = opened.value;
    const meta = await sharp(photo).metadata();
    expect(s.photo).toMatchObject({ name: 'a.png', width: meta.width, height: meta.height, format: 'png' });
    expect(s.history.entries.map((e) => e.kind)).toEqual(['open']);

    const png = await fetch(`${base}/blob/${s.originalBlobId}?token=${token}`);
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    const decoded = await sharp(Buffer.from(await png.arrayBuffer())).metadata();
    expect([decoded.width, decoded.height]).toEqual([meta.width, meta.height]);

    const stroke = { kind: 'stroke', tool: 'line', points: [10, 10, 100, 60], size: 8, hardness: 1 };
    const after = await api<SessionView>('app:history.append', { command: stroke });
    if (!after.ok) throw new Error(after.error.message);
    expect(after.value.holePixels).toBeGreaterThan(700);
    expect(after.value.history.entries.at(-1)).toMatchObject({ kind: 'stroke', label: 'Line (8 px)', stroke });
    const mask = await fetch(`${base}/blob/${after.value.maskBlobId}?token=${token}`);
    const maskPng = Buffer.from(await mask.arrayBuffer());
    expect((await sharp(maskPng).metadata()).channels).toBe(1);
    const { data, info } = await sharp(maskPng).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    expect(data[35 * info.width + 55]).toBe(255);
    expect(data[200 * info.width + 200]).toBe(0);

    const undone = await api<SessionView>('app:history.undo');
    expect(undone.ok && undone.value.holePixels).toBe(0);
    expect(undone.ok && undone.value.history.canRedo).toBe(true);
    const redone = await api<SessionView>('app:history.redo');
    expect(redone.ok && redone.value.holePixels).toBe(after.value.holePixels);
  });

  it('opens an uploaded photo (bytes in the body, never through invoke) and refuses path escapes in static files', async () => {
    const bytes = await sharp(photo).png().toBuffer();
    const up = await fetch(`${base}/upload?name=${encodeURIComponent('dropped photo.png')}`, {
      method: 'POST',
      headers: { 'x-kintsugi-token': token, 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    const body = (await up.json()) as { ok: true; value: { uploadId: string } };
    expect(body.ok).toBe(true);
    const opened = await api<SessionView>('app:photo.open', { source: { kind: 'upload', uploadId: body.value.uploadId } });
    expect(opened.ok && opened.value.photo.name).toBe('dropped photo.png');
    const list = await api<Array<{ sourceName: string }>>('app:project.list');
    expect(list.ok && list.value.map((p) => p.sourceName)).toEqual(['dropped photo.png', 'a.png']);
    const escape = await raw('/%2e%2e/%2e%2e/package.json', { host: `127.0.0.1:${launched.host.port}` });
    // Either refused or answered with the app's index page — never a file outside dist/renderer.
    expect([200, 403, 404]).toContain(escape.status);
    expect(escape.body).not.toContain('"name": "kintsugi"');
  });

  it('pushes job progress and the job outcome over /events while a restore runs', async () => {
    const opened = await openPhoto(photo);
    if (!opened.ok) throw new Error(opened.error.message);
    await api('app:history.append', { command: { kind: 'stroke', tool: 'brush', points: [60, 60, 140, 90], size: 12, hardness: 1 } });
    const controller = new AbortController();
    const res = await fetch(`${base}/events?token=${token}`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const seen: Array<{ type: string; state?: string; jobId?: string }> = [];
    const job = await api<{ jobId: string }>('app:restore.run', { modelId: 'classical' });
    if (!job.ok) throw new Error(job.error.message);
    const decoder = new TextDecoder();
    let buf = '';
    while (!seen.some((e) => e.type === 'job' && e.state !== 'running')) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      const parts = buf.split('\n\n');
      buf = parts.pop()!;
      for (const p of parts) if (p.startsWith('data: ')) seen.push(JSON.parse(p.slice(6)) as never);
    }
    controller.abort();
    expect(seen.filter((e) => e.type === 'job').map((e) => e.state)).toEqual(['running', 'done']);
    expect(seen.some((e) => e.type === 'progress' && e.jobId === job.value.jobId)).toBe(true);
    const done = await api<SessionView>('app:job.wait', { jobId: job.value.jobId });
    expect(done.ok && done.value.resultBlobId).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('web host refusals (issue 13)', () => {
  let small: Awaited<ReturnType<typeof startWebHost>>;
  let smallService: AppService;
  let smallData: string;
  const CAP = 64 * 1024;
  beforeAll(async () => {
    smallData = tempDir('kintsugi-webhost-cap-');
    smallService = await AppService.create({ dataDir: smallData, maxUploadBytes: CAP, engine: { modelsDir: join(smallData, 'no-models') } });
    small = await startWebHost({ service: smallService, port: 0, maxUploadBytes: CAP });
  });
  afterAll(async () => {
    await small?.close();
    await smallService?.close();
    rmSync(smallData, { recursive: true, force: true });
  });

  it('answers a malformed percent-escape with 400, not 500', async () => {
    for (const p of ['/api/app:photo.%E0%A4%A', '/blob/%ZZ', '/%E0%A4%A']) {
      const r = await raw(`${p}?token=${token}`, { host: `127.0.0.1:${launched.host.port}` }, p.startsWith('/api/') ? 'POST' : 'GET', p.startsWith('/api/') ? '{}' : undefined);
      expect(r.status, p).toBe(400);
      expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: { code: 'bad-input', message: expect.stringMatching(/percent-escape/) } });
    }
  });

  it('the event stream answers GET only', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const r = await raw(`/events?token=${token}`, { host: `127.0.0.1:${launched.host.port}` }, method, '');
      expect(r.status, method).toBe(405);
    }
  });

  it('refuses an upload whose Content-Length is over the cap before reading it', async () => {
    const res = await fetch(`${small.origin}/upload?name=huge.tif`, {
      method: 'POST',
      headers: { 'x-kintsugi-token': small.token, 'content-type': 'application/octet-stream' },
      body: Buffer.alloc(CAP + 1),
    }).catch((e: unknown) => e as Error);
    if (res instanceof Error) throw res;
    expect(res.status).toBe(413);
    expect(readdirSync(join(smallData, 'uploads'))).toEqual([]);
  });

  it('stops a streamed (chunked) upload at the cap and keeps nothing of it', async () => {
    const status = await new Promise<number>((ok, fail) => {
      const req = request({ host: '127.0.0.1', port: small.port, path: `/upload?name=stream.tif&token=${small.token}`, method: 'POST', headers: { host: `127.0.0.1:${small.port}` } }, (res) => {
        res.resume();
        ok(res.statusCode ?? 0);
      });
      req.on('error', fail);
      // No Content-Length: chunked, so only counting while it streams can stop it.
      let sent = 0;
      const pump = (): void => {
        while (sent < 4 * CAP) {
          sent += 8192;
          if (!req.write(Buffer.alloc(8192, 1))) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(413);
    expect(readdirSync(join(smallData, 'uploads'))).toEqual([]);
    // A small one still goes through, streamed to disk.
    const ok = await fetch(`${small.origin}/upload?name=small.png`, {
      method: 'POST',
      headers: { 'x-kintsugi-token': small.token },
      body: Buffer.alloc(1000, 2),
    });
    expect(((await ok.json()) as { ok: boolean }).ok).toBe(true);
  });
});
