import { describe, expect, it } from 'vitest';
import { classicalBackend } from '../../../src-main/core/classical.js';
import { withHalo } from '../../../src-main/core/halo.js';
import type { Mask, Raster } from '../../../src-main/core/image.js';
import { inpaintRaster } from '../../../src-main/core/pipeline.js';

const W = 64, H = 48;

/** Grey photo with light noise and a dark vertical hair at x 30..33 whose soft edge is x 29 and x 34. */
function hairPhoto(): Raster {
  const data = new Uint8Array(W * H * 3);
  let s = 7;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      s = (s * 1103515245 + 12345) >>> 0;
      let v = 150 + ((s >>> 16) % 7) - 3;
      if (x >= 30 && x <= 33) v = 20;
      else if (x === 29 || x === 34) v = 80; // the hair's soft edge, outside a tight mask
      data.fill(v, (y * W + x) * 3, (y * W + x) * 3 + 3);
    }
  }
  return { width: W, height: H, channels: 3, depth: 8, data };
}

/** The hair itself (x 30..33), drawn tight: its soft edge is left outside. */
function tightMask(): Mask {
  const data = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 30; x <= 33; x++) data[y * W + x] = 255;
  return { width: W, height: H, data };
}

describe('withHalo', () => {
  it('hides the soft edge a tight mask leaves, and nothing else', () => {
    const photo = hairPhoto();
    const hole = tightMask();
    const hidden = withHalo(photo, hole);
    for (const y of [0, 20, 47]) {
      expect(hidden.data[y * W + 29]).toBe(255);
      expect(hidden.data[y * W + 34]).toBe(255);
      expect(hidden.data[y * W + 28]).toBe(0); // clean grey next to the edge
      expect(hidden.data[y * W + 35]).toBe(0);
      expect(hidden.data[y * W + 10]).toBe(0);
    }
    expect(hole.data[20 * W + 29]).toBe(0); // the given mask itself is not modified
  });

  it('returns the mask itself when the pixels around it belong to the picture', () => {
    const photo = hairPhoto();
    const loose: Mask = { width: W, height: H, data: new Uint8Array(W * H) };
    for (let y = 0; y < H; y++) for (let x = 29; x <= 34; x++) loose.data[y * W + x] = 255; // hair and edge
    expect(withHalo(photo, loose)).toBe(loose);
  });
});

describe('inpaintRaster with the halo guard', () => {
  it('fills a tight mask from the clean picture, never changing a pixel outside the mask', async () => {
    const photo = hairPhoto();
    const hole = tightMask();
    const plain = await inpaintRaster(photo, hole, classicalBackend());
    const guarded = await inpaintRaster(photo, hole, classicalBackend(), { haloGuard: true });
    const mean = (r: Raster) => {
      let s = 0;
      for (let y = 0; y < H; y++) for (let x = 30; x <= 33; x++) s += r.data[(y * W + x) * 3]!;
      return s / (H * 4);
    };
    expect(mean(plain)).toBeLessThan(130); // pulled towards the hair's dark edge
    expect(mean(guarded)).toBeGreaterThan(140); // the grey around it
    for (let i = 0; i < W * H; i++) {
      if (hole.data[i]) continue;
      for (let c = 0; c < 3; c++) expect(guarded.data[i * 3 + c]).toBe(photo.data[i * 3 + c]);
    }
  });
});
