/**
 * The one dispatcher both hosts run calls through, with a recording backend: the checks come in order
 * (known channel, trusted caller, arguments), a desktop host's paths come from its own dialogs only and
 * the channel that would take one from the page is refused before any dialog opens, a host without
 * dialogs lets the page type paths, and exports go where the Save dialog says.
 */
import { describe, expect, it } from 'vitest';
import type { ApiResult, Channel, ExportResult } from '../../../../src-main/core/api/contract.js';
import { dispatch, type DispatchBackend, type HostContext, type HostDialogs } from '../../../../src-main/node/app/host-dispatch.js';

function backend(value: unknown = { done: true }): DispatchBackend & { calls: Array<[Channel, unknown, HostContext | undefined]>; saved: string[] } {
  const calls: Array<[Channel, unknown, HostContext | undefined]> = [];
  const saved: string[] = [];
  return {
    calls,
    saved,
    invoke: async (channel, args, host) => {
      calls.push([channel, args, host]);
      return { ok: true, value } as ApiResult<never>;
    },
    saveExport: async (id, path) => {
      saved.push(`${id}->${path}`);
      return { ok: true, value: { blobId: id, fileName: 'x.png', path, bytes: 1, format: 'png' } satisfies ExportResult };
    },
  };
}

function dialogs(picked: string | null): HostDialogs & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    openPhoto: async () => (calls.push('photo'), picked),
    chooseFolder: async (purpose) => (calls.push(`folder:${purpose}`), picked),
    saveExport: async (name) => (calls.push(`save:${name}`), picked),
  };
}

describe('dispatch', () => {
  it('refuses an unknown channel, then an untrusted caller, then malformed arguments, before the backend is called', async () => {
    const b = backend();
    expect(await dispatch(b, 'app:fs.read', {}, { dialogs: null, isTrustedCaller: () => false })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/unknown channel/) } });
    expect(await dispatch(b, 'app:project.list', {}, { dialogs: null, isTrustedCaller: () => false })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/not the app window/) } });
    expect(await dispatch(b, 'app:history.jumpTo', { index: -1 }, { dialogs: null })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/app:history\.jumpTo: malformed argument \(index/) } });
    expect(b.calls).toEqual([]);
  });

  it('a desktop host refuses app:path.grant without opening anything', async () => {
    const b = backend();
    const d = dialogs('/home/someone');
    const r = await dispatch(b, 'app:path.grant', { path: '/etc', kind: 'folder' }, { dialogs: d });
    expect(r).toMatchObject({ ok: false, error: { code: 'bad-input', message: expect.stringMatching(/only from its own dialogs/) } });
    expect(d.calls).toEqual([]);
    expect(b.calls).toEqual([]);
  });

  it('takes the folder from the dialog for the purpose asked, never from the arguments', async () => {
    const b = backend();
    const d = dialogs('/chosen/by/person');
    expect(await dispatch(b, 'app:folder.choose', { purpose: 'masks', path: '/etc' }, { dialogs: d })).toMatchObject({ ok: false });
    await dispatch(b, 'app:folder.choose', { purpose: 'masks' }, { dialogs: d });
    expect(d.calls).toEqual(['folder:masks']);
    expect(b.calls).toEqual([['app:folder.choose', { purpose: 'masks' }, { chosenPath: '/chosen/by/person' }]]);
  });

  it('a cancelled dialog answers null without calling the backend; other channels get an empty host context', async () => {
    const b = backend();
    expect(await dispatch(b, 'app:photo.openDialog', {}, { dialogs: dialogs(null) })).toEqual({ ok: true, value: null });
    expect(b.calls).toEqual([]);
    await dispatch(b, 'app:batch.status', { batchId: 'b1' }, { dialogs: dialogs('/x') });
    expect(b.calls).toEqual([['app:batch.status', { batchId: 'b1' }, {}]]);
  });

  it('a host without dialogs lets the page type paths and passes dialog channels on for the backend to answer', async () => {
    const b = backend();
    await dispatch(b, 'app:path.grant', { path: '/photos', kind: 'folder' }, { dialogs: null });
    await dispatch(b, 'app:photo.openDialog', {}, { dialogs: null });
    expect(b.calls).toEqual([
      ['app:path.grant', { path: '/photos', kind: 'folder' }, { acceptsTypedPaths: true }],
      ['app:photo.openDialog', {}, { acceptsTypedPaths: true }],
    ]);
  });

  it('saves an export where the Save dialog says, and says cancelled when it is closed', async () => {
    const exp: ExportResult = { blobId: 'export-1', fileName: 'grandma-restored.jpg', path: null, bytes: 3, format: 'jpeg' };
    const b = backend(exp);
    const d = dialogs('/home/someone/grandma.jpg');
    expect(await dispatch(b, 'app:export.save', {}, { dialogs: d })).toMatchObject({ ok: true, value: { path: '/home/someone/grandma.jpg' } });
    expect(d.calls).toEqual(['save:grandma-restored.jpg']);
    expect(b.saved).toEqual(['export-1->/home/someone/grandma.jpg']);
    expect(await dispatch(b, 'app:compare.export', {}, { dialogs: dialogs(null) })).toEqual({ ok: false, error: { code: 'cancelled', message: 'Export cancelled' } });
    // The web host keeps the export for download: no dialog, no copy.
    expect(await dispatch(b, 'app:export.save', {}, { dialogs: null })).toEqual({ ok: true, value: exp });
  });

  it('tells the host when the recent projects may have changed', async () => {
    const b = backend();
    let changed = 0;
    await dispatch(b, 'app:project.save', {}, { dialogs: null, onProjectsChanged: () => changed++ });
    await dispatch(b, 'app:history.undo', {}, { dialogs: null, onProjectsChanged: () => changed++ });
    expect(changed).toBe(1);
  });
});
