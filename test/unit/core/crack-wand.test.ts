import { describe, expect, it } from 'vitest';
import { traceCrack } from '../../../src-main/core/crack-wand.js';
import type { Raster } from '../../../src-main/core/image.js';

type RGB = [number, number, number];

/** A drawable scene: dark sepia print (with seeded noise) and what is painted on it. */
class Scene {
  readonly data: Uint8Array;
  constructor(readonly width: number, readonly height: number, base: RGB = [96, 78, 62]) {
    this.data = new Uint8Array(width * height * 3);
    let s = 7;
    for (let i = 0; i < width * height; i++) {
      s = (s * 1103515245 + 12345) >>> 0;
      const n = ((s >>> 16) / 65536 - 0.5) * 6;
      for (let c = 0; c < 3; c++) this.data[i * 3 + c] = Math.round(base[c]! + n);
    }
  }
  set(x: number, y: number, rgb: RGB): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    this.data.set(rgb, (y * this.width + x) * 3);
  }
  /** A line `thick` px wide from (x0, y0) to (x1, y1). */
  line(x0: number, y0: number, x1: number, y1: number, rgb: RGB, thick = 2): void {
    const n = Math.ceil(Math.hypot(x1 - x0, y1 - y0));
    for (let k = 0; k <= n; k++) {
      const x = Math.round(x0 + ((x1 - x0) * k) / n), y = Math.round(y0 + ((y1 - y0) * k) / n);
      for (let dy = 0; dy < thick; dy++) for (let dx = 0; dx < thick; dx++) this.set(x + dx, y + dy, rgb);
    }
  }
  disk(cx: number, cy: number, r: number, rgb: RGB): void {
    for (let y = cy - r; y <= cy + r; y++) for (let x = cx - r; x <= cx + r; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) this.set(x, y, rgb);
  }
  raster(): Raster {
    return { width: this.width, height: this.height, channels: 3, depth: 8, data: this.data };
  }
  /** Pixels of the given colour (what was painted with it). */
  painted(rgb: RGB): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.width * this.height; i++) if (this.data[i * 3] === rgb[0] && this.data[i * 3 + 1] === rgb[1] && this.data[i * 3 + 2] === rgb[2]) out.push(i);
    return out;
  }
}

const CREAM: RGB = [222, 205, 170];
const CREAM_FAINT: RGB = [160, 142, 112];
const BLUE: RGB = [150, 185, 235];
const FLAKE: RGB = [224, 207, 171];
const SKIN: RGB = [205, 180, 150];

/** A crack network (three branches, one fainter), a flake at a junction, a bluish line touching it, a lone crack, a bright face. */
function crazed(): { scene: Scene; network: number[]; flake: number[]; blue: number[]; lone: number[]; face: number[] } {
  const scene = new Scene(240, 160);
  scene.disk(190, 120, 26, SKIN); // a bright face, its edge beside the network
  scene.line(10, 20, 120, 40, CREAM);
  scene.line(120, 40, 160, 110, CREAM);
  scene.line(60, 30, 40, 120, CREAM_FAINT, 1);
  scene.disk(120, 41, 4, FLAKE); // paper flaked off where two cracks meet
  scene.line(124, 40, 230, 10, BLUE); // a bluish light line (a wire, not the print's paper) from the flake
  scene.line(20, 150, 100, 140, CREAM); // a crack of its own, not joined to the network
  return { scene, network: [...scene.painted(CREAM), ...scene.painted(CREAM_FAINT)].filter((i) => i % 240 < 200 && i < 240 * 130), flake: scene.painted(FLAKE), blue: scene.painted(BLUE), lone: scene.painted(CREAM).filter((i) => i >= 240 * 130), face: scene.painted(SKIN) };
}

const share = (mask: Uint8Array, px: number[]): number => px.filter((i) => mask[i]).length / px.length;

