/** Masks the benchmarks share. */
import type { Mask } from '../../src-main/core/image.js';
import { dilate } from '../../src-main/core/mask.js';

/** A seeded generator of numbers in [0, 1) (the same LCG every bench mask uses). */
export function lcg(seed: number): () => number {
  let s = seed;
  return () => { s = (s * 1103515245 + 12345) & 0x7fffffff; return s / 0x7fffffff; };
}

/** Draws one near-straight scratch of `width` px from (x, y) along `angle` for `len` steps, wobbling with `rnd`. */
export function traceScratch(data: Uint8Array, w: number, h: number, rnd: () => number,
  s: { x: number; y: number; angle: number; len: number; width: number; vertical: boolean }): void {
  let { x, y } = s;
  for (let t = 0; t < s.len; t++) {
    x += Math.cos(s.angle) + (rnd() - 0.5) * 0.3;
    y += Math.sin(s.angle);
    for (let d = 0; d < s.width; d++) {
      const xi = Math.round(s.vertical ? x + d : x);
      const yi = Math.round(s.vertical ? y : y + d);
      if (xi >= 0 && yi >= 0 && xi < w && yi < h) data[yi * w + xi] = 255;
    }
  }
}

/** Deterministic scratch mask: a dozen long 1–4 px near-straight scratches across the frame and specks. */
export function scratchMask(w: number, h: number): Mask {
  const data = new Uint8Array(w * h);
  const rnd = lcg(12345);
  const scale = Math.sqrt(w * h / 1e6);
  for (let k = 0; k < 12; k++) {
    const vertical = rnd() < 0.7;
    const len = (vertical ? h : w) * (0.4 + 0.6 * rnd());
    const x = rnd() * w;
    const y = rnd() * h * (vertical ? 0.3 : 1);
    const angle = (vertical ? Math.PI / 2 : 0) + (rnd() - 0.5) * 0.15;
    const width = Math.max(1, Math.round((1 + rnd() * 3) * Math.min(2, scale / 2)));
    traceScratch(data, w, h, rnd, { x, y, angle, len, width, vertical });
  }
  const specks = Math.round(300 * scale * scale);
  const base = { width: w, height: h, data };
  for (let k = 0; k < specks; k++) data[Math.floor(rnd() * h) * w + Math.floor(rnd() * w)] = 255;
  return dilate(base, 0);
}

/** Deterministic blotch mask: irregular discs (stains, flaked emulsion, torn-off bits) over ≈5 % of the frame. */
export function blotchMask(w: number, h: number): Mask {
  const data = new Uint8Array(w * h);
  const rnd = lcg(777);
  const side = Math.min(w, h);
  let holes = 0;
  while (holes < 0.05 * w * h) {
    const cx = rnd() * w;
    const cy = rnd() * h;
    const r = side * (0.005 + 0.03 * rnd());
    const wobble = [rnd(), rnd(), rnd()].map((v) => v * 0.35);
    for (let y = Math.max(0, Math.floor(cy - 1.4 * r)); y < Math.min(h, cy + 1.4 * r); y++) {
      for (let x = Math.max(0, Math.floor(cx - 1.4 * r)); x < Math.min(w, cx + 1.4 * r); x++) {
        const a = Math.atan2(y - cy, x - cx);
        const edge = r * (1 + wobble[0]! * Math.sin(3 * a) + wobble[1]! * Math.sin(5 * a + 1) + wobble[2]! * Math.sin(7 * a + 2));
        if (Math.hypot(x - cx, y - cy) <= edge && !data[y * w + x]) {
          data[y * w + x] = 255;
          holes++;
        }
      }
    }
  }
  return { width: w, height: h, data };
}
