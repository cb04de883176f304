import type { Database } from './db.js';

/** One image × model × band result as stored. */
export interface EvalScore {
  modelId: string;
  image: string;
  mask: string;
  band: string;
  holeRatio: number;
  psnr: number;
  ssim: number;
  psnrHole: number;
  ssimHole: number;
  /** Detail ratio (core/metrics detailRatio); null when not measured (runs from before it, a flat clean hole). */
  detail?: number | null;
  /** Wall time of the restore in milliseconds. */
  ms: number;
}

/** An evaluation run's header row. */
export interface EvalRun {
  id: number;
  startedAt: number;
  finishedAt: number | null;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  imagesDir: string;
  masks: string;
  seed: number | null;
  imageCount: number;
  options: unknown;
}

/** A model that took part in a run, with the provider it actually ran on. */
export interface EvalModel {
  modelId: string;
  name: string;
  sha256: string | null;
  provider: string;
  isBaseline: boolean;
}

/**
 * Writes and reads `kintsugi eval` results in the library database, so the Models view and the model
 * cards show numbers measured on the user's machine and photos.
 */
export class EvalRepo {
  constructor(private readonly db: Database) {}

  /** Opens a run in status 'running'; returns its id. */
  startRun(input: { imagesDir: string; masks: string; seed?: number; imageCount: number; options?: unknown }): number {
    const r = this.db
      .prepare('INSERT INTO eval_runs (started_at, images_dir, masks, seed, image_count, options) VALUES (?, ?, ?, ?, ?, ?)')
      .run(Date.now(), input.imagesDir, input.masks, input.seed ?? null, input.imageCount, JSON.stringify(input.options ?? {}));
    return Number(r.lastInsertRowid);
  }

  /** Records a participating model (before its scores). */
  addModel(runId: number, m: EvalModel): void {
    this.db
      .prepare(
        `INSERT INTO eval_models (run_id, model_id, name, sha256, provider, is_baseline) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(run_id, model_id) DO UPDATE SET provider = excluded.provider`,
      )
      .run(runId, m.modelId, m.name, m.sha256, m.provider, m.isBaseline ? 1 : 0);
  }

  /** Updates the provider once the engine reports which one really ran. */
  setProvider(runId: number, modelId: string, provider: string): void {
    this.db.prepare('UPDATE eval_models SET provider = ? WHERE run_id = ? AND model_id = ?').run(provider, runId, modelId);
  }

  /** Stores one score row. */
  addScore(runId: number, s: EvalScore): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO eval_scores
           (run_id, model_id, image, mask, band, hole_ratio, psnr, ssim, psnr_hole, ssim_hole, detail, ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        runId, s.modelId, s.image, s.mask, s.band, s.holeRatio, s.psnr, s.ssim, s.psnrHole, s.ssimHole,
        s.detail !== undefined && s.detail !== null && Number.isFinite(s.detail) ? s.detail : null, s.ms,
      );
  }

  /** Closes a run with its final status. */
  finishRun(runId: number, status: 'done' | 'failed' | 'cancelled'): void {
    this.db.prepare('UPDATE eval_runs SET finished_at = ?, status = ? WHERE id = ?').run(Date.now(), status, runId);
  }

  /** A run header, or undefined. */
  getRun(runId: number): EvalRun | undefined {
    const r = this.db.prepare('SELECT * FROM eval_runs WHERE id = ?').get(runId) as Record<string, unknown> | undefined;
    return r && toRun(r);
  }

  /** All runs, newest first. */
  listRuns(): EvalRun[] {
    return (this.db.prepare('SELECT * FROM eval_runs ORDER BY id DESC').all() as Record<string, unknown>[]).map(toRun);
  }

  /** The models of a run. */
  models(runId: number): EvalModel[] {
    return (
      this.db.prepare('SELECT * FROM eval_models WHERE run_id = ? ORDER BY is_baseline DESC, model_id').all(runId) as Record<string, unknown>[]
    ).map((r) => ({
      modelId: r.model_id as string,
      name: r.name as string,
      sha256: (r.sha256 as string | null) ?? null,
      provider: r.provider as string,
      isBaseline: r.is_baseline === 1,
    }));
  }

  /** Every score of a run. */
  scores(runId: number): EvalScore[] {
    return (
      this.db.prepare('SELECT * FROM eval_scores WHERE run_id = ? ORDER BY model_id, band, image').all(runId) as Record<string, unknown>[]
    ).map((r) => ({
      modelId: r.model_id as string,
      image: r.image as string,
      mask: r.mask as string,
      band: r.band as string,
      holeRatio: r.hole_ratio as number,
      psnr: r.psnr as number,
      ssim: r.ssim as number,
      psnrHole: r.psnr_hole as number,
      ssimHole: r.ssim_hole as number,
      detail: (r.detail as number | null | undefined) ?? null,
      ms: r.ms as number,
    }));
  }
}

function toRun(r: Record<string, unknown>): EvalRun {
  return {
    id: r.id as number,
    startedAt: r.started_at as number,
    finishedAt: (r.finished_at as number | null) ?? null,
    status: r.status as EvalRun['status'],
    imagesDir: r.images_dir as string,
    masks: r.masks as string,
    seed: (r.seed as number | null) ?? null,
    imageCount: r.image_count as number,
    options: JSON.parse(r.options as string) as unknown,
  };
}
