/**
 * What `kintsugi doctor` reports, gathered for pasting into bug reports: the versions of the app, Node and
 * the native modules (each loaded for real: a module that fails to load is reported, not fatal), which
 * execution providers create a session here and why the others do not, which models were found (with their
 * checksums against the manifest) and which were refused, the folders in use, whether Electron is
 * installed, and the tools `npm test` needs. Every problem that stops Kintsugi working is listed in
 * `problems`.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DEVICES, type Device } from '../core/image.js';
import type { Engine, ModelInfo } from './engine.js';
import type { RejectedModel } from './models/registry.js';
import { appVersion, packageVersion } from './versions.js';

const require = createRequire(import.meta.url);

/** A native module (or Electron): its version when it loaded, else why it did not. */
export interface ModuleCheck {
  name: string;
  isOk: boolean;
  version?: string;
  /** What it links or found: libvips / SQLite versions, the Electron binary; or the load error. */
  detail: string;
}

/** One execution provider: whether a session could be created on it here, and the reason. */
export interface ProviderCheck {
  name: Exclude<Device, 'auto'>;
  isOk: boolean;
  reason: string;
}

/** A model found by the registry, with the checksum of its file compared to the manifest's. */
export interface ModelCheck {
  id: string;
  task: ModelInfo['task'];
  source: ModelInfo['source'];
  isDefault: boolean;
  file: string | null;
  bytes: number;
  /** The file's sha256 (absent for the built-in classical fill). */
  sha256?: string;
  /** `ok` / `mismatch` against the manifest or sidecar; `unlisted` when they give none. */
  checksum: 'ok' | 'mismatch' | 'unlisted' | 'builtin';
  provider?: string;
  providerReason?: string;
}

/** A tool only `npm test` needs (Python with the training stack, Chromium). */
export interface ToolCheck {
  name: string;
  path: string;
  isOk: boolean;
  detail: string;
}

/** The whole report, as `kintsugi doctor --json` prints it. */
export interface DoctorReport {
  app: { version: string };
  node: { version: string; platform: string; arch: string; abi: string };
  modules: ModuleCheck[];
  providers: { probedWith: string | null; checks: ProviderCheck[] };
  models: ModelCheck[];
  refused: RejectedModel[];
  folders: { models: string; userModels: string; data: string; library: string; hasLibrary: boolean };
  testTools: ToolCheck[];
  problems: string[];
}

/** Where the engine looks, passed in so the report shows the folders actually used. */
export interface DoctorOptions {
  modelsDir: string;
  userModelsDir: string;
  env?: NodeJS.ProcessEnv;
}

function firstLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n').map((l) => l.trim()).find(Boolean)?.slice(0, 300) ?? 'unknown error';
}

async function checkModule(name: string, probe: () => Promise<string>): Promise<ModuleCheck> {
  const version = packageVersion(name);
  try {
    return { name, isOk: true, ...(version ? { version } : {}), detail: await probe() };
  } catch (e) {
    return { name, isOk: false, ...(version ? { version } : {}), detail: firstLine(e) };
  }
}

/** onnxruntime-node, sharp and better-sqlite3, each loaded and exercised once. */
async function checkNativeModules(): Promise<ModuleCheck[]> {
  return [
    await checkModule('onnxruntime-node', async () => {
      const ort = await import('onnxruntime-node');
      const backends = ort.listSupportedBackends().map((b) => `${b.name}${b.bundled ? '' : ' (libraries not bundled)'}`);
      return `runtime ${ort.env.versions.common}; built with ${backends.join(', ')}`;
    }),
    await checkModule('sharp', async () => {
      const sharp = (await import('sharp')).default;
      const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#808080' } }).png().toBuffer();
      const meta = await sharp(png).metadata();
      if (meta.width !== 2) throw new Error('sharp could not read back a PNG it wrote');
      return `libvips ${sharp.versions.vips}`;
    }),
    await checkModule('better-sqlite3', async () => {
      const Database = (await import('better-sqlite3')).default;
      const db = new Database(':memory:');
      try {
        return `SQLite ${(db.prepare('select sqlite_version() as v').get() as { v: string }).v}`;
      } finally {
        db.close();
      }
    }),
  ];
}

/** The electron package and its downloaded binary (without loading Electron's API). */
function checkElectron(): ModuleCheck {
  let pkg: string;
  try {
    pkg = require.resolve('electron/package.json');
  } catch {
    return { name: 'electron', isOk: false, detail: 'not installed (optional: `npm start` serves the app to a browser instead)' };
  }
  const version = packageVersion('electron');
  const dir = dirname(pkg);
  const pathFile = join(dir, 'path.txt');
  const bin = existsSync(pathFile) ? join(dir, 'dist', readFileSync(pathFile, 'utf8').trim()) : undefined;
  if (!bin || !existsSync(bin)) {
    return { name: 'electron', isOk: false, ...(version ? { version } : {}), detail: 'package installed but its binary was not downloaded' };
  }
  return { name: 'electron', isOk: true, ...(version ? { version } : {}), detail: bin };
}

/**
 * Tries each provider on its own with one small model. `createSession` falls back to the CPU for an
 * explicit device, so a provider works only when the session it returns runs on that provider.
 */
