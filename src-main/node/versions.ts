/**
 * Versions of the app and of the runtime pieces it is made of, for `kintsugi --version` and
 * `kintsugi doctor`. Importing this module loads nothing native; `versionSummary()` loads sharp and
 * better-sqlite3 (synchronously) only when it is called.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** An installed package's version, or undefined when it is not installed. */
export function packageVersion(name: string): string | undefined {
  try {
    return (require(`${name}/package.json`) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/**
 * Kintsugi's own version: the nearest package.json named kintsugi above this module, which is two folders up
 * from src-main/node/ (tsx), three from dist/main/node/ (the build) and from app.asar/dist/main/node/.
 */
export function appVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'kintsugi' && pkg.version) return pkg.version;
    } catch {
      // no package.json here: look one folder up
    }
    dir = dirname(dir);
  }
  return 'unknown';
}

function firstLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n').map((l) => l.trim()).find(Boolean)?.slice(0, 200) ?? 'unknown error';
}

function library(name: string, linked: () => string): string {
  const v = packageVersion(name);
  if (!v) return `${name} not installed`;
  try {
    return `${name} ${v} (${linked()})`;
  } catch (e) {
    return `${name} ${v} (does not load: ${firstLine(e)})`;
  }
}

/** One line per piece: the app, Node, onnxruntime-node, sharp with libvips, better-sqlite3 with SQLite. */
export function versionSummary(): string {
  const ort = packageVersion('onnxruntime-node');
  return [
    `kintsugi ${appVersion()}`,
    `node ${process.version} (${process.platform}-${process.arch})`,
    ort ? `onnxruntime-node ${ort}` : 'onnxruntime-node not installed',
    library('sharp', () => `libvips ${(require('sharp') as typeof import('sharp')).versions.vips}`),
    library('better-sqlite3', () => {
      const Database = require('better-sqlite3') as typeof import('better-sqlite3');
      const db = new Database(':memory:');
      try {
        return `SQLite ${String(db.prepare('select sqlite_version()').pluck().get())}`;
      } finally {
        db.close();
      }
    }),
  ].join('\n') + '\n';
}
