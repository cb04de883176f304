/**
 * The model channels: the models the engine found (with the provider each runs on and why), the leaderboard
 * the Models view shows — for each model the newest evaluation run in the library that scored it, averaged
 * per hole band, else the dev scores its manifest entry (its card) ships with — and each model's card.
 */
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import type { BandScore, LeaderboardRow, ModelTaskName, ModelView } from '../../core/api/contract.js';
import { badInput } from '../../core/errors.js';
import { scoresByBand } from '../eval/leaderboard.js';
import type { Database } from '../store/db.js';
import type { EvalRepo } from '../store/eval-repo.js';
import type { AppContext, HandlersFor } from './context.js';

/** Cards larger than this are not shown (a card is a page of text, not a data file). */
const MAX_CARD_BYTES = 256 * 1024;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** One band's figures from a manifest `scores` object, keeping only the numbers the view knows. */
function bandScore(band: string, v: Record<string, unknown>): BandScore {
  const out: BandScore = { band };
  for (const k of ['psnr', 'ssim', 'psnrHole', 'ssimHole', 'detail', 'f1', 'iou', 'images'] as const) {
    const x = num(v[k]);
    if (x !== undefined) out[k] = x;
  }
  return out;
}

/**
 * The dev scores a manifest entry ships with. Inpainting models nest them by set then band
 * (`{dev: {band0: {psnr, …}}, telea: {…}}`: the model's own are `dev`); detectors give one held-out set
 * (`{heldOut: {f1, iou, images}}`). A flat `{band0: {…}}` (user models' sidecars) is read as it is.
 */
export function manifestScores(scores: unknown): BandScore[] {
  if (!scores || typeof scores !== 'object') return [];
  const s = scores as Record<string, unknown>;
  const isBand = (v: unknown): v is Record<string, unknown> =>
    !!v && typeof v === 'object' && ['psnr', 'ssim', 'f1', 'iou'].some((k) => num((v as Record<string, unknown>)[k]) !== undefined);
  const dev = s.dev;
  const bands = dev && typeof dev === 'object' && !isBand(dev) ? (dev as Record<string, unknown>) : s;
  // (A `dev` that is itself one set of scores is read as a band named dev.)
  const out = Object.entries(bands).filter(([, v]) => isBand(v)).map(([band, v]) => bandScore(band, v as Record<string, unknown>));
  return out.sort((a, b) => a.band.localeCompare(b.band, undefined, { numeric: true }));
}

/**
 * Leaderboard rows: a model some evaluation run scored shows that run's means by band (the newest such run);
 * every other installed model shows its manifest's dev scores. A row's task is its model's (eval runs score
 * inpainting methods, including baselines such as OpenCV Telea); `task` keeps one leaderboard.
 */
export function leaderboardRows(db: Database, evals: EvalRepo, models: readonly ModelView[], task?: ModelTaskName): LeaderboardRow[] {
  const rows: LeaderboardRow[] = [];
  const seen = new Set<string>();
  const taskOf = new Map(models.map((m) => [m.id, m.task]));
  for (const run of evals.listRuns()) {
    for (const m of evals.models(run.id)) {
      if (seen.has(m.modelId)) continue;
      const bands = scoresByBand(db, m.modelId);
      if (bands.length === 0) continue;
      seen.add(m.modelId);
      rows.push({
        modelId: m.modelId,
        name: m.name,
        task: taskOf.get(m.modelId) ?? 'inpaint',
        source: 'eval-run',
        runId: String(bands[0]!.runId),
        createdAt: run.startedAt,
        scores: bands.map((b) => ({
          band: b.band, psnr: b.psnr, ssim: b.ssim, psnrHole: b.psnrHole, ssimHole: b.ssimHole, images: b.n,
          ...(b.detail !== null ? { detail: b.detail } : {}),
        })),
      });
    }
  }
  for (const m of models) {
    if (seen.has(m.id)) continue;
    const scores = manifestScores(m.scores);
    if (scores.length > 0) rows.push({ modelId: m.id, name: m.name, task: m.task, source: 'manifest', scores });
  }
  return task ? rows.filter((r) => r.task === task) : rows;
}

/** The Markdown text of a model's card (null when it has none); relative card paths are not read. */
async function cardText(card: string | undefined): Promise<string | null> {
  if (!card || !isAbsolute(card) || !/\.(md|markdown|txt)$/i.test(card)) return null;
  const st = await stat(card).catch(() => null);
  if (!st?.isFile()) return null;
  if (st.size > MAX_CARD_BYTES) return `*This card is too large to show here (${Math.round(st.size / 1024)} KB); it is at ${card}.*`;
  return readFile(card, 'utf8');
}

/** models.list, models.leaderboard and models.card. */
export function modelHandlers(ctx: AppContext): HandlersFor<'app:models.list' | 'app:models.leaderboard' | 'app:models.card'> {
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
      return leaderboardRows(ctx.lib.db, ctx.lib.evals, models, a.task);
    },
    'app:models.card': async (a) => {
      const m = (await (await ctx.getEngine()).listModels()).find((x) => x.id === a.modelId);
      if (!m) throw badInput(undefined, `no model ${a.modelId} is installed`);
      return { modelId: m.id, markdown: await cardText(m.card) };
    },
  };
}
