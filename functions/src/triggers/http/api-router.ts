/**
 * The /v1 router: authenticates the API key, matches the route, validates the body with the route's
 * zod schema, calls the use case, and maps AppError codes to HTTP statuses. One error shape:
 * `{ "error": { "code", "message", "details"? } }`.
 */
import type { Request, Response } from '@google-cloud/functions-framework';
import { ZodError } from 'zod';
import { ALL_ROUTES } from '../../routes.js';
import { createKeyResolver, hasScope } from '../../platform/api-keys.js';
import { getContainer, type Container } from '../../platform/container.js';
import type { Caller, Route } from '../../platform/http/route.js';
import { traceFromHeader } from '../../platform/log.js';
import { requireSecret } from '../../config.js';
import { AppError, describeIssues, isAppError } from '../../shared/errors.js';

interface Compiled {
  route: Route;
  re: RegExp;
  keys: string[];
}

const compiled: Compiled[] = ALL_ROUTES.map((route) => {
  const keys: string[] = [];
  const re = new RegExp(
    '^' +
      route.path
        .replace(/\/:([A-Za-z]+)/g, (_, k: string) => (keys.push(k), '/([^/]+)'))
        .replace(/\//g, '\\/') +
      '\\/?$',
  );
  return { route, re, keys };
});

let resolver: ReturnType<typeof createKeyResolver> | undefined;

function sendError(res: Response, err: AppError) {
  // A refusal that says when to come back (a busy wallet) carries it as Retry-After too.
  const retryAfter = (err.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  if (typeof retryAfter === 'number') res.setHeader('retry-after', String(retryAfter));
  res.status(err.status).json({
    error: {
      code: err.code,
      message: err.message,
      ...(err.details !== undefined ? { details: err.details } : {}),
    },
  });
}

function bearer(req: Request): string | undefined {
  const h = req.header('authorization');
  if (h?.toLowerCase().startsWith('bearer ')) return h.slice(7).trim();
  return req.header('x-api-key') ?? undefined;
}

/** The framework parses JSON bodies; other content types arrive as text or bytes, parsed here. */
function bodyOf(req: Request): unknown {
  const b: unknown = req.body;
  if (Buffer.isBuffer(b) || typeof b === 'string') {
    const text = b.toString();
    if (!text.trim()) return undefined;
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new AppError('invalid_input', `the request body is not valid JSON: ${(err as Error).message}`);
    }
  }
  if (b && typeof b === 'object' && Object.keys(b).length === 0) return undefined;
  return b;
}

async function authenticate(app: Container, req: Request): Promise<Caller> {
  const key = bearer(req);
  if (!key) throw new AppError('unauthenticated', 'missing API key: send "Authorization: Bearer <key>"');
  resolver ??= createKeyResolver(app.db, requireSecret(app.config, 'apiKeyPepper'));
  const caller = await resolver(key);
  if (!caller) throw new AppError('unauthenticated', 'unknown or disabled API key');
  return caller;
}

export async function route(req: Request, res: Response): Promise<void> {
  const app = await getContainer();
  const log = app.log.child({ trace: traceFromHeader(req.header('x-cloud-trace-context')), path: req.path });
  try {
    const matches = compiled.map((c) => ({ c, m: c.re.exec(req.path) })).filter((x) => x.m);
    if (matches.length === 0) throw new AppError('not_found', `no such endpoint: ${req.method} ${req.path}`);
    const hit = matches.find((x) => x.c.route.method === req.method);
    if (!hit) {
      res.setHeader('allow', matches.map((x) => x.c.route.method).join(', '));
      res.status(405).json({
        error: { code: 'method_not_allowed', message: `${req.method} is not allowed on ${req.path}` },
      });
      return;
    }
    const caller = await authenticate(app, req);
    const { route: r, keys } = hit.c;
    if (!hasScope(caller, r.scope))
      throw new AppError(
        'forbidden',
        `this key lacks the "${r.scope}" scope needed for ${r.method} ${r.path}`,
      );
    let body = bodyOf(req);
    if (r.body) {
      const parsed = r.body.safeParse(body ?? {});
      if (!parsed.success) {
        const problems = describeIssues(parsed.error.issues);
        throw new AppError('invalid_input', `invalid request body: ${problems.join('; ')}`, { problems });
      }
      body = parsed.data;
    }
    const params = Object.fromEntries(keys.map((k, i) => [k, decodeURIComponent(hit.m![i + 1]!)]));
    const query = Object.fromEntries(
      Object.entries(req.query).filter(([, v]) => typeof v === 'string'),
    ) as Record<string, string>;
    const out = await r.handle({ params, query, body, caller, app });
    res.status(out.status ?? 200);
    if (out.contentType && out.contentType !== 'application/json')
      res.type(out.contentType).send(String(out.body));
    else res.json(out.body);
  } catch (err) {
    if (isAppError(err)) return sendError(res, err);
    if (err instanceof ZodError)
      return sendError(res, new AppError('invalid_input', describeIssues(err.issues).join('; ')));
    log.error('unhandled API error', { err });
    sendError(res, new AppError('internal', 'internal error; see the logs for this trace'));
  }
}
