import { expect, it } from 'vitest';
import { buildInvokeObject } from '../../../../src-main/core/api/bridge.js';
import { CHANNELS, splitChannel, type Channel } from '../../../../src-main/core/api/contract.js';

it('exposes one named method per channel and refuses malformed arguments before anything is sent', async () => {
  const sent: Array<[Channel, unknown]> = [];
  const bridge = buildInvokeObject(async (channel, args) => {
    sent.push([channel, args]);
    return { ok: true, value: null };
  }) as unknown as Record<string, Record<string, (a?: unknown) => Promise<unknown>>>;

  const names = Object.entries(bridge).flatMap(([d, verbs]) => Object.keys(verbs).map((v) => `app:${d}.${v}`));
  expect(names.sort()).toEqual([...CHANNELS].sort());
  expect('invoke' in bridge).toBe(false);

  expect(await bridge.photo!.open!({ source: { kind: 'path', path: '/etc/passwd' } })).toMatchObject({ ok: false, error: { code: 'bad-input' } });
  expect(await bridge.history!.jumpTo!({ index: 1.5 })).toMatchObject({ ok: false });
  expect(sent).toEqual([]);

  await bridge.project!.recent!();
  await bridge.history!.undo!();
  expect(sent).toEqual([
    ['app:project.recent', { limit: 10 }],
    ['app:history.undo', {}],
  ]);
  for (const c of CHANNELS) expect(splitChannel(c).domain.length).toBeGreaterThan(0);
});
