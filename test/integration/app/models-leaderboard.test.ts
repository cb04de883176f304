/**
 * The Models tab's data on a fresh data folder (no eval run yet): the shipped models' dev scores by hole band
 * from their manifest entries, one leaderboard per task, and each model's card as Markdown.
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppService } from '../../../src-main/node/app/service.js';
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

  it('gives the damage detector its own leaderboard (F1 / IoU on its held-out set)', async () => {
    const rows = await call('app:models.leaderboard', { task: 'detect-damage' });
    const det = manifest.models.find((m) => m.task === 'detect-damage')!;
    expect(rows.map((r) => [r.modelId, r.task])).toEqual([[det.id, 'detect-damage']]);
    expect(rows[0]!.scores).toEqual([expect.objectContaining({ band: 'heldOut', f1: det.scores!.heldOut!.f1, iou: det.scores!.heldOut!.iou })]);
  });

  it("serves a model's card as Markdown, and refuses an unknown model", async () => {
    const m = manifest.models.find((x) => x.card)!;
    const card = await call('app:models.card', { modelId: m.id });
    expect(card.markdown).toBe(readFileSync(path.join(repoRoot, 'models', m.card!), 'utf8'));
    await expect(call('app:models.card', { modelId: 'no-such-model' })).rejects.toThrow(/no model no-such-model/);
  });
});
