/**
 * /v1 routes for the trend loop: start a tick, read a tick, list intents. Thin: parse, call one use case.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { route, type Route } from '../../platform/http/route.js';
import { notFound } from '../../shared/errors.js';
import { getTick, runTrendTick } from './tick.js';
import { INTENTS } from './store.js';

const tickBody = z
  .object({
    tickId: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,100}$/)
      .optional(),
  })
  .default({});
const STATUSES = ['new', 'funded', 'unfunded', 'producing', 'published', 'failed'] as const;

const toIso = (v: unknown) =>
  v && typeof v === 'object' && 'toDate' in v ? (v as { toDate(): Date }).toDate().toISOString() : v;

export const museTrendRoutes: Route[] = [
  route({
    method: 'POST',
    path: '/v1/muse/ticks',
    scope: 'operator',
    body: tickBody,
    handle: async ({ app, body }) => {
      const summary = await runTrendTick(app, { tickId: body.tickId ?? `api-${randomUUID()}` });
      return { status: summary.duplicate ? 200 : 201, body: summary };
    },
  }),
  route({
    method: 'GET',
    path: '/v1/muse/ticks/:id',
    scope: 'read',
    handle: async ({ app, params }) => {
      const tick = await getTick(app, params.id ?? '');
      if (!tick) throw notFound(`no trend tick ${params.id}`);
      return { body: tick };
    },
  }),
  route({
    method: 'GET',
    path: '/v1/muse/intents',
    scope: 'read',
    handle: async ({ app, query }) => {
      const q = z
        .object({
          status: z.enum(STATUSES).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        })
        .parse(query);
      // Newest first; filtering on status in memory avoids a composite index for a small page.
      const snap = await app.db
        .collection(INTENTS)
        .orderBy('createdAt', 'desc')
        .limit(q.status ? 500 : q.limit)
        .get();
      const intents = snap.docs
        .map((d) => ({ ...d.data(), createdAt: toIso(d.get('createdAt')) }) as Record<string, unknown>)
        .filter((i) => !q.status || i.status === q.status)
        .slice(0, q.limit);
      return { body: { intents } };
    },
  }),
];
