/**
 * Uploads (a dropped photo, an imported mask): streamed to disk chunk by chunk under a size cap, never
 * held in memory whole, and named from then on by the id `photo.open` / `mask-import` take.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DEFAULT_MAX_UPLOAD_BYTES } from '../../core/api/upload-protocol.js';
import { badInput } from '../../core/errors.js';

/** An upload being streamed to disk chunk by chunk; nothing holds the whole file in memory. */
export interface UploadWriter {
  /** Appends a chunk; rejects (and removes what was written) past the size cap. */
  write(chunk: Uint8Array): Promise<void>;
  /** Ends the upload; resolves with the id `photo.open` / `mask-import` take. */
  finish(): Promise<string>;
  /** Drops a partial upload. */
  abort(): Promise<void>;
}

/** Finished uploads by id, in `dir`. */
export class UploadStore {
  private readonly byId = new Map<string, { path: string; name: string }>();

  constructor(
    private readonly dir: string,
    private readonly maxBytes: number = DEFAULT_MAX_UPLOAD_BYTES,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /** A finished upload: where its bytes are and the (sanitised) name it came with. */
  get(id: string): { path: string; name: string } | undefined {
    return this.byId.get(id);
  }

  /** Streams an upload to disk (HTTP body, MessagePort chunks) under the size cap. */
  async putStream(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, name: string): Promise<string> {
    const writer = await this.begin(name);
    try {
      for await (const chunk of chunks) await writer.write(chunk);
    } catch (e) {
      await writer.abort();
      throw e;
    }
    return writer.finish();
  }

  /** Starts an upload written chunk by chunk (the Electron port and its worker use this directly). */
  async begin(name: string): Promise<UploadWriter> {
    const id = `u${randomUUID().replace(/-/g, '')}`;
    const safe = basename(name).replace(/[^\w.\- ()]+/g, '_').slice(0, 120) || 'upload';
    const dir = join(this.dir, id);
    mkdirSync(dir, { recursive: true });
    const path = join(dir, safe);
    const fh = await open(path, 'wx');
    const cap = this.maxBytes;
    let size = 0;
    let ended = false;
    const drop = async (): Promise<void> => {
      if (ended) return;
      ended = true;
      await fh.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    };
    return {
      write: async (chunk) => {
        if (ended) throw badInput(name, 'the upload has already ended');
        size += chunk.byteLength;
        if (size > cap) {
          await drop();
          throw Object.assign(badInput(name, `the upload is over the limit of ${Math.floor(cap / (1024 * 1024))} MB`), { status: 413 });
        }
        await fh.write(chunk);
      },
      finish: async () => {
        if (ended) throw badInput(name, 'the upload has already ended');
        if (size === 0) {
          await drop();
          throw badInput(name, 'the upload is empty');
        }
        ended = true;
        await fh.close();
        this.byId.set(id, { path, name: safe });
        return id;
      },
      abort: drop,
    };
  }

  /** Removes an upload's stored copy (unused uploads of a closed session). */
  async drop(id: string): Promise<void> {
    if (!this.byId.has(id)) return;
    this.byId.delete(id);
    await rm(join(this.dir, id), { recursive: true, force: true });
  }
}
