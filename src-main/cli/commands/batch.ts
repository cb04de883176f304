import { Option, type Command } from 'commander';
import cliProgress from 'cli-progress';
import path from 'node:path';
import { badInput } from '../../core/errors.js';
import { DEVICES, type Device } from '../../core/image.js';
import { runBatch, type BatchSummary } from '../../node/batch/index.js';
import { addToneOptions, detailOption, parseGrow, parseToneFlags, type ToneFlags } from '../engine-options.js';
import type { FillDetail } from '../../core/pipeline.js';
import { Engine } from '../../node/engine.js';
import { fellBack, warnDeviceFallback, type ProviderUse } from '../device-warning.js';
import { areasLeftAdvice, reportFailure, wantsProgress } from '../report.js';

interface BatchFlags extends ToneFlags {
  out: string;
  masks?: string;
  recursive?: boolean;
  model?: string;
  device?: Device;
  grow?: string;
  detail: FillDetail;
  jobs: string;
  compare?: string;
  json?: boolean;
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** The human summary: counts first, then every failure with its reason (those need the person's attention). */
export function formatSummary(s: BatchSummary): string {
  const lines: string[] = [];
  const resumed = s.skipped.filter((x) => x.reason.startsWith('already restored'));
  const otherSkips = s.skipped.filter((x) => !x.reason.startsWith('already restored'));
  lines.push(
    `${s.cancelled ? 'Cancelled' : 'Finished'} in ${duration(s.elapsedMs)}: restored ${s.restored.length}, ` +
      `skipped ${s.skipped.length}${resumed.length > 0 ? ` (${resumed.length} already restored earlier)` : ''}, ` +
      `failed ${s.failed.length} — of ${s.total} photos; outputs in ${s.outDir}`,
  );
  if (otherSkips.length > 0) {
    lines.push('Skipped:');
    for (const x of otherSkips) lines.push(`  ${x.rel}: ${x.reason}`);
  }
  if (s.failed.length > 0) {
    lines.push('Failed:');
    for (const x of s.failed) lines.push(`  ${x.rel}: ${x.reason.startsWith(path.join(s.inDir, x.rel)) ? x.reason.slice(path.join(s.inDir, x.rel).length + 2) : x.reason}`);
  }
  if (s.ignored.length > 0) lines.push(`Ignored ${s.ignored.length} file(s) that are not images: ${s.ignored.slice(0, 5).join(', ')}${s.ignored.length > 5 ? ', …' : ''}`);
  if (s.toReview.length > 0) {
    lines.push(`Large marked areas were left unfilled in ${s.toReview.length} photo(s) ${areasLeftAdvice(2, '--masks')}:`);
    for (const rel of s.toReview.slice(0, 20)) lines.push(`  ${rel}`);
    if (s.toReview.length > 20) lines.push(`  … and ${s.toReview.length - 20} more`);
  }
  if (s.compare !== undefined) lines.push(`Comparisons: ${s.compare.index}`);
  if (s.cancelled) lines.push('Run the same command again to resume where it stopped.');
  return lines.join('\n') + '\n';
}

/**
 * `kintsugi batch IN_DIR --out OUT_DIR`: restores a whole folder, resumably (see node/batch/run-batch.ts).
 * Exit code 0 when every photo is restored or skipped, 1 when some failed (bad input) or the arguments are
 * wrong, 2 when any failure was an internal error, 130 when interrupted (Ctrl-C; running again resumes).
 */
export function register(program: Command): void {
  addToneOptions(program
    .command('batch')
    .description('restore every photo in a folder; run the same command again to resume after a crash')
    .argument('<in_dir>', 'folder of photos (never written)')
    .requiredOption('-o, --out <out_dir>', 'folder for restored photos (same names and formats) and the job ledger')
    .option('--masks <mask_dir>', 'masks matched by relative path and file name (any image extension); without it the damage detector proposes masks')
    .option('-r, --recursive', 'include subfolders, keeping the folder structure under OUT_DIR')
    .option('--model <id>', 'inpainting model id (see `kintsugi models`)')
    .addOption(new Option('--device <device>', 'execution provider').choices(DEVICES))
    .option('--grow <px>', 'also fill every pixel within this many pixels of each mask (default 0: masks are filled exactly as given)')
    .addOption(detailOption())
    .option('-j, --jobs <n>', 'photos processed at the same time, each with its own inference worker', '1')
    .option('--compare <dir>', 'also write a before/after comparison per photo, a contact sheet and index.html there')
    .option('--json', 'print the summary as JSON on stdout'))
    .action(async (inDir: string, flags: BatchFlags) => {
      const controller = new AbortController();
      const onSigint = (): void => controller.abort();
      process.once('SIGINT', onSigint);
      const bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: '{bar} {value}/{total} | {rate} | ETA {etaText} | {file}',
          hideCursor: true,
          barsize: 24,
          etaBuffer: 1,
          noTTYOutput: false,
        },
        cliProgress.Presets.shades_classic,
      );
      const showBar = wantsProgress(flags.json);
      let barStarted = false;
      try {
        const jobs = Number(flags.jobs);
        if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) {
          throw badInput(undefined, `--jobs must be a whole number from 1 to 64, got "${flags.jobs}"`);
        }
        const grow = parseGrow(flags.grow);
        const tone = parseToneFlags(flags);
        const used: ProviderUse[] = [];
        const summary = await runBatch(
          {
            inDir,
            outDir: flags.out,
            jobs,
            recursive: flags.recursive ?? false,
            ...(flags.masks !== undefined ? { masksDir: flags.masks } : {}),
            ...(flags.model !== undefined ? { modelId: flags.model } : {}),
            ...(flags.device !== undefined ? { device: flags.device, engineOptions: { device: flags.device } } : {}),
            ...(grow > 0 ? { grow } : {}),
            detail: flags.detail,
            ...(tone ? { tone } : {}),
            ...(flags.compare !== undefined ? { compareDir: flags.compare } : {}),
          },
          {
            onFile: (e) => {
              if (e.state === 'done' && e.provider !== undefined && e.modelId !== undefined) used.push({ modelId: e.modelId, provider: e.provider });
            },
            onProgress: (p) => {
              if (!showBar) return;
              const payload = {
                file: p.current.length === 0 ? '' : p.current.join(', ').slice(-48),
                rate: p.rate === null ? '–/min' : `${p.rate.toFixed(1)}/min`,
                etaText: p.etaSec === null ? '–' : duration(p.etaSec * 1000),
              };
              if (!barStarted) {
                bar.start(p.total, p.done, payload);
                barStarted = true;
              } else bar.update(p.done, payload);
            },
          },
          controller.signal,
        );
        if (barStarted) bar.stop();
        barStarted = false;
        if (fellBack(flags.device, used).length > 0) {
          const engine = await Engine.create({ ...(flags.device !== undefined ? { device: flags.device } : {}) });
          try {
            await warnDeviceFallback(flags.device, used, engine);
          } finally {
            await engine.close();
          }
        }
        if (flags.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
        else process.stdout.write(formatSummary(summary));
        process.exitCode = summary.cancelled
          ? 130
          : summary.failed.some((f) => f.code === 'internal')
            ? 2
            : summary.failed.length > 0
              ? 1
              : 0;
      } catch (e) {
        if (barStarted) bar.stop();
        reportFailure(e, flags.json);
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    });
}
