/**
 * Path matching and method dispatch for /v1 through express's Router (the functions framework
 * already loads express), instead of hand-made regexes. It only finds the route: the API router
 * does everything else (auth, scopes, id rules, bodies) in its own order, so a path that exists
 * but not for this method is still a 405 listing the methods it has, before any key is read.
 *
 * Each route registers its method handler, then an `all` handler that records the route's method as
 * allowed and passes on. A GET route does not answer HEAD (express would): HEAD, like any
 * method no route declares, is a 405.
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Route } from '../../platform/http/route.js';
import { AppError } from '../../shared/errors.js';

export type RouteMatch =
  { route: Route; params: Record<string, string> } | { route?: undefined; allowed: string[] } | undefined;

interface Seen {
  hit?: { route: Route; params: Record<string, string> };
  allowed: Set<string>;
}

const seen = new WeakMap<Request, Seen>();

function buildRouter(routes: readonly Route[]) {
  const router = Router({ caseSensitive: true, strict: false });
  for (const r of routes) {
    const onMethod = (req: Request, _res: Response, next: NextFunction) => {
      if (req.method !== r.method) return next();
      seen.get(req)!.hit = { route: r, params: { ...(req.params as Record<string, string>) } };
      next('router');
    };
    const onAnyMethod = (req: Request, _res: Response, next: NextFunction) => {
      seen.get(req)!.allowed.add(r.method);
      next();
    };
    const entry = router.route(r.path);
    if (r.method === 'GET') entry.get(onMethod);
    else if (r.method === 'POST') entry.post(onMethod);
    else if (r.method === 'PUT') entry.put(onMethod);
    else entry.delete(onMethod);
    entry.all(onAnyMethod);
  }
  return router;
}

/** A matcher over `routes`: the route and its decoded params, the allowed methods (405), or undefined (404). */
export function createRouteMatcher(routes: readonly Route[]) {
  const router = buildRouter(routes);
  return (req: Request, res: Response): Promise<RouteMatch> =>
    new Promise((resolve, reject) => {
      const state: Seen = { allowed: new Set() };
      seen.set(req, state);
      router(req, res, (err?: unknown) => {
        seen.delete(req);
        if (err && err !== 'router') return reject(decodeError(err));
        if (state.hit) return resolve(state.hit);
        resolve(state.allowed.size ? { allowed: [...state.allowed] } : undefined);
      });
    });
}

/** express refuses a path parameter that does not percent-decode (URIError, status 400). */
function decodeError(err: unknown): unknown {
  if (err instanceof URIError)
    return new AppError(
      'invalid_input',
      `path parameter: malformed percent-escape (${err.message.slice(0, 120)})`,
    );
  return err;
}
