import { describe, expect, it } from 'vitest';
import { CHANNELS, contract } from '../../../../src-main/core/api/contract.js';
import { isKnownChannel, parseArgs, validateIpcCall, type SenderInfo, type TrustedSenders } from '../../../../src-main/core/api/validate.js';

const trusted: TrustedSenders = { webContentsIds: new Set([7]), origins: ['kintsugi://app'] };
const ours: SenderInfo = { webContentsId: 7, isMainFrame: true, url: 'kintsugi://app/index.html' };
const openArgs = { source: { kind: 'file', fileId: 'f0123456789abcdef0123' } };

describe('validateIpcCall', () => {
  it('accepts a known channel from our main frame with good arguments, filling defaults', () => {
    const r = validateIpcCall('app:photo.open', ours, trusted, openArgs);
    expect(r).toEqual({ ok: true, channel: 'app:photo.open', args: openArgs });
    const d = validateIpcCall('app:project.recent', ours, trusted, {});
    expect(d.ok && d.args).toEqual({ limit: 10 });
  });

  it('refuses unknown channels, including prototype keys and non-strings', () => {
    for (const c of ['app:fs.readFile', 'app:photo.open ', '__proto__', 'toString', 'constructor', 42, null, undefined]) {
      const r = validateIpcCall(c, ours, trusted, openArgs);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(/unknown channel/);
    }
    expect(isKnownChannel('hasOwnProperty')).toBe(false);
  });

  it('refuses foreign senders: other webContents, sub-frames, other origins, look-alike origins, none', () => {
    const foreign: Array<SenderInfo | null> = [
      { ...ours, webContentsId: 8 },
      { ...ours, isMainFrame: false },
      { ...ours, url: 'https://evil.example/index.html' },
      { ...ours, url: 'kintsugi://app.evil/index.html' },
      { ...ours, url: 'file:///tmp/index.html' },
      null,
    ];
    for (const s of foreign) {
      const r = validateIpcCall('app:photo.open', s, trusted, openArgs);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(/not the app window/);
    }
  });

  it('refuses malformed payloads and names the bad field', () => {
    const bad: unknown[] = [
      null,
      'x',
      { source: { kind: 'file' } },
      { source: { kind: 'file', fileId: '../../etc/passwd' } },
      // A path from the renderer is not a photo source at all: ids only.
      { source: { kind: 'path', path: '/photos/a.jpg' } },
      { source: { kind: 'url', path: 'http://x' } },
      { ...openArgs, extra: true },
    ];
    for (const a of bad) {
      const r = validateIpcCall('app:photo.open', ours, trusted, a);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(/app:photo\.open: malformed argument/);
    }
    const stroke = parseArgs('app:history.append', {
      command: { kind: 'stroke', tool: 'brush', points: [1, 2, 3], size: 10, hardness: 1 },
    });
    expect(stroke.ok).toBe(false);
    if (!stroke.ok) expect(stroke.error.message).toMatch(/command\.points/);
    expect(parseArgs('app:history.jumpTo', { index: -1 }).ok).toBe(false);
    expect(parseArgs('app:job.cancel', { jobId: '../../etc' }).ok).toBe(false);
    // Batch folders are ids too; the old path fields are refused, as is a folder dialog told where to look.
    expect(parseArgs('app:batch.start', { photosFolderId: 'd0123' }).ok).toBe(true);
    expect(parseArgs('app:batch.start', { inputDir: '/home/someone', outputDir: '/etc' }).ok).toBe(false);
    expect(parseArgs('app:batch.start', { photosFolderId: '/home/someone' }).ok).toBe(false);
    expect(parseArgs('app:folder.choose', { purpose: 'photos', path: '/etc' }).ok).toBe(false);
    // detection threshold: strictly between 0 and 1, a number
    expect(parseArgs('app:mask.detect', { threshold: 0.4 }).ok).toBe(true);
    for (const threshold of [0, 1, 1.5, -0.2, '0.4']) expect(parseArgs('app:mask.detect', { threshold }).ok).toBe(false);
    expect(parseArgs('app:restore.run', { threshold: 0.4 }).ok).toBe(false);
    // mask growth (the Grow mask control): whole pixels from 0 to 64; detection takes none
    for (const grow of [0, 3, 64]) expect(parseArgs('app:restore.run', { grow }).ok).toBe(true);
    for (const grow of [-1, 2.5, 65, '3', null]) expect(parseArgs('app:restore.run', { grow }).ok).toBe(false);
    expect(parseArgs('app:mask.detect', { grow: 2 }).ok).toBe(false);
  });

  it('every channel is app:domain.verb with a doc line and an object schema', () => {
    for (const c of CHANNELS) {
      expect(c).toMatch(/^app:[a-z]+\.[A-Za-z]+$/);
      expect(contract[c].doc.length).toBeGreaterThan(10);
      expect(contract[c].args.safeParse('not an object').success).toBe(false);
    }
  });
});
