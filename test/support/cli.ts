/**
 * Runs the real `kintsugi` command (bin.js shim → the TypeScript source through tsx) in a child process,
 * as a person would from a shell, and collects what it printed and its exit code.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** The command's entry point. */
export const KINTSUGI_BIN = resolve(__dirname, '../../src-main/cli/bin.js');

/** What one run printed and how it ended (`code` null: killed, e.g. by the timeout). */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `kintsugi args…` in `cwd` with exactly `env`; killed after `timeoutMs` when given. */
export function runKintsugi(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliRun> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [KINTSUGI_BIN, ...args], { cwd: opts.cwd, env: opts.env });
    let stdout = '';
    let stderr = '';
    const timer = opts.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}
