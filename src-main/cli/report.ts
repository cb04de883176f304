/**
 * How the CLI talks to people: failures become one line naming the file and the problem with exit code
 * 1 (their input) or 2 (our bug, with the stack), and long work shows a progress bar on stderr only when
 * stderr is a terminal and --json is off, so pipes and scripts get clean output.
 */
import cliProgress from 'cli-progress';
import { badInput, isKintsugiError, type KintsugiError } from '../core/errors.js';
import type { Progress } from '../core/image.js';

const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a part of the path is not a folder',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
};

/** Turns Node's file-system errors (which carry the path) into bad input; anything else stays internal. */
export function classify(e: unknown): KintsugiError | undefined {
  if (isKintsugiError(e)) return e.code === 'internal' ? undefined : e;
  const err = e as NodeJS.ErrnoException | undefined;
  if (err && typeof err.code === 'string' && FILE_ERRORS[err.code]) return badInput(err.path, FILE_ERRORS[err.code]!, e);
  return undefined;
}

/** Prints a failure and sets the exit code: 1 bad input or cancel (no stack), 2 internal error. */
export function reportFailure(e: unknown, json = false): void {
  const known = classify(e);
  if (known) {
    if (json) process.stdout.write(JSON.stringify({ ok: false, error: known.toJSON() }) + '\n');
    process.stderr.write(`kintsugi: ${known.message}\n`);
    process.exitCode = 1;
    return;
  }
  const message = e instanceof Error ? e.message : String(e);
  if (json) process.stdout.write(JSON.stringify({ ok: false, error: { code: 'internal', message } }) + '\n');
  process.stderr.write(`kintsugi: internal error: ${e instanceof Error ? (e.stack ?? message) : message}\n`);
  process.exitCode = 2;
}

/** A progress bar on stderr fed by engine Progress events; silent when not wanted. */
export interface ProgressReporter {
  onProgress: (p: Progress) => void;
  stop(): void;
}

/** Progress for one job; `enabled` false (json mode, not a TTY) gives a no-op reporter. */
export function progressBar(enabled: boolean): ProgressReporter {
  if (!enabled) return { onProgress: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: '{stage} {bar} {value}/{total} tiles | {duration_formatted}', hideCursor: true, barsize: 24 },
    cliProgress.Presets.shades_classic,
  );
  let stage = '';
  let started = false;
  return {
    onProgress: (p) => {
      if (!started || p.stage !== stage) {
        if (started) bar.stop();
        stage = p.stage;
        bar.start(Math.max(1, p.total), p.done, { stage: p.stage.padEnd(7) });
        started = true;
      } else {
        bar.setTotal(Math.max(1, p.total));
        bar.update(p.done, { stage: p.stage.padEnd(7) });
      }
    },
    stop: () => { if (started) bar.stop(); started = false; },
  };
}

/** Whether to draw progress: only for people watching a terminal. */
export function wantsProgress(json: boolean | undefined): boolean {
  return !json && process.stderr.isTTY === true;
}

/**
 * The line a restore without a mask prints when the detector marked areas (not lines or specks) that were left
 * unfilled: nobody reviewed the mask, and a filled collar is a ruined photo while an unfilled tear is not.
 */
export function areasLeftNote(n: number): string {
  return `  ${n === 1 ? '1 large marked area was left as it is' : `${n} large marked areas were left as they are`} ${areasLeftAdvice(n, '--mask')}`;
}

/**
 * The line `detect` prints when the detector's first look marked more than its proposal keeps: large areas and
 * thin lines a second look doubted, left out because they may be the picture.
 */
export function suggestionNote(pixels: number, total: number, writtenTo?: string): string {
  const what = `${pixels} px more (${((100 * pixels) / total).toFixed(2)} %) may be damage or may be the picture (large areas, doubtful lines)`;
  return writtenTo ? `  ${what}: written to ${writtenTo}, to review` : `  ${what}: not in the mask; --suggestions FILE writes them`;
}

/** Why marked areas are left and what to do about them, for one restore (`--mask`) or a batch (`--masks`). */
export function areasLeftAdvice(n: number, flag: '--mask' | '--masks'): string {
  const it = n === 1 ? 'it' : 'them';
  return `(torn paper or bright picture content? Review ${it} in the app, or pass ${flag} to fill ${it})`;
}
