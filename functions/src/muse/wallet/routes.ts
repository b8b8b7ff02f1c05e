/**
 * /v1 routes for the CFO wallet, its circuit breaker and its settings. Thin: parse, call one use
 * case. Settings changes need the finance scope and a rationale, and are audited.
 */
import { z } from 'zod';
import { actorOf, route, type Route } from '../../platform/http/route.js';
import { museOf } from '../../wiring/muse.js';
import { callerKeyProblem } from './core/keys.js';
import { MAX_AMOUNT } from './core/money.js';
import { walletSettingsSchema } from './policy.js';

const ledgerQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).optional(),
  after: z.coerce.number().int().min(0).optional(),
});

/** A caller's idempotency key, validated like any id (core/keys.ts says why `~` is refused). */
const idempotencyKey = z.string().superRefine((key, ctx) => {
  const problem = callerKeyProblem(key);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
/** Currency units; toMicros refuses what rounds to zero micros or carries a fraction of one. */
const amount = z.number().finite().positive().max(MAX_AMOUNT);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Free text without lone UTF-16 surrogates (they cannot be stored as UTF-8). */
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((s) => !LONE_SURROGATE.test(s), 'contains a lone UTF-16 surrogate');

const creditBody = z.object({
  key: idempotencyKey,
  amount,
  note: text(500).optional(),
});
const debitBody = z.object({
  idempotencyKey,
  amount,
  rationale: text(2000).pipe(z.string().min(1, 'a rationale is required: why was this spent?')),
  memo: text(500).optional(),
});
const tripBody = z.object({ reason: z.string().trim().min(1, 'a reason is required').max(500) });
const overrideBody = z.object({ rationale: z.string().trim().min(1, 'a rationale is required').max(2000) });
const settingsBody = walletSettingsSchema.extend({
  rationale: z.string().trim().min(1, 'say why the settings change').max(2000),
});

export const museWalletRoutes: Route[] = [
  route({
    method: 'GET',
    path: '/v1/muse/wallet',
    scope: 'read',
    handle: async ({ app }) => ({ body: await museOf(app).wallet.overview() }),
  }),
  route({
    method: 'GET',
    path: '/v1/muse/ledger',
    scope: 'read',
    query: ledgerQuery,
    handle: async ({ app, query }) => ({ body: await museOf(app).wallet.ledger(ledgerQuery.parse(query)) }),
  }),
  route({
    method: 'POST',
    path: '/v1/muse/wallet/credit',
    scope: 'finance',
    body: creditBody,
    handle: async ({ app, body, caller }) => {
      const r = await museOf(app).wallet.credit({ ...body, actor: actorOf(caller), via: 'api' });
      return { status: r.replay ? 200 : 201, body: r };
    },
  }),
  route({
    method: 'POST',
    path: '/v1/muse/wallet/debit',
    scope: 'finance',
    body: debitBody,
    handle: async ({ app, body, caller }) => {
      const r = await museOf(app).wallet.debit({
        key: body.idempotencyKey,
        amount: body.amount,
        rationale: body.rationale,
        ...(body.memo ? { note: body.memo } : {}),
        actor: actorOf(caller),
        via: 'api',
      });
      return { status: r.replay ? 200 : 201, body: r };
    },
  }),
  route({
    method: 'POST',
    path: '/v1/muse/breaker/trip',
    scope: 'finance',
    body: tripBody,
    handle: async ({ app, body, caller }) => ({
      body: await museOf(app).wallet.trip({ reason: body.reason, actor: actorOf(caller), via: 'api' }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/muse/breaker/override',
    scope: 'finance',
    body: overrideBody,
    handle: async ({ app, body, caller }) => ({
      body: await museOf(app).wallet.override({
        rationale: body.rationale,
        actor: actorOf(caller),
        via: 'api',
      }),
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/muse/settings/wallet',
    scope: 'read',
    handle: async ({ app }) => ({ body: await museOf(app).wallet.settings() }),
  }),
  route({
    method: 'PUT',
    path: '/v1/muse/settings/wallet',
    scope: 'finance',
    body: settingsBody,
    handle: async ({ app, body, caller }) => {
      const { rationale, ...settings } = body;
      return {
        body: await museOf(app).wallet.putSettings({
          settings,
          rationale,
          actor: actorOf(caller),
          via: 'api',
        }),
      };
    },
  }),
];
