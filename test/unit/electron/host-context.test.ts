/**
 * Electron main's host context comes from its own dialogs only: the channel that would take a path from
 * the page is refused before any dialog opens, and a folder or photo comes from the dialog, whatever the
 * arguments say.
 */
import { describe, expect, it } from 'vitest';
import { decideHostContext, type HostDialogs } from '../../../src-main/electron/host-context.js';

function dialogs(picked: string | null): HostDialogs & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    openPhoto: async () => (calls.push('photo'), picked),
    chooseFolder: async (purpose) => (calls.push(`folder:${purpose}`), picked),
  };
}

describe('decideHostContext', () => {
  it('refuses app:path.grant without opening anything', async () => {
    const d = dialogs('/home/someone');
    const r = await decideHostContext('app:path.grant', { path: '/etc', kind: 'folder' }, d);
    expect(r).toMatchObject({ ok: false, error: { code: 'bad-input', message: expect.stringMatching(/only from its own dialogs/) } });
    expect(d.calls).toEqual([]);
  });

  it('takes the folder from the dialog for the purpose asked, never from the arguments', async () => {
    const d = dialogs('/chosen/by/person');
    const r = await decideHostContext('app:folder.choose', { purpose: 'masks', path: '/etc' }, d);
    expect(r).toEqual({ ok: true, host: { chosenPath: '/chosen/by/person' } });
    expect(d.calls).toEqual(['folder:masks']);
  });

  it('a cancelled dialog is cancelled; other channels get an empty host context', async () => {
    expect(await decideHostContext('app:photo.openDialog', {}, dialogs(null))).toEqual({ ok: true, cancelled: true });
    expect(await decideHostContext('app:batch.start', { photosFolderId: 'd1', inputDir: '/etc' }, dialogs('/x'))).toEqual({ ok: true, host: {} });
  });
});
