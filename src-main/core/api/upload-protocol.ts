/**
 * How a dropped or picked file travels from the Electron renderer to main without ever being held whole
 * in memory: over a MessagePort, in chunks, each acknowledged before the next is read, so main (and the
 * service worker behind it) writes the upload to disk as it arrives and can stop it at the size cap.
 *
 *   renderer                        main
 *   begin {name, size}  ── ipc ──►  refuses a declared size over the cap at once, else ◄── ack (go ahead)
 *   chunk (ArrayBuffer) ── port ──► written to disk ──► ack
 *   …
 *   end                 ── port ──► finished ──► result {ok, value: {uploadId}} | {ok:false, error}
 *
 * Pure TypeScript: the preload bundles the sender, main uses the message types.
 */
import type { ApiResult } from './contract.js';

/** Default cap on one upload: a 200 MP 16-bit TIFF fits, a runaway stream does not. */
export const DEFAULT_MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;

/** Bytes per chunk: small enough to keep memory flat, large enough that acks cost little. */
export const UPLOAD_CHUNK_BYTES = 1024 * 1024;

/** Renderer → main over the port. */
export type UploadMessage = { type: 'chunk'; bytes: ArrayBuffer } | { type: 'end' };
/** Main → renderer over the port. */
export type UploadReply = { type: 'ack' } | { type: 'result'; result: ApiResult<{ uploadId: string }> };

/** The part of a MessagePort the sender needs (DOM MessagePort in the preload; any port in tests). */
export interface UploadPort {
  post(message: UploadMessage, transfer?: ArrayBuffer[]): void;
  onReply(listener: (reply: UploadReply) => void): void;
  close(): void;
}

/**
 * Sends `size` bytes read through `read(offset, length)` chunk by chunk, reading each only after main's
 * ack (the first ack is main's go-ahead), and resolves with main's result (which may come early: a
 * refusal at the cap ends the upload before anything more is read).
 */
export function sendUpload(
  port: UploadPort,
  size: number,
  read: (offset: number, length: number) => Promise<ArrayBuffer>,
): Promise<ApiResult<{ uploadId: string }>> {
  return new Promise((resolve) => {
    let offset = 0;
    let done = false;
    const finish = (r: ApiResult<{ uploadId: string }>): void => {
      if (done) return;
      done = true;
      port.close();
      resolve(r);
    };
    const next = async (): Promise<void> => {
      if (done) return;
      if (offset >= size) {
        port.post({ type: 'end' });
        return;
      }
      try {
        const bytes = await read(offset, Math.min(UPLOAD_CHUNK_BYTES, size - offset));
        if (bytes.byteLength === 0) throw new Error('the file ended early');
        offset += bytes.byteLength;
        port.post({ type: 'chunk', bytes }, [bytes]);
      } catch (e) {
        finish({ ok: false, error: { code: 'bad-input', message: `upload: cannot read the file (${e instanceof Error ? e.message : String(e)})` } });
      }
    };
    port.onReply((reply) => {
      if (reply.type === 'ack') void next();
      else finish(reply.result);
    });
  });
}
