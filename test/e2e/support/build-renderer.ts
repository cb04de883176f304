/**
 * Builds dist/renderer with Vite when it is missing or older than any file under src-renderer (or the
 * API contract it bundles), so e2e tests always drive the current UI without rebuilding every run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
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

function isStale(index: string): boolean {
  const sources = Math.max(
    newestMtime(path.join(repoRoot, 'src-renderer')),
    newestMtime(path.join(repoRoot, 'src-main/core/api')),
  );
  return !existsSync(index) || statSync(index).mtimeMs < sources;
}

const sleep = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Builds the renderer (`vite build --config src-renderer/vite.config.ts`) if the bundle is stale and
 * returns the dist folder. Test files run in parallel workers, so the build happens under a
 * directory lock and the loser of the race finds a fresh bundle.
 */
export function ensureRendererBuilt(): string {
  const dist = path.join(repoRoot, 'dist/renderer');
  const index = path.join(dist, 'index.html');
  if (!isStale(index)) return dist;
  const lock = path.join(repoRoot, 'dist/.renderer-build.lock');
  mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      const age = existsSync(lock) ? Date.now() - statSync(lock).mtimeMs : 0;
      if (age > 300_000) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`renderer build lock ${lock} held for too long`);
      else sleep(500);
    }
  }
  try {
    if (isStale(index)) {
      execFileSync(process.execPath, [path.join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'src-renderer/vite.config.ts', '--logLevel', 'warn'], {
        cwd: repoRoot,
        stdio: 'inherit',
      });
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return dist;
}
