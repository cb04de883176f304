/** `kintsugi detect IN --out MASK.png`: the damage detector's mask proposal, white = damage. */
import type { Command } from 'commander';
import { detectFile } from '../../node/restore-file.js';
import { warnDeviceFallback } from '../device-warning.js';
import { addEngineOptions, checkRequestedModel, parseThreshold, warnRejected, withEngine, type EngineFlags } from '../engine-options.js';
import { progressBar, reportFailure, suggestionNote, wantsProgress } from '../report.js';

interface DetectFlags extends EngineFlags {
  out: string;
  suggestions?: string;
  model?: string;
  threshold?: string;
  json?: boolean;
}

/** Adds the detect command. */
export function register(program: Command): void {
  addEngineOptions(
    program
      .command('detect')
      .description('propose a damage mask for a photo (white = damage)')
      .argument('<in>', 'photo to examine (never written)')
      .requiredOption('-o, --out <mask>', 'mask image to write (PNG recommended)')
      .option('--suggestions <mask>', 'also write what the proposal leaves out for you to review: large areas (a tear, or white clothing?) and thin lines a second look doubted (a scratch, or rigging?)')
      .option('--model <id>', 'damage-detection model id (see `kintsugi models`)')
      .option('--threshold <0..1>', "sensitivity: mark pixels whose damage probability reaches this (default: the model's own; lower marks more)")
      .option('--json', 'print the result as JSON on stdout (no progress bar)'),
  ).action(async (input: string, flags: DetectFlags) => {
    const progress = progressBar(wantsProgress(flags.json));
    try {
      const threshold = parseThreshold(flags.threshold);
      const started = Date.now();
      const result = await withEngine(flags, async (engine) => {
        checkRequestedModel(engine, flags.model);
        warnRejected(engine, !!flags.json);
        const r = await detectFile(engine, input, flags.out, {
          ...(flags.model ? { modelId: flags.model } : {}),
          ...(flags.device ? { device: flags.device } : {}),
          ...(threshold !== undefined ? { threshold } : {}),
          ...(flags.suggestions ? { suggestionsPath: flags.suggestions } : { suggest: true }),
          onProgress: progress.onProgress,
        });
        progress.stop();
        await warnDeviceFallback(flags.device, [{ modelId: r.modelId, provider: r.provider }], engine);
        return r;
      });
      progress.stop();
      const elapsedMs = Date.now() - started;
      if (flags.json) process.stdout.write(JSON.stringify({ ok: true, input, ...result, elapsedMs }) + '\n');
      else {
        const share = (100 * result.holePixels) / (result.width * result.height);
        process.stdout.write(`${result.outPath}: ${result.holePixels} px marked as damage (${share.toFixed(2)} %) by ${result.modelId} on ${result.provider}\n`);
        if (result.suggestedPixels > 0) process.stdout.write(`${suggestionNote(result.suggestedPixels, result.width * result.height, result.suggestionsPath)}\n`);
      }
    } catch (e) {
      progress.stop();
      reportFailure(e, flags.json);
    }
  });
}
