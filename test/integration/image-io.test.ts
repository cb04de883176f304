import { readFileSync, readdirSync, rmSync, statSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Raster } from '../../src-main/core/image.js';
import { KintsugiError } from '../../src-main/core/errors.js';
import { encodeImage, rasterToPng, readImage, readMask, writeImage } from '../../src-main/node/image-io.js';
import { tempDir } from '../support/temp-dir.js';

const repoRoot = resolve(__dirname, '../..');
const fixtures = join(resolve(repoRoot, '../shared/data'), 'fixtures');
let dir: string;

beforeAll(() => {
  dir = tempDir('kintsugi-image-io-');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function gradient(width: number, height: number, channels: Raster['channels'], depth: 8 | 16): Raster {
  const n = width * height * channels;
  const data = depth === 16 ? new Uint16Array(n) : new Uint8Array(n);
  const max = depth === 16 ? 65535 : 255;
  for (let i = 0; i < n; i++) data[i] = (i * 7919 + (i % channels) * 104729) % (max + 1);
  return { width, height, channels, depth, data };
}

async function expectBadInput(p: Promise<unknown>, file: string, problem: RegExp): Promise<KintsugiError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(KintsugiError);
  const k = e as KintsugiError;
  expect(k.code).toBe('bad-input');
  expect(k.message).toContain(file);
  expect(k.message).toMatch(problem);
  expect(k.message).not.toMatch(/\n\s+at /);
  return k;
}

describe('readImage / writeImage round trips', () => {
  it('keeps 16-bit RGBA samples exactly through PNG and TIFF', async () => {
    const src = gradient(37, 23, 4, 16);
    for (const ext of ['png', 'tif']) {
      const out = join(dir, `rgba16.${ext}`);
      await writeImage(out, src);
      const back = await readImage(out);
      expect(back.raster.depth).toBe(16);
      expect(back.raster.channels).toBe(4);
      expect(back.meta.hasAlpha).toBe(true);
      expect(back.raster.data).toBeInstanceOf(Uint16Array);
      expect(Array.from(back.raster.data)).toEqual(Array.from(src.data));
    }
  });

  it('keeps grayscale as one channel (8 and 16 bit) and gray+alpha as two', async () => {
    const cases: [Raster, string][] = [
      [gradient(19, 11, 1, 8), 'g8.png'],
      [gradient(19, 11, 1, 16), 'g16.tif'],
      [gradient(19, 11, 1, 16), 'g16.png'],
      [gradient(19, 11, 2, 8), 'ga8.png'],
      [gradient(19, 11, 1, 8), 'g8.tif'],
    ];
    for (const [src, name] of cases) {
      const out = join(dir, name);
      await writeImage(out, src);
      const m = await sharp(out).metadata();
      expect(m.channels, name).toBe(src.channels);
      const back = await readImage(out);
      expect(back.raster.channels, name).toBe(src.channels);
      expect(back.raster.depth, name).toBe(src.depth);
      expect(Array.from(back.raster.data), name).toEqual(Array.from(src.data));
    }
    const jpg = join(dir, 'gray.jpg');
    await writeImage(jpg, gradient(16, 16, 1, 8));
    expect((await readImage(jpg)).raster.channels).toBe(1);
  });

  it('writes WebP losslessly and AVIF at high quality by default, and reads them back', async () => {
    const src = gradient(24, 16, 3, 8);
    for (const ext of ['webp', 'avif']) {
      const out = join(dir, `c.${ext}`);
      await writeImage(out, src);
      const back = await readImage(out);
      expect(back.format).toBe(ext);
      expect(back.raster.width).toBe(24);
      if (ext === 'webp') expect(Array.from(back.raster.data)).toEqual(Array.from(src.data));
    }
  });

  it('rounds 16-bit to 8-bit for JPEG', async () => {
    const src = gradient(8, 8, 3, 16);
    const out = join(dir, 'from16.jpg');
    await writeImage(out, src, { quality: 100 });
    const back = await readImage(out);
    expect(back.raster.depth).toBe(8);
    const mean = (a: ArrayLike<number>, s: number): number => Array.from(a).reduce((x, y) => x + y / s, 0) / a.length;
    expect(Math.abs(mean(back.raster.data, 1) - mean(src.data, 257))).toBeLessThan(3);
  });

  it('applies EXIF orientation on read and resets the tag on write', async () => {
    // 30×20 landscape pixels stored with orientation 6 (rotate 90° CW to display): upright is 20×30.
    const src = gradient(30, 20, 3, 8);
    const rotated = join(dir, 'rotated.jpg');
    await sharp(src.data, { raw: { width: 30, height: 20, channels: 3 } })
      .jpeg({ quality: 100 })
      .withMetadata({ orientation: 6 })
      .withExifMerge({ IFD0: { Make: 'KintsugiTestCam' } })
      .toFile(rotated);
    expect((await sharp(rotated).metadata()).orientation).toBe(6);
    const img = await readImage(rotated);
    expect([img.raster.width, img.raster.height]).toEqual([20, 30]);
    for (const ext of ['jpg', 'png', 'tif', 'webp']) {
      const out = join(dir, `upright.${ext}`);
      await writeImage(out, img.raster, { like: img });
      const m = await sharp(out).metadata();
      expect(m.orientation ?? 1, ext).toBe(1);
      // libvips' TIFF writer has no EXIF block (ICC and XMP only): a known limit of TIFF output.
      if (ext !== 'tif') expect(m.exif?.toString('latin1'), ext).toContain('KintsugiTestCam');
      const back = await readImage(out);
      expect([back.raster.width, back.raster.height], ext).toEqual([20, 30]);
    }
  });

  it('keeps the ICC profile and EXIF of the ICC fixtures, without changing PNG samples', async () => {
    for (const name of ['iopaint-icc_profile_test.jpg', 'iopaint-icc_profile_test.png']) {
      const img = await readImage(join(fixtures, name));
      expect(img.meta.icc?.length, name).toBeGreaterThan(0);
      // AVIF encoding is slow on 2 cores: one fixture is enough to prove the profile survives it.
      for (const ext of ['png', 'jpg', 'tif', 'webp', ...(name.endsWith('.png') ? ['avif'] : [])]) {
        const out = join(dir, `icc-${name}.${ext}`);
        await writeImage(out, img.raster, { like: img });
        const m = await sharp(out).metadata();
        expect(m.icc?.equals(img.meta.icc!), `${name} → ${ext}`).toBe(true);
        if (img.meta.exif && ext !== 'tif') expect(m.exif, `${name} → ${ext} exif`).toBeDefined();
        if (ext === 'png' || ext === 'tif' || ext === 'webp') {
          const back = await readImage(out);
          expect(Buffer.from(back.raster.data).equals(Buffer.from(img.raster.data)), `${name} → ${ext} pixels`).toBe(true);
        }
      }
    }
  });

  it('decodes pixels without colour-managing them', async () => {
    const file = join(fixtures, 'iopaint-icc_profile_test.jpg');
    const img = await readImage(file);
    const stored = await sharp(file, { ignoreIcc: true }).raw().toBuffer();
    const managed = await sharp(file).raw().toBuffer();
    expect(stored.equals(managed)).toBe(false); // the fixture's profile really changes the samples
    expect(Buffer.from(img.raster.data).equals(stored)).toBe(true);
  });

  it('keeps PNG text chunks on PNG output and alpha of RGBA inputs', async () => {
    const img = await readImage(join(fixtures, 'iopaint-png_parameter_test.png'));
    expect(img.meta.text?.[0]?.keyword).toBe('parameters');
    const out = join(dir, 'params.png');
    await writeImage(out, img.raster, { like: img });
    const m = await sharp(out).metadata();
    expect(m.comments?.[0]).toEqual(img.meta.text?.[0]);

    const rgba = await readImage(join(fixtures, 'iopaint-cat.png'));
    expect(rgba.raster.channels).toBe(4);
    expect(rgba.meta.hasAlpha).toBe(true);
    const outA = join(dir, 'cat.png');
    await writeImage(outA, rgba.raster, { like: rgba });
    expect(Buffer.from((await readImage(outA)).raster.data).equals(Buffer.from(rgba.raster.data))).toBe(true);
  });

  it('encodes previews and buffers', async () => {
    const png = await rasterToPng(gradient(10, 10, 4, 16));
    expect((await sharp(png).metadata()).depth).toBe('uchar');
    const buf = await encodeImage(gradient(10, 10, 3, 8), 'jpeg');
    expect(buf[0]).toBe(0xff);
  });

  it('writes atomically and leaves no temp files behind', async () => {
    const sub = join(dir, 'atomic');
    mkdirSync(sub);
    const out = join(sub, 'a.png');
    writeFileSync(out, 'old');
    await writeImage(out, gradient(5, 5, 3, 8));
    expect(readdirSync(sub)).toEqual(['a.png']);
    expect((await readImage(out)).raster.width).toBe(5);
  });
});

describe('readMask', () => {
  it('marks gray > 127 as hole, flattening colour and alpha masks', async () => {
    const data = new Uint8Array([0, 127, 128, 255]);
    const p = join(dir, 'mask.png');
    await sharp(data, { raw: { width: 2, height: 2, channels: 1 } }).png().toFile(p);
    const m = await readMask(p, { width: 2, height: 2 });
    expect(Array.from(m.data)).toEqual([0, 0, 255, 255]);
    const fixture = await readMask(join(fixtures, 'iopaint-overture-creations-5sI6fQgYIuo_mask.png'), { width: 512, height: 512 });
    const holes = fixture.data.reduce((a, v) => a + (v ? 1 : 0), 0);
    expect(holes).toBeGreaterThan(1000);
    expect(holes).toBeLessThan(512 * 512);
  });

  it('refuses a mask of another size, naming both sizes', async () => {
    const p = join(dir, 'mask-small.png');
    await sharp(new Uint8Array(12), { raw: { width: 4, height: 3, channels: 1 } }).png().toFile(p);
    await expectBadInput(readMask(p, { width: 8, height: 6 }), p, /4×3.*8×6/);
  });
});

describe('bad input', () => {
  it('missing file', async () => {
    const p = join(dir, 'nope.jpg');
    await expectBadInput(readImage(p), p, /not found/);
  });
  it('zero-byte file', async () => {
    const p = join(dir, 'empty.jpg');
    writeFileSync(p, '');
    await expectBadInput(readImage(p), p, /empty/);
  });
  it('truncated JPEG', async () => {
    const full = readFileSync(join(fixtures, 'iopaint-bunny.jpeg'));
    const p = join(dir, 'truncated.jpg');
    writeFileSync(p, full.subarray(0, Math.floor(full.length / 2)));
    await expectBadInput(readImage(p), p, /truncated or corrupt/);
  });
  it('not an image', async () => {
    const p = join(dir, 'notes.jpg');
    writeFileSync(p, 'these are my holiday notes, not a photo\n'.repeat(20));
    await expectBadInput(readImage(p), p, /not an image/);
  });
  it('unsupported format (BMP)', async () => {
    const p = join(dir, 'old.bmp');
    const bmp = Buffer.alloc(70);
    bmp.write('BM', 0, 'latin1');
    bmp.writeUInt32LE(70, 2);
    bmp.writeUInt32LE(54, 10);
    bmp.writeUInt32LE(40, 14);
    bmp.writeInt32LE(2, 18);
    bmp.writeInt32LE(2, 22);
    bmp.writeUInt16LE(1, 26);
    bmp.writeUInt16LE(24, 28);
    writeFileSync(p, bmp);
    await expectBadInput(readImage(p), p, /unsupported image format \(BMP\)/);
  });
  it('a folder instead of a file', async () => {
    await expectBadInput(readImage(dir), dir, /folder/);
  });
  it('over the pixel limit, before decoding', async () => {
    const p = join(dir, 'big.png');
    await sharp({ create: { width: 3000, height: 2000, channels: 3, background: '#808080' } }).png().toFile(p);
    await expectBadInput(readImage(p, { pixelLimit: 5_000_000 }), p, /3000×2000 \(6\.0 MP\).*pixel limit of 5\.0 MP/);
    expect((await readImage(p, { pixelLimit: 6_000_000 })).raster.width).toBe(3000);
    process.env.KINTSUGI_PIXEL_LIMIT = '1000000';
    try {
      await expectBadInput(readImage(p), p, /pixel limit of 1\.0 MP/);
    } finally {
      delete process.env.KINTSUGI_PIXEL_LIMIT;
    }
  });
  it('unwritable or missing output folder', async () => {
    const missing = join(dir, 'no-such-folder', 'out.png');
    await expectBadInput(writeImage(missing, gradient(4, 4, 3, 8)), missing, /does not exist/);
    if (process.getuid?.() !== 0) {
      const ro = join(dir, 'readonly');
      mkdirSync(ro);
      chmodSync(ro, 0o555);
      const p = join(ro, 'out.png');
      await expectBadInput(writeImage(p, gradient(4, 4, 3, 8)), p, /not writable/);
      chmodSync(ro, 0o755);
    }
  });
  it('output extension that names no image format', async () => {
    const p = join(dir, 'out.txt');
    await expectBadInput(writeImage(p, gradient(4, 4, 3, 8)), p, /cannot write "\.txt" files/);
    expect(() => statSync(p)).toThrow();
  });
});
