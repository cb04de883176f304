/**
 * Electron main: only orchestration — the window, menus, dialogs and IPC. The library, sharp and the
 * engine live in the app service's worker thread (ServiceProxy); inference in the engine's own worker.
 */
import { app, BrowserWindow } from 'electron';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProjectSummary } from '../core/api/contract.js';
import { ServiceProxy } from '../node/app/service-proxy.js';
import { registerIpc } from './ipc.js';
import { installMenu } from './menu.js';
import { handleScheme, registerSchemePrivileges } from './protocol.js';
import { createMainWindow, hardenSession } from './window.js';

const here = fileURLToPath(new URL('.', import.meta.url)); // dist/main/electron/
const appRoot = resolve(here, '../../..');
const rendererDir = join(appRoot, 'dist', 'renderer');
const preload = join(appRoot, 'dist', 'main', 'preload', 'preload.cjs');
const modelsDir = app.isPackaged ? join(process.resourcesPath, 'models') : join(appRoot, 'models');

registerSchemePrivileges();
if (!app.requestSingleInstanceLock()) app.quit();

let win: BrowserWindow | null = null;
let service: ServiceProxy | null = null;

async function refreshMenu(): Promise<void> {
  const r = service ? await service.invoke('app:project.recent', { limit: 10 }) : null;
  installMenu(() => win, r?.ok ? (r.value as ProjectSummary[]) : []);
}

async function start(): Promise<void> {
  const dataDir = process.env.KINTSUGI_DATA_DIR ?? app.getPath('userData');
  service = await ServiceProxy.start({ dataDir, modelsDir, userModelsDir: join(dataDir, 'models') });
  hardenSession();
  handleScheme(rendererDir, service);
  registerIpc(service, () => win, () => void refreshMenu());
  if (!existsSync(preload)) console.error(`preload bundle missing at ${preload}: run npm run build:main`);
  win = createMainWindow(preload);
  win.on('closed', () => (win = null));
  await refreshMenu();
}

app.on('second-instance', () => {
  if (win) {
    if (win.isMinimized()) win.restore();
    win.focus();
  }
});
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('activate', () => {
  if (!win && service) win = createMainWindow(preload);
});
app.on('will-quit', () => {
  void service?.close();
});
app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (ev) => ev.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

app.whenReady().then(start, (e: unknown) => {
  console.error(e);
  app.exit(1);
});
