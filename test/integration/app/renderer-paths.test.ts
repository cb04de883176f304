/**
 * The app service never acts on a path the renderer supplies (issue 13 item 4): hostile payloads through
 * the real service, called as Electron main calls it (host context from main's dialogs only), and the
 * exports' write guard (an original, the library database, the library folder) on real files.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResult, ExportResult, PathGrant, SessionView } from '../../../src-main/core/api/contract.js';
import { dispatch, type HostDialogs } from '../../../src-main/node/app/host-dispatch.js';
import { AppService, type HostContext } from '../../../src-main/node/app/service.js';
import { tempDir } from '../../support/temp-dir.js';

const shared = resolve(__dirname, '../../../../shared/data');
let root: string;
let photo: string;
let service: AppService;

const sha = (f: string): string => createHash('sha256').update(readFileSync(f)).digest('hex');

/** Calls a channel the way Electron main does: through the one dispatcher, with its own dialogs and nothing else. */
async function asDesktop(channel: string, args: unknown, dialogs: Partial<HostDialogs> = {}): Promise<ApiResult<unknown>> {
  const all: HostDialogs = { openPhoto: async () => null, chooseFolder: async () => null, saveExport: async () => null, ...dialogs };
  return dispatch(service, channel, args, { dialogs: all, isTrustedCaller: () => true });
}

function value<T>(r: ApiResult<unknown>): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value as T;
}

