/**
 * /v1 routes for the trend loop: run the loop now, read a tick, list intents, and the loop's
 * settings (sources; threshold, de-dupe window and the other tick settings). Thin: parse, call one
 * use case. Settings changes need the operator scope and a rationale, and are audited.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { actorOf, route, type Route } from '../../platform/http/route.js';
import { notFound } from '../../shared/errors.js';
import { museOf } from '../../wiring/muse.js';
import { sourcesSchema, tickSettingsSchema } from './core/settings.js';

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

export const museTrendRoutes: Route[] = [
  route({
    method: 'POST',
    path: '/v1/muse/ticks',
    scope: 'operator',
    body: tickBody,
    handle: async ({ app, body, caller }) => {
      const r = await museOf(app).trends.runLoop({
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
      const tick = await museOf(app).trends.getTick(params.id ?? '');
      if (!tick) throw notFound(`no trend tick ${params.id}`);
      return { body: tick };
    },
  }),
  route({
    method: 'GET',
    path: '/v1/muse/sources',
    scope: 'read',
    handle: async ({ app }) => ({ body: await museOf(app).trends.sources() }),
  }),
  route({
    method: 'PUT',
    path: '/v1/muse/sources',
    scope: 'operator',
    body: sourcesBody,
    handle: async ({ app, body, caller }) => ({
      body: await museOf(app).trends.putSources({ ...body, actor: actorOf(caller), via: 'api' }),
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/muse/settings/trends',
    scope: 'read',
    handle: async ({ app }) => ({ body: await museOf(app).trends.tickSettings() }),
  }),
  route({
    method: 'PUT',
    path: '/v1/muse/settings/trends',
    scope: 'operator',
    body: tickSettingsBody,
    handle: async ({ app, body, caller }) => {
      const { rationale: why, ...settings } = body;
      return {
        body: await museOf(app).trends.putTickSettings({
          settings,
          rationale: why,
          actor: actorOf(caller),
          via: 'api',
        }),
      };
    },
  }),
  route({
    method: 'GET',
    path: '/v1/muse/intents',
    scope: 'read',
    query: intentsQuery,
    handle: async ({ app, query }) => ({
      body: { intents: await museOf(app).trends.listIntents(intentsQuery.parse(query)) },
    }),
  }),
];
