/**
 * The app's brush mask through the typed contract (`app:restore.run`) with the shipped default model: the
 * painted mask is filled as painted (no pixel outside it changes), the Grow mask control (`grow`) fills
 * exactly that many pixels further, and a bad `grow` is refused at the boundary.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionView } from '../../../src-main/core/api/contract.js';
import type { Mask } from '../../../src-main/core/image.js';
import { dilate } from '../../../src-main/core/mask.js';
import { AppService } from '../../../src-main/node/app/service.js';
import { appCaller } from '../helpers/app-call.js';
import { tempDir } from '../../support/temp-dir.js';

const repo = resolve(__dirname, '../../..');
const photo = join(repo, '../shared/data/dev-eval/images/101085.png');

let dataDir: string;
let service: AppService;
const call = appCaller(() => service);

beforeAll(async () => {
  dataDir = tempDir('kintsugi-app-grow-');
  service = await AppService.create({
    dataDir,
    engine: { modelsDir: join(repo, 'models'), userModelsDir: join(dataDir, 'models'), device: 'cpu' },
  });
});
afterAll(async () => {
  await service?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function blobPixels(blobId: string): Promise<{ data: Buffer; channels: number }> {
  const blob = await service.readBlob(blobId);
  const { data, info } = await sharp(blob!.bytes).raw().toBuffer({ resolveWithObject: true });
  return { data, channels: info.channels };
}

async function blobMask(blobId: string, width: number, height: number): Promise<Mask> {
  const blob = await service.readBlob(blobId);
  const { data, info } = await sharp(blob!.bytes).greyscale().raw().toBuffer({ resolveWithObject: true });
  expect([info.width, info.height]).toEqual([width, height]);
  const out = new Uint8Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = data[i * info.channels]! > 127 ? 255 : 0;
  return { width, height, data: out };
}

/** Pixels that differ between `a` and `b` and that `region` does not cover. */
function changedOutside(a: { data: Buffer; channels: number }, b: { data: Buffer; channels: number }, region: Mask): number {
  let n = 0;
  for (let p = 0; p < region.data.length; p++) {
    if (region.data[p]) continue;
    for (let k = 0; k < a.channels; k++) if (a.data[p * a.channels + k] !== b.data[p * b.channels + k]) { n++; break; }
  }
  return n;
}

async function restore(args: object): Promise<SessionView> {
  const job = await call<{ jobId: string }>('app:restore.run', args);
  return call<SessionView>('app:job.wait', { jobId: job.jobId });
}

describe('app:restore.run with a painted mask and the shipped default model', () => {
  it('fills the painted mask as painted by default, and exactly `grow` pixels further when asked', async () => {
    // Opened as the person's drop would send it (uploaded bytes), so no host path is involved.
    const uploadId = await service.putUpload(readFileSync(photo), '101085.png');
    const s0 = await call<SessionView>('app:photo.open', { source: { kind: 'upload', uploadId } });
    const { width, height } = s0.photo;
    // A soft brush scratch and a hard line: the engine fills coverage > 50 %.
    await call('app:history.append', { command: { kind: 'stroke', tool: 'brush', points: [40, 40, 160, 90, 260, 70], size: 7, hardness: 0.6 } });
    const painted = await call<SessionView>('app:history.append', { command: { kind: 'stroke', tool: 'line', points: [20, 200, width - 20, 215], size: 3, hardness: 1 } });
    const mask = await blobMask(painted.maskBlobId!, width, height);
    const original = await blobPixels(painted.originalBlobId);

    const exact = await restore({});
    expect(exact.history.entries.at(-1)!.label).toBe('Restore (inpaint-partial-conv)');
    const exactPixels = await blobPixels(exact.resultBlobId!);
    expect(changedOutside(original, exactPixels, mask)).toBe(0);
    expect(changedOutside(original, exactPixels, { ...mask, data: new Uint8Array(mask.data.length) })).toBeGreaterThan(100);

    await call('app:history.undo');
    const grown = await blobPixels((await restore({ grow: 4 })).resultBlobId!);
    expect(changedOutside(original, grown, dilate(mask, 4))).toBe(0);
    expect(changedOutside(original, grown, dilate(mask, 3))).toBeGreaterThan(50);
  });

  it('refuses a grow that is not a whole number of pixels from 0 to 64 at the contract', async () => {
    for (const grow of [-1, 1.5, 65, '3']) {
      await expect(call('app:restore.run', { grow })).rejects.toMatchObject({ code: 'bad-input' });
    }
  });
});
