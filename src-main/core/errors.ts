/**
 * Errors that cross module, worker and process boundaries as plain data. `bad-input` is the user's file
 * or argument (CLI exit code 1), `cancelled` is a user abort, `internal` is our bug (exit code 2).
 */
export type ErrorCode = 'bad-input' | 'cancelled' | 'internal';

export class KintsugiError extends Error {
  readonly code: ErrorCode;
  /** The file the problem is about, when there is one; named in the message shown to people. */
  readonly file: string | undefined;

  constructor(code: ErrorCode, message: string, file?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KintsugiError';
    this.code = code;
    this.file = file;
  }

  /** Plain-data form that survives postMessage / IPC / JSON. */
  toJSON(): { code: ErrorCode; message: string; file?: string } {
    return this.file === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, file: this.file };
  }
}

/** A clear, user-facing error about a specific file: "<file>: <problem>". */
export function badInput(file: string | undefined, problem: string, cause?: unknown): KintsugiError {
  const message = file === undefined ? problem : `${file}: ${problem}`;
  return new KintsugiError('bad-input', message, file, { cause });
}

/** Thrown when a job's AbortSignal fires; checked between tiles. */
export function cancelled(what = 'Job'): KintsugiError {
  return new KintsugiError('cancelled', `${what} cancelled`);
}

/** Rebuilds a KintsugiError from its JSON form (worker and IPC boundaries). */
export function fromJSON(e: { code: ErrorCode; message: string; file?: string }): KintsugiError {
  return new KintsugiError(e.code, e.message, e.file);
}

/** Narrowing helper for catch blocks. */
export function isKintsugiError(e: unknown): e is KintsugiError {
  return e instanceof KintsugiError;
}
