#!/usr/bin/env node
// `kintsugi` entry point: runs the compiled CLI when it has been built (npm run build), else the
// TypeScript source through tsx, so `npx kintsugi` works straight after `npm ci`.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, resolve } from 'node:path';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const built = resolve(root, 'dist/main/cli/main.js');
const source = resolve(root, 'src-main/cli/main.ts');

if (existsSync(built) && !process.env.KINTSUGI_FROM_SOURCE) {
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(source).href);
}
