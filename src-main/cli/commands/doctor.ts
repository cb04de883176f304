/**
 * `kintsugi doctor [--json]`: what this installation is made of and what works here, in a form people
 * paste into bug reports. Exit 0 when Kintsugi can work (native modules load, the CPU provider runs, the
 * shipped models are intact), 1 when it lists problems.
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { collectDoctorReport, type DoctorReport, type ModuleCheck } from '../../node/doctor.js';
import { defaultModelsDir, defaultUserModelsDir } from '../../node/models/registry.js';
import { addEngineOptions, withEngine, type EngineFlags } from '../engine-options.js';
import { reportFailure } from '../report.js';

interface DoctorFlags extends EngineFlags {
  json?: boolean;
}

function mb(bytes: number): string {
  return bytes <= 0 ? '—' : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function table(rows: string[][], indent = '  '): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => indent + r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
}

function moduleRow(m: ModuleCheck): string[] {
  return [m.name, m.version ?? '—', m.isOk ? 'ok' : 'NO', m.detail];
}

/** The human report: one section per question a bug report asks. */
export function formatDoctor(r: DoctorReport): string {
  const out: string[] = [];
  out.push(`Kintsugi ${r.app.version}`);
  out.push(`Node ${r.node.version} (${r.node.platform}-${r.node.arch}, module ABI ${r.node.abi})`);
  out.push('', 'Native modules and Electron');
  out.push(...table(r.modules.map(moduleRow)));
  out.push('', `Execution providers${r.providers.probedWith ? ` (each tried alone on ${r.providers.probedWith})` : ''}`);
  out.push(...table(r.providers.checks.map((p) => [p.name, p.isOk ? 'loads' : 'no', p.reason])));
  out.push('', 'Models (* default for its task; provider as `auto` picks it)');
  out.push(
    ...table(
      r.models.map((m) => [
        m.id + (m.isDefault ? ' *' : ''), m.task, m.source, mb(m.bytes),
        m.checksum === 'builtin' ? '' : `sha256 ${m.checksum}${m.sha256 ? ` ${m.sha256.slice(0, 12)}…` : ''}`,
        m.provider ?? (m.providerReason ? 'NO' : '—'),
      ]),
    ),
  );
  for (const m of r.models) if (!m.provider && m.providerReason) out.push(`    ${m.id}: ${m.providerReason}`);
  for (const f of r.refused) out.push(`  refused: ${f.reason.startsWith(f.file) ? f.reason : `${f.file}: ${f.reason}`}`);
  if (r.refused.length === 0) out.push('  refused: none');
  out.push('', 'Folders');
  out.push(
    ...table([
      ['models', r.folders.models],
      ['user models', r.folders.userModels],
      ['data', `${r.folders.data} (library ${r.folders.hasLibrary ? 'present' : 'not created yet'})`],
    ]),
  );
  out.push('', 'Tools npm test needs (not the app)');
  out.push(...table(r.testTools.map((t) => [t.name, t.isOk ? 'ok' : 'NO', `${t.path}: ${t.detail}`])));
  out.push('');
  out.push(r.problems.length === 0 ? 'No problems found.' : `Problems:\n${r.problems.map((p) => `  - ${p}`).join('\n')}`);
  return out.join('\n') + '\n';
}

/** Adds the doctor command. */
export function register(program: Command): void {
  addEngineOptions(
    program
      .command('doctor')
      .description('report versions, native modules, execution providers, models and checksums, folders (for bug reports)')
      .option('--json', 'print the report as JSON'),
  ).action(async (flags: DoctorFlags) => {
    try {
      const modelsDir = flags.modelsDir ? resolve(flags.modelsDir) : defaultModelsDir();
      const userModelsDir = flags.userModels ? resolve(flags.userModels) : defaultUserModelsDir();
      await withEngine({ ...flags, modelsDir, userModels: userModelsDir }, async (engine) => {
        const report = await collectDoctorReport(engine, { modelsDir, userModelsDir });
        process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : formatDoctor(report));
        if (report.problems.length > 0) process.exitCode = 1;
      });
    } catch (e) {
      reportFailure(e, flags.json);
    }
  });
}
