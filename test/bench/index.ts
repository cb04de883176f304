/**
 * `npm run bench`: runs every test/bench/*.bench.ts in its own process, one after another (each prints
 * its own table with ratios against a baseline measured in the same run). A failing bench is reported
 * and the others still run; the exit code says whether any failed.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

let failed = 0;
for (const file of benches) {
  process.stdout.write(`\n=== ${file} ===\n`);
  const code = await new Promise<number | null>((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, file)], { stdio: 'inherit' });
    child.on('close', done);
  });
  if (code !== 0) {
    failed++;
    process.stdout.write(`${file} failed (exit ${code})\n`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
