/**
 * /v1 routes for the CFO wallet and circuit breaker. Thin: parse, call one use case.
 */
import { z } from 'zod';
import { route, type Caller, type Route } from '../../platform/http/route.js';
import type { Actor } from '../../shared/ports.js';
import { getBreaker, overrideBreaker, tripBreaker } from './breaker.js';
import { creditWallet, getWallet, listLedger } from './ledger.js';
import { KEY_PATTERN } from './store.js';

const actorOf = (c: Caller): Actor => ({ kind: 'apikey', id: c.keyId, name: c.name });

const creditBody = z.object({
  key: z.string().regex(KEY_PATTERN, 'idempotency key: 1-300 letters, digits or _ . : ~ @ -'),
  amount: z.number().finite().positive(),
  note: z.string().max(500).optional(),
});
const tripBody = z.object({ reason: z.string().trim().min(1, 'a reason is required').max(500) });
const overrideBody = z.object({ rationale: z.string().trim().min(1, 'a rationale is required').max(2000) });

export const museWalletRoutes: Route[] = [
  route({
    method: 'GET',
    path: '/v1/muse/wallet',
    scope: 'read',
    handle: async ({ app }) => ({ body: { wallet: await getWallet(app), breaker: await getBreaker(app) } }),
  }),
  route({
    method: 'GET',
    path: '/v1/muse/ledger',
    scope: 'read',
    handle: async ({ app, query }) => {
      const q = z
        .object({
          limit: z.coerce.number().int().min(1).max(500).optional(),
          after: z.coerce.number().int().min(0).optional(),
        })
        .parse(query);
      return { body: await listLedger(app, q) };
    },
  }),
  route({
    method: 'POST',
    path: '/v1/muse/wallet/credit',
    scope: 'finance',
    body: creditBody,
    handle: async ({ app, body, caller }) => {
      const r = await creditWallet(app, { ...body, actor: actorOf(caller), via: 'api' });
      return { status: r.replay ? 200 : 201, body: r };
    },
  }),
  route({
    method: 'POST',
    path: '/v1/muse/breaker/trip',
    scope: 'finance',
    body: tripBody,
    handle: async ({ app, body, caller }) => ({
      body: await tripBreaker(app, { reason: body.reason, actor: actorOf(caller), via: 'api' }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/muse/breaker/override',
    scope: 'finance',
    body: overrideBody,
    handle: async ({ app, body, caller }) => ({
      body: await overrideBreaker(app, { rationale: body.rationale, actor: actorOf(caller), via: 'api' }),
    }),
  }),
];
