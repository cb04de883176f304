#!/usr/bin/env node
// `npm start`: opens the Electron app where the electron package and its binary are installed; otherwise
// starts the loopback web host (same renderer, same API) and prints its URL with the access token.
// Arguments after `--` go to the web host: --port N (0 = any free port), --data-dir DIR, --static DIR.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

/** The Electron binary path, or the reason there is none. */
function findElectron() {
  if (process.env.KINTSUGI_NO_ELECTRON) return { reason: 'KINTSUGI_NO_ELECTRON is set' };
  try {
    const bin = require('electron'); // the package exports the path of its downloaded binary
    if (typeof bin === 'string' && existsSync(bin)) return { bin };
    return { reason: 'the electron package has no binary (its download failed)' };
  } catch {
    return { reason: 'the electron package is not installed' };
  }
}

function run(cmd, argv) {
  const child = spawn(cmd, argv, { stdio: 'inherit', cwd: root });
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
}

const electron = findElectron();
if (electron.bin) {
  if (!existsSync(path.join(root, 'dist/main/electron/main.js'))) {
    console.error('The Electron shell is not built yet: run `npm run build` first.');
    process.exit(1);
  }
  run(electron.bin, [root, ...args]);
} else {
  console.log(`Electron is not available (${electron.reason}); starting the web host instead.`);
  const built = path.join(root, 'dist/main/web-host/main.js');
  if (existsSync(built)) run(process.execPath, [built, ...args]);
  else run(process.execPath, ['--import', 'tsx', path.join(root, 'src-main/web-host/main.ts'), ...args]);
}
