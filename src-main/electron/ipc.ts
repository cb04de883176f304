/**
 * IPC handlers: one `ipcMain.handle` per contract channel, each running the call through the one
 * dispatcher both hosts share (node/app/host-dispatch.ts): known channel, sender is our window's main
 * frame on kintsugi://app, arguments parse, then the channel's host needs — main's own native dialogs give
 * the paths, the channel that would take one from a page is refused — and the service worker runs it.
 */
import { BrowserWindow, dialog, ipcMain, type IpcMainEvent, type IpcMainInvokeEvent, type WebFrameMain } from 'electron';
import { CHANNELS, EVENT_CHANNEL, UPLOAD_CHANNEL } from '../core/api/contract.js';
import { DEFAULT_MAX_UPLOAD_BYTES } from '../core/api/upload-protocol.js';
import { isTrustedSender, type SenderInfo, type TrustedSenders } from '../core/api/validate.js';
import { failure } from '../core/api/wire.js';
import { dispatch, type HostDialogs } from '../node/app/host-dispatch.js';
import type { ServiceProxy } from '../node/app/service-proxy.js';
import { receiveUpload } from '../node/app/upload-receiver.js';
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

const FOLDER_TITLES = {
  photos: 'Folder of photos to restore',
  output: 'Folder for the restored copies',
  masks: 'Folder of masks (white = damage), matched to photos by name',
} as const;

/** Main's native dialogs: the only source of the paths the service acts on. */
function dialogsFor(win: BrowserWindow | null): HostDialogs {
  const show = (opts: Electron.OpenDialogOptions) => (win ? dialog.showOpenDialog(win, opts) : dialog.showOpenDialog(opts));
  return {
    saveExport: async (fileName) => {
      const r = win ? await dialog.showSaveDialog(win, { defaultPath: fileName }) : await dialog.showSaveDialog({ defaultPath: fileName });
      return r.canceled || !r.filePath ? null : r.filePath;
    },
    openPhoto: async () => {
      const r = await show({ properties: ['openFile'], filters: PHOTO_FILTERS });
      return r.canceled || !r.filePaths[0] ? null : r.filePaths[0];
    },
    chooseFolder: async (purpose) => {
      const r = await show({ title: FOLDER_TITLES[purpose], properties: purpose === 'output' ? ['openDirectory', 'createDirectory'] : ['openDirectory'] });
      return r.canceled || !r.filePaths[0] ? null : r.filePaths[0];
    },
  };
}

/** Registers every contract channel plus the upload port and the event forwarding. */
export function registerIpc(service: ServiceProxy, getWindow: () => BrowserWindow | null, onProjectsChanged: () => void = () => undefined): () => void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, (event, args: unknown) =>
      dispatch(service, channel, args, {
        isTrustedCaller: () => isTrustedSender(senderOf(event), trustedSenders()),
        dialogs: dialogsFor(BrowserWindow.fromWebContents(event.sender)),
        onProjectsChanged,
      }),
    );
  }

  // Uploads: the renderer streams the file over a MessagePort in acknowledged chunks (upload-protocol.ts);
  // each is written to disk as it arrives, under the cap, so no process holds the whole file.
  const onUpload = (event: IpcMainEvent, meta: unknown): void => {
    const port = event.ports[0];
    if (!port) return;
    if (!isTrustedSender(senderOf(event), trustedSenders())) {
      port.postMessage({ type: 'result', result: failure('upload refused: not from the app window') });
      port.close();
      return;
    }
    const m = meta as { name?: unknown; size?: unknown } | null;
    const name = typeof m?.name === 'string' ? m.name.slice(0, 255) : 'upload';
    void receiveUpload(
      {
        onMessage: (listener) => port.on('message', (e) => listener(e.data)),
        onClose: (listener) => port.on('close', listener),
        post: (reply) => port.postMessage(reply),
        close: () => port.close(),
      },
      { name, size: m?.size },
      (n) => service.beginUpload(n),
      DEFAULT_MAX_UPLOAD_BYTES,
    );
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
