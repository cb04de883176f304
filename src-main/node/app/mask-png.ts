/** Masks as the library stores them: 8-bit gray PNG blobs, white = hole. */
import sharp from 'sharp';
import type { CoverageMask } from '../../core/api/stroke-raster.js';
import { badInput } from '../../core/errors.js';

/** Encodes a coverage mask as an 8-bit gray PNG (white = hole). */
export async function maskToPng(mask: CoverageMask): Promise<Buffer> {
  return sharp(Buffer.from(mask.data.buffer, mask.data.byteOffset, mask.data.byteLength), {
    raw: { width: mask.width, height: mask.height, channels: 1 },
  })
    .toColourspace('b-w')
    .png({ compressionLevel: 3 })
    .toBuffer();
}

/** Decodes a stored mask PNG, checking it has the photo's size (`what` names it in the error). */
export async function pngToMask(png: Buffer, width: number, height: number, what: string): Promise<CoverageMask> {
  const { data, info } = await sharp(png).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  if (info.width !== width || info.height !== height) {
    throw badInput(what, `mask is ${info.width}×${info.height} but the photo is ${width}×${height}`);
  }
  return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}
