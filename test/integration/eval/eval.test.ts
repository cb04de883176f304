import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { register } from '../../../src-main/cli/commands/eval.js';
import { scoreRestoration } from '../../../src-main/core/metrics.js';
import { Engine } from '../../../src-main/node/engine.js';
import { formatVersus, leaderboard, openCvTelea, OPENCV_TELEA_ID, runEval, scoresByBand } from '../../../src-main/node/eval/index.js';
import { readRgb8 } from '../../../src-main/node/eval/pairing.js';
import { openDatabase, type Database } from '../../../src-main/node/store/db.js';
import { EvalRepo } from '../../../src-main/node/store/eval-repo.js';
import { libraryMigrations } from '../../../src-main/node/store/library-migrations.js';
import { tempDir } from '../../support/temp-dir.js';

// Real dev-eval photos and masks, the real Engine (classical baseline + any shipped model), a real SQLite file.
const repoRoot = resolve(__dirname, '../../..');
const devEval = resolve(repoRoot, '../shared/data/dev-eval');
const imagesDir = join(devEval, 'images');
const masksDir = join(devEval, 'masks');
const BANDS = ['band0', 'band1', 'band2', 'band4'];

let dir: string;
let db: Database;
let engine: Engine;
let shipped: string[];

beforeAll(async () => {
  dir = tempDir('kintsugi-eval-');
  db = openDatabase(join(dir, 'eval.sqlite'), libraryMigrations);
  engine = await Engine.create();
  shipped = (await engine.listModels()).filter((m) => m.task === 'inpaint' && m.id !== 'classical').map((m) => m.id);
});
afterAll(async () => {
  await engine?.close();
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('kintsugi eval', () => {
  it('scores the classical baseline and shipped models on dev-eval photos with the dev masks and records everything', async () => {
    const progress: number[] = [];
    const result = await runEval(engine, new EvalRepo(db), {
      imagesDir,
      masksDir,
      baseline: 'classical',
      models: shipped.slice(0, 1),
      limit: 2,
      onProgress: (p) => progress.push(p.done),
    });
    const modelIds = ['classical', ...shipped.slice(0, 1)];
    expect(result.models.map((m) => m.modelId).sort()).toEqual([...modelIds].sort());
    expect(progress.at(-1)).toBe(2 * BANDS.length * modelIds.length);

    const run = db.prepare('SELECT status, image_count, masks FROM eval_runs WHERE id = ?').get(result.runId);
    expect(run).toEqual({ status: 'done', image_count: 2, masks: masksDir });
    const models = db.prepare('SELECT model_id, provider, is_baseline FROM eval_models WHERE run_id = ?').all(result.runId) as {
      model_id: string; provider: string; is_baseline: number;
    }[];
    expect(models.find((m) => m.model_id === 'classical')).toMatchObject({ is_baseline: 1 });
    for (const m of models) expect(m.provider).not.toBe('pending');

    const scores = db.prepare('SELECT * FROM eval_scores WHERE run_id = ?').all(result.runId) as Record<string, number | string>[];
    expect(scores).toHaveLength(2 * BANDS.length * modelIds.length);
    expect([...new Set(scores.map((s) => s.band))].sort()).toEqual(BANDS);
    // Pairing rule: image 1 (second by name) gets the second mask of each band.
    expect(scores.filter((s) => s.image === '101087.png' && s.model_id === 'classical').map((s) => s.mask).sort()).toEqual([
      'band0-00001.png', 'band1-02001.png', 'band2-04001.png', 'band4-08001.png',
    ]);
    for (const s of scores) {
      const [psnr, ssim, psnrHole, ssimHole, ratio, ms] = [s.psnr, s.ssim, s.psnr_hole, s.ssim_hole, s.hole_ratio, s.ms] as number[];
      expect(Number.isFinite(psnr) && psnr > 10 && psnr < 100).toBe(true);
      // Only hole pixels differ, so the whole-image error is the hole error diluted: PSNR ≥ hole PSNR.
      expect(psnr).toBeGreaterThanOrEqual(psnrHole! - 1e-9);
      expect(ssim).toBeGreaterThan(0.3);
      expect(ssim).toBeLessThanOrEqual(1);
      expect(ssimHole).toBeLessThan(ssim!);
      expect(ratio).toBeGreaterThan(0);
      expect(ms).toBeGreaterThan(0);
    }
    // Harder bands (more hole) score lower for the baseline.
    const byBand = scoresByBand(db, 'classical');
    expect(byBand.map((b) => b.band)).toEqual(BANDS);
    expect(byBand[0]!.psnr).toBeGreaterThan(byBand[3]!.psnr);

    const board = leaderboard(db);
    expect(board.filter((r) => r.modelId === 'classical').map((r) => r.band)).toEqual([...BANDS, 'all']);
    expect(board.find((r) => r.modelId === 'classical' && r.band === 'all')!.n).toBe(8);
  });

  it("scores the product's restore path (default: nothing outside the mask changes) next to OpenCV Telea in the same run, and a grown mask costs what it costs a user", async () => {
    const repo = new EvalRepo(db);
    const telea = await openCvTelea();
    const model = shipped[0]!;
    const asGiven = await runEval(engine, repo, { imagesDir, masksDir, models: [model], references: [telea], limit: 1 });
    expect(asGiven.models.map((m) => [m.modelId, m.isBaseline, m.provider])).toEqual([
      [OPENCV_TELEA_ID, true, 'cpu (OpenCV.js)'],
      [model, false, expect.any(String)],
    ]);
    const grown = await runEval(engine, repo, { imagesDir, masksDir, models: [model], grow: 2, limit: 1 });
    // Whole-image MSE = hole MSE × hole ratio exactly when no pixel outside the mask changed.
    const outsideError = (s: { psnr: number; psnrHole: number; holeRatio: number }) => 10 ** (-s.psnr / 10) - 10 ** (-s.psnrHole / 10) * s.holeRatio;
    const given = repo.scores(asGiven.runId);
    for (const s of given.filter((x) => x.modelId === model)) expect(Math.abs(outsideError(s))).toBeLessThan(1e-12);
    for (const s of given.filter((x) => x.modelId === OPENCV_TELEA_ID)) expect(Math.abs(outsideError(s))).toBeLessThan(1e-12);
    // Every score carries the fill's detail ratio (mean |Laplacian| in the hole over the clean photo's).
    for (const s of given) expect(s.detail! > 0 && s.detail! < 3).toBe(true);
    expect(asGiven.models.every((m) => m.bands.every((b) => b.detail !== null && b.detail > 0))).toBe(true);
    const withGrow = repo.scores(grown.runId).filter((x) => x.modelId === model);
    expect(withGrow).toHaveLength(BANDS.length);
    for (const s of withGrow) expect(outsideError(s)).toBeGreaterThan(1e-7);
    const mean = (rows: { psnr: number }[]) => rows.reduce((a, r) => a + r.psnr, 0) / rows.length;
    expect(mean(withGrow)).toBeLessThan(mean(given.filter((x) => x.modelId === model)));
    // The CLI prints the band-by-band comparison against Telea.
    const text = formatVersus(leaderboard(db, { runId: asGiven.runId }), OPENCV_TELEA_ID);
    for (const band of [...BANDS, 'all']) expect(text).toMatch(new RegExp(`${model}\\s+${band}\\s+\\d+\\.\\d\\d\\s+\\d+\\.\\d\\d\\s+[+-]\\d`));
  }, 400_000);

  it('identical images score SSIM 1 and the capped PSNR', async () => {
    const clean = await readRgb8(join(imagesDir, '101085.png'));
    const hole = new Uint8Array(clean.width * clean.height).fill(255, 1000, 5000);
    expect(scoreRestoration(clean, clean, hole)).toEqual({ psnr: 100, ssim: 1, psnrHole: 100, ssimHole: 1 });
  });

  it('the CLI command runs seeded synthetic damage, prints JSON and is reproducible', async () => {
    const run = async () => {
      const out: string[] = [];
      const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
      try {
        const program = new Command().exitOverride();
        register(program);
        await program.parseAsync(['eval', imagesDir, '--synthetic', 'scratches', '--models', 'classical', '--baseline', 'none',
          '--limit', '1', '--db', join(dir, 'cli.sqlite'), '--json', '--no-progress'], { from: 'user' });
      } finally {
        spy.mockRestore();
      }
      expect(process.exitCode ?? 0).toBe(0);
      return JSON.parse(out.join('')) as { runId: number; masks: string; models: { modelId: string; bands: { band: string; psnr: number; n: number }[] }[] };
    };
    const a = await run();
    const b = await run();
    expect(a.masks).toBe('synthetic:scratches');
    expect(b.runId).toBe(a.runId + 1);
    expect(a.models.map((m) => m.modelId)).toEqual(['classical']);
    expect(a.models[0]!.bands.at(-1)).toMatchObject({ band: 'all', n: 1 });
    expect(b.models[0]!.bands).toEqual(a.models[0]!.bands.map((x) => ({ ...x, ms: expect.any(Number) })));
  });

  it('refuses a missing images folder and an unknown model with a clear message', async () => {
    const repo = new EvalRepo(db);
    await expect(runEval(engine, repo, { imagesDir: join(dir, 'nope'), synthetic: 'strokes' })).rejects.toThrow(/nope: cannot read this folder/);
    await expect(runEval(engine, repo, { imagesDir, synthetic: 'strokes', models: ['no-such-model'], limit: 1 })).rejects.toThrow(
      /unknown model "no-such-model"/,
    );
    await expect(runEval(engine, repo, { imagesDir })).rejects.toThrow(/either --masks/);
  });
});

describe('agreement with the Python eval (models/training/kintsugi_train/devset.py)', () => {
  it('gives the same per-band means for the same inpainter (holes painted white) on the same pairs', async () => {
    // The same deterministic "inpainter" on both sides isolates what must agree: pairing, mask resize,
    // RGB conversion, compositing and the metrics.
    const whiteFill = {
      listModels: async () => [{ id: 'white', name: 'White fill', task: 'inpaint', isDefault: false }],
      restore: async (image: import('../../../src-main/core/image.js').Raster, mask: import('../../../src-main/core/image.js').Mask) => {
        const data = Uint8Array.from(image.data as Uint8Array);
        mask.data.forEach((v, p) => v && data.fill(255, p * 3, p * 3 + 3));
        return { image: { ...image, data }, modelId: 'white', provider: 'js' };
      },
    };
    const ts = await runEval(whiteFill, new EvalRepo(db), { imagesDir, masksDir, models: ['white'], limit: 3 });
    const { execFileSync } = await import('node:child_process');
    const py = JSON.parse(
      execFileSync('/usr/bin/python3', ['-c', [
        'import json, numpy as np',
        'from kintsugi_train import devset',
        'white = lambda rgb, hole: np.where(hole[..., None], np.uint8(255), rgb)',
        "print(json.dumps(devset.evaluate({'white': white}, limit=3)['white']))",
      ].join('\n')], { cwd: join(repoRoot, 'models/training'), encoding: 'utf8' }),
    ) as Record<string, { psnr: number; ssim: number; psnrHole: number; ssimHole: number }>;
    const bands = ts.models[0]!.bands.filter((b) => b.band !== 'all');
    expect(bands.map((b) => b.band)).toEqual(Object.keys(py));
    for (const b of bands) {
      const ref = py[b.band]!;
      expect(Math.abs(b.psnr - ref.psnr)).toBeLessThan(1e-3);
      expect(Math.abs(b.psnrHole - ref.psnrHole)).toBeLessThan(1e-3);
      expect(Math.abs(b.ssim - ref.ssim)).toBeLessThan(1e-4);
      expect(Math.abs(b.ssimHole - ref.ssimHole)).toBeLessThan(1e-4);
    }
  });
});
