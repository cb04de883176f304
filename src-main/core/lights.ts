/**
 * Scene lights are not damage: a detector cue for night and indoor scans.
 *
 * On a real dusty film scan of a city at night (../shared/data/real-damage-labelled/film-velvia50_0) most false
 * marks were street lights, windows and light trails: small, bright, coloured blobs on a dark ground, which look
 * to a damage network like bright dust. Damage is colourless: dust, hair and lint are grey, a scratch or a
 * flake shows white paper or clear film base, a pin-hole is white. So a mark that is brighter than its
 * surroundings *and* more colourful than them by `ratio` (and than `minChroma` in absolute terms) is taken for a
 * light in the scene and dropped. Dark marks and colourless bright marks are never touched, nor are
 * black-and-white photos. On the velvia scan this drops about half the false marked pixels and no true one.
 * Pure: no node or DOM imports.
 */
import { flood8 } from './flood.js';
import { lumaAt, type Raster } from './image.js';

/** Manifest `postprocess.lights`: when a bright mark is a coloured light rather than damage. */
export interface LightCue {
  /** A bright mark is a light when its mean chroma exceeds this many times its surroundings' (2). */
  ratio: number;
  /** ...and this absolute chroma (max − min channel, 0..1; 0.047 = 12 in 8-bit). */
  minChroma: number;
  /** Width in pixels of the surroundings ring, at the detector's working resolution (4). */
  ring: number;
}

/**
 * Sets `prob` to 0 over every connected mark (probability above `threshold`) that the cue takes for a coloured
 * light. Works at the detector's working resolution, on the probability map, so nothing downstream (hysteresis,
 * dilation, upsampling) sees the dropped marks. Returns how many marks were dropped.
 */
export function dropLights(image: Raster, prob: Float32Array, threshold: number, cue: LightCue): number {
  const { width: w, height: h, channels, depth, data } = image;
  if (channels < 3) return 0;
  const n = w * h;
  const scale = 1 / (depth === 16 ? 65535 : 255);
  const luma = new Float32Array(n);
  const chroma = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * channels;
    const r = data[o]!, g = data[o + 1]!, b = data[o + 2]!;
    luma[i] = lumaAt(data, o, channels) * scale;
    chroma[i] = (Math.max(r, g, b) - Math.min(r, g, b)) * scale;
  }
  const seen = new Uint8Array(n);
  const ringStamp = new Int32Array(n); // component id + 1 of the last ring that counted this pixel
  const members: number[] = [];
  const inMark = (i: number): boolean => prob[i]! > threshold;
  let id = 0;
  let dropped = 0;
  for (let i = 0; i < n; i++) {
    if (seen[i] || !inMark(i)) continue;
    flood8(i, w, h, inMark, seen, members);
    id++;
    let lIn = 0, cIn = 0, lRing = 0, cRing = 0, nRing = 0;
    for (const p of members) {
      lIn += luma[p]!;
      cIn += chroma[p]!;
      const x = p % w, y = (p - x) / w;
      for (let yy = Math.max(0, y - cue.ring); yy <= Math.min(h - 1, y + cue.ring); yy++) {
        for (let xx = Math.max(0, x - cue.ring); xx <= Math.min(w - 1, x + cue.ring); xx++) {
          const q = yy * w + xx;
          if (ringStamp[q] === id || inMark(q)) continue;
          ringStamp[q] = id;
          lRing += luma[q]!;
          cRing += chroma[q]!;
          nRing++;
        }
      }
    }
    if (nRing === 0) continue;
    const k = members.length;
    const brighter = lIn / k > lRing / nRing;
    const colourful = cIn / k > Math.max(cue.ratio * (cRing / nRing), cue.minChroma);
    if (brighter && colourful) {
      for (const p of members) prob[p] = 0;
      dropped++;
    }
  }
  return dropped;
}
