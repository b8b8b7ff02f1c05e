/**
 * Firestore's refusals of data that can never be stored: a document over 1 MiB ("maximum entity
 * size", "exceeds the maximum allowed size"), a request over the gRPC message limit
 * (`RESOURCE_EXHAUSTED: ... exceeds maximum size`), an id Firestore does not allow (`.`, `..`,
 * `__x__`, over 1,500 bytes), too many index entries. They are permanent: mapped to a 413 or 400
 * naming the limit, never retried and never a 500. This is the safety net behind the boundary's
 * own checks (shared/validation.ts), for values a route's schema let through.
 *
 * Note: the SDK's plain (non-transaction) commits retry RESOURCE_EXHAUSTED for up to 600 s with
 * retry codes built into the SDK (settings cannot change them), so a write over the 4 MiB gRPC
 * message limit must never be attempted: the HTTP body cap keeps every API write far below it.
 */
import { AppError } from '../shared/errors.js';

const RESOURCE_EXHAUSTED = 8;
const INVALID_ARGUMENT = 3;
const BAD_ID = /resource id|key path element|is reserved/i;
const TOO_LARGE = /exceeds (the )?maximum|maximum entity size|too large|too big|longer than \d+ bytes/i;
const UNSTORABLE = /index entries|too deep|nest/i;

/** The AppError for a Firestore refusal of unstorable data, or undefined for any other error. */
export function storageLimitError(err: unknown): AppError | undefined {
  const e = err as { code?: unknown; details?: unknown; message?: unknown } | undefined;
  const raw = typeof e?.details === 'string' && e.details ? e.details : e?.message;
  if (typeof raw !== 'string') return undefined;
  // Without the project and database prefix of document names.
  const why = raw.replace(/projects\/[^"\s]*?\/documents\//g, '').slice(0, 300);
  if (e?.code === INVALID_ARGUMENT && BAD_ID.test(why))
    return new AppError('invalid_input', `a value in the request cannot be a document id: ${why}`);
  if ((e?.code === RESOURCE_EXHAUSTED || e?.code === INVALID_ARGUMENT) && TOO_LARGE.test(why))
    return new AppError('payload_too_large', `the data is too large to store: ${why}`);
  if (e?.code === INVALID_ARGUMENT && UNSTORABLE.test(why))
    return new AppError('invalid_input', `the data cannot be stored: ${why}`);
  if (e?.code === RESOURCE_EXHAUSTED)
    return new AppError('rate_limited', `the database is busy; try again shortly (${why})`);
  return undefined;
}
