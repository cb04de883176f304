/** Before/after comparison export: single pairs (`kintsugi compare`) and whole batches (`--compare`). */
export { compareFiles, renderComparison, parseLabels, COMPARE_OUTPUT_EXTENSIONS, type CompareOptions, type CompareResult } from './compare-files.js';
export { COMPARE_LAYOUTS, layoutSize, type CompareLayout } from './layouts.js';
export { contactSheet, sheetSize, type SheetPair } from './contact-sheet.js';
export { writeBatchComparisons, type BatchComparisonResult, type BatchCompareForm } from './batch-compare.js';