describe('traceCrack', () => {
  it('selects the clicked crack network, its faint branch and the flake at a junction; not a line of another hue, a crack of its own or a face', () => {
    const { scene, network, flake, blue, lone, face } = crazed();
    const picked = traceCrack(scene.raster(), { x: 30, y: 24 })!;
    expect(picked.light).toBe(true);
    expect(share(picked.mask.data, network)).toBeGreaterThan(0.95);
    expect(share(picked.mask.data, flake)).toBeGreaterThan(0.9);
    expect(share(picked.mask.data, blue)).toBeLessThan(0.05);
    expect(share(picked.mask.data, lone)).toBe(0);
    expect(share(picked.mask.data, face)).toBeLessThan(0.03);
    // a line, not a band: 6 px below the first crack (away from the faint branch) stays unselected
    for (const x of [20, 30, 40, 80, 90]) expect(picked.mask.data[(Math.round(20 + ((x - 10) * 20) / 110) + 6) * 240 + x], `column ${x}`).toBe(0);
  });

  it('takes the bluish line when the tolerance allows its hue, and a dark scratch with dark polarity', () => {
    const { scene, blue } = crazed();
    expect(share(traceCrack(scene.raster(), { x: 30, y: 24 }, { tolerance: 200 })!.mask.data, blue)).toBeGreaterThan(0.9);
    const dark = new Scene(120, 80, [180, 170, 160]);
    dark.line(10, 10, 110, 70, [60, 55, 50]);
    const picked = traceCrack(dark.raster(), { x: 60, y: 40 })!;
    expect(picked.light).toBe(false);
    expect(share(picked.mask.data, dark.painted([60, 55, 50]))).toBeGreaterThan(0.95);
  });

  it('takes the polarity of the line right under the click, not of a stronger line beside it', () => {
    const scene = new Scene(120, 80, [150, 135, 115]);
    scene.line(10, 30, 110, 30, [20, 18, 15], 4); // a strong dark band (a collar's edge)
    scene.line(10, 37, 110, 37, [190, 175, 150], 1); // a faint light crack 3 px below it
    const picked = traceCrack(scene.raster(), { x: 60, y: 37 })!;
    expect(picked.light).toBe(true);
    expect(share(picked.mask.data, scene.painted([20, 18, 15]))).toBeLessThan(0.05);
  });

  it('follows a hairline crack across skin at its own scale, not the broad highlight beside it', () => {
    const scene = new Scene(160, 100, [190, 165, 135]);
    for (let y = 20; y < 80; y++) for (let x = 82; x < 90; x++) scene.set(x, y, [212, 187, 157]); // a highlight 8 px wide
    scene.line(80, 10, 80, 90, [240, 215, 185], 1); // a hairline crack, 1 px of skin between
    const picked = traceCrack(scene.raster(), { x: 80, y: 50 })!;
    expect(share(picked.mask.data, scene.painted([240, 215, 185]))).toBeGreaterThan(0.9);
    expect(share(picked.mask.data, scene.painted([212, 187, 157]))).toBeLessThan(0.1);
  });

  it('follows a rope in front of foliage, not the faint lines of the foliage', () => {
    const scene = new Scene(200, 140, [70, 90, 60]);
    let r = 3;
    const rand = (): number => ((r = (r * 1103515245 + 12345) >>> 0) >>> 8) / 16777216;
    const LEAF: RGB = [98, 118, 86];
    for (let k = 0; k < 2500; k++) { // short faint light strokes over most of the ground: foliage
      const x = 10 + rand() * 180, y = 10 + rand() * 120, a = rand() * Math.PI;
      scene.line(Math.round(x), Math.round(y), Math.round(x + 6 * Math.cos(a)), Math.round(y + 6 * Math.sin(a)), LEAF, 1);
    }
    const ROPE: RGB = [170, 180, 160];
    scene.line(0, 20, 199, 120, ROPE, 2);
    const picked = traceCrack(scene.raster(), { x: 100, y: 70 })!;
    expect(share(picked.mask.data, scene.painted(ROPE))).toBeGreaterThan(0.8);
    expect(share(picked.mask.data, scene.painted(LEAF))).toBeLessThan(0.05);
  });

  it('selects nothing where no line stands out', () => {
    const { scene } = crazed();
    expect(traceCrack(scene.raster(), { x: 100, y: 100 })).toBeNull();
  });

  it('works on a large photo through a smaller copy and answers at the photo size', () => {
    const big = new Scene(2400, 1200);
    big.line(100, 200, 2300, 1000, CREAM, 6);
    const picked = traceCrack(big.raster(), { x: 1200, y: 600 })!;
    expect(picked.mask.width).toBe(2400);
    expect(picked.mask.height).toBe(1200);
    expect(share(picked.mask.data, big.painted(CREAM))).toBeGreaterThan(0.95);
    expect(picked.pixels).toBeLessThan(3 * big.painted(CREAM).length);
  });

  it('follows a crack wider than its disk on the working copy at a scale where it is a line', () => {
    const big = new Scene(2400, 1200);
    big.line(100, 300, 2300, 500, CREAM, 36); // 18 px wide on the 1024 px copy, 9 px on a 512 px one
    big.line(1200, 400, 1300, 1100, CREAM, 36);
    const picked = traceCrack(big.raster(), { x: 600, y: 360 })!;
    expect(picked.light).toBe(true);
    expect(share(picked.mask.data, big.painted(CREAM))).toBeGreaterThan(0.9);
  });
});
