/** `kintsugi models [--json]`: what is installed, what each model does, and where it would run and why. */
import type { Command } from 'commander';
import type { ModelInfo } from '../../node/engine.js';
import { addEngineOptions, withEngine, type EngineFlags } from '../engine-options.js';
import { reportFailure } from '../report.js';
import { printsRoute } from '../../core/print-kind.js';

interface ModelsFlags extends EngineFlags {
  json?: boolean;
}

function size(bytes: number): string {
  if (bytes <= 0) return '—';
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The human table: one line per model, then its provider reason indented below. */
export function formatModels(models: ModelInfo[], rejected: readonly { file: string; reason: string }[]): string {
  const rows = models.map((m) => [m.id + (m.isDefault ? ' *' : ''), m.task, m.family, size(m.bytes), m.source, m.provider ?? '—']);
  const head = ['ID', 'TASK', 'FAMILY', 'SIZE', 'SOURCE', 'PROVIDER'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [line(head)];
  models.forEach((m, i) => {
    out.push(line(rows[i]!));
    if (m.prints) out.push(`    ${printsRoute(m.prints)}`);
    if (m.providerReason) out.push(`    ${m.providerReason}`);
  });
  out.push('* default for its task');
  for (const r of rejected) out.push(`skipped: ${r.reason.startsWith(r.file) ? r.reason : `${r.file}: ${r.reason}`}`);
  return out.join('\n') + '\n';
}

/** Adds the models command. */
export function register(program: Command): void {
  addEngineOptions(
    program
      .command('models')
      .description('list installed models: task, family, size, and the execution provider each would run on and why')
      .option('--json', 'print the list as JSON'),
  ).action(async (flags: ModelsFlags) => {
    try {
      await withEngine(flags, async (engine) => {
        const models = await engine.listModels({ resolveProviders: true, ...(flags.device ? { device: flags.device } : {}) });
        if (flags.json) process.stdout.write(JSON.stringify({ models, rejected: engine.rejectedModels }, null, 2) + '\n');
        else process.stdout.write(formatModels(models, engine.rejectedModels));
      });
    } catch (e) {
      reportFailure(e, flags.json);
    }
  });
}
