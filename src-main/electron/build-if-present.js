// Compiles the Electron shell (main + preload) only where the electron package is installed: it is an
// optional dependency whose binary download fails on machines that reach only the npm registry.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
let hasElectron = false;
try {
  require.resolve('electron/package.json');
  hasElectron = true;
} catch {
  hasElectron = false;
}
const project = path.join(here, 'tsconfig.json');
if (!hasElectron) {
  console.log('electron is not installed here: skipping the Electron shell build (web host and CLI still build).');
} else if (!existsSync(project)) {
  console.log('src-main/electron/tsconfig.json not found: skipping the Electron shell build.');
} else {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', project], { stdio: 'inherit' });
}
