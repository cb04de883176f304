import { Option, type Command } from 'commander';
import cliProgress from 'cli-progress';
import { badInput, isKintsugiError } from '../../core/errors.js';
import { Engine } from '../../node/engine.js';
import {
  formatLeaderboard, formatVersus, leaderboard, openCvTelea, OPENCV_TELEA_ID, runEval, SYNTHETIC_KINDS, type SyntheticKind,
} from '../../node/eval/index.js';
import { detailOption, parseGrow } from '../engine-options.js';
import type { FillDetail } from '../../core/pipeline.js';
import { openLibrary } from '../../node/store/library.js';
import { openDatabase, type Database } from '../../node/store/db.js';
import { EvalRepo } from '../../node/store/eval-repo.js';
import { libraryMigrations } from '../../node/store/library-migrations.js';

interface EvalFlags {
  masks?: string;
  synthetic?: SyntheticKind;
  models?: string;
  baseline: string;
  grow?: string;
  detail: FillDetail;
  haloGuard: boolean;
  db?: string;
  seed: string;
  limit?: string;
  json?: boolean;
  progress: boolean;
}

function fail(e: unknown): void {
  if (isKintsugiError(e) && e.code !== 'internal') {
    process.stderr.write(`kintsugi: ${e.message}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`kintsugi: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  }
}

function positiveInt(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw badInput(undefined, `${flag} must be a whole number, got "${v}"`);
  return n;
}

/**
 * `kintsugi eval IMAGES_DIR …`: scores inpainting models by PSNR/SSIM against clean photos and records the
 * run in the library database (or --db FILE); prints the leaderboard, or the result object with --json.
 */
export function register(program: Command): void {
  program
    .command('eval')
    .description("score inpainting models as a user gets them (the product's restore path, default settings) next to OpenCV's Telea: damage clean photos, restore, measure PSNR/SSIM (whole and hole-only) per hole band")
    .argument('<images-dir>', 'folder of clean photos')
    .option('--masks <dir>', 'hole masks (white = hole); files named bandB-… are grouped by hole-ratio band')
    .addOption(new Option('--synthetic <kind>', 'make seeded damage instead of reading masks').choices([...SYNTHETIC_KINDS]))
    .option('--models <ids>', 'comma-separated model ids (default: every installed inpainting model)')
    .option('--baseline <ids>', `reference methods scored alongside, comma-separated: ${OPENCV_TELEA_ID} (OpenCV's Telea, r=3), classical (the built-in fill) or any model id; none for none`, OPENCV_TELEA_ID)
    .option('--grow <px>', 'restore with the mask grown by this many pixels (default 0, the product default: masks filled as given)')
    .addOption(detailOption())
    .option('--no-halo-guard', 'let the network see the soft edge of the damage just outside each mask (default: hidden)')
    .option('--db <file>', 'SQLite file to record the run in (default: the library database)')
    .option('--seed <n>', 'seed of the synthetic damage', '1')
    .option('--limit <n>', 'only the first N photos')
    .option('--json', 'print the result object as JSON')
    .option('--no-progress', 'no progress bar on stderr')
    .action(async (imagesDir: string, flags: EvalFlags) => {
      let engine: Engine | undefined;
      let close = () => {};
      const controller = new AbortController();
      const onSigint = () => controller.abort();
      process.once('SIGINT', onSigint);
      let bar: cliProgress.SingleBar | undefined;
      try {
        if ((flags.masks === undefined) === (flags.synthetic === undefined)) {
          throw badInput(undefined, 'give either --masks MASKS_DIR or --synthetic scratches|strokes|bands');
        }
        let repo: EvalRepo;
        let db: Database;
        if (flags.db !== undefined) {
          db = openDatabase(flags.db, libraryMigrations);
          repo = new EvalRepo(db);
          const opened = db;
          close = () => opened.close();
        } else {
          const lib = openLibrary();
          db = lib.db;
          repo = lib.evals;
          close = () => lib.close();
        }
        engine = await Engine.create();
        // cli-progress draws only on a TTY; piped stderr stays clean.
        const showBar = flags.progress;
        if (showBar) {
          bar = new cliProgress.SingleBar(
            { format: 'eval [{bar}] {value}/{total} {model} {image}', stream: process.stderr, hideCursor: true, clearOnComplete: true },
            cliProgress.Presets.shades_classic,
          );
        }
        let started = false;
        const models = flags.models?.split(',').map((s) => s.trim()).filter(Boolean);
        const grow = parseGrow(flags.grow);
        const baselines = flags.baseline.split(',').map((s) => s.trim()).filter((s) => s && s !== 'none');
        const engineBaselines = baselines.filter((b) => b !== OPENCV_TELEA_ID);
        if (engineBaselines.length > 1) throw badInput(undefined, `--baseline takes ${OPENCV_TELEA_ID} and at most one model id, got "${flags.baseline}"`);
        const references = baselines.includes(OPENCV_TELEA_ID) ? [await openCvTelea()] : [];
        const result = await runEval(engine, repo, {
          imagesDir,
          ...(flags.masks !== undefined ? { masksDir: flags.masks } : {}),
          ...(flags.synthetic !== undefined ? { synthetic: flags.synthetic } : {}),
          ...(models ? { models } : {}),
          ...(engineBaselines[0] !== undefined ? { baseline: engineBaselines[0] } : {}),
          references,
          ...(grow > 0 ? { grow } : {}),
          detail: flags.detail,
          ...(flags.haloGuard ? {} : { haloGuard: false }),
          seed: positiveInt('--seed', flags.seed),
          ...(flags.limit !== undefined ? { limit: positiveInt('--limit', flags.limit) } : {}),
          signal: controller.signal,
          onProgress: (p) => {
            if (!bar) return;
            if (!started) {
              bar.start(p.total, 0, { model: '', image: '' });
              started = true;
            }
            bar.update(p.done, { model: p.modelId ?? '', image: p.image ?? '' });
          },
        });
        bar?.stop();
        if (flags.json) process.stdout.write(JSON.stringify(result, null, 1) + '\n');
        else {
          const rows = leaderboard(db, { runId: result.runId });
          process.stdout.write(formatLeaderboard(rows) + '\n');
          const versus = references.length > 0 ? formatVersus(rows, OPENCV_TELEA_ID) : '';
          if (versus) process.stdout.write('\n' + versus + '\n');
          process.stdout.write(`run ${result.runId} recorded in ${db.name}\n`);
        }
      } catch (e) {
        bar?.stop();
        fail(e);
      } finally {
        process.off('SIGINT', onSigint);
        await engine?.close();
        close();
      }
    });
}
