/**
 * The model channels: the models the engine found (with the provider each runs on and why), and the
 * leaderboard the Models view shows — for each model the newest finished evaluation run in the library
 * that scored it, averaged per hole band, else the scores its manifest entry ships with.
 */
import type { LeaderboardRow, ModelTaskName, ModelView } from '../../core/api/contract.js';
import type { EvalRepo } from '../store/eval-repo.js';
import type { AppContext, HandlersFor } from './context.js';

/** Leaderboard rows from the library's evaluation runs, then from manifest scores of models no run scored. */
export function leaderboardRows(evals: EvalRepo, models: readonly ModelView[], task?: ModelTaskName): LeaderboardRow[] {
  const rows: LeaderboardRow[] = [];
  const seen = new Set<string>();
  const runs = evals.listRuns().filter((r) => r.status === 'done');
  runs.sort((a, b) => b.startedAt - a.startedAt);
  for (const run of runs) {
    const scores = evals.scores(run.id);
    for (const m of evals.models(run.id)) {
      if (seen.has(m.modelId)) continue;
      seen.add(m.modelId);
      const byBand = new Map<string, { psnr: number; ssim: number; n: number }>();
      for (const s of scores.filter((x) => x.modelId === m.modelId)) {
        const b = byBand.get(s.band) ?? { psnr: 0, ssim: 0, n: 0 };
        b.psnr += s.psnr;
        b.ssim += s.ssim;
        b.n += 1;
        byBand.set(s.band, b);
      }
      rows.push({
        modelId: m.modelId,
        name: m.name,
        task: 'inpaint',
        source: 'eval-run',
        runId: String(run.id),
        createdAt: run.startedAt,
        scores: [...byBand].sort(([a], [b]) => a.localeCompare(b)).map(([band, v]) => ({ band, psnr: v.psnr / v.n, ssim: v.ssim / v.n, images: v.n })),
      });
    }
  }
  for (const m of models) {
    if (seen.has(m.id) || !m.scores || typeof m.scores !== 'object') continue;
    const scores = Object.entries(m.scores as Record<string, unknown>)
      .filter(([, v]) => v && typeof v === 'object')
      .map(([band, v]) => {
        const o = v as { psnr?: unknown; ssim?: unknown; images?: unknown };
        return {
          band,
          ...(typeof o.psnr === 'number' ? { psnr: o.psnr } : {}),
          ...(typeof o.ssim === 'number' ? { ssim: o.ssim } : {}),
          ...(typeof o.images === 'number' ? { images: o.images } : {}),
        };
      });
    rows.push({ modelId: m.id, name: m.name, task: m.task, source: 'manifest', scores });
  }
  return task ? rows.filter((r) => r.task === task) : rows;
}

/** models.list and models.leaderboard. */
export function modelHandlers(ctx: AppContext): HandlersFor<'app:models.list' | 'app:models.leaderboard'> {
  return {
    'app:models.list': async (a) => {
      const models = await (await ctx.getEngine()).listModels({ resolveProviders: a.resolveProviders, ...(a.device ? { device: a.device } : {}) });
      return models.map((m): ModelView => {
        const { file: _f, sha256: _s, ...view } = m;
        return view;
      });
    },
    'app:models.leaderboard': async (a) => {
      const models = await (await ctx.getEngine()).listModels().catch(() => [] as ModelView[]);
      return leaderboardRows(ctx.lib.evals, models, a.task);
    },
  };
}
