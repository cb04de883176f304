/**
 * The one place the inference worker meets the pure pipeline (src-main/core): tiling, compositing,
 * mask post-processing and the classical fallback are written there; this module only re-exports them.
 */
export { detectRaster, inpaintRaster, type DetectBackend, type InpaintBackend } from '../../core/pipeline.js';
export { probToMask } from '../../core/mask.js';
export { classicalBackend } from '../../core/classical.js';
