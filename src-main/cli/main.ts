/**
 * The `kintsugi` command: restore, detect and models here; batch, compare, eval and doctor are registered
 * from their own modules when present, so each area owns its subcommand.
 */
import { Command } from 'commander';
import { register as registerDetect } from './commands/detect.js';
import { register as registerModels } from './commands/models.js';
import { register as registerRestore } from './commands/restore.js';
import { removeTempsInFlight } from '../node/atomic-write.js';
import { versionSummary } from '../node/versions.js';
import { reportFailure } from './report.js';

/** Subcommand modules owned by other areas; a missing one is skipped quietly. */
const OPTIONAL_COMMANDS = ['./commands/batch.js', './commands/compare.js', './commands/eval.js', './commands/doctor.js'];

/** Builds the program with every available subcommand. */
export async function buildProgram(): Promise<Command> {
  const program = new Command('kintsugi')
    .description('repair scratched, cracked, torn and stained photographs')
    .option('-V, --version', 'print the versions of Kintsugi, Node, onnxruntime, sharp and SQLite')
    .on('option:version', () => {
      process.stdout.write(versionSummary());
      process.exit(0);
    })
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerRestore(program);
  registerDetect(program);
  registerModels(program);
  for (const spec of OPTIONAL_COMMANDS) {
    let mod: { register?: (p: Command) => void };
    try {
      mod = (await import(spec)) as { register?: (p: Command) => void };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ERR_MODULE_NOT_FOUND' && String((e as Error).message).includes(spec.slice(2, -3))) continue;
      throw e;
    }
    mod.register?.(program);
  }
  return program;
}

/**
 * A TERM or HUP ends the process, but first removes the temp file of any write in flight, so a killed
 * `restore` leaves nothing hidden behind (a SIGKILL's temp is removed by the next write of that file).
 */
function cleanUpOnSignals(): void {
  for (const sig of ['SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      removeTempsInFlight();
      process.kill(process.pid, sig);
    });
  }
}

/** Runs the CLI; exit code 0 ok, 1 bad input, 2 internal error. */
export async function main(argv: string[] = process.argv): Promise<void> {
  cleanUpOnSignals();
  try {
    const program = await buildProgram();
    await program.parseAsync(argv);
  } catch (e) {
    reportFailure(e);
  }
}

await main();
