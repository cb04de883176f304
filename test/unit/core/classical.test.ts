import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { classicalBackend, teleaInpaint } from '../../../src-main/core/classical.js';

const data = path.resolve(import.meta.dirname, '../../..', '../shared/data');
const photo = path.join(data, 'fixtures/iopaint-overture-creations-5sI6fQgYIuo.png');

interface CvMat { data: Uint8Array; delete(): void }
interface Cv {
  Mat: new () => CvMat;
  CV_8UC3: number; CV_8UC1: number; INPAINT_TELEA: number;
  matFromArray(rows: number, cols: number, type: number, a: number[]): CvMat;
  inpaint(src: CvMat, mask: CvMat, dst: CvMat, r: number, flags: number): void;
  onRuntimeInitialized?: () => void;
}

/**
 * OpenCV.js (devDependency) as the reference implementation of Telea. Wrapped in an object: the module
 * is a thenable that resolves to itself, so returning it from an async function never settles.
 */
async function loadOpenCv(): Promise<{ cv: Cv }> {
  const cv = createRequire(import.meta.url)('@techstark/opencv-js') as Cv;
  if (!(cv as { Mat?: unknown }).Mat) await new Promise<void>((r) => { cv.onRuntimeInitialized = r; });
  return { cv };
}

/** The fixture photo and its mask at 160 px (OpenCV.js's Telea is quadratic in the band length). */
async function photoAndMask(): Promise<{ rgb: Buffer; m: Buffer; w: number; h: number }> {
  const { data: rgb, info } = await sharp(photo).removeAlpha().resize(160, 160).raw().toBuffer({ resolveWithObject: true });
  const m = await sharp(photo.replace('.png', '_mask.png')).greyscale().resize(160, 160, { kernel: 'nearest' }).raw().toBuffer();
  return { rgb, m, w: info.width, h: info.height };
}

describe('teleaInpaint', () => {
  it('matches OpenCV INPAINT_TELEA (r=3) on a real photo and mask closely (mean difference under a quarter of how far the fill moves pixels)', async () => {
    const { rgb, m, w, h } = await photoAndMask();
    const n = w * h;
    const { cv } = await loadOpenCv();
    const src = cv.matFromArray(h, w, cv.CV_8UC3, Array.from(rgb));
    const mask = cv.matFromArray(h, w, cv.CV_8UC1, Array.from(m, (v) => (v > 127 ? 255 : 0)));
    const dst = new cv.Mat();
    cv.inpaint(src, mask, dst, 3, cv.INPAINT_TELEA);
    const planes = new Float32Array(3 * n);
    const hole = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < 3; c++) planes[c * n + i] = rgb[i * 3 + c]! / 255;
      hole[i] = m[i]! > 127 ? 1 : 0;
    }
    const out = teleaInpaint(planes, hole, w, h, 3);
    let diff = 0;
    let changed = 0;
    let count = 0;
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < 3; c++) {
        if (!hole[i]) { expect(out[c * n + i]).toBe(planes[c * n + i]); continue; }
        diff += Math.abs(out[c * n + i]! * 255 - dst.data[i * 3 + c]!);
        changed += Math.abs(dst.data[i * 3 + c]! - rgb[i * 3 + c]!);
        count++;
      }
    }
    src.delete(); mask.delete(); dst.delete();
    expect(count).toBeGreaterThan(300);
    // The fill differs from the original by tens of levels; from OpenCV's fill by much less.
    expect(changed / count).toBeGreaterThan(15);
    console.log(`telea vs OpenCV: mean abs diff ${(diff / count).toFixed(2)} levels; fill vs original ${(changed / count).toFixed(1)}`);
    expect(diff / count).toBeLessThan(Math.min(8, 0.25 * (changed / count)));
  });

  it('leaves an image without holes untouched and fills a hole from its surroundings', () => {
    const w = 32, h = 20, n = w * h;
    const img = new Float32Array(3 * n);
    for (let i = 0; i < n; i++) { img[i] = 0.2; img[n + i] = 0.5; img[2 * n + i] = 0.8; }
    expect(teleaInpaint(img, new Float32Array(n), w, h)).toEqual(img);
    const hole = new Float32Array(n);
    for (let y = 5; y < 15; y++) for (let x = 10; x < 20; x++) { hole[y * w + x] = 1; img[y * w + x] = 1; }
    const out = teleaInpaint(img, hole, w, h);
    for (let y = 5; y < 15; y++) for (let x = 10; x < 20; x++) expect(out[y * w + x]).toBeCloseTo(0.2, 5);
  });

  it('is exposed as the classical InpaintBackend', async () => {
    const b = classicalBackend();
    expect(b.id).toBe('classical');
    const out = await b.run(new Float32Array(3 * 4), new Float32Array([0, 1, 0, 0]), 2, 2);
    expect(out).toHaveLength(12);
  });
});
