/**
 * /v1 routes for SCMS: sessions, memories, failure logs, promotions, workspace rules, the dashboard
 * and the context-loss procedure. Markdown views answer text/markdown (a `/markdown` path, or
 * `?format=markdown` on the JSON path). Static paths come before `:id` ones.
 */
import { z } from 'zod';
import { route, type Route } from '../platform/http/route.js';
import { formatParam, limitParam, timeParam } from '../platform/http/query-params.js';
import { callerActor } from '../missions/audited.js';
import { sessionsOf } from '../wiring/sessions.js';
import type { FailureLogInput } from './failure-logs.js';

const line = z.string().trim().min(1).max(4000);
const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$/, 'must be an id');
const tokens = z.number().int().nonnegative().max(1e9);
const markdown = (text: string) => ({ body: text, contentType: 'text/markdown; charset=utf-8' });
const wantsMarkdown = (q: Record<string, string>) => q.format === 'markdown' || q.format === 'md';
const period = z.object({ from: timeParam.optional(), to: timeParam.optional() });
const limitOf = (q: Record<string, string>, def: number) => {
  const n = Number(q.limit ?? def);
  return Number.isInteger(n) && n > 0 ? Math.min(n, 200) : def;
};

/**
 * `tests` is what the agent says and is kept in the report; whether tests pass and data is in sync
 * comes from CI guard results and a parity check, never from this body. `parity` is still accepted
 * from older agents and ignored.
 */
const closeBody = z.strictObject({
  tests: z
    .strictObject({
      passed: z.boolean(),
      total: z.number().int().nonnegative().optional(),
      failed: z.number().int().nonnegative().optional(),
      command: line.optional(),
    })
    .optional(),
  parity: z
    .strictObject({ inSync: z.boolean(), differences: z.number().int().nonnegative().optional() })
    .optional(),
  failuresObserved: z.number().int().nonnegative().optional(),
  notes: z.string().max(10_000).optional(),
});

const memoryBody = z.strictObject({
  kind: z.enum(['success', 'surprise']),
  title: line,
  text: line,
  tags: z.array(line).max(20).optional(),
  sessionId: id.optional(),
  baselineTokens: tokens.optional(),
  captureTokens: tokens.optional(),
});

