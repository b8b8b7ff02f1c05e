/**
 * /v1 routes for the trend loop: run the loop now, read a tick, list intents, and the loop's
 * settings (sources; threshold, de-dupe window and the other tick settings). Thin: parse, call one
 * use case. Settings changes need the operator scope and a rationale, and are audited.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { actorOf, route, type Route } from '../../platform/http/route.js';
import { notFound } from '../../shared/errors.js';
import { sourcesSchema, tickSettingsSchema } from './core/settings.js';
import { runTrendLoop } from './loop.js';
import { putTickSettings, putTrendSources, readTrendConfig } from './settings-store.js';
import { sourcesView } from './sources-view.js';
import { getTick } from './tick.js';
import { INTENTS } from './store.js';

const tickBody = z
  .object({
    tickId: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,100}$/)
      .optional(),
  })
  .default({});
const rationale = z.string().trim().min(1, 'say why the settings change').max(2000);
const sourcesBody = z.strictObject({ sources: sourcesSchema, rationale });
const tickSettingsBody = tickSettingsSchema.extend({ rationale });
const STATUSES = ['new', 'funded', 'unfunded', 'producing', 'published', 'failed'] as const;
const intentsQuery = z.object({
  status: z.enum(STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const toIso = (v: unknown) =>
  v && typeof v === 'object' && 'toDate' in v ? (v as { toDate(): Date }).toDate().toISOString() : v;

export const museTrendRoutes: Route[] = [
  route({
    method: 'POST',
    path: '/v1/muse/ticks',
    scope: 'operator',
    body: tickBody,
    handle: async ({ app, body, caller }) => {
      const r = await runTrendLoop(app, {
        tickId: body.tickId ?? `api-${randomUUID()}`,
        actor: actorOf(caller),
      });
      return { status: r.duplicate ? 200 : 201, body: r };
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
    path: '/v1/muse/sources',
    scope: 'read',
    handle: async ({ app }) => ({ body: await sourcesView(app) }),
  }),
  route({
    method: 'PUT',
    path: '/v1/muse/sources',
    scope: 'operator',
    body: sourcesBody,
    handle: async ({ app, body, caller }) => {
      await putTrendSources(app, { ...body, actor: actorOf(caller), via: 'api' });
      return { body: await sourcesView(app) };
    },
  }),
  route({
    method: 'GET',
    path: '/v1/muse/settings/trends',
    scope: 'read',
    handle: async ({ app }) => ({ body: (await readTrendConfig(app.db)).tick }),
  }),
  route({
    method: 'PUT',
    path: '/v1/muse/settings/trends',
    scope: 'operator',
    body: tickSettingsBody,
    handle: async ({ app, body, caller }) => {
      const { rationale: why, ...settings } = body;
      await putTickSettings(app, { settings, rationale: why, actor: actorOf(caller), via: 'api' });
      return { body: (await readTrendConfig(app.db)).tick };
    },
  }),
  route({
    method: 'GET',
    path: '/v1/muse/intents',
    scope: 'read',
    query: intentsQuery,
    handle: async ({ app, query }) => {
      const q = intentsQuery.parse(query);
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
