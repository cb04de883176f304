import { describe, expect, it } from 'vitest';
import type { Raster } from '../../../src-main/core/image.js';
import { dropLights, type LightCue } from '../../../src-main/core/lights.js';

const W = 80, H = 40;
const cue: LightCue = { ratio: 2, minChroma: 0.047, ring: 4 };

/** A dark, slightly bluish night sky, 8-bit RGB. */
function night(channels = 3): Raster {
  const data = new Uint8Array(W * H * channels);
  for (let i = 0; i < W * H; i++) {
    if (channels === 1) data[i] = 30;
    else data.set([28, 30, 36], i * channels);
  }
  return { width: W, height: H, channels, depth: 8, data };
}

/** Paints a 4×4 blob at (x, y) and marks it in `prob` with `p`. */
function blob(r: Raster, prob: Float32Array, x: number, y: number, rgb: number[], p = 0.9): void {
  for (let yy = y; yy < y + 4; yy++) {
    for (let xx = x; xx < x + 4; xx++) {
      const i = yy * W + xx;
      if (r.channels === 1) r.data[i] = rgb[0]!;
      else r.data.set(rgb, i * r.channels);
      prob[i] = p;
    }
  }
}

const marked = (prob: Float32Array, x: number, y: number): boolean => prob[(y + 1) * W + x + 1]! > 0.5;

describe('dropLights', () => {
  it('drops a bright coloured mark on a dark ground and keeps grey dust, dark dirt and unmarked pixels', () => {
    const img = night();
    const prob = new Float32Array(W * H).fill(0.1);
    blob(img, prob, 5, 5, [250, 180, 60]); // a sodium street light
    blob(img, prob, 25, 5, [230, 230, 228]); // bright dust: colourless
    blob(img, prob, 45, 5, [5, 5, 5]); // dark dirt
    blob(img, prob, 65, 25, [60, 200, 250], 0.3); // a light the network did not mark: nothing to drop
    const dropped = dropLights(img, prob, 0.5, cue);
    expect(dropped).toBe(1);
    expect(marked(prob, 5, 5)).toBe(false);
    expect(marked(prob, 25, 5)).toBe(true);
    expect(marked(prob, 45, 5)).toBe(true);
    expect(prob[26 * W + 66]).toBeCloseTo(0.3);
    expect(prob[0]).toBeCloseTo(0.1);
  });

  it('keeps a coloured mark that is darker than its surroundings, or no more colourful than them', () => {
    const img = night();
    for (let y = 20; y < 40; y++) for (let x = 0; x < 40; x++) img.data.set([200, 120, 40], (y * W + x) * 3);
    const prob = new Float32Array(W * H);
    blob(img, prob, 10, 28, [255, 170, 70]); // bright, but the ground around it is as orange
    blob(img, prob, 60, 28, [40, 5, 5]); // coloured but dark: a stain, not a light
    expect(dropLights(img, prob, 0.5, cue)).toBe(0);
    expect(marked(prob, 10, 28)).toBe(true);
    expect(marked(prob, 60, 28)).toBe(true);
  });

  it('leaves grey photos alone', () => {
    const img = night(1);
    const prob = new Float32Array(W * H);
    blob(img, prob, 5, 5, [250]);
    expect(dropLights(img, prob, 0.5, cue)).toBe(0);
    expect(marked(prob, 5, 5)).toBe(true);
  });

  it('reads 16-bit photos on the same scale as 8-bit ones', () => {
    const img8 = night();
    const prob8 = new Float32Array(W * H);
    blob(img8, prob8, 5, 5, [250, 180, 60]);
    const img16: Raster = { ...img8, depth: 16, data: Uint16Array.from(img8.data, (v) => v * 257) };
    const prob16 = new Float32Array(W * H);
    blob(img16, prob16, 5, 5, [250 * 257, 180 * 257, 60 * 257]);
    expect(dropLights(img8, prob8, 0.5, cue)).toBe(1);
    expect(dropLights(img16, prob16, 0.5, cue)).toBe(1);
  });
});
