/**
 * Byte-level metadata surgery for encoded images. sharp cannot attach an ICC profile or EXIF block given
 * as a Buffer to raw pixels without colour-converting them, so we splice the original blocks into the
 * encoded PNG/JPEG ourselves. Pixels are never touched here.
 */
import { crc32, deflateSync } from 'node:zlib';

/** Metadata carried from a decoded file to the files written from it. */
export interface CarriedMetadata {
  icc?: Buffer;
  /** EXIF as sharp reports it (JPEG: with the `Exif\0\0` header; PNG: bare TIFF structure). */
  exif?: Buffer;
  xmp?: Buffer;
  /** PNG text chunks (e.g. generation parameters), kept on PNG output. */
  text?: { keyword: string; text: string }[];
}

const EXIF_HEADER = Buffer.from('Exif\0\0', 'latin1');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The EXIF TIFF structure without the JPEG `Exif\0\0` prefix. */
export function bareExif(exif: Buffer): Buffer {
  return exif.subarray(0, 6).equals(EXIF_HEADER) ? exif.subarray(6) : exif;
}

/**
 * Returns a copy of the EXIF block with the Orientation tag (0x0112) set to 1: the pixels we write are
 * already upright, so a kept "rotate 90°" tag would rotate them a second time in every viewer.
 */
export function exifWithUprightOrientation(exif: Buffer): Buffer {
  const out = Buffer.from(exif);
  const tiff = bareExif(out);
  if (tiff.length < 8) return out;
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return out;
  const le = order === 'II';
  const u16 = (o: number): number => (le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number): number => (le ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return out;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) break;
    if (u16(entry) === 0x0112) {
      // SHORT value stored left-justified in the 4-byte value field.
      if (le) tiff.writeUInt16LE(1, entry + 8);
      else tiff.writeUInt16BE(1, entry + 8);
    }
  }
  return out;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

function isLatin1(s: string): boolean {
  return /^[\x00-\xff]*$/.test(s);
}

function textChunk(keyword: string, text: string): Buffer {
  const key = Buffer.from(keyword.slice(0, 79), 'latin1');
  if (isLatin1(text)) return pngChunk('tEXt', Buffer.concat([key, Buffer.from([0]), Buffer.from(text, 'latin1')]));
  // iTXt: keyword \0 compression-flag compression-method language \0 translated-keyword \0 text
  return pngChunk('iTXt', Buffer.concat([key, Buffer.from([0, 0, 0, 0, 0]), Buffer.from(text, 'utf8')]));
}

/** Splices iCCP / eXIf / text chunks right after IHDR of an encoded PNG (dropping any already there). */
export function injectPngMetadata(png: Buffer, meta: CarriedMetadata): Buffer {
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG stream');
  const added: Buffer[] = [];
  if (meta.icc) {
    added.push(pngChunk('iCCP', Buffer.concat([Buffer.from('ICC Profile\0\0', 'latin1'), deflateSync(meta.icc)])));
  }
  if (meta.exif) added.push(pngChunk('eXIf', bareExif(exifWithUprightOrientation(meta.exif))));
  if (meta.xmp) {
    const key = Buffer.from('XML:com.adobe.xmp', 'latin1');
    added.push(pngChunk('iTXt', Buffer.concat([key, Buffer.from([0, 0, 0, 0, 0]), meta.xmp])));
  }
  for (const t of meta.text ?? []) added.push(textChunk(t.keyword, t.text));
  if (added.length === 0) return png;

  const dropped = new Set<string>();
  if (meta.icc) ['iCCP', 'sRGB'].forEach((t) => dropped.add(t));
  if (meta.exif) dropped.add('eXIf');
  const parts: Buffer[] = [PNG_SIGNATURE];
  let offset = 8;
  while (offset + 8 <= png.length) {
    const len = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const end = offset + 12 + len;
    if (!dropped.has(type)) parts.push(png.subarray(offset, end));
    if (type === 'IHDR') parts.push(...added);
    offset = end;
  }
  return Buffer.concat(parts);
}

function jpegSegment(marker: number, payload: Buffer): Buffer {
  if (payload.length + 2 > 0xffff) throw new Error('JPEG segment too large');
  const head = Buffer.alloc(4);
  head[0] = 0xff;
  head[1] = marker;
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

/** Splices APP1 (EXIF, XMP) and APP2 (ICC, chunked) segments after SOI/APP0 of an encoded JPEG. */
export function injectJpegMetadata(jpeg: Buffer, meta: CarriedMetadata): Buffer {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('not a JPEG stream');
  const added: Buffer[] = [];
  if (meta.exif) {
    const exif = Buffer.concat([EXIF_HEADER, bareExif(exifWithUprightOrientation(meta.exif))]);
    if (exif.length + 2 <= 0xffff) added.push(jpegSegment(0xe1, exif));
  }
  if (meta.xmp) {
    const xmp = Buffer.concat([Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1'), meta.xmp]);
    if (xmp.length + 2 <= 0xffff) added.push(jpegSegment(0xe1, xmp));
  }
  if (meta.icc) {
    const max = 0xffff - 2 - 14;
    const n = Math.ceil(meta.icc.length / max);
    for (let i = 0; i < n; i++) {
      const head = Buffer.concat([Buffer.from('ICC_PROFILE\0', 'latin1'), Buffer.from([i + 1, n])]);
      added.push(jpegSegment(0xe2, Buffer.concat([head, meta.icc.subarray(i * max, (i + 1) * max)])));
    }
  }
  if (added.length === 0) return jpeg;
  // Keep SOI and a leading JFIF APP0; drop APP1/APP2 already present (sharp writes none without keep*).
  let offset = 2;
  const kept: Buffer[] = [];
  while (offset + 4 <= jpeg.length && jpeg[offset] === 0xff) {
    const marker = jpeg[offset + 1]!;
    if (marker < 0xe0 || marker > 0xef) break;
    const len = jpeg.readUInt16BE(offset + 2);
    const seg = jpeg.subarray(offset, offset + 2 + len);
    if (marker === 0xe0) kept.push(seg);
    offset += 2 + len;
  }
  return Buffer.concat([jpeg.subarray(0, 2), ...kept, ...added, jpeg.subarray(offset)]);
}
