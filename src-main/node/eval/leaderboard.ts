import type { Database } from '../store/db.js';

/**
 * One line of `kintsugi eval`'s table: a model's mean scores over one hole band of an evaluation run ('all' =
 * every image of the run), with how it ran. The app's leaderboard (core/api LeaderboardRow, one row per model with
 * its bands) is built from `scoresByBand`; this flat line is only the terminal's.
 */
export interface EvalBandRow extends BandScores {
  modelId: string;
  name: string;
  sha256: string | null;
  provider: string;
  isBaseline: boolean;
  /** Mean restore time per image, ms. */
  ms: number;
}

/** Mean scores of one model in one band of a run (the Models view turns them into core/api BandScore). */
export interface BandScores {
  runId: number;
  band: string;
  n: number;
  psnr: number;
  ssim: number;
  psnrHole: number;
  ssimHole: number;
  /** Mean detail ratio (fill's mean |Laplacian| in the hole over the clean photo's); null if not measured. */
  detail: number | null;
}

const AGG = `COUNT(*) AS n, AVG(s.psnr) AS psnr, AVG(s.ssim) AS ssim, AVG(s.psnr_hole) AS psnrHole,
             AVG(s.ssim_hole) AS ssimHole, AVG(s.detail) AS detail, AVG(s.ms) AS ms`;

/** The newest finished run, or the newest of any status when none finished; undefined when there are none. */
export function latestRunId(db: Database): number | undefined {
  const row = db.prepare("SELECT id FROM eval_runs ORDER BY status = 'done' DESC, id DESC LIMIT 1").get() as { id: number } | undefined;
  return row?.id;
}

/**
 * Leaderboard of one run (default: the latest finished one): a row per model × band plus an 'all' row per
 * model, models ordered by their overall hole-only PSNR (the number inpainting is about), best first.
 */
export function leaderboard(db: Database, opts: { runId?: number } = {}): EvalBandRow[] {
  const runId = opts.runId ?? latestRunId(db);
  if (runId === undefined) return [];
  const rows = db
    .prepare(
      `SELECT s.run_id AS runId, m.model_id AS modelId, m.name, m.sha256, m.provider, m.is_baseline AS isBaseline,
              band, ${AGG}
         FROM eval_scores s JOIN eval_models m ON m.run_id = s.run_id AND m.model_id = s.model_id
        WHERE s.run_id = ? GROUP BY m.model_id, band
       UNION ALL
       SELECT s.run_id, m.model_id, m.name, m.sha256, m.provider, m.is_baseline, 'all', ${AGG}
         FROM eval_scores s JOIN eval_models m ON m.run_id = s.run_id AND m.model_id = s.model_id
        WHERE s.run_id = ? GROUP BY m.model_id`,
    )
    .all(runId, runId) as (Omit<EvalBandRow, 'isBaseline'> & { isBaseline: number })[];
  const overall = new Map(rows.filter((r) => r.band === 'all').map((r) => [r.modelId, r.psnrHole]));
  return rows
    .map((r) => ({ ...r, isBaseline: r.isBaseline === 1 }))
    .sort(
      (a, b) =>
        (overall.get(b.modelId) ?? 0) - (overall.get(a.modelId) ?? 0) ||
        a.modelId.localeCompare(b.modelId) ||
        (a.band === 'all' ? 1 : 0) - (b.band === 'all' ? 1 : 0) ||
        a.band.localeCompare(b.band),
    );
}

/** A model's mean scores per hole band from the latest run that scored it (the model card's numbers). */
export function scoresByBand(db: Database, modelId: string): BandScores[] {
  const run = db
    .prepare(
      `SELECT r.id FROM eval_runs r JOIN eval_models m ON m.run_id = r.id
        WHERE m.model_id = ? AND EXISTS (SELECT 1 FROM eval_scores s WHERE s.run_id = r.id AND s.model_id = m.model_id)
        ORDER BY r.status = 'done' DESC, r.id DESC LIMIT 1`,
    )
    .get(modelId) as { id: number } | undefined;
  if (!run) return [];
  return db
    .prepare(
      `SELECT s.run_id AS runId, band, COUNT(*) AS n, AVG(psnr) AS psnr, AVG(ssim) AS ssim,
              AVG(psnr_hole) AS psnrHole, AVG(ssim_hole) AS ssimHole, AVG(detail) AS detail
         FROM eval_scores s WHERE s.run_id = ? AND s.model_id = ? GROUP BY band ORDER BY band`,
    )
    .all(run.id, modelId) as BandScores[];
}

/** Plain-text table of leaderboard rows for the terminal. */
export function formatLeaderboard(rows: readonly EvalBandRow[]): string {
  const head = ['model', 'band', 'n', 'PSNR', 'SSIM', 'PSNR hole', 'SSIM hole', 'detail', 'ms/img', 'provider'];
  const body = rows.map((r) => [
    r.modelId + (r.isBaseline ? ' (baseline)' : ''),
    r.band,
    String(r.n),
    r.psnr.toFixed(2),
    r.ssim.toFixed(4),
    r.psnrHole.toFixed(2),
    r.ssimHole.toFixed(4),
    r.detail === null ? '–' : r.detail.toFixed(3),
    r.ms.toFixed(0),
    r.provider,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 || i === 9 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/**
 * Every other method against one reference (normally OpenCV's Telea), band by band: whole-image PSNR and
 * SSIM side by side with the difference, and both detail ratios, so "does it beat Telea in every band" is one glance.
 */
export function formatVersus(rows: readonly EvalBandRow[], referenceId: string): string {
  const ref = new Map(rows.filter((r) => r.modelId === referenceId).map((r) => [r.band, r]));
  if (ref.size === 0) return '';
  const head = ['model', 'band', 'PSNR', referenceId, 'ΔPSNR', 'SSIM', referenceId, 'ΔSSIM', 'detail', referenceId];
  const body = rows
    .filter((r) => r.modelId !== referenceId && ref.has(r.band))
    .map((r) => {
      const t = ref.get(r.band)!;
      const signed = (v: number, digits: number) => (v >= 0 ? '+' : '') + v.toFixed(digits);
      const detail = (d: number | null) => (d === null ? '–' : d.toFixed(3));
      return [
        r.modelId, r.band, r.psnr.toFixed(2), t.psnr.toFixed(2), signed(r.psnr - t.psnr, 2),
        r.ssim.toFixed(4), t.ssim.toFixed(4), signed(r.ssim - t.ssim, 4), detail(r.detail), detail(t.detail),
      ];
    });
  if (body.length === 0) return '';
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [`Against ${referenceId}, band by band (whole image):`, line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
