/**
 * The body cap of every HTTP entry (the API, Slack, the stream token route). Firestore stores at
 * most 1 MiB per document, and a body that can never be stored used to travel all the way to a
 * write, where the client retried `RESOURCE_EXHAUSTED` for minutes while memory grew by gigabytes.
 * A body over the cap is answered 413 at once, before any parsing of ours, any read or any write.
 */
import type { Request, Response } from '@google-cloud/functions-framework';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '../../shared/errors.js';

/** 256 KiB: a quarter of Firestore's document limit, far above any legitimate request. */
export const HTTP_BODY_MAX_BYTES = 256 * 1024;

/** The body's size as received (the framework keeps the raw bytes), or as announced. */
export function bodyBytes(req: Request): number {
  if (req.rawBody) return req.rawBody.length;
  const announced = Number(req.header('content-length'));
  return Number.isFinite(announced) ? announced : 0;
}

/** The 413 for a body over `max`, or undefined when it fits. */
export function oversizedBody(req: Request, max = HTTP_BODY_MAX_BYTES): AppError | undefined {
  const size = bodyBytes(req);
  if (size <= max) return undefined;
  return new AppError(
    'payload_too_large',
    `the request body is ${size} bytes; the limit is ${max} bytes (${max / 1024} KiB)`,
    { size, limit: max },
  );
}

/** Answers with the API's error shape; a 429 says when to come back. */
export function sendAppError(res: Response, err: AppError): void {
  // A refusal that says when to come back (a busy wallet) carries it as Retry-After.
  const retryAfter = (err.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  if (typeof retryAfter === 'number') res.setHeader('retry-after', String(retryAfter));
  if (err.code === 'rate_limited' && !res.getHeader('retry-after')) res.setHeader('retry-after', '1');
  res.status(err.status).json({
    error: {
      code: err.code,
      message: err.message,
      ...(err.details !== undefined ? { details: err.details } : {}),
    },
  });
}

/**
 * For a server in front of the framework (the local gateway): a body announced over the cap is
 * answered 413 before the framework buffers it, and its bytes are drained, not kept.
 */
export function refuseAnnouncedOversize(
  req: IncomingMessage,
  res: ServerResponse,
  max = HTTP_BODY_MAX_BYTES,
): boolean {
  const size = Number(req.headers['content-length']);
  if (!(size > max)) return false;
  const message = `the request body is ${size} bytes; the limit is ${max} bytes (${max / 1024} KiB)`;
  res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
  res.end(JSON.stringify({ error: { code: 'payload_too_large', message, details: { size, limit: max } } }));
  req.resume();
  return true;
}
