/**
 * `kintsugi restore IN [--mask M] --out OUT [--tone]`: the one-photo restore, with the detector when no mask is
 * given, and the tone restored after the fill when asked (an all-black mask with --tone: tone only).
 */
import type { Command } from 'commander';
import { restoreFile } from '../../node/restore-file.js';
import { warnDeviceFallback } from '../device-warning.js';
import {
  addEngineOptions, addToneOptions, checkRequestedModel, detailOption, parseGrow, parseThreshold, parseToneFlags, warnRejected, withEngine,
  type EngineFlags, type ToneFlags,
} from '../engine-options.js';
import type { FillDetail } from '../../core/pipeline.js';
import { areasLeftNote, progressBar, reportFailure, wantsProgress } from '../report.js';

interface RestoreFlags extends EngineFlags, ToneFlags {
  out: string;
  mask?: string;
  model?: string;
  detector?: string;
  threshold?: string;
  grow?: string;
  detail: FillDetail;
  saveMask?: string;
  json?: boolean;
}

/** Adds the restore command. */
export function register(program: Command): void {
  addEngineOptions(addToneOptions(
    program
      .command('restore')
      .description('fill the damage in a photo; without --mask the damage detector proposes the mask')
      .argument('<in>', 'photo to restore (never written)')
      .requiredOption('-o, --out <file>', 'restored photo to write (format from its extension, else the input\'s)')
      .option('-m, --mask <file>', 'mask image: any pixel > 127 (after conversion to gray) is damage; same size as the photo')
      .option('--model <id>', 'inpainting model id (see `kintsugi models`; "classical" for the fallback)')
      .option('--detector <id>', 'damage-detection model id when no --mask is given')
      .option('--threshold <0..1>', "detection sensitivity when no --mask is given (default: the detector's own; lower marks more)")
      .option('--grow <px>', 'also fill every pixel within this many pixels of the mask (default 0: the mask is filled exactly as given)')
      .addOption(detailOption())
      .option('--save-mask <file>', 'also write the mask that was used (white = filled)')
      .option('--json', 'print the result as JSON on stdout (no progress bar)'),
  )).action(async (input: string, flags: RestoreFlags) => {
    const progress = progressBar(wantsProgress(flags.json));
    const controller = new AbortController();
    const onSigint = (): void => controller.abort();
    process.once('SIGINT', onSigint);
    try {
      const threshold = parseThreshold(flags.threshold);
      const grow = parseGrow(flags.grow);
      const tone = parseToneFlags(flags);
      const started = Date.now();
      const result = await withEngine(flags, async (engine) => {
        checkRequestedModel(engine, flags.model);
        checkRequestedModel(engine, flags.detector);
        checkRequestedModel(engine, tone?.modelId);
        warnRejected(engine, !!flags.json);
        const r = await restoreFile(engine, input, flags.out, {
          ...(flags.mask ? { maskPath: flags.mask } : {}),
          ...(flags.saveMask ? { saveMaskPath: flags.saveMask } : {}),
          ...(flags.model ? { modelId: flags.model } : {}),
          ...(flags.detector ? { detectModelId: flags.detector } : {}),
          ...(threshold !== undefined ? { detectThreshold: threshold } : {}),
          grow,
          detail: flags.detail,
          ...(tone ? { tone } : {}),
          ...(flags.device ? { device: flags.device } : {}),
          signal: controller.signal,
          onProgress: progress.onProgress,
          releaseBeforeWrite: true, // one photo: onnxruntime's memory is not held through the encode
        });
        progress.stop();
        await warnDeviceFallback(flags.device, [
          ...(r.holePixels > 0 ? [{ modelId: r.modelId, provider: r.provider }] : []),
          ...(r.detectModelId ? [{ modelId: r.detectModelId, provider: r.detectProvider ?? r.provider }] : []),
          ...(r.tone ? [{ modelId: r.tone.modelId, provider: r.tone.provider }] : []),
        ], engine);
        return r;
      });
      progress.stop();
      const elapsedMs = Date.now() - started;
      if (flags.json) process.stdout.write(JSON.stringify({ ok: true, input, ...result, elapsedMs }) + '\n');
      else {
        const t = result.tone;
        const how = result.holePixels === 0
          ? (t ? 'no damage marked' : 'no damage marked; copied unchanged')
          : `filled ${result.holePixels} px with ${result.modelId} on ${result.provider}`;
        const toned = t ? `, tone restored with ${t.modelId} on ${t.provider}${t.strength < 1 ? ` at strength ${t.strength}` : ''}${t.isMono ? ' (black-and-white)' : ''}` : '';
        process.stdout.write(`${result.outPath}: ${result.width}×${result.height}, ${how}${result.detectModelId ? ` (mask by ${result.detectModelId})` : ''}${toned}, ${(elapsedMs / 1000).toFixed(1)} s\n`);
        if (result.areasLeft) process.stdout.write(`${areasLeftNote(result.areasLeft)}\n`);
      }
    } catch (e) {
      progress.stop();
      reportFailure(e, flags.json);
    } finally {
      process.off('SIGINT', onSigint);
    }
  });
}
