/** Resumable batch restore of a folder: the runner, its ledger, and the pause control the app uses. */
export { runBatch, type BatchOptions, type BatchEvents, type BatchSummary, type BatchIssue, type FileEvent } from './run-batch.js';
export { readLedger, LEDGER_FILE, type LedgerRow, type FileState } from './ledger.js';
export { PauseGate } from './pause-gate.js';
export type { BatchProgress } from './progress.js';
export { IMAGE_EXTENSIONS } from './scan.js';
export { batchThumbnail } from './thumbnail.js';
