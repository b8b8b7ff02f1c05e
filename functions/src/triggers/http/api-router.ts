/**
 * The /v1 router: refuses an oversized body, matches the route, authenticates the API key, checks
 * every path parameter, query value and the whole JSON body against the shared rules (ids, bounded
 * Unicode text), validates the body with the route's zod schema, calls the use case, and maps
 * AppError codes to HTTP statuses. One error shape: `{ "error": { "code", "message", "details"? } }`.
 */
import type { Request, Response } from '@google-cloud/functions-framework';
import { ZodError } from 'zod';
import { ALL_ROUTES } from '../../routes.js';
import { createKeyResolver, hasScope } from '../../platform/api-keys.js';
import type { Container } from '../../platform/container.js';
import { getApp } from '../../wiring/app.js';
import { actorOf, type Caller } from '../../platform/http/route.js';
import { traceFromHeader } from '../../platform/log.js';
import { requireSecret } from '../../config.js';
import { AppError, describeIssues, isAppError } from '../../shared/errors.js';
import { oversizedBody, sendAppError as sendError } from '../../platform/http/body-limit.js';
import { checkRouteQuery } from '../../platform/http/query-params.js';
import { storageLimitError } from '../../platform/storage-errors.js';
import { idProblem, jsonBodyProblem, QUERY_RULES, QUERY_VALUE } from '../../shared/validation.js';
import { createRouteMatcher } from './route-match.js';

const matchRoute = createRouteMatcher(ALL_ROUTES);

let resolver: ReturnType<typeof createKeyResolver> | undefined;

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

/** Checks every (decoded) path parameter: each one names a document, so each must be a legal id. */
function checkParams(params: Record<string, string>): Record<string, string> {
  for (const [k, value] of Object.entries(params)) {
    const problem = idProblem(value);
    if (problem) throw new AppError('invalid_input', `path parameter ${k}: not a valid id: ${problem}`);
  }
  return params;
}

/** Checks every query value: the shared rules for limit, after, before, status and state; bounded Unicode for the rest. */
function queryOf(req: Request): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.query)) {
    if (typeof v !== 'string')
      throw new AppError('invalid_input', `query parameter ${k.slice(0, 40)}: give it once, as plain text`);
    const parsed = (QUERY_RULES[k] ?? QUERY_VALUE).safeParse(v);
    if (!parsed.success)
      throw new AppError(
        'invalid_input',
        `query parameter ${k.slice(0, 40)}: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
      );
    query[k] = v;
  }
  return query;
}

async function authenticate(app: Container, req: Request): Promise<Caller> {
  const key = bearer(req);
  if (!key) throw new AppError('unauthenticated', 'missing API key: send "Authorization: Bearer <key>"');
  resolver ??= createKeyResolver(app.db, requireSecret(app.config, 'apiKeyPepper'));
  const caller = await resolver(key);
  if (!caller) throw new AppError('unauthenticated', 'unknown or disabled API key');
  return caller;
}

/** Serves one /v1 request: the dispatcher behind every route declared with `route()`. */
export async function dispatchApiRequest(req: Request, res: Response): Promise<void> {
  // Before anything else, the container included: an oversized body costs no SDK and no read.
  const tooLarge = oversizedBody(req);
  if (tooLarge) return sendError(res, tooLarge);
  const app = await getApp();
  const log = app.log.child({ trace: traceFromHeader(req.header('x-cloud-trace-context')), path: req.path });
  try {
    const hit = await matchRoute(req, res);
    if (!hit) throw new AppError('not_found', `no such endpoint: ${req.method} ${req.path}`);
    if (!hit.route) {
      res.setHeader('allow', hit.allowed.join(', '));
      res.status(405).json({
        error: { code: 'method_not_allowed', message: `${req.method} is not allowed on ${req.path}` },
      });
      return;
    }
    const caller = await authenticate(app, req);
    const r = hit.route;
    if (!hasScope(caller, r.scope))
      throw new AppError(
        'forbidden',
        `this key lacks the "${r.scope}" scope needed for ${r.method} ${r.path}`,
      );
    const params = checkParams(hit.params);
    const query = queryOf(req);
    checkRouteQuery(r, query);
    let body = bodyOf(req);
    const problem = jsonBodyProblem(body);
    if (problem) throw new AppError('invalid_input', `invalid request body: ${problem}`);
    if (r.body) {
      const parsed = r.body.safeParse(body ?? {});
      if (!parsed.success) {
        const problems = describeIssues(parsed.error.issues);
        throw new AppError('invalid_input', `invalid request body: ${problems.join('; ')}`, { problems });
      }
      body = parsed.data;
    }
    const out = await r.handle({ params, query, body, caller, actor: actorOf(caller), app });
    res.status(out.status ?? 200);
    if (out.contentType && out.contentType !== 'application/json')
      res.type(out.contentType).send(String(out.body));
    else res.json(out.body);
  } catch (err) {
    if (isAppError(err)) return sendError(res, err);
    if (err instanceof ZodError)
      return sendError(res, new AppError('invalid_input', describeIssues(err.issues).join('; ')));
    const refused = storageLimitError(err);
    if (refused) return sendError(res, refused);
    log.error('unhandled API error', { err });
    sendError(res, new AppError('internal', 'internal error; see the logs for this trace'));
  }
}
