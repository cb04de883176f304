/**
 * Main's end of an upload over a MessagePort (see core/api/upload-protocol.ts): checks the declared size
 * against the cap before anything is read, then writes each chunk through the service as it arrives,
 * counting bytes itself (a renderer may lie about the size), and acknowledges it so the next is sent.
 * Nothing holds the whole file in memory. Electron-free, so it is tested with Node's MessageChannel.
 */
import type { UploadMessage, UploadReply } from '../../core/api/upload-protocol.js';
import type { UploadWriter } from './service.js';

/** Main's side of the port (Electron's MessagePortMain or Node's MessagePort, adapted). */
export interface ReceiverPort {
  onMessage(listener: (message: unknown) => void): void;
  onClose(listener: () => void): void;
  post(reply: UploadReply): void;
  close(): void;
}

/** Starts an upload in the service (AppService or its worker proxy). */
export type BeginUpload = (name: string) => Promise<UploadWriter>;

function fail(port: ReceiverPort, message: string, code: 'bad-input' | 'internal' = 'bad-input'): void {
  port.post({ type: 'result', result: { ok: false, error: { code, message } } });
  port.close();
}

/** Receives one upload on `port`; resolves when it has ended (finished, refused or abandoned). */
export function receiveUpload(port: ReceiverPort, meta: { name: string; size: unknown }, begin: BeginUpload, maxBytes: number): Promise<void> {
  const { name } = meta;
  const declared = typeof meta.size === 'number' && Number.isFinite(meta.size) && meta.size >= 0 ? meta.size : null;
  if (declared === null) {
    fail(port, `upload ${name}: the size is missing`);
    return Promise.resolve();
  }
  if (declared > maxBytes) {
    fail(port, `${name}: the upload is over the limit of ${Math.floor(maxBytes / (1024 * 1024))} MB`);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    let received = 0;
    let ended = false;
    const writer = begin(name);
    // Chunks are handled one at a time, in order; the first ack tells the sender to start.
    let chain: Promise<unknown> = writer.then(() => port.post({ type: 'ack' }));
    const end = (): void => {
      ended = true;
      resolve();
    };
    port.onClose(() => {
      if (ended) return;
      ended = true;
      void writer.then((w) => w.abort()).catch(() => undefined).finally(resolve);
    });
    port.onMessage((raw) => {
      chain = chain.then(async () => {
        if (ended) return;
        const m = raw as UploadMessage;
        const w = await writer;
        try {
          if (m?.type === 'chunk' && m.bytes instanceof ArrayBuffer) {
            received += m.bytes.byteLength;
            if (received > Math.min(maxBytes, declared)) {
              await w.abort();
              fail(port, `${name}: the upload is larger than it said or over the limit of ${Math.floor(maxBytes / (1024 * 1024))} MB`);
              return end();
            }
            await w.write(new Uint8Array(m.bytes));
            port.post({ type: 'ack' });
          } else if (m?.type === 'end') {
            const uploadId = await w.finish();
            port.post({ type: 'result', result: { ok: true, value: { uploadId } } });
            port.close();
            end();
          } else {
            await w.abort();
            fail(port, `upload ${name}: expected chunks of bytes`);
            end();
          }
        } catch (e) {
          await w.abort().catch(() => undefined);
          fail(port, (e as Error).message ?? String(e), (e as { code?: string }).code === 'bad-input' ? 'bad-input' : 'internal');
          end();
        }
      }).catch((e: unknown) => {
        // beginUpload itself failed (disk full, data folder gone)
        if (!ended) {
          fail(port, `upload ${name}: ${(e as Error).message ?? String(e)}`, 'internal');
          end();
        }
      });
    });
  });
}
