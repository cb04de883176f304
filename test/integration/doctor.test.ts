/**
 * `kintsugi doctor` and `kintsugi --version` run for real (bin.js → TypeScript source through tsx) against
 * the shipped models: the report names every execution provider with a verdict and a reason, every model
 * with its checksum, the native modules with their versions; and a replaced model file or a broken user
 * model is reported as a problem with exit 1.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../src-main/node/doctor.js';
import { tempDir } from '../support/temp-dir.js';
import { runKintsugi, type CliRun } from '../support/cli.js';

const repoRoot = resolve(__dirname, '../..');
const shipped = join(repoRoot, 'models');
const manifest = JSON.parse(readFileSync(join(shipped, 'manifest.json'), 'utf8')) as {
  models: Array<{ id: string; file: string; sha256: string; bytes: number }>;
};
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
const PROVIDERS = ['cpu', 'cuda', 'dml', 'coreml', 'webgpu'];

type Run = CliRun;

let work: string;
let env: NodeJS.ProcessEnv;

function kintsugi(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
  return runKintsugi(args, { cwd: work, env: { ...env, ...extraEnv } });
}

beforeAll(() => {
  work = tempDir('kintsugi-doctor-');
  mkdirSync(join(work, 'user'));
  env = {
    ...process.env,
    KINTSUGI_FROM_SOURCE: '1',
    KINTSUGI_MODELS_DIR: shipped,
    KINTSUGI_USER_MODELS: join(work, 'user'),
    KINTSUGI_DATA_DIR: join(work, 'data'),
  };
});

describe('kintsugi doctor', () => {
  it('reports versions, every provider with a reason, and every shipped model with a matching checksum', async () => {
    const r = await kintsugi(['doctor', '--json']);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as DoctorReport;
    expect(report.problems).toEqual([]);
    expect(r.code).toBe(0);

    expect(report.app.version).toBe(pkg.version);
    expect(report.node.version).toBe(process.version);
    for (const name of ['onnxruntime-node', 'sharp', 'better-sqlite3']) {
      const m = report.modules.find((x) => x.name === name)!;
      expect(m.isOk, `${name}: ${m.detail}`).toBe(true);
      expect(m.version).toMatch(/^\d+\.\d+\.\d+/);
    }
    expect(report.modules.find((x) => x.name === 'sharp')!.detail).toMatch(/^libvips \d/);
    expect(report.modules.find((x) => x.name === 'better-sqlite3')!.detail).toMatch(/^SQLite 3\./);
    expect(report.modules.some((x) => x.name === 'electron')).toBe(true);

    expect(report.providers.checks.map((p) => p.name).sort()).toEqual([...PROVIDERS].sort());
    expect(report.providers.checks.find((p) => p.name === 'cpu')!.isOk).toBe(true);
    for (const p of report.providers.checks) expect(p.reason.length, p.name).toBeGreaterThan(0);
    // DirectML is Windows-only and CoreML macOS-only: here they must say why they are not used.
    if (process.platform === 'linux') {
      for (const name of ['dml', 'coreml']) expect(report.providers.checks.find((p) => p.name === name)!.isOk).toBe(false);
    }

    for (const entry of manifest.models) {
      const m = report.models.find((x) => x.id === entry.id);
      expect(m, entry.id).toBeDefined();
      expect(m!.checksum).toBe('ok');
      expect(m!.sha256).toBe(entry.sha256);
      expect(m!.bytes).toBe(entry.bytes);
      expect(PROVIDERS).toContain(m!.provider);
    }
    expect(report.models.find((x) => x.id === 'classical')!.checksum).toBe('builtin');
    expect(report.refused).toEqual([]);
    expect(report.folders.data).toBe(join(work, 'data'));
    expect(report.folders.hasLibrary).toBe(false);
    expect(report.folders.models).toBe(shipped);
  });

  it('prints a readable report naming the providers and the models', async () => {
    const r = await kintsugi(['doctor']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Kintsugi ${pkg.version}`);
    expect(r.stdout).toContain(`Node ${process.version}`);
    for (const p of PROVIDERS) expect(r.stdout).toMatch(new RegExp(`^  ${p} +(loads|no) `, 'm'));
    for (const entry of manifest.models) expect(r.stdout).toMatch(new RegExp(`^  ${entry.id}.*sha256 ok`, 'm'));
    expect(r.stdout).toContain('refused: none');
    expect(r.stdout).toContain('No problems found.');
  });

  it('reports a model whose file differs from the manifest and a user model it refuses, and exits 1', async () => {
    const smallest = [...manifest.models].sort((a, b) => a.bytes - b.bytes)[0]!;
    const dir = join(work, 'replaced');
    mkdirSync(dir);
    copyFileSync(join(shipped, smallest.file), join(dir, smallest.file));
    const entry = { ...manifest.models.find((m) => m.id === smallest.id)!, sha256: '0'.repeat(64) };
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ version: 1, defaults: {}, models: [entry] }));
    const user = join(work, 'user-broken');
    mkdirSync(user);
    writeFileSync(join(user, 'half-downloaded.onnx'), Buffer.from('not an onnx file'));

    const r = await kintsugi(['doctor', '--json'], { KINTSUGI_MODELS_DIR: dir, KINTSUGI_USER_MODELS: user });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as DoctorReport;
    expect(report.models.find((m) => m.id === smallest.id)!.checksum).toBe('mismatch');
    expect(report.refused.map((f) => f.file)).toEqual([join(user, 'half-downloaded.onnx')]);
    expect(report.problems.some((p) => p.includes(smallest.file) && p.includes('sha256'))).toBe(true);
    expect(report.problems.some((p) => p.includes('half-downloaded.onnx'))).toBe(true);
    // The providers are still probed, on the model that is there.
    expect(report.providers.probedWith).toBe(join(dir, smallest.file));
    expect(report.providers.checks.find((p) => p.name === 'cpu')!.isOk).toBe(true);
  });
});

describe('kintsugi --version', () => {
  it('names the app, Node, onnxruntime, sharp with libvips and better-sqlite3 with SQLite', async () => {
    const r = await kintsugi(['--version']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(`kintsugi ${pkg.version}`);
    expect(lines[1]).toContain(`node ${process.version}`);
    expect(r.stdout).toMatch(/^onnxruntime-node \d+\.\d+\.\d+$/m);
    expect(r.stdout).toMatch(/^sharp \d+\.\d+\.\d+ \(libvips \d/m);
    expect(r.stdout).toMatch(/^better-sqlite3 \d+\.\d+\.\d+ \(SQLite 3\./m);
  });

  // npm test builds before it runs vitest; from dist/ the package.json is one folder further up.
  it.skipIf(!existsSync(join(repoRoot, 'dist/main/cli/main.js')))('names the app version from the built CLI too', async () => {
    const r = await kintsugi(['--version'], { KINTSUGI_FROM_SOURCE: '' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(`kintsugi ${pkg.version}`);
  });
});
