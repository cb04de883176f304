/**
 * The Models tab's data on a fresh data folder (no eval run yet): the shipped models' dev scores by hole band
 * from their manifest entries, one leaderboard per task, and each model's card as Markdown.
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppService } from '../../../src-main/node/app/service.js';
import { openLibrary } from '../../../src-main/node/store/library.js';
import { appCaller } from '../helpers/app-call.js';
import { tempDir } from '../../support/temp-dir.js';
import { repoRoot } from '../batch/fixtures.js';

let root: string;
let service: AppService;
const call = appCaller(() => service);
const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'models/manifest.json'), 'utf8')) as {
  models: Array<{ id: string; task: string; card?: string; scores?: { dev?: Record<string, { psnr: number; ssim: number }>; heldOut?: { f1: number; iou: number } } }>;
};

beforeAll(async () => {
  root = tempDir('kintsugi-models-tab-');
  service = await AppService.create({ dataDir: path.join(root, 'data'), engine: { modelsDir: path.join(repoRoot, 'models') } });
});
afterAll(async () => {
  await service?.close();
  await rm(root, { recursive: true, force: true });
});

describe('Models tab data on a fresh data folder', () => {
  it("shows each shipped inpainting model's dev scores by hole band, and only inpainting models on that leaderboard", async () => {
    const rows = await call('app:models.leaderboard', { task: 'inpaint' });
    const shipped = manifest.models.filter((m) => m.task === 'inpaint' && m.scores?.dev);
    expect(rows.map((r) => r.modelId).sort()).toEqual(shipped.map((m) => m.id).sort());
    for (const m of shipped) {
      const row = rows.find((r) => r.modelId === m.id)!;
      expect(row.source).toBe('manifest');
      expect(row.scores.map((s) => s.band)).toEqual(Object.keys(m.scores!.dev!).sort());
      for (const s of row.scores) {
        expect(s.psnr).toBeCloseTo(m.scores!.dev![s.band]!.psnr, 9);
        expect(s.ssim).toBeCloseTo(m.scores!.dev![s.band]!.ssim, 9);
        expect(s.psnrHole).toBeGreaterThan(0);
      }
    }
  });

  it('gives the damage detectors their own leaderboard (F1 / IoU on the held-out set)', async () => {
    const rows = await call('app:models.leaderboard', { task: 'detect-damage' });
    const dets = manifest.models.filter((m) => m.task === 'detect-damage');
    expect(rows.map((r) => [r.modelId, r.task]).sort()).toEqual(dets.map((d) => [d.id, 'detect-damage']).sort());
    for (const det of dets) {
      const row = rows.find((r) => r.modelId === det.id)!;
      expect(row.scores).toEqual([expect.objectContaining({ band: 'heldOut', f1: det.scores!.heldOut!.f1, iou: det.scores!.heldOut!.iou })]);
    }
  });

  it("serves a model's card as Markdown, and refuses an unknown model", async () => {
    const m = manifest.models.find((x) => x.card)!;
    const card = await call('app:models.card', { modelId: m.id });
    expect(card.markdown).toBe(readFileSync(path.join(repoRoot, 'models', m.card!), 'utf8'));
    await expect(call('app:models.card', { modelId: 'no-such-model' })).rejects.toThrow(/no model no-such-model/);
  });

  it('takes the means of the newest eval run that scored a model in place of its card, Telea beside it', async () => {
    // An eval run written to the same library the way `kintsugi eval` does (another connection; WAL).
    const lib = openLibrary({ dataDir: path.join(root, 'data') });
    try {
      const run = lib.evals.startRun({ imagesDir: '/dev-eval', masks: 'bands', imageCount: 2 });
      lib.evals.addModel(run, { modelId: 'inpaint-partial-conv', name: 'Partial conv', sha256: null, provider: 'cpu', isBaseline: false });
      lib.evals.addModel(run, { modelId: 'opencv-telea', name: 'OpenCV Telea', sha256: null, provider: 'cpu (OpenCV.js)', isBaseline: true });
      const score = (modelId: string, image: string, band: string, psnr: number) => lib.evals.addScore(run, {
        modelId, image, mask: `${image}.png`, band, holeRatio: 0.05, psnr, ssim: psnr / 40, psnrHole: psnr - 12, ssimHole: 0.5, detail: 0.3, ms: 10,
      });
      score('inpaint-partial-conv', 'a', 'band0', 34);
      score('inpaint-partial-conv', 'b', 'band0', 36);
      score('inpaint-partial-conv', 'a', 'band4', 21);
      score('opencv-telea', 'a', 'band0', 33);
      lib.evals.finishRun(run, 'done');
    } finally {
      lib.close();
    }
    const rows = await call('app:models.leaderboard', { task: 'inpaint' });
    const pc = rows.find((r) => r.modelId === 'inpaint-partial-conv')!;
    expect(pc.source).toBe('eval-run');
    expect(pc.scores.map((s) => [s.band, s.psnr, s.images])).toEqual([['band0', 35, 2], ['band4', 21, 1]]);
    expect(pc.scores[0]).toMatchObject({ ssim: 35 / 40, psnrHole: 23, detail: 0.3 });
    expect(rows.find((r) => r.modelId === 'opencv-telea')).toMatchObject({ task: 'inpaint', source: 'eval-run' });
    // The other shipped models keep their cards' scores; the detector stays off this leaderboard.
    expect(rows.filter((r) => r.source === 'manifest').length).toBe(manifest.models.filter((m) => m.task === 'inpaint' && m.scores?.dev).length - 1);
    expect(rows.some((r) => r.task !== 'inpaint')).toBe(false);
  });
});
