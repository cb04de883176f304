/**
 * Exports: the result (in the original's format and metadata by default), the mask, or a before/after
 * comparison, written into the library's exports folder and served by id; a host with a Save dialog also
 * has them copied where the person chose. One write guard: an export never replaces an original photo or
 * the library, and never lands inside the library folder.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { ApiResult, ExportResult } from '../../core/api/contract.js';
import { failure, toFailure } from '../../core/api/wire.js';
import { badInput, isKintsugiError } from '../../core/errors.js';
import type { Raster } from '../../core/image.js';
import { writeFileAtomic } from '../atomic-write.js';
import { encodeImage, readImage, type ImageFormat } from '../image-io.js';
import { relateFolders, WriteGuard, type ProtectedFile } from '../output-guard.js';
import type { AppContext, HandlersFor } from './context.js';
import type { HostContext } from './host-dispatch.js';

const CONTENT_TYPES: Record<string, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  tiff: 'image/tiff',
  webp: 'image/webp',
  avif: 'image/avif',
  gif: 'image/gif',
  heif: 'image/heif',
  html: 'text/html; charset=utf-8',
};
const EXTENSIONS: Record<string, string> = { jpeg: 'jpg', png: 'png', tiff: 'tif', webp: 'webp', avif: 'avif', gif: 'gif' };

/** A stored export, as a blob read serves it. */
export interface StoredExport {
  path: string;
  fileName: string;
  contentType: string;
}

/** Exports by id, in `dir`; `protectedFiles` lists what no export may replace (asked at each write). */
export class ExportStore {
  private readonly byId = new Map<string, StoredExport>();

  constructor(
    private readonly dir: string,
    private readonly dataDir: string,
    private readonly protectedFiles: () => ProtectedFile[],
  ) {
    mkdirSync(dir, { recursive: true });
  }

  get(id: string): StoredExport | undefined {
    return this.byId.get(id);
  }

  /** Stores an export and, when the host chose a Save target, writes it there too. */
  async add(bytes: Buffer, fileName: string, format: ExportResult['format'], host: HostContext): Promise<ExportResult> {
    const id = `export-${randomUUID().replace(/-/g, '')}`;
    const dir = join(this.dir, id);
    mkdirSync(dir, { recursive: true });
    const path = join(dir, fileName);
    await (await this.guard()).check(path, 'export');
    await writeFileAtomic(path, bytes);
    this.byId.set(id, { path, fileName, contentType: CONTENT_TYPES[format] ?? 'application/octet-stream' });
    let savedTo: string | null = null;
    if (host.savePath) {
      const target = resolve(host.savePath);
      await this.checkSaveTarget(target);
      await writeFileAtomic(target, bytes);
      savedTo = target;
    }
    return { blobId: id, fileName, path: savedTo, bytes: bytes.byteLength, format };
  }

  /** Copies an export to a path the host chose in its Save dialog (atomic; never over an original). */
  async save(exportId: string, path: string): Promise<ApiResult<ExportResult>> {
    const exp = this.byId.get(exportId);
    if (!exp) return failure(`no export ${exportId}`);
    const target = resolve(path);
    try {
      await this.checkSaveTarget(target);
      const bytes = await readFile(exp.path);
      await writeFileAtomic(target, bytes);
      const format = (exp.contentType.split(';')[0]!.split('/')[1] ?? 'png') as ExportResult['format'];
      return { ok: true, value: { blobId: exportId, fileName: exp.fileName, path: target, bytes: bytes.byteLength, format } };
    } catch (e) {
      if (isKintsugiError(e)) return toFailure(e);
      return toFailure(badInput(target, `cannot write the export (${(e as Error).message})`));
    }
  }

  private guard(): Promise<WriteGuard> {
    return WriteGuard.create(this.protectedFiles());
  }

  /** Refuses a Save target that is an original, the library, or anything in the data folder. */
  private async checkSaveTarget(target: string): Promise<void> {
    await (await this.guard()).check(target, 'export');
    const where = await relateFolders(dirname(target), this.dataDir);
    if (where === 'same' || where === 'inside') {
      throw badInput(target, `the export would go inside Kintsugi's library folder ${this.dataDir}; choose another folder`);
    }
  }
}

/** export.save and compare.export: what the open photo looks like at the cursor, as a file. */
export function exportHandlers(ctx: AppContext): HandlersFor<'app:export.save' | 'app:compare.export'> {
  return {
    'app:export.save': async (a, host) => {
      const s = ctx.requireSession();
      const format = (a.format ?? (s.decoded.format === 'heif' ? 'png' : s.decoded.format)) as ImageFormat;
      const stem = basename(s.sourceName, extname(s.sourceName));
      if (a.what === 'mask') {
        const m = s.engineMask();
        const bytes = await encodeImage({ width: m.width, height: m.height, channels: 1, depth: 8, data: m.data }, 'png');
        return ctx.exports.add(bytes, `${stem}-mask.png`, 'png', host);
      }
      const image = await s.resultImage();
      const bytes = await encodeImage(image, format, s.decoded, a.quality !== undefined ? { quality: a.quality } : {});
      return ctx.exports.add(bytes, `${stem}-restored.${EXTENSIONS[format] ?? format}`, format, host);
    },
    'app:compare.export': async (a, host) => {
      const s = ctx.requireSession();
      const { renderComparison } = await import('../compare/index.js');
      const toRgb = async (r: Raster) => {
        const { default: sharp } = await import('sharp');
        const png = await encodeImage(r, 'png');
        const { data, info } = await sharp(png).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
        return { data, width: info.width, height: info.height };
      };
      const versus = a.versusBlobId ? versionsToCompare(ctx, a.versusBlobId) : null;
      const before = await toRgb(versus ? (await readImage(ctx.lib.blobs.path(a.versusBlobId!))).raster : s.decoded.raster);
      const after = await toRgb(await s.resultImage());
      const stem = basename(s.sourceName, extname(s.sourceName));
      const isPage = a.layout === 'slider';
      const ext = isPage ? 'html' : a.format === 'png' ? 'png' : 'jpg';
      const labels: [string, string] = versus ? [`Version ${versus[0]}`, `Version ${versus[1]}`] : ['Before', 'After'];
      const { bytes } = await renderComparison(before, after, {
        layout: a.layout,
        labels,
        position: a.position,
        ext: `.${ext}`,
        title: `${s.sourceName} — ${labels[0].toLowerCase()} / ${labels[1].toLowerCase()}`,
      });
      const what = versus ? `versions-${versus[0]}-${versus[1]}` : 'before-after';
      const suffix = isPage ? what : `${what}-${a.layout}`;
      return ctx.exports.add(bytes, `${stem}-${suffix}.${ext}`, isPage ? 'html' : a.format, host);
    },
  };
}

/**
 * The version numbers (1-based, among the restores in the history) of `blobId` and of the picture at the cursor;
 * refuses a blob that is not a restore of the open project or a cursor before any restore.
 */
function versionsToCompare(ctx: AppContext, blobId: string): [number, number] {
  const s = ctx.requireSession();
  const { entries, cursor } = s.history();
  const restores = entries.filter((e) => e.kind === 'restore' && e.resultBlobId);
  const other = restores.findIndex((e) => e.resultBlobId === blobId);
  if (other < 0) throw badInput(undefined, 'that version is not a restore of the open photo');
  const shown = restores.filter((e) => e.index <= cursor).length;
  if (shown === 0) throw badInput(undefined, 'there is no restore at the history cursor to compare with');
  return [other + 1, shown];
}
