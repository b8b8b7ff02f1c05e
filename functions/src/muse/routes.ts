/**
 * /v1 routes of the muse's production side: status, production on demand or for an intent, leaving
 * safe mode, staged assets and the identity Bible. Each handler calls one use case.
 * The safe-mode exit body accepts an empty rationale on purpose: the use case refuses it and the
 * refused attempt is audited, which a schema rejection would skip.
 */
import { z } from 'zod';
import { actorOf, route, type Route } from '../platform/http/route.js';
import { limitParam } from '../platform/http/query-params.js';
import { id } from '../shared/validation.js';
import { museOf } from '../wiring/muse.js';
import { bibleInputSchema } from './production/core/bible.js';
import { onDemandSchema } from './production/on-demand.js';

const exitBody = z.strictObject({ rationale: z.string().max(2000).default('') });

export const museRoutes: Route[] = [
  route({
    method: 'GET',
    path: '/v1/muse/status',
    scope: 'read',
    handle: async ({ app }) => ({ body: await museOf(app).status.get() }),
  }),
  route({
    method: 'POST',
    path: '/v1/muse/intents',
    scope: 'runs',
    body: onDemandSchema,
    handle: async ({ app, body, caller }) => {
      const r = await museOf(app).production.request({ ...body, actor: actorOf(caller), via: 'api' });
      return { status: r.created ? 201 : 200, body: r };
    },
  }),
  route({
    method: 'POST',
    path: '/v1/muse/intents/:id/produce',
    scope: 'runs',
    handle: async ({ app, params, caller }) => {
      const r = await museOf(app).production.produceIntent({ intentId: params.id!, actor: actorOf(caller) });
      return { status: r.created ? 201 : 200, body: r };
    },
  }),
  route({
    method: 'POST',
    path: '/v1/muse/safemode/exit',
    scope: 'operator',
    body: exitBody,
    handle: async ({ app, body, caller }) => ({
      body: {
        safeMode: await museOf(app).critic.exitSafeMode({
          actor: actorOf(caller),
          rationale: body.rationale,
          via: 'api',
        }),
      },
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/muse/assets',
    scope: 'read',
    query: z.object({ limit: limitParam().optional(), before: id().optional() }),
    handle: async ({ app, query }) => ({
      body: {
        assets: await museOf(app).production.listAssets({
          ...(query.limit !== undefined ? { limit: Number(query.limit) } : {}),
          ...(query.before !== undefined ? { before: query.before } : {}),
        }),
      },
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/muse/assets/:id',
    scope: 'read',
    handle: async ({ app, params }) => ({ body: await museOf(app).production.linkedAsset(params.id!) }),
  }),
  route({
    method: 'GET',
    path: '/v1/muse/bible',
    scope: 'read',
    handle: async ({ app }) => ({ body: await museOf(app).production.bible() }),
  }),
  route({
    method: 'PUT',
    path: '/v1/muse/bible',
    scope: 'operator',
    body: bibleInputSchema,
    handle: async ({ app, body, caller }) => ({
      body: await museOf(app).production.saveBible({ actor: actorOf(caller), bible: body, via: 'api' }),
    }),
  }),
];
