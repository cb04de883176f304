import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';

const root = resolve(__dirname, '../..');

// A sandboxed preload may only require('electron') and a few built-ins; everything else must be inlined.
it('bundles the preload into one CommonJS file that requires nothing but electron', () => {
  execFileSync(process.execPath, [join(root, 'src-main/electron/build-if-present.js'), '--preload-only']);
  const code = readFileSync(join(root, 'dist/main/preload/preload.cjs'), 'utf8');
  const requires = [...new Set([...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]))];
  expect(requires).toEqual(['electron']);
  expect(code).not.toMatch(/\bimport\.meta\b/);
  expect(code).not.toMatch(/^\s*import\s/m);
  expect(code).toContain('exposeInMainWorld');
  // The bridge is named methods built from the contract, never a generic invoke.
  expect(code).toContain('app:photo.open');
  expect(code).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
});
