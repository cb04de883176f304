import sharp from 'sharp';
import { badInput } from '../../core/errors.js';

/** An image ready to lay out: upright 8-bit sRGB, 3 channels (alpha flattened onto white). */
export interface ComparePixels {
  data: Buffer;
  width: number;
  height: number;
}

/**
 * Decodes one side of a comparison. Comparisons are for eyes, so everything is brought to upright 8-bit
 * sRGB; a file that will not decode is a bad-input error naming it.
 */
export async function loadForCompare(file: string, fit?: { width: number; height: number }): Promise<ComparePixels> {
  try {
    let img = sharp(file, { failOn: 'error' }).rotate().flatten({ background: '#ffffff' }).toColourspace('srgb');
    if (fit !== undefined) {
      img = img.resize(fit.width, fit.height, { fit: 'contain', background: '#ffffff' });
    }
    const { data, info } = await img.removeAlpha().raw().toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch (e) {
    throw badInput(file, `cannot be read as an image (${(e as Error).message})`, e);
  }
}

/** Pixels as sharp's raw composite input. */
export function rawInput(p: ComparePixels): { input: Buffer; raw: { width: number; height: number; channels: 3 } } {
  return { input: p.data, raw: { width: p.width, height: p.height, channels: 3 } };
}
