/**
 * The one place the inference worker meets the pipeline (tiling, compositing, mask post-processing and
 * the classical fallback), all from the pure core in src-main/core.
 */
export { classicalBackend } from '../../core/classical.js';
export { inpaintRaster, type InpaintBackend } from '../../core/pipeline.js';
export { DEFAULT_DETECT_POSTPROCESS, detectMask, detectRaster, effectivePostprocess, type DetectPostprocess, type DetectBackend } from '../../core/detect.js';
