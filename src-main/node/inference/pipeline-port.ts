/**
 * The one place the inference worker meets the pipeline (tiling, compositing, mask post-processing and
 * the classical fallback). E1's pure implementation lives in src-main/core; until it lands this re-exports
 * the interim stand-in with the same interfaces.
 */
export { classicalBackend, detectRaster, inpaintRaster, probToMask, type DetectBackend, type InpaintBackend } from './interim-pipeline.js';
