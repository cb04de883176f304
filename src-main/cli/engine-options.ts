/**
 * Options every engine-using command shares (device, model folders), and the engine lifetime around a
 * command so the inference worker always ends and the process can exit.
 */
import { Option, type Command } from 'commander';
import { badInput } from '../core/errors.js';
import { DEVICES, type Device } from '../core/image.js';
import { checkGrow, checkStrength, checkThreshold, DEFAULT_DETAIL, Engine, type EngineOptions } from '../node/engine.js';
import type { ToneStepOptions } from '../node/restore-file.js';
import { FILL_DETAILS } from '../core/pipeline.js';

/** Flags added by addEngineOptions. */
export interface EngineFlags {
  device?: Device;
  modelsDir?: string;
  userModels?: string;
}

/** --device, --models-dir, --user-models (the last two also come from KINTSUGI_MODELS_DIR / KINTSUGI_USER_MODELS). */
export function addEngineOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--device <device>', 'execution provider (auto tries accelerated ones, then cpu)').choices(DEVICES))
    .option('--models-dir <dir>', 'bundled models folder (default: models/ or $KINTSUGI_MODELS_DIR)')
    .option('--user-models <dir>', 'extra models folder (default: $KINTSUGI_USER_MODELS or ~/.config/kintsugi/models)');
}

/** --detail: what fine detail fills get (restore, batch, eval). */
export function detailOption(): Option {
  return new Option(
    '--detail <kind>',
    "fine detail added to fills: texture = the photo's own grain and texture, copied from the places around the hole " +
      'whose structure matches (grain in thin scratches); grain = synthetic grain matched to the surroundings; none = the fill as the model made it',
  ).choices([...FILL_DETAILS]).default(DEFAULT_DETAIL);
}

/** Opens an engine for one command and always closes it. */
export async function withEngine<T>(flags: EngineFlags, fn: (engine: Engine) => Promise<T>): Promise<T> {
  const opts: EngineOptions = {};
  if (flags.device) opts.device = flags.device;
  if (flags.modelsDir) opts.modelsDir = flags.modelsDir;
  if (flags.userModels) opts.userModelsDir = flags.userModels;
  const engine = await Engine.create(opts);
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

/** The `--threshold` flag as a number in (0, 1); undefined when not given. Bad values are bad input (exit 1). */
export function parseThreshold(flag: string | undefined): number | undefined {
  if (flag === undefined) return undefined;
  const t = flag.trim() === '' ? Number.NaN : Number(flag);
  checkThreshold(t, `--threshold "${flag}": the detection threshold`);
  return t;
}

/** The `--grow` flag as whole pixels (0 when not given: masks are filled as given). Bad values exit 1. */
export function parseGrow(flag: string | undefined): number {
  if (flag === undefined) return 0;
  const n = /^\s*\d+\s*$/.test(flag) ? Number(flag) : Number.NaN;
  checkGrow(n, `--grow "${flag}": the mask growth`);
  return n;
}

/** The tone flags of restore and batch (`--tone [--tone-strength S] [--keep-sepia] [--tone-model ID]`). */
export interface ToneFlags {
  tone?: boolean;
  toneStrength?: string;
  keepSepia?: boolean;
  toneModel?: string;
}

/** Adds the tone flags to a command. */
export function addToneOptions(cmd: Command): Command {
  return cmd
    .option('--tone', 'also restore the tone after the fill: fading, colour cast, see-through stains (black-and-white stays black-and-white)')
    .option('--tone-strength <0..1>', 'how much of the tone correction to apply (default 1; needs --tone)')
    .option('--keep-sepia', 'black-and-white prints keep their sepia toning instead of coming out neutral grey (needs --tone)')
    .option('--tone-model <id>', 'tone-restoration model id (default: the manifest\'s; needs --tone)');
}

/** The tone step the flags ask for, or undefined without --tone; tone flags without --tone are bad input (exit 1). */
export function parseToneFlags(flags: ToneFlags): ToneStepOptions | undefined {
  if (!flags.tone) {
    const stray = [flags.toneStrength !== undefined && '--tone-strength', flags.keepSepia && '--keep-sepia', flags.toneModel !== undefined && '--tone-model'].filter(Boolean);
    if (stray.length > 0) throw badInput(undefined, `${stray.join(' and ')} ${stray.length > 1 ? 'need' : 'needs'} --tone`);
    return undefined;
  }
  const out: ToneStepOptions = {};
  if (flags.toneStrength !== undefined) {
    const s = flags.toneStrength.trim() === '' ? Number.NaN : Number(flags.toneStrength);
    checkStrength(s, `--tone-strength "${flags.toneStrength}": the tone strength`);
    out.strength = s;
  }
  if (flags.keepSepia) out.keepSepia = true;
  if (flags.toneModel !== undefined) out.modelId = flags.toneModel;
  return out;
}

/**
 * A requested model that was found but could not be used (corrupt, incompatible, incomplete) is bad
 * input naming that file, rather than a bare "unknown model".
 */
export function checkRequestedModel(engine: Engine, id: string | undefined): void {
  if (!id) return;
  const base = (f: string): string => f.replace(/\\/g, '/').split('/').pop()!.replace(/\.(onnx|json)$/i, '');
  const hit = engine.rejectedModels.find((r) => base(r.file) === id || r.file === id);
  if (hit) throw badInput(hit.file, hit.reason.startsWith(hit.file) ? hit.reason.slice(hit.file.length + 2) : hit.reason);
}

/** One stderr line per model file that was skipped, so a broken file in the folder is never silent. */
export function warnRejected(engine: Engine, quiet: boolean): void {
  if (quiet) return;
  for (const r of engine.rejectedModels) process.stderr.write(`kintsugi: warning: skipped model ${r.reason.startsWith(r.file) ? r.reason : `${r.file}: ${r.reason}`}\n`);
}
