/**
 * How results and errors cross every boundary (IPC, HTTP, worker threads, the preload bridge), in one
 * place: a value is `{ok: true, value}`, an error `{ok: false, error: {code, message}}` with the codes of
 * core/errors.ts, so a refusal made anywhere reads the same to the renderer. Pure.
 */
import { isKintsugiError } from '../errors.js';
import type { ApiErrorCode, ApiResult } from './contract.js';

/** A failed call as it goes on the wire. */
export type Failure = Extract<ApiResult<never>, { ok: false }>;

/** A refusal with its code (bad input unless said otherwise). */
export function failure(message: string, code: ApiErrorCode = 'bad-input'): Failure {
  return { ok: false, error: { code, message } };
}

/** Wire form of any thrown error: KintsugiErrors keep their code and message; anything else is internal. */
export function toFailure(e: unknown): Failure {
  if (isKintsugiError(e)) return failure(e.message, e.code);
  return failure(e instanceof Error ? e.message : String(e), 'internal');
}

/** Runs `fn` and returns its value or its error as wire data: nothing a handler throws escapes as an exception. */
export async function settle<T>(fn: () => Promise<T>): Promise<ApiResult<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    return toFailure(e);
  }
}
