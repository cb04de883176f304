#!/usr/bin/env node
// npm's `prepare` script, run at the end of `npm ci` / `npm install`: builds the app (core, CLI, web host,
// the Electron shell where electron is installed, the renderer) so that set-up is one command and
// `npm start` works straight after it. The build's own output is shown only if it fails. An install
// without dev dependencies (--omit=dev) has no compiler: it says so and skips the build; a lockfile-only
// install skips it silently.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function hasBuildTools() {
  try {
    require.resolve('typescript/package.json', { paths: [root] });
    require.resolve('vite/package.json', { paths: [root] });
    return true;
  } catch {
    return false;
  }
}

// `npm install --package-lock-only` only rewrites the lockfile: nothing was installed, nothing to build.
if (process.env.npm_config_package_lock_only === 'true') process.exit(0);

if (!hasBuildTools()) {
  console.log('kintsugi: dev dependencies are not installed, so the app is not built (install them and run `npm run build`).');
  process.exit(0);
}

console.log('kintsugi: building the app (npm run build: core, CLI, web host, renderer); takes about a minute');
const started = Date.now();
// npm sets npm_execpath to its own CLI script; run it with this Node so no shell is involved.
const npm = process.env.npm_execpath;
const r = npm
  ? spawnSync(process.execPath, [npm, 'run', 'build'], { cwd: root, encoding: 'utf8' })
  : spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8', shell: process.platform === 'win32' });
if (r.status !== 0) {
  process.stdout.write(r.stdout ?? '');
  process.stderr.write(r.stderr ?? '');
  console.error(`kintsugi: the build failed (${r.error ? r.error.message : `exit ${r.status}`}); the output is above.`);
  process.exit(1);
}
console.log(`kintsugi: built into dist/ in ${Math.round((Date.now() - started) / 1000)} s; \`npm run build\` rebuilds after you change the sources`);
