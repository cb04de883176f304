/** `kintsugi eval` and the Models view's data: run evaluations, read leaderboards. */
export { runEval, summarize, type EvalEngine, type EvalOptions, type EvalResult, type BandSummary } from './run-eval.js';
export { leaderboard, scoresByBand, latestRunId, formatLeaderboard, formatVersus, type EvalBandRow, type BandScores } from './leaderboard.js';
export { openCvTelea, OPENCV_TELEA_ID, type ReferenceMethod } from './opencv-telea.js';
export { SYNTHETIC_KINDS, type SyntheticKind, syntheticMask, bandOf } from './synthetic-masks.js';
export { groupMasks, maskFor, resizeNearest, listImages } from './pairing.js';
