/**
 * OpenCV's own Telea (cv.inpaint, INPAINT_TELEA, radius 3) as the yardstick `kintsugi eval` scores every
 * model against in the same run — the number people compare inpainters with, run on the whole photo the
 * way `cv2.inpaint` is (models/training's devset.py does the same). It comes from OpenCV.js
 * (@techstark/opencv-js), a development dependency: evaluation is a developer's tool, and the product's own
 * classical fill is the TypeScript Telea in core/classical.ts.
 */
import { createRequire } from 'node:module';
import { badInput } from '../../core/errors.js';
import type { Mask, Raster } from '../../core/image.js';

/** A method scored next to the engine's models without going through the engine. */
export interface ReferenceMethod {
  id: string;
  name: string;
  /** Where it ran, for the leaderboard's provider column. */
  provider: string;
  /** Fills `mask`'s holes (non-zero = hole) of an 8-bit RGB photo. */
  inpaint(image: Raster, mask: Mask): Raster;
}

/** The id `--baseline` uses for OpenCV's Telea. */
export const OPENCV_TELEA_ID = 'opencv-telea';

interface CvMat {
  data: Uint8Array;
  delete(): void;
}
interface Cv {
  Mat: new (rows?: number, cols?: number, type?: number) => CvMat;
  CV_8UC3: number;
  CV_8UC1: number;
  INPAINT_TELEA: number;
  inpaint(src: CvMat, mask: CvMat, dst: CvMat, radius: number, flags: number): void;
  onRuntimeInitialized?: () => void;
}

let loading: Promise<{ cv: Cv }> | undefined;

/**
 * Loads OpenCV.js once. Resolved wrapped in an object: the module is a thenable that resolves to itself,
 * so handing it to `await` directly never settles.
 */
function loadOpenCv(): Promise<{ cv: Cv }> {
  loading ??= (async () => {
    let cv: Cv;
    try {
      cv = createRequire(import.meta.url)('@techstark/opencv-js') as Cv;
    } catch (e) {
      throw badInput(
        undefined,
        `the ${OPENCV_TELEA_ID} baseline needs OpenCV.js (@techstark/opencv-js, a development dependency; run npm install in the source tree), or pass --baseline classical`,
        e,
      );
    }
    if (!(cv as { Mat?: unknown }).Mat) await new Promise<void>((done) => { cv.onRuntimeInitialized = done; });
    return { cv };
  })();
  return loading;
}

/** OpenCV's Telea with `radius` (OpenCV's customary 3), ready to run. */
export async function openCvTelea(radius = 3): Promise<ReferenceMethod> {
  const { cv } = await loadOpenCv();
  return {
    id: OPENCV_TELEA_ID,
    name: `OpenCV Telea (r=${radius})`,
    provider: 'cpu (OpenCV.js)',
    inpaint(image: Raster, mask: Mask): Raster {
      const { width, height, channels, depth } = image;
      if (channels !== 3 || depth !== 8) throw new Error(`OpenCV Telea takes 8-bit RGB, got ${channels} channels at ${depth} bits`);
      const src = new cv.Mat(height, width, cv.CV_8UC3);
      const hole = new cv.Mat(height, width, cv.CV_8UC1);
      const dst = new cv.Mat();
      try {
        src.data.set(image.data as Uint8Array);
        for (let i = 0; i < mask.data.length; i++) hole.data[i] = mask.data[i] ? 255 : 0;
        cv.inpaint(src, hole, dst, radius, cv.INPAINT_TELEA);
        return { width, height, channels: 3, depth: 8, data: Uint8Array.from(dst.data) };
      } finally {
        src.delete();
        hole.delete();
        dst.delete();
      }
    },
  };
}
