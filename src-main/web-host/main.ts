/**
 * `npm start` without Electron, and the e2e tests' server: opens the library, starts the app service with
 * the real engine and serves the renderer on 127.0.0.1, printing the URL with its token.
 *
 *   tsx src-main/web-host/main.ts [--port 0] [--data-dir DIR] [--static dist/renderer] [--models DIR]
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { AppService } from '../node/app/service.js';
import { createAppService } from '../node/app/setup.js';
import { defaultDataDir } from '../node/store/library.js';
import { startWebHost, type WebHost } from './server.js';

/** The app folder (holding package.json): src-main/web-host/ from source, dist/main/web-host/ when built. */
function findRoot(): string {
  let dir = fileURLToPath(new URL('.', import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
const repoRoot = findRoot();

/** Options of {@link launchWebHost}. */
export interface LaunchOptions {
  port?: number;
  dataDir?: string;
  staticDir?: string;
  modelsDir?: string;
  token?: string;
}

/** Creates the service + host; the caller owns `close()`. */
export async function launchWebHost(opts: LaunchOptions = {}): Promise<{ host: WebHost; service: AppService; close(): Promise<void> }> {
  const service = await createAppService({
    dataDir: resolve(opts.dataDir ?? defaultDataDir()),
    modelsDir: resolve(opts.modelsDir ?? join(repoRoot, 'models')),
  });
  const staticDir = opts.staticDir ?? join(repoRoot, 'dist', 'renderer');
  const host = await startWebHost({
    service,
    port: opts.port ?? 0,
    ...(existsSync(staticDir) ? { staticDir } : {}),
    ...(opts.token ? { token: opts.token } : {}),
  });
  return {
    host,
    service,
    close: async () => {
      await host.close();
      await service.close();
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'data-dir': { type: 'string' },
      static: { type: 'string' },
      models: { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port: ${values.port} is not a port number`);
    process.exit(1);
  }
  const launched = await launchWebHost({
    port,
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    ...(values.static ? { staticDir: values.static } : {}),
    ...(values.models ? { modelsDir: values.models } : {}),
  });
  if (!launched.host.server.listening) process.exit(2);
  const staticNote = existsSync(values.static ?? join(repoRoot, 'dist', 'renderer')) ? '' : ' (renderer not built: run npm run build:renderer)';
  console.log(`Kintsugi is running at ${launched.host.url}${staticNote}`);
  const stop = (): void => {
    void launched.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error((e as Error).message ?? e);
    process.exit(1);
  });
}
