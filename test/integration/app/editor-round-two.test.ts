/**
 * The service side of issue 14's editor items, with the shipped models, a real SQLite library and real photos:
 * Detect damage adds its proposal to the painted mask (or replaces it, when asked), restores carry their picture
 * and model (the editor's versions), every before/after form the CLI makes is exported, and a project in the list
 * has a thumbnail and its folder.
 */
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportResult, ProjectSummary, SessionView } from '../../../src-main/core/api/contract.js';
import { layoutSize } from '../../../src-main/node/compare/index.js';
import { AppService } from '../../../src-main/node/app/service.js';
import { appCaller, maskBitsOf, openByPath } from '../helpers/app-call.js';
import { tempDir } from '../../support/temp-dir.js';

const photo = resolve(__dirname, '../../../../shared/data/real-damage/bopbtl-scratched/a.png');
const repo = resolve(__dirname, '../../..');

let dataDir: string;
let service: AppService;
const call = appCaller(() => service);

/** The mask at the cursor (1 = hole). */
const maskAt = (view: SessionView): Promise<Uint8Array> => maskBitsOf(service, view);

async function runJob(channel: 'app:mask.detect' | 'app:restore.run', args: Record<string, unknown>): Promise<SessionView> {
  const { jobId } = await call<{ jobId: string }>(channel, args);
  return call<SessionView>('app:job.wait', { jobId });
}

beforeAll(async () => {
  dataDir = tempDir('kintsugi-app-r2-');
  service = await AppService.create({ dataDir, engine: { modelsDir: join(repo, 'models'), userModelsDir: join(dataDir, 'models') } });
});
afterAll(async () => {
  await service?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('editor round two (service)', () => {
  it('Detect damage adds to the painted mask in one step; replace puts its proposal in place of the mask', async () => {
    const s0 = await openByPath(call, photo);
    expect(s0.photo.width).toBe(496);
    const painted = await call<SessionView>('app:history.append', { command: { kind: 'stroke', tool: 'line', points: [40, 300, 200, 300], size: 9, hardness: 1 } });
    const line = await maskAt(painted);
    const linePixels = [...line.keys()].filter((i) => line[i]);
    expect(linePixels.length).toBe(painted.holePixels);

    const added = await runJob('app:mask.detect', {});
    expect(added.history.entries.map((e) => e.kind)).toEqual(['open', 'stroke', 'detect']);
    const union = await maskAt(added);
    expect(linePixels.every((i) => union[i] === 1)).toBe(true);
    expect(added.holePixels).toBeGreaterThan(painted.holePixels);

    await call('app:history.undo');
    const replaced = await runJob('app:mask.detect', { mode: 'replace' });
    expect(replaced.history.entries.map((e) => e.kind)).toEqual(['open', 'stroke', 'detect']);
    expect(replaced.history.entries[2]!.label).toMatch(/replaced mask/);
    const proposal = await maskAt(replaced);
    // The replaced mask is the proposal alone; adding it to the line gives exactly the union above.
    expect(proposal.some((v, i) => v !== union[i])).toBe(true);
    expect(union.every((v, i) => v === (proposal[i] || line[i] ? 1 : 0))).toBe(true);
    expect(linePixels.filter((i) => proposal[i]).length).toBeLessThan(linePixels.length / 2);
  }, 240_000);

  it('keeps each restore with its picture and model, so the editor can flip between versions', async () => {
    const first = await runJob('app:restore.run', { modelId: 'classical' });
    const second = await runJob('app:restore.run', {});
    const restores = second.history.entries.filter((e) => e.kind === 'restore');
    expect(restores.map((e) => e.modelId)).toEqual(['classical', expect.stringMatching(/^inpaint-/)]);
    expect(restores[0]!.resultBlobId).toBe(first.resultBlobId);
    expect(restores[1]!.resultBlobId).toBe(second.resultBlobId);
    expect(first.resultBlobId).not.toBe(second.resultBlobId);
    const back = await call<SessionView>('app:history.jumpTo', { index: restores[0]!.index });
    expect(back.resultBlobId).toBe(first.resultBlobId);
    expect(back.history.entries.filter((e) => e.kind === 'restore')).toHaveLength(2);
    await call('app:history.jumpTo', { index: restores[1]!.index });
  }, 240_000);

  it('exports every before/after form kintsugi compare makes', async () => {
    const { photo: p } = (await call<SessionView>('app:session.current'))!;
    for (const layout of ['side-by-side', 'stacked', 'split'] as const) {
      const r = await call<ExportResult>('app:compare.export', { layout, format: 'png' });
      expect(r).toMatchObject({ fileName: `a-before-after-${layout}.png`, format: 'png' });
      const m = await sharp((await service.readBlob(r.blobId))!.bytes).metadata();
      expect({ width: m.width, height: m.height }).toEqual(layoutSize(layout, p.width, p.height));
    }
    const page = await call<ExportResult>('app:compare.export', { layout: 'slider' });
    expect(page).toMatchObject({ fileName: 'a-before-after.html', format: 'html' });
    const blob = (await service.readBlob(page.blobId))!;
    expect(blob.contentType).toMatch(/^text\/html/);
    const html = blob.bytes.toString('utf8');
    expect(html.match(/data:image\/jpeg;base64,/g)).toHaveLength(2);
    expect(html).toMatch(/type="range"/);

    // Two versions compared: the first restore takes the original's place.
    const s = (await call<SessionView>('app:session.current'))!;
    const [v1] = s.history.entries.filter((e) => e.kind === 'restore');
    const vs = await call<ExportResult>('app:compare.export', { layout: 'split', position: 1, format: 'png', versusBlobId: v1!.resultBlobId! });
    expect(vs.fileName).toBe('a-versions-1-2-split.png');
    const raw = async (id: string) => sharp((await service.readBlob(id))!.bytes).removeAlpha().raw().toBuffer();
    const [got, one, two] = [await raw(vs.blobId), await raw(v1!.resultBlobId!), await raw(s.resultBlobId!)];
    // At position 1 the picture is the "before" side, version 1 (away from the labels at the top and the wipe at the right).
    const differing = (x: Buffer) => {
      let n = 0;
      for (let y = 100; y < p.height; y++) for (let i = y * p.width * 3; i < (y * p.width + p.width - 10) * 3; i++) if (got[i] !== x[i]) n++;
      return n;
    };
    expect(differing(one)).toBe(0);
    expect(differing(two)).toBeGreaterThan(100);
    await expect(call('app:compare.export', { versusBlobId: s.originalBlobId })).rejects.toThrow(/not a restore of the open photo/);
  });

  it('lists the project with a thumbnail and the folder it came from', async () => {
    const [p] = await call<ProjectSummary[]>('app:project.list');
    expect(p!.folder).toBe(dirname(photo));
    const thumb = await sharp((await service.readBlob(p!.thumbBlobId!))!.bytes).metadata();
    expect(thumb.format).toBe('jpeg');
    expect(Math.max(thumb.width!, thumb.height!)).toBe(112);
    expect({ width: p!.width, height: p!.height }).toEqual({ width: 496, height: 624 });
  });
});