beforeAll(async () => {
  root = tempDir('kintsugi-renderer-paths-');
  mkdirSync(join(root, 'photos'));
  photo = join(root, 'photos', 'grandma.png');
  copyFileSync(join(shared, 'real-damage/bopbtl-scratched/b.png'), photo);
  service = await AppService.create({
    dataDir: join(root, 'data'),
    engine: { modelsDir: join(root, 'no-models') },
  });
});
afterAll(async () => {
  await service?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('a hostile renderer cannot name a path', () => {
  it('photo.open with a path is a malformed argument (ids only)', async () => {
    const r = await asDesktop('app:photo.open', { source: { kind: 'path', path: '/etc/passwd' } });
    expect(r).toMatchObject({ ok: false, error: { code: 'bad-input', message: expect.stringMatching(/app:photo\.open: malformed argument/) } });
  });

  it('path.grant is refused by main before the service, and by the service without the web host\'s say-so', async () => {
    const viaMain = await asDesktop('app:path.grant', { path: '/etc', kind: 'folder' });
    expect(viaMain).toMatchObject({ ok: false, error: { message: expect.stringMatching(/only from its own dialogs/) } });
    // Even if a call reached the service with an empty host context (as Electron's always are), no grant.
    const direct = await service.invoke('app:path.grant', { path: '/etc', kind: 'folder' }, {});
    expect(direct).toMatchObject({ ok: false, error: { message: expect.stringMatching(/refused here/) } });
  });

  it('forged and stale ids are refused, and a folder id is not a photo id', async () => {
    expect(await asDesktop('app:photo.open', { source: { kind: 'file', fileId: 'f00000000000000000000' } }))
      .toMatchObject({ ok: false, error: { message: expect.stringMatching(/no photo f0+: choose it again/) } });
    expect(await asDesktop('app:batch.start', { photosFolderId: 'd00000000000000000000' }))
      .toMatchObject({ ok: false, error: { message: expect.stringMatching(/no folder d0+/) } });
    const folder = value<PathGrant>(await asDesktop('app:folder.choose', { purpose: 'photos' }, { chooseFolder: async () => join(root, 'photos') }));
    expect(await asDesktop('app:photo.open', { source: { kind: 'file', fileId: folder.id } }))
      .toMatchObject({ ok: false, error: { message: expect.stringMatching(/no photo/) } });
  });

  it('old path fields of batch.start are refused; the folder dialog ignores any path the renderer adds', async () => {
    expect(await asDesktop('app:batch.start', { inputDir: '/home', outputDir: '/etc' })).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    expect(await asDesktop('app:folder.choose', { purpose: 'output', path: '/etc' })).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    const seen: string[] = [];
    const g = value<PathGrant>(await asDesktop('app:folder.choose', { purpose: 'output' }, {
      chooseFolder: async (purpose) => {
        seen.push(purpose);
        return join(root, 'chosen-out');
      },
    }));
    expect(seen).toEqual(['output']);
    expect(g).toMatchObject({ kind: 'folder', name: 'chosen-out', path: join(root, 'chosen-out') });
    expect(g.id).toMatch(/^d[0-9a-f]{20}$/);
    expect(await asDesktop('app:folder.choose', { purpose: 'photos' })).toEqual({ ok: true, value: null }); // cancelled
  });

  it('the folder dialog and the open dialog are desktop only: a call without main\'s path is refused', async () => {
    expect(await service.invoke('app:folder.choose', { purpose: 'photos' }, {})).toMatchObject({ ok: false, error: { message: expect.stringMatching(/desktop app/) } });
    expect(await service.invoke('app:photo.openDialog', {}, {})).toMatchObject({ ok: false, error: { message: expect.stringMatching(/desktop app/) } });
  });

  it('opens the photo main chose in its Open dialog', async () => {
    const s = value<SessionView>(await asDesktop('app:photo.openDialog', {}, { openPhoto: async () => photo }));
    expect(s.photo.name).toBe('grandma.png');
  });
});

describe('exports never replace an original or the library', () => {
  const save = async (target: string): Promise<ApiResult<ExportResult>> => {
    const host: HostContext = {};
    const exp = value<ExportResult>(await service.invoke('app:export.save', {}, host));
    return service.saveExport(exp.blobId, target);
  };

  it('refuses the original photo, through a link to it, and under another spelling', async () => {
    const before = sha(photo);
    const link = join(root, 'link.png');
    symlinkSync(photo, link);
    for (const target of [photo, link, join(root, 'photos', '.', '..', 'photos', 'grandma.png')]) {
      const r = await save(target);
      expect(r).toMatchObject({ ok: false, error: { code: 'bad-input', message: expect.stringMatching(/would replace the original photo/) } });
    }
    expect(sha(photo)).toBe(before);
  });

  it('refuses the library database and anything inside the library folder', async () => {
    const lib = join(root, 'data', 'library.sqlite');
    const before = sha(lib);
    expect(await save(lib)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/library database/) } });
    expect(await save(join(root, 'data', 'blobs', 'x.png'))).toMatchObject({ ok: false, error: { message: expect.stringMatching(/library folder/) } });
    expect(sha(lib)).toBe(before);
  });

  it("the desktop app's Save dialog: the export goes where it says; a cancelled dialog is cancelled; an original is still refused", async () => {
    mkdirSync(join(root, 'saved'), { recursive: true });
    const target = join(root, 'saved', 'chosen.png');
    const asked: string[] = [];
    const saved = await asDesktop('app:export.save', { format: 'png' }, { saveExport: async (name) => (asked.push(name), target) });
    expect(saved).toMatchObject({ ok: true, value: { path: target, fileName: 'grandma-restored.png' } });
    expect(asked).toEqual(['grandma-restored.png']);
    expect(existsSync(target)).toBe(true);
    expect(await asDesktop('app:export.save', {}, { saveExport: async () => null })).toEqual({ ok: false, error: { code: 'cancelled', message: 'Export cancelled' } });
    const before = sha(photo);
    expect(await asDesktop('app:compare.export', {}, { saveExport: async () => photo })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/would replace the original photo/) } });
    expect(sha(photo)).toBe(before);
  });

  it('writes to an ordinary new file, and says which folder is missing', async () => {
    const target = join(root, 'exports-here', 'grandma-restored.png');
    mkdirSync(join(root, 'exports-here'));
    expect(await save(target)).toMatchObject({ ok: true, value: { path: target } });
    expect(existsSync(target)).toBe(true);
    const missing = await save(join(root, 'nowhere', 'x.png'));
    expect(missing).toMatchObject({ ok: false, error: { message: expect.stringMatching(/nowhere does not exist/) } });
  });
});
