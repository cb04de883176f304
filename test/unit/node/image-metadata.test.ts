import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { bareExif, exifWithUprightOrientation, injectJpegMetadata, injectPngMetadata } from '../../../src-main/node/image-metadata.js';

/** A minimal big- or little-endian EXIF block whose IFD0 holds Orientation = value. */
function exif(order: 'II' | 'MM', value: number, withHeader: boolean): Buffer {
  const t = Buffer.alloc(26);
  const le = order === 'II';
  t.write(order, 0, 'latin1');
  const w16 = (v: number, o: number) => (le ? t.writeUInt16LE(v, o) : t.writeUInt16BE(v, o));
  const w32 = (v: number, o: number) => (le ? t.writeUInt32LE(v, o) : t.writeUInt32BE(v, o));
  w16(42, 2);
  w32(8, 4);
  w16(1, 8);
  w16(0x0112, 10);
  w16(3, 12);
  w32(1, 14);
  w16(value, 18);
  w32(0, 22);
  return withHeader ? Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), t]) : t;
}

describe('exifWithUprightOrientation', () => {
  it('sets orientation to 1 in both byte orders, with or without the JPEG header, without mutating', () => {
    for (const order of ['II', 'MM'] as const) {
      for (const header of [true, false]) {
        const src = exif(order, 6, header);
        const out = bareExif(exifWithUprightOrientation(src));
        expect(order === 'II' ? out.readUInt16LE(18) : out.readUInt16BE(18)).toBe(1);
        const orig = bareExif(src);
        expect(order === 'II' ? orig.readUInt16LE(18) : orig.readUInt16BE(18)).toBe(6);
      }
    }
  });
  it('leaves garbage alone', () => {
    const junk = Buffer.from('not exif at all');
    expect(exifWithUprightOrientation(junk).equals(junk)).toBe(true);
  });
});

describe('injecting metadata into encoded files', () => {
  const pixels = Buffer.alloc(4 * 4 * 3, 90);
  const icc = Buffer.from('fake-icc-profile-bytes'.repeat(10));

  it('PNG: iCCP, eXIf and text chunks are readable by libvips and pixels unchanged', async () => {
    const png = await sharp(pixels, { raw: { width: 4, height: 4, channels: 3 } }).png().toBuffer();
    const out = injectPngMetadata(png, { exif: exif('MM', 8, true), text: [{ keyword: 'note', text: 'héllo ✓' }] });
    const m = await sharp(out).metadata();
    expect(m.orientation).toBe(1);
    expect(m.comments).toEqual([{ keyword: 'note', text: 'héllo ✓' }]);
    expect((await sharp(out).raw().toBuffer()).equals(pixels)).toBe(true);
    expect(() => injectPngMetadata(Buffer.from('nope'), { icc })).toThrow();
  });

  it('JPEG: EXIF and a multi-segment ICC profile', async () => {
    const jpg = await sharp(pixels, { raw: { width: 4, height: 4, channels: 3 } }).jpeg().toBuffer();
    // Larger than one APP2 segment (65519 bytes of payload), so it must be split and reassembled.
    const large = Buffer.alloc(150_000);
    for (let i = 0; i < large.length; i++) large[i] = (i * 31) & 255;
    const out = injectJpegMetadata(jpg, { exif: exif('II', 3, true), icc: large });
    const m = await sharp(out).metadata();
    expect(m.orientation).toBe(1);
    expect(m.icc?.equals(large)).toBe(true);
    expect((await sharp(out).raw().toBuffer()).equals(await sharp(jpg).raw().toBuffer())).toBe(true);
  });
});
