/**
 * The one place the inference worker meets the pipeline (tiling, compositing, mask post-processing and
 * the classical fallback), all from the pure core in src-main/core.
 */
export { classicalBackend } from '../../core/classical.js';
export { DEFAULT_DETECT_POSTPROCESS, detectMask, detectRaster, effectivePostprocess, inpaintRaster, type DetectPostprocess, type DetectBackend, type InpaintBackend } from '../../core/pipeline.js';
