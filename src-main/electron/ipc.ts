/**
 * IPC handlers: one `ipcMain.handle` per contract channel. Each call is checked in order — known channel,
 * sender is our window's main frame on kintsugi://app, arguments parse — then runs in the service worker.
 * Channels that need a native dialog get their paths here, in main; the renderer never supplies them.
 */
import { BrowserWindow, dialog, ipcMain, type IpcMainEvent, type IpcMainInvokeEvent, type WebFrameMain } from 'electron';
import { CHANNELS, EVENT_CHANNEL, UPLOAD_CHANNEL, type ApiResult, type Channel, type ExportResult } from '../core/api/contract.js';
import { isTrustedSender, validateIpcCall, type SenderInfo, type TrustedSenders } from '../core/api/validate.js';
import type { HostContext } from '../node/app/service.js';
import type { ServiceProxy } from '../node/app/service-proxy.js';
import { APP_ORIGIN } from './csp.js';

const PHOTO_FILTERS = [{ name: 'Photos', extensions: ['jpg', 'jpeg', 'png', 'tif', 'tiff', 'webp', 'avif', 'heic', 'heif', 'gif'] }];

function senderOf(e: IpcMainInvokeEvent | IpcMainEvent): SenderInfo | null {
  const frame: WebFrameMain | null = e.senderFrame;
  if (!frame) return null;
  return { webContentsId: e.sender.id, isMainFrame: frame === e.sender.mainFrame, url: frame.url };
}

/** The windows whose main frames may call us. */
export function trustedSenders(): TrustedSenders {
  return { webContentsIds: new Set(BrowserWindow.getAllWindows().map((w) => w.webContents.id)), origins: [APP_ORIGIN] };
}

async function withDialogs(channel: Channel, args: Record<string, unknown>, win: BrowserWindow | null): Promise<HostContext | null> {
  const parent = win ?? undefined;
  if (channel === 'app:photo.openDialog') {
    const r = parent
      ? await dialog.showOpenDialog(parent, { properties: ['openFile'], filters: PHOTO_FILTERS })
      : await dialog.showOpenDialog({ properties: ['openFile'], filters: PHOTO_FILTERS });
    return r.canceled || !r.filePaths[0] ? null : { openPath: r.filePaths[0] };
  }
  if (channel === 'app:batch.start') {
    const host: HostContext = {};
    if (!args.inputDir) {
      const r = await dialog.showOpenDialog({ title: 'Folder of photos to restore', properties: ['openDirectory'] });
      if (r.canceled || !r.filePaths[0]) return null;
      host.inputDir = r.filePaths[0];
    }
    if (!args.outputDir) {
      const r = await dialog.showOpenDialog({ title: 'Folder for the restored copies', properties: ['openDirectory', 'createDirectory'] });
      if (r.canceled || !r.filePaths[0]) return null;
      host.outputDir = r.filePaths[0];
    }
    if (args.pickMasks && !args.masksDir) {
      const r = await dialog.showOpenDialog({ title: 'Folder of masks (white = damage), matched to photos by name', properties: ['openDirectory'] });
      if (r.canceled || !r.filePaths[0]) return null;
      host.masksDir = r.filePaths[0];
    }
    return host;
  }
  return {};
}

/** Channels after which the library's recent list may have changed (File ▸ Open Recent follows it). */
const CHANGES_PROJECTS = new Set<Channel>(['app:photo.open', 'app:photo.openDialog', 'app:project.open', 'app:project.save']);

/** Registers every contract channel plus the upload port and the event forwarding. */
export function registerIpc(service: ServiceProxy, getWindow: () => BrowserWindow | null, onProjectsChanged: () => void = () => undefined): () => void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, async (event, args: unknown): Promise<ApiResult<unknown>> => {
      const checked = validateIpcCall(channel, senderOf(event), trustedSenders(), args);
      if (!checked.ok) return checked;
      const win = BrowserWindow.fromWebContents(event.sender);
      const host = await withDialogs(channel, checked.args as Record<string, unknown>, win);
      if (host === null) return channel === 'app:photo.openDialog' ? { ok: true, value: null } : { ok: false, error: { code: 'cancelled', message: 'Cancelled' } };
      const result = await service.invoke(channel, checked.args, host);
      if (result.ok && CHANGES_PROJECTS.has(channel)) onProjectsChanged();
      if ((channel === 'app:export.save' || channel === 'app:compare.export') && result.ok) {
        const exp = result.value as ExportResult;
        const r = win
          ? await dialog.showSaveDialog(win, { defaultPath: exp.fileName })
          : await dialog.showSaveDialog({ defaultPath: exp.fileName });
        if (r.canceled || !r.filePath) return { ok: false, error: { code: 'cancelled', message: 'Export cancelled' } };
        return service.saveExport(exp.blobId, r.filePath);
      }
      return result;
    });
  }

  // Uploads: the renderer transfers an ArrayBuffer over a MessagePort; the reply comes back on it.
  const onUpload = (event: IpcMainEvent, meta: unknown): void => {
    const port = event.ports[0];
    if (!port) return;
    if (!isTrustedSender(senderOf(event), trustedSenders())) {
      port.postMessage({ ok: false, error: { code: 'bad-input', message: 'upload refused: not from the app window' } });
      port.close();
      return;
    }
    const name = typeof (meta as { name?: unknown })?.name === 'string' ? (meta as { name: string }).name.slice(0, 255) : 'upload';
    port.once('message', (m) => {
      const data = m.data as unknown;
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
      const reply = bytes
        ? service.putUpload(bytes, name).then(
            (uploadId) => ({ ok: true, value: { uploadId } }),
            (e: unknown) => ({ ok: false, error: { code: (e as { code?: string }).code === 'bad-input' ? 'bad-input' : 'internal', message: (e as Error).message } }),
          )
        : Promise.resolve({ ok: false, error: { code: 'bad-input', message: `upload ${name}: expected bytes` } });
      void reply.then((r) => {
        port.postMessage(r);
        port.close();
      });
    });
    port.start();
  };
  ipcMain.on(UPLOAD_CHANNEL, onUpload);

  const off = service.subscribe((e) => {
    const win = getWindow();
    if (win && !win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, e);
  });
  return () => {
    off();
    ipcMain.off(UPLOAD_CHANNEL, onUpload);
    for (const c of CHANNELS) ipcMain.removeHandler(c);
  };
}
