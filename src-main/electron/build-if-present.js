// Compiles the Electron shell (main + preload) only where the electron package is installed: it is an
// optional dependency whose binary download fails on machines that reach only the npm registry.
// main: tsc with src-main/electron/tsconfig.json → dist/main/electron (ESM, like the rest of dist/main).
// preload: bundled by esbuild into one CommonJS file, dist/main/preload/preload.cjs, because a sandboxed
// preload cannot import modules (zod and the contract are inlined; `electron` stays external).
// `node build-if-present.js --preload-only` bundles the preload even without electron (used by tests).
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const preloadOnly = process.argv.includes('--preload-only');

async function bundlePreload() {
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [path.join(root, 'src-main/preload/preload.ts')],
    outfile: path.join(root, 'dist/main/preload/preload.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node22',
    external: ['electron'],
    minify: true,
    sourcemap: true,
    logLevel: 'warning',
  });
}

let hasElectron = false;
try {
  require.resolve('electron/package.json');
  hasElectron = true;
} catch {
  hasElectron = false;
}
const project = path.join(here, 'tsconfig.json');
if (preloadOnly) {
  await bundlePreload();
} else if (!hasElectron) {
  console.log('electron is not installed here: skipping the Electron shell build (web host and CLI still build).');
} else if (!existsSync(project)) {
  console.log('src-main/electron/tsconfig.json not found: skipping the Electron shell build.');
} else {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', project], { stdio: 'inherit' });
  await bundlePreload();
}
