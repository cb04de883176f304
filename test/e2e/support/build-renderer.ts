/**
 * Builds dist/renderer with Vite when it is missing or older than any file under src-renderer (or the
 * API contract it bundles), so e2e tests always drive the current UI without rebuilding every run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../../..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Runs `npm run build:renderer` if the bundle is stale; returns the dist folder. */
export function ensureRendererBuilt(): string {
  const dist = path.join(repoRoot, 'dist/renderer');
  const index = path.join(dist, 'index.html');
  const sources = Math.max(
    newestMtime(path.join(repoRoot, 'src-renderer')),
    newestMtime(path.join(repoRoot, 'src-main/core/api')),
  );
  if (!existsSync(index) || statSync(index).mtimeMs < sources) {
    execFileSync(process.execPath, [path.join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'src-renderer/vite.config.ts', '--logLevel', 'warn'], {
      cwd: repoRoot,
      stdio: 'inherit',
    });
  }
  return dist;
}
