/**
 * Starts the real web host (real app service, SQLite library, engine and models) as a child process
 * on 127.0.0.1 with a port chosen by the OS and a throwaway data folder, the way `npm start` runs it
 * without Electron. A child keeps the engine's worker threads out of the test runner's module loader.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { ensureRendererBuilt, repoRoot } from './build-renderer.js';
import { tempDir } from '../../support/temp-dir.js';

export interface RunningHost {
  /** The URL with its token, as the host prints it. */
  url: string;
  dataDir: string;
  /** Everything the host wrote to stderr (shown when a test fails). */
  log: string[];
  /** Stops the host; the data folder is removed unless `keepData`. */
  close(opts?: { keepData?: boolean }): Promise<void>;
}

/** Starts the host; `modelsDir` defaults to the shipped models/ folder. */
export async function startHost(opts: { modelsDir?: string; dataDir?: string } = {}): Promise<RunningHost> {
  const staticDir = ensureRendererBuilt();
  const dataDir = opts.dataDir ?? tempDir('kintsugi-e2e-data-');
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'src-main/web-host/main.ts'), '--port', '0', '--data-dir', dataDir, '--static', staticDir, ...(opts.modelsDir ? ['--models', opts.modelsDir] : [])],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const log: string[] = [];
  child.stderr!.on('data', (b: Buffer) => log.push(b.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`web host did not start in 60 s:\n${out}${log.join('')}`)), 60_000);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web host exited with ${code}:\n${out}${log.join('')}`));
    });
  });
  return {
    url,
    dataDir,
    log,
    async close(closeOpts = {}) {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (!closeOpts.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
