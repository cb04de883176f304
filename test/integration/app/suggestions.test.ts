/**
 * The detection's suggestions in the editor (service side), with the shipped detector, a real SQLite library
 * and a real scan: Detect damage proposes the sure marks and suggests what it left out (bopbtl-scratched/b's
 * white collar and sleeve are areas, not scratches); a suggested mark is added by a click, all of them by one
 * step, each undoable; a restore ends them.
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionView } from '../../../src-main/core/api/contract.js';
import { AppService } from '../../../src-main/node/app/service.js';
import { appCaller, maskBitsOf, openByPath } from '../helpers/app-call.js';
import { tempDir } from '../../support/temp-dir.js';

const photo = resolve(__dirname, '../../../../shared/data/real-damage/bopbtl-scratched/b.png');
const repo = resolve(__dirname, '../../..');

let dataDir: string;
let service: AppService;
const call = appCaller(() => service);

/** The mask at the cursor (1 = hole). */
const maskAt = (view: SessionView): Promise<Uint8Array> => maskBitsOf(service, view);

/** The suggested pixels at the cursor (1 = suggested), from the tinted picture the editor shows. */
async function suggestedAt(view: SessionView): Promise<Uint8Array> {
  const s = view.suggestions;
  if (!s) return new Uint8Array(view.photo.width * view.photo.height);
  const blob = (await service.readBlob(s.blobId))!;
  expect(blob.contentType).toBe('image/png');
  const { data, info } = await sharp(blob.bytes).raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(4);
  return Uint8Array.from({ length: info.width * info.height }, (_, i) => (data[i * 4 + 3]! > 0 ? 1 : 0));
}

const count = (a: Uint8Array): number => a.reduce((n, v) => n + v, 0);

beforeAll(async () => {
  dataDir = tempDir('kintsugi-app-sugg-');
  service = await AppService.create({ dataDir, engine: { modelsDir: join(repo, 'models'), userModelsDir: join(dataDir, 'models') } });
});
afterAll(async () => {
  await service?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('detection suggestions (service)', () => {
  it('has nothing to add before a detection', async () => {
    const s = await openByPath(call, photo);
    expect(s.suggestions).toBeNull();
    await expect(call('app:history.append', { command: { kind: 'add-suggestions' } })).rejects.toThrow(/no suggested marks/);
  });

  it('proposes the sure marks and suggests the rest; a click adds one suggested mark, undo takes it back', async () => {
    const { jobId } = await call('app:mask.detect', {});
    const detected = await call('app:job.wait', { jobId });
    const sugg = detected.suggestions!;
    expect(sugg.marks).toBeGreaterThan(0);
    const proposed = await maskAt(detected);
    const suggested = await suggestedAt(detected);
    expect(count(suggested)).toBe(sugg.pixels);
    // The collar and sleeve (areas) are suggested, not proposed: a large share of the photo, none of it in the mask.
    expect(sugg.pixels / (detected.photo.width * detected.photo.height)).toBeGreaterThan(0.02);
    expect(suggested.some((v, i) => v && proposed[i])).toBe(false);

    const at = suggested.indexOf(1);
    const x = at % detected.photo.width, y = Math.floor(at / detected.photo.width);
    const picked = await call('app:history.append', { command: { kind: 'add-suggestions', at: { x, y } } });
    expect(picked.history.entries.at(-1)).toMatchObject({ kind: 'detect', label: 'Add a suggested mark' });
    const afterPick = await maskAt(picked);
    const stillSuggested = await suggestedAt(picked);
    expect(afterPick[at]).toBe(1);
    expect(stillSuggested[at]).toBe(0);
    // Exactly one mark moved from the suggestions into the mask; the proposal is untouched.
    const moved = count(suggested) - count(stillSuggested);
    expect(moved).toBeGreaterThan(0);
    expect(picked.holePixels - detected.holePixels).toBe(moved);
    expect(proposed.every((v, i) => !v || afterPick[i])).toBe(true);
    expect(picked.suggestions?.marks ?? 0).toBe(sugg.marks - 1);

    await expect(call('app:history.append', { command: { kind: 'add-suggestions', at: { x, y } } })).rejects.toThrow(/no suggested mark within/);

    const undone = await call('app:history.undo');
    expect(undone.suggestions).toEqual(sugg);
    expect(undone.holePixels).toBe(detected.holePixels);
  }, 240_000);

  it('adds every suggestion in one step, and a restore ends them', async () => {
    const before = await call('app:session.current');
    const suggested = await suggestedAt(before!);
    const all = await call('app:history.append', { command: { kind: 'add-suggestions' } });
    expect(all.history.entries.at(-1)!.label).toBe(`Add ${before!.suggestions!.marks} suggested marks`);
    expect(all.suggestions).toBeNull();
    const mask = await maskAt(all);
    expect(suggested.every((v, i) => !v || mask[i])).toBe(true);

    await call('app:history.undo');
    const { jobId } = await call('app:restore.run', { modelId: 'classical' });
    const restored = await call('app:job.wait', { jobId });
    expect(restored.suggestions).toBeNull();
  }, 240_000);
});
