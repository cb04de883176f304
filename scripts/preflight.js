#!/usr/bin/env node
// First step of `npm test`: checks, before anything runs, what the suite needs from outside node_modules —
// the installed packages, Debian's Python stack for the training tests (/usr/bin/python3 with torch, onnx,
// OpenCV, scikit-image), Chromium for the browser tests (/usr/bin/chromium) and the shared data folder
// beside the clone — and says in one line what is missing and how to get it (exit 1), instead of failing
// ten minutes later. Plain Node built-ins only: it must run on a machine where nothing else works yet.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Python modules the training tests import, with the Debian package that provides each. */
export const PYTHON_MODULES = { torch: 'python3-torch', onnx: 'python3-onnx', cv2: 'python3-opencv', skimage: 'python3-skimage' };

/** Where the test suite looks for its outside requirements (the paths test/ and models/training/tests use). */
export const DEFAULTS = {
  root,
  python: '/usr/bin/python3',
  chromium: '/usr/bin/chromium',
  sharedData: path.resolve(root, '../shared/data'),
};

/**
 * What is missing, as `{ packages, other }`: `packages` are Debian package names (`npm run setup:system`
 * installs them), `other` are set-up steps no package manager does for us.
 */
export function findMissing(where = DEFAULTS) {
  const packages = [];
  const other = [];
  if (!existsSync(path.join(where.root, 'node_modules', 'vitest', 'package.json'))) other.push('the npm packages (run `npm ci`)');
  if (!existsSync(where.python)) {
    packages.push('python3', ...Object.values(PYTHON_MODULES));
  } else {
    const names = Object.keys(PYTHON_MODULES);
    // find_spec locates a module without importing it (importing torch alone takes seconds).
    const probe = `import importlib.util as u\nfor n in ${JSON.stringify(names)}:\n    if u.find_spec(n) is None: print(n)`;
    const r = spawnSync(where.python, ['-c', probe], { encoding: 'utf8' });
    if (r.status !== 0) packages.push(...Object.values(PYTHON_MODULES));
    else for (const n of r.stdout.split(/\s+/).filter(Boolean)) packages.push(PYTHON_MODULES[n] ?? n);
  }
  if (!existsSync(where.chromium)) packages.push('chromium');
  if (!existsSync(where.sharedData)) other.push(`the shared data folder ${where.sharedData} (clone it beside this project)`);
  return { packages, other };
}

/** The one line `npm test` prints when something is missing; undefined when all is there. */
export function preflightLine({ packages, other }) {
  if (packages.length === 0 && other.length === 0) return undefined;
  const parts = [];
  if (packages.length > 0) {
    parts.push(`${packages.join(' ')} (run \`npm run setup:system\`, or: sudo apt-get install ${packages.join(' ')})`);
  }
  parts.push(...other);
  return `npm test needs ${parts.join('; and ')}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const line = preflightLine(findMissing());
  if (line) {
    console.error(line);
    process.exit(1);
  }
}
