/**
 * Errors the functions framework raises before a function runs (malformed JSON sent as
 * application/json, an unsupported charset, a malformed percent-escape in the path) reach
 * Express's final handler, which answers an HTML page with a stack trace and absolute paths.
 * This appends one error-handling middleware to each framework app so they answer the API's
 * JSON shape `{ "error": { "code", "message" } }` with the error's 4xx instead.
 *
 * The framework builds its Express app itself and offers no hook, so the app is found as the
 * request listener of its HTTP server: in production through Node's documented
 * `http.server.request.start` diagnostics channel (published before the app sees the request,
 * so even a cold instance's first request is covered); locally the gateway passes each server.
 */
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

interface ExpressApp {
  (req: IncomingMessage, res: ServerResponse): void;
  use(
    handler: (err: unknown, req: IncomingMessage, res: ServerResponse, next: (e?: unknown) => void) => void,
  ): unknown;
  handle: unknown;
}

const done = new WeakSet<object>();

const isExpressApp = (l: unknown): l is ExpressApp =>
  typeof l === 'function' &&
  typeof (l as { use?: unknown }).use === 'function' &&
  typeof (l as { handle?: unknown }).handle === 'function';

/** Makes the framework app serving `server` answer its own errors as JSON. Idempotent. */
export function answerFrameworkErrorsAsJson(server: Server): Server {
  if (done.has(server)) return server;
  done.add(server);
  for (const l of server.listeners('request')) {
    if (!isExpressApp(l) || done.has(l)) continue;
    done.add(l);
    l.use(asJson);
  }
  return server;
}

let subscribed = false;
/** Covers every HTTP server of this process, as each receives its first request. */
export function answerFrameworkErrorsAsJsonEverywhere(): void {
  if (subscribed) return;
  subscribed = true;
  subscribe('http.server.request.start', (message) => {
    const server = (message as { server?: Server }).server;
    if (server) answerFrameworkErrorsAsJson(server);
  });
}

interface HttpishError {
  status?: unknown;
  statusCode?: unknown;
  type?: unknown;
  message?: unknown;
  name?: unknown;
}

/** What the caller is told: a stable code and a message without stack or file paths. */
export function describeFrameworkError(err: unknown): { status: number; code: string; message: string } {
  const e = (err ?? {}) as HttpishError;
  const raw = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 500;
  const status = raw >= 400 && raw < 600 ? raw : 500;
  const why = typeof e.message === 'string' ? e.message.split('\n')[0]!.slice(0, 300) : '';
  switch (e.type) {
    case 'entity.parse.failed':
      return { status: 400, code: 'invalid_input', message: `the request body is not valid JSON: ${why}` };
    case 'entity.too.large':
      return { status: 413, code: 'payload_too_large', message: 'the request body is too large' };
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return { status: 415, code: 'unsupported_media_type', message: why };
    case 'request.aborted':
    case 'request.size.invalid':
      return { status: 400, code: 'invalid_input', message: why };
  }
  if (e.name === 'URIError' || /decode param/i.test(why))
    return { status: 400, code: 'invalid_input', message: `the path has a malformed percent-escape: ${why}` };
  if (status >= 500) return { status, code: 'internal', message: 'internal error' };
  return { status, code: status === 404 ? 'not_found' : 'invalid_input', message: why || 'bad request' };
}

function asJson(err: unknown, _req: IncomingMessage, res: ServerResponse, next: (e?: unknown) => void): void {
  if (res.headersSent) return next(err);
  const { status, code, message } = describeFrameworkError(err);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ error: { code, message } }));
}