async function checkProviders(file: string | null): Promise<ProviderCheck[]> {
  const names = DEVICES.filter((d): d is Exclude<Device, 'auto'> => d !== 'auto');
  if (!file) return names.map((name) => ({ name, isOk: false, reason: 'not probed: no ONNX model was found' }));
  const { createSession } = await import('./inference/providers.js');
  const out: ProviderCheck[] = [];
  for (const name of names) {
    try {
      const s = await createSession(file, name, 1);
      await s.session.release();
      const isOk = s.provider === name;
      let reason = isOk ? 'a session was created' : s.reason.replace(/; using cpu$/, '').replace(new RegExp(`^${name}: `), '');
      if (!isOk && name === 'cuda' && /not installed/.test(reason)) reason += '; `npm run setup:cuda` downloads them';
      out.push({ name, isOk, reason });
    } catch (e) {
      out.push({ name, isOk: false, reason: firstLine(e) });
    }
  }
  return out;
}

function sha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => h.update(d))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

async function checkModels(models: ModelInfo[]): Promise<ModelCheck[]> {
  const out: ModelCheck[] = [];
  for (const m of models) {
    const row: ModelCheck = {
      id: m.id, task: m.task, source: m.source, isDefault: m.isDefault, file: m.file, bytes: m.bytes, checksum: 'builtin',
      ...(m.provider ? { provider: m.provider } : {}),
      ...(m.providerReason ? { providerReason: m.providerReason } : {}),
    };
    if (m.file) {
      row.sha256 = await sha256(m.file);
      row.checksum = !m.sha256 ? 'unlisted' : m.sha256.toLowerCase() === row.sha256 ? 'ok' : 'mismatch';
    }
    out.push(row);
  }
  return out;
}

/** /usr/bin/python3 with the training stack and /usr/bin/chromium: the paths the test suite uses. */
function checkTestTools(): ToolCheck[] {
  const python = '/usr/bin/python3';
  const chromium = '/usr/bin/chromium';
  const tools: ToolCheck[] = [];
  if (!existsSync(python)) {
    tools.push({ name: 'python3', path: python, isOk: false, detail: 'not found' });
  } else {
    const probe = [
      'import importlib.util as u, platform',
      'missing = [n for n in ("torch", "onnx", "cv2", "skimage") if u.find_spec(n) is None]',
      'print("Python " + platform.python_version() + ("; missing " + " ".join(missing) if missing else "; torch onnx cv2 skimage found"))',
    ].join('\n');
    const r = spawnSync(python, ['-c', probe], { encoding: 'utf8', timeout: 20_000 });
    const line = r.stdout?.trim() || firstLine(r.error ?? r.stderr);
    tools.push({ name: 'python3', path: python, isOk: r.status === 0 && !line.includes('missing'), detail: line });
  }
  if (!existsSync(chromium)) {
    tools.push({ name: 'chromium', path: chromium, isOk: false, detail: 'not found' });
  } else {
    const r = spawnSync(chromium, ['--version'], { encoding: 'utf8', timeout: 20_000 });
    tools.push({ name: 'chromium', path: chromium, isOk: r.status === 0, detail: r.stdout?.trim() || firstLine(r.error ?? r.stderr) });
  }
  return tools;
}

/** Gathers the report; `engine` supplies the models (and the provider each runs on, in its worker). */
export async function collectDoctorReport(engine: Engine, opts: DoctorOptions): Promise<DoctorReport> {
  const env = opts.env ?? process.env;
  const modules = [...(await checkNativeModules()), checkElectron()];
  const ortOk = modules[0]!.isOk;
  const listed = await engine.listModels({ resolveProviders: ortOk });
  const models = await checkModels(listed);
  const smallest = listed.filter((m) => m.file).sort((a, b) => a.bytes - b.bytes)[0];
  const probeFile = ortOk ? (smallest?.file ?? null) : null;
  const checks = ortOk
    ? await checkProviders(probeFile)
    : DEVICES.filter((d): d is Exclude<Device, 'auto'> => d !== 'auto').map((name) => ({ name, isOk: false, reason: 'onnxruntime-node did not load' }));
  // The store module loads better-sqlite3 as it is imported: a broken build must not end the report.
  let data = 'unknown (the store module did not load)';
  let library = '';
  try {
    const store = await import('./store/library.js');
    data = store.defaultDataDir(env);
    library = store.libraryFile(data);
  } catch {
    // better-sqlite3's failure is already in `modules`.
  }

  const problems: string[] = [];
  for (const m of modules) if (!m.isOk && m.name !== 'electron') problems.push(`${m.name} does not load: ${m.detail}`);
  if (probeFile && !checks.find((c) => c.name === 'cpu')?.isOk) problems.push('onnxruntime cannot create a CPU session');
  for (const m of models) if (m.checksum === 'mismatch') problems.push(`${m.file}: sha256 differs from the manifest (replaced or damaged)`);
  for (const r of engine.rejectedModels) problems.push(`refused model ${r.reason.startsWith(r.file) ? r.reason : `${r.file}: ${r.reason}`}`);

  return {
    app: { version: appVersion() },
    node: { version: process.version, platform: process.platform, arch: process.arch, abi: process.versions.modules },
    modules,
    providers: { probedWith: probeFile, checks },
    models,
    refused: [...engine.rejectedModels],
    folders: { models: opts.modelsDir, userModels: opts.userModelsDir, data, library, hasLibrary: library !== '' && existsSync(library) },
    testTools: checkTestTools(),
    problems,
  };
}
