/**
 * The sandboxed preload: exposes `window.kintsugi`, one named, argument-validated method per contract
 * channel (never raw ipcRenderer, never a generic invoke), an event subscription, and uploads that stream
 * a file over a MessagePort in acknowledged chunks. Bundled to CommonJS (preload.cjs) because sandboxed preloads cannot import.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildInvokeObject, type PreloadBridge } from '../core/api/bridge.js';
import { EVENT_CHANNEL, UPLOAD_CHANNEL, type ApiResult, type AppEvent } from '../core/api/contract.js';
import { sendUpload, type UploadReply } from '../core/api/upload-protocol.js';

const invoke = buildInvokeObject((channel, args) => ipcRenderer.invoke(channel, args) as Promise<ApiResult<unknown>>);

const bridge: PreloadBridge = {
  ...invoke,
  host: 'electron',
  subscribe(listener: (e: AppEvent) => void): () => void {
    const handler = (_e: IpcRendererEvent, event: AppEvent): void => listener(event);
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    };
  },
  upload(name: string, size: number, read: (offset: number, length: number) => Promise<ArrayBuffer>): Promise<ApiResult<{ uploadId: string }>> {
    if (typeof read !== 'function' || !Number.isFinite(size) || size < 0) {
      return Promise.resolve({ ok: false, error: { code: 'bad-input', message: 'upload: expected a size and a reader' } });
    }
    const { port1, port2 } = new MessageChannel();
    ipcRenderer.postMessage(UPLOAD_CHANNEL, { name: String(name).slice(0, 255), size }, [port2]);
    return sendUpload(
      {
        post: (m, transfer) => port1.postMessage(m, transfer ?? []),
        onReply: (listener) => {
          port1.onmessage = (m: MessageEvent) => listener(m.data as UploadReply);
        },
        close: () => port1.close(),
      },
      size,
      async (offset, length) => {
        const bytes = await read(offset, length);
        if (!(bytes instanceof ArrayBuffer)) throw new Error('expected bytes');
        return bytes;
      },
    );
  },
};

contextBridge.exposeInMainWorld('kintsugi', bridge);
