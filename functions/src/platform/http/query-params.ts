/**
 * Query parameters as zod schemas, declared on the route (`Route.query`): the router checks a
 * request's query with the same schema the OpenAPI document lists, so the two cannot drift.
 * Handlers still read `ctx.query` as strings; the schema only decides what is accepted.
 */
import { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import type { Route } from './route.js';

/** A page size: a whole number from 1 to `max`. */
export const limitParam = (max = 1000) =>
  z.coerce.number().int().min(1, `must be from 1 to ${max}`).max(max, `must be from 1 to ${max}`);

/** A point in time, as an ISO date or date-time (e.g. 2026-01-01 or 2026-01-01T00:00:00Z). */
export const timeParam = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(v)), 'takes ISO dates, e.g. 2026-01-01 or 2026-01-01T00:00:00Z')
  .meta({ description: 'an ISO date or date-time, e.g. 2026-01-01T00:00:00Z' });

/** `?format=md` (or `markdown`) asks a report route for Markdown instead of JSON. */
export const formatParam = z.enum(['json', 'md', 'markdown']);

/** Throws a 400 naming the parameter when the request's query does not fit the route's schema. */
export function checkRouteQuery(r: Route, query: Record<string, string>): void {
  if (!r.query) return;
  const parsed = r.query.safeParse(query);
  if (parsed.success) return;
  const problems = parsed.error.issues.map((i) =>
    i.code === 'unrecognized_keys'
      ? `unknown query parameter ${i.keys.map((k) => k.slice(0, 40)).join(', ')}`
      : `query parameter ${i.path.map(String).join('.')}: ${i.message}`,
  );
  throw new AppError('invalid_input', problems.join('; '), { problems });
}
