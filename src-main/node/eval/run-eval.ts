import { readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { badInput, cancelled } from '../../core/errors.js';
import type { Mask, Progress, Raster } from '../../core/image.js';
import { detailRatio, scoreRestoration, type RestorationScores } from '../../core/metrics.js';
import type { FillDetail } from '../../core/pipeline.js';
import type { EvalRepo } from '../store/eval-repo.js';
import { groupMasks, IMAGE_EXTENSIONS, listImages, maskFor, readMaskResized, readRgb8 } from './pairing.js';
import type { ReferenceMethod } from './opencv-telea.js';
import { BAND_RANGES, bandOf, holeRatio, seedFor, syntheticMask, type SyntheticKind } from './synthetic-masks.js';

/**
 * The slice of the Engine facade (src-main/node/engine.ts) an evaluation needs; Engine satisfies it.
 * Kept structural so the eval does not decide how models are loaded.
 */
export interface EvalEngine {
  listModels(): Promise<{ id: string; name: string; task: string; sha256?: string; isDefault: boolean; provider?: string }[]>;
  restore(image: Raster, mask: Mask, opts: { modelId?: string; signal?: AbortSignal; grow?: number; detail?: FillDetail; haloGuard?: boolean }): Promise<{ image: Raster; modelId: string; provider: string }>;
}

/** What to measure. Exactly one of `masksDir` / `synthetic`. */
export interface EvalOptions {
  imagesDir: string;
  masksDir?: string;
  synthetic?: SyntheticKind;
  /** Models to score; default: every installed inpainting model. */
  models?: string[];
  /** Reference method scored alongside (an engine model id such as 'classical'); omit for none. */
  baseline?: string;
  /**
   * Methods scored alongside that do not go through the engine (OpenCV's Telea: see opencv-telea.ts),
   * marked as baselines; they run on the whole damaged photo.
   */
  references?: ReferenceMethod[];
  /**
   * Mask growth the engine's methods restore with (default 0, the product's default). Whatever they
   * change is scored, so growing the mask costs what it costs a user.
   */
  grow?: number;
  /** Fine detail the engine adds to fills (default: the product's default, DEFAULT_DETAIL). */
  detail?: FillDetail;
  /** Whether the engine hides the damage's edge around a tight mask (default: the product's, on). */
  haloGuard?: boolean;
  /** Seed of the synthetic damage. */
  seed?: number;
  /** Only the first N images (quick looks). */
  limit?: number;
  signal?: AbortSignal;
  onProgress?: (p: Progress & { modelId?: string; image?: string }) => void;
}

/** Mean scores of one model over one band (or 'all'). */
export interface BandSummary extends RestorationScores {
  band: string;
  n: number;
  /** Mean detail ratio (fill's mean |Laplacian| in the hole over the clean photo's); null if not measured. */
  detail: number | null;
  ms: number;
}

/** The result `kintsugi eval --json` prints and the database holds. */
export interface EvalResult {
  runId: number;
  imagesDir: string;
  masks: string;
  models: { modelId: string; name: string; sha256: string | null; provider: string; isBaseline: boolean; bands: BandSummary[] }[];
}

interface Job {
  image: string;
  band: string;
  mask: string;
  loadMask: (w: number, h: number) => Promise<Mask>;
}

/**
 * Damages each clean photo (given masks by the shared pairing rule, or seeded synthetic ones), restores it
 * with every model through the product's own restore path (the engine, default settings unless `grow`)
 * and with each reference method (OpenCV's Telea) in the same run, scores PSNR/SSIM whole and hole-only
 * and the fill's detail ratio (core/metrics detailRatio), and records run, models, providers, times and scores in the library database. Results are scored as they
 * come back: a method that changes pixels outside the mask pays for it (devset.py pastes only hole pixels,
 * so for methods that keep the rest bit-identical — the product by default — the two evals agree).
 */
export async function runEval(engine: EvalEngine, repo: EvalRepo, opts: EvalOptions): Promise<EvalResult> {
  if ((opts.masksDir === undefined) === (opts.synthetic === undefined)) {
    throw badInput(undefined, 'give either --masks MASKS_DIR or --synthetic scratches|strokes|bands');
  }
  const seed = opts.seed ?? 1;
  const images = (await listImages(opts.imagesDir)).slice(0, opts.limit ?? Infinity);
  const jobs = opts.masksDir !== undefined ? await maskJobs(images, opts.masksDir) : syntheticJobs(images, opts.synthetic!, seed);
  const models = await resolveModels(engine, opts);
  const references = opts.references ?? [];
  for (const r of references) {
    if (models.some((m) => m.id === r.id)) throw badInput(undefined, `"${r.id}" is both an installed model and a reference method`);
  }

  const masksLabel = opts.masksDir !== undefined ? resolve(opts.masksDir) : `synthetic:${opts.synthetic}`;
  const runId = repo.startRun({
    imagesDir: resolve(opts.imagesDir),
    masks: masksLabel,
    ...(opts.synthetic ? { seed } : {}),
    imageCount: images.length,
    options: {
      models: models.map((m) => m.id),
      baseline: opts.baseline ?? null,
      references: references.map((r) => r.id),
      grow: opts.grow ?? 0,
      detail: opts.detail ?? 'default',
      haloGuard: opts.haloGuard ?? 'default',
      limit: opts.limit ?? null,
    },
  });
  for (const m of models) {
    repo.addModel(runId, { modelId: m.id, name: m.name, sha256: m.sha256 ?? null, provider: m.provider ?? 'pending', isBaseline: m.id === opts.baseline });
  }
  for (const r of references) repo.addModel(runId, { modelId: r.id, name: r.name, sha256: null, provider: r.provider, isBaseline: true });

  const methods = models.length + references.length;
  const total = jobs.length * methods;
  let done = 0;
  const providers = new Map<string, string>();
  try {
    for (const job of jobs) {
      const clean = await readRgb8(job.image);
      const mask = await job.loadMask(clean.width, clean.height);
      const damaged = damage(clean, mask);
      // What a user gets is scored whole: pixels a method changes outside the mask count against it.
      const record = (modelId: string, restored: Raster, ms: number): void => {
        repo.addScore(runId, {
          modelId,
          image: basename(job.image),
          mask: job.mask,
          band: job.band,
          holeRatio: holeRatio(mask),
          ms,
          ...scoreRestoration(clean, restored, mask.data),
          detail: detailRatio(clean, restored, mask.data),
        });
        done += 1;
      };
      for (const m of models) {
        if (opts.signal?.aborted) throw cancelled('Evaluation');
        opts.onProgress?.({ stage: 'restore', done, total, modelId: m.id, image: basename(job.image) });
        const t0 = performance.now();
        const out = await engine.restore(damaged, mask, {
          modelId: m.id,
          ...(opts.grow ? { grow: opts.grow } : {}),
          ...(opts.detail !== undefined ? { detail: opts.detail } : {}),
          ...(opts.haloGuard !== undefined ? { haloGuard: opts.haloGuard } : {}),
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
        const ms = performance.now() - t0;
        if (providers.get(m.id) !== out.provider) {
          providers.set(m.id, out.provider);
          repo.setProvider(runId, m.id, out.provider);
        }
        record(m.id, checkShape(clean, out.image, job.image), ms);
      }
      for (const r of references) {
        if (opts.signal?.aborted) throw cancelled('Evaluation');
        opts.onProgress?.({ stage: 'restore', done, total, modelId: r.id, image: basename(job.image) });
        const t0 = performance.now();
        const out = r.inpaint(damaged, mask);
        record(r.id, checkShape(clean, out, job.image), performance.now() - t0);
      }
    }
    opts.onProgress?.({ stage: 'done', done, total });
    repo.finishRun(runId, 'done');
  } catch (e) {
    repo.finishRun(runId, opts.signal?.aborted ? 'cancelled' : 'failed');
    throw e;
  }
  return summarize(repo, runId);
}

/** Per model × band means (plus an 'all' row per model) of a stored run. */
export function summarize(repo: EvalRepo, runId: number): EvalResult {
  const run = repo.getRun(runId);
  if (!run) throw new Error(`no evaluation run ${runId}`);
  const scores = repo.scores(runId);
  return {
    runId,
    imagesDir: run.imagesDir,
    masks: run.masks,
    models: repo.models(runId).map((m) => {
      const mine = scores.filter((s) => s.modelId === m.modelId);
      const bands = [...new Set(mine.map((s) => s.band))].sort();
      return {
        ...m,
        bands: [...bands.map((b) => mean(b, mine.filter((s) => s.band === b))), ...(mine.length ? [mean('all', mine)] : [])],
      };
    }),
  };
}

function mean(band: string, rows: (RestorationScores & { ms: number; detail?: number | null })[]): BandSummary {
  const avg = (k: 'psnr' | 'ssim' | 'psnrHole' | 'ssimHole' | 'ms') => rows.reduce((s, r) => s + r[k], 0) / rows.length;
  const details = rows.map((r) => r.detail).filter((d): d is number => d !== null && d !== undefined);
  const detail = details.length > 0 ? details.reduce((a, d) => a + d, 0) / details.length : null;
  return { band, n: rows.length, psnr: avg('psnr'), ssim: avg('ssim'), psnrHole: avg('psnrHole'), ssimHole: avg('ssimHole'), detail, ms: avg('ms') };
}

async function maskJobs(images: string[], masksDir: string): Promise<Job[]> {
  let names: string[];
  try {
    names = await readdir(masksDir);
  } catch (e) {
    throw badInput(masksDir, 'cannot read this folder', e);
  }
  const files = names.filter((n) => IMAGE_EXTENSIONS.has(n.slice(n.lastIndexOf('.')).toLowerCase())).map((n) => join(masksDir, n));
  if (files.length === 0) throw badInput(masksDir, 'has no mask images');
  const jobs: Job[] = [];
  for (const [band, group] of groupMasks(files)) {
    images.forEach((image, i) => {
      const file = maskFor(group, i);
      const job: Job = {
        image,
        band,
        mask: basename(file),
        loadMask: async (w, h) => {
          const m = await readMaskResized(file, w, h);
          // Masks without a band prefix are banded by the hole ratio they turn out to have.
          if (band === 'all') job.band = bandOf(holeRatio(m));
          return m;
        },
      };
      jobs.push(job);
    });
  }
  return jobs;
}

function syntheticJobs(images: string[], kind: SyntheticKind, seed: number): Job[] {
  if (kind === 'bands') {
    return Object.keys(BAND_RANGES).flatMap((band) =>
      images.map((image) => {
        const s = seedFor(seed, `${band}/${basename(image)}`);
        return { image, band, mask: `strokes#${s}`, loadMask: async (w: number, h: number) => syntheticMask('strokes', w, h, s, band) };
      }),
    );
  }
  return images.map((image) => {
    const s = seedFor(seed, `${kind}/${basename(image)}`);
    const job: Job = {
      image,
      band: '',
      mask: `${kind}#${s}`,
      loadMask: async (w, h) => {
        const m = syntheticMask(kind, w, h, s);
        job.band = bandOf(holeRatio(m));
        return m;
      },
    };
    return job;
  });
}

async function resolveModels(engine: EvalEngine, opts: EvalOptions) {
  const installed = (await engine.listModels()).filter((m) => m.task === 'inpaint');
  const wanted = opts.models && opts.models.length > 0 ? opts.models : installed.filter((m) => m.id !== 'classical').map((m) => m.id);
  const ids = [...new Set([...(opts.baseline ? [opts.baseline] : []), ...wanted])];
  if (ids.length === 0) throw badInput(undefined, 'no inpainting model to evaluate; pass --models or --baseline classical');
  return ids.map((id) => {
    const m = installed.find((x) => x.id === id);
    if (!m) throw badInput(undefined, `unknown model "${id}"; installed: ${installed.map((x) => x.id).join(', ')}`);
    return m;
  });
}

/** The photo as the model sees it: hole pixels painted white, so no model can peek at the answer. */
function damage(clean: Raster, mask: Mask): Raster {
  const data = Uint8Array.from(clean.data as Uint8Array);
  for (let p = 0; p < mask.data.length; p++) if (mask.data[p] !== 0) data.fill(255, p * 3, p * 3 + 3);
  return { ...clean, data };
}

/** A result as scored: it must be the photo's size in 8-bit RGB (the eval's working format). */
function checkShape(clean: Raster, out: Raster, file: string): Raster {
  if (out.width !== clean.width || out.height !== clean.height || out.channels !== 3 || out.depth !== 8) {
    throw new Error(`${file}: model returned ${out.width}x${out.height}x${out.channels}@${out.depth}, expected ${clean.width}x${clean.height}x3@8`);
  }
  return out;
}
