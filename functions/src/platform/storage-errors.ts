/**
 * Firestore's refusals of data that can never be stored: a document over 1 MiB ("maximum entity
 * size", "exceeds the maximum allowed size"), a request over the gRPC message limit
 * (`RESOURCE_EXHAUSTED: ... exceeds maximum size`), too many index entries, nesting too deep.
 * They are permanent: mapped to a 413 or 400 naming the limit, never retried and never a 500.
 */
import { AppError } from '../shared/errors.js';

const RESOURCE_EXHAUSTED = 8;
const INVALID_ARGUMENT = 3;
const TOO_LARGE = /exceeds (the )?maximum|maximum entity size|too large|too big|longer than/i;
const UNSTORABLE = /index entries|too deep|depth|reserved|invalid (utf-?8|string)|not a valid/i;

/** The AppError for a Firestore refusal of unstorable data, or undefined for any other error. */
export function storageLimitError(err: unknown): AppError | undefined {
  const e = err as { code?: unknown; details?: unknown; message?: unknown } | undefined;
  const text = [e?.details, e?.message].filter((x) => typeof x === 'string').join(' ');
  if (!text) return undefined;
  if ((e?.code === RESOURCE_EXHAUSTED || e?.code === INVALID_ARGUMENT) && TOO_LARGE.test(text))
    return new AppError('payload_too_large', `the data is too large to store: ${text.slice(0, 300)}`);
  if (e?.code === INVALID_ARGUMENT && UNSTORABLE.test(text))
    return new AppError('invalid_input', `the data cannot be stored: ${text.slice(0, 300)}`);
  return undefined;
}