export const sessionRoutes: Route[] = [
  route({
    method: 'POST',
    path: '/v1/sessions',
    scope: 'agent',
    body: z.strictObject({ focusAreas: z.array(line).max(50).optional() }),
    handle: async ({ app, body, caller }) => ({
      status: 201,
      body: await sessionsOf(app).startSession({ ...body, actor: callerActor(caller) }),
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/sessions/:id',
    scope: 'read',
    handle: async ({ app, params }) => ({
      body: { session: await sessionsOf(app).getSession(params.id ?? '') },
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/sessions/:id/close',
    scope: 'agent',
    body: closeBody,
    handle: async ({ app, params, body, caller }) => ({
      body: {
        report: await sessionsOf(app).closeSession({
          ...(body.tests ? { tests: body.tests } : {}),
          ...(body.failuresObserved !== undefined ? { failuresObserved: body.failuresObserved } : {}),
          ...(body.notes !== undefined ? { notes: body.notes } : {}),
          id: params.id ?? '',
          actor: callerActor(caller),
        }),
      },
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/sessions/:id/report',
    scope: 'read',
    query: z.object({ format: formatParam.optional() }),
    handle: async ({ app, params, query }) => {
      const r = await sessionsOf(app).sessionReport(params.id ?? '');
      return wantsMarkdown(query) ? markdown(r.markdown) : { body: { report: r.report } };
    },
  }),
  route({
    method: 'GET',
    path: '/v1/sessions/:id/report/markdown',
    scope: 'read',
    handle: async ({ app, params }) =>
      markdown((await sessionsOf(app).sessionReport(params.id ?? '')).markdown),
  }),
  route({
    method: 'GET',
    path: '/v1/memories',
    scope: 'read',
    query: z.object({ status: z.enum(['active', 'promoted']).optional() }),
    handle: async ({ app, query }) => {
      const status = query.status === 'active' || query.status === 'promoted' ? query.status : undefined;
      return { body: { memories: await sessionsOf(app).listMemories(status) } };
    },
  }),
  route({
    method: 'POST',
    path: '/v1/memories',
    scope: 'agent',
    body: memoryBody,
    handle: async ({ app, body, caller }) => ({
      status: 201,
      body: { memory: await sessionsOf(app).captureMemory({ ...body, actor: callerActor(caller) }) },
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/memories/:id',
    scope: 'read',
    handle: async ({ app, params }) => ({
      body: { memory: await sessionsOf(app).getMemory(params.id ?? '') },
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/memories/:id/reuse',
    scope: 'agent',
    body: z.strictObject({ sessionId: id, tokensUsed: tokens.optional() }),
    handle: async ({ app, params, body, caller }) => ({
      body: await sessionsOf(app).reportReuse({
        ...body,
        memoryId: params.id ?? '',
        actor: callerActor(caller),
      }),
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/failures',
    scope: 'read',
    query: z.object({ limit: limitParam().optional(), sessionId: id.optional() }),
    handle: async ({ app, query }) => ({
      body: {
        failures: await sessionsOf(app).listFailureLogs({
          limit: limitOf(query, 50),
          sessionId: query.sessionId,
        }),
      },
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/failures',
    scope: 'agent',
    // Loose on purpose: the use case names every missing part at once, which a schema error would not.
    body: z.looseObject({}),
    handle: async ({ app, body, caller }) => ({
      status: 201,
      body: await sessionsOf(app).createFailureLog({
        ...(body as Omit<FailureLogInput, 'actor'>),
        actor: callerActor(caller),
      }),
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/failures/:id',
    scope: 'read',
    handle: async ({ app, params }) => ({
      body: { failure: await sessionsOf(app).getFailureLog(params.id ?? '') },
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/promotions',
    scope: 'read',
    handle: async ({ app }) => ({ body: await sessionsOf(app).listPromotions() }),
  }),
  route({
    method: 'POST',
    path: '/v1/promotions',
    scope: 'decide',
    body: z.strictObject({
      memoryId: id,
      criticalRules: z.array(line).min(1).max(20),
      rationale: line.optional(),
      sessionId: id.optional(),
    }),
    handle: async ({ app, body, caller }) => ({
      status: 201,
      body: await sessionsOf(app).approvePromotion({ ...body, actor: callerActor(caller) }),
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/context/rules',
    scope: 'read',
    handle: async ({ app }) => ({ body: { rules: await sessionsOf(app).listRules() } }),
  }),
  route({
    method: 'POST',
    path: '/v1/context/rules',
    scope: 'decide',
    body: z.strictObject({
      title: line,
      text: line,
      criticalRules: z.array(line).min(1).max(20),
      rationale: line,
    }),
    handle: async ({ app, body, caller }) => ({
      status: 201,
      body: { rule: await sessionsOf(app).addWorkspaceRule({ ...body, actor: callerActor(caller) }) },
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/context/recovery',
    scope: 'read',
    handle: async ({ app }) => ({ body: await sessionsOf(app).contextLossRecovery() }),
  }),
  route({
    method: 'GET',
    path: '/v1/dashboard',
    scope: 'read',
    query: period.extend({ format: formatParam.optional() }),
    handle: async ({ app, query }) => {
      const d = await sessionsOf(app).dashboard(query);
      return wantsMarkdown(query) ? markdown(d.markdown) : { body: d.dashboard };
    },
  }),
  route({
    method: 'GET',
    path: '/v1/dashboard/markdown',
    scope: 'read',
    query: period,
    handle: async ({ app, query }) => markdown((await sessionsOf(app).dashboard(query)).markdown),
  }),
  route({
    method: 'GET',
    path: '/v1/dashboard/economics',
    scope: 'read',
    query: period,
    handle: async ({ app, query }) => ({
      body: await sessionsOf(app).economics(query),
    }),
  }),
  route({
    method: 'PUT',
    path: '/v1/dashboard/focus-areas',
    scope: 'agent',
    body: z.strictObject({ areas: z.array(line).max(50) }),
    handle: async ({ app, body, caller }) => ({
      body: { focusAreas: await sessionsOf(app).setFocusAreas({ ...body, actor: callerActor(caller) }) },
    }),
  }),
];
