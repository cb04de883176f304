/**
 * The sandboxed preload: exposes `window.kintsugi`, one named, argument-validated method per contract
 * channel (never raw ipcRenderer, never a generic invoke), an event subscription, and uploads that send
 * bytes over a MessagePort. Bundled to CommonJS (preload.cjs) because sandboxed preloads cannot import.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildInvokeObject, type PreloadBridge } from '../core/api/bridge.js';
import { EVENT_CHANNEL, UPLOAD_CHANNEL, type ApiResult, type AppEvent } from '../core/api/contract.js';

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
  upload(bytes: ArrayBuffer, name: string): Promise<ApiResult<{ uploadId: string }>> {
    if (!(bytes instanceof ArrayBuffer)) {
      return Promise.resolve({ ok: false, error: { code: 'bad-input', message: 'upload: expected an ArrayBuffer' } });
    }
    const { port1, port2 } = new MessageChannel();
    return new Promise((resolve) => {
      port1.onmessage = (m: MessageEvent) => {
        resolve(m.data as ApiResult<{ uploadId: string }>);
        port1.close();
      };
      ipcRenderer.postMessage(UPLOAD_CHANNEL, { name: String(name).slice(0, 255) }, [port2]);
      port1.postMessage(bytes, [bytes]);
    });
  },
};

contextBridge.exposeInMainWorld('kintsugi', bridge);
