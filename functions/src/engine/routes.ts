/** /v1 routes of the step engine: runs, gates, callbacks, the event feed, dead letters, the pause switch. */
import { z } from 'zod';
import { id, RATIONALE_MAX, text } from '../shared/validation.js';
import { route } from '../platform/http/route.js';
import { limitParam } from '../platform/http/query-params.js';
import { engineOf } from '../wiring/engine.js';

const limit = (q: Record<string, string>) =>
  q.limit ? Math.max(1, Math.min(500, Number(q.limit) || 50)) : undefined;

export const engineRoutes = [
  route({
    method: 'POST',
    path: '/v1/runs',
    scope: 'runs',
    body: z.object({
      workflow: z.string().min(1),
      input: z.record(z.string(), z.unknown()).optional(),
      runId: z
        .string()
        .regex(/^[\w-]{1,100}$/)
        .optional(),
    }),
    handle: async ({ body, actor, app }) => {
      const r = await engineOf(app).startWorkflowRun({ ...body, actor: actor });
      return { status: r.created ? 201 : 200, body: r };
    },
  }),
  route({
    method: 'GET',
    path: '/v1/runs',
    scope: 'read',
    query: z.object({
      status: z.enum(['running', 'awaiting_human', 'succeeded', 'failed']).optional(),
      workflow: id().optional(),
      limit: limitParam().optional(),
    }),
    handle: async ({ query, app }) => ({
      body: {
        runs: await engineOf(app).listWorkflowRuns({
          status: query.status,
          workflow: query.workflow,
          limit: limit(query),
        }),
      },
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/runs/:id',
    scope: 'read',
    handle: async ({ params, app }) => ({ body: await engineOf(app).showWorkflowRun(params.id!) }),
  }),
  route({
    method: 'GET',
    path: '/v1/runs/:id/events',
    scope: 'read',
    query: z.object({ after: z.coerce.number().int().min(0).optional() }),
    handle: async ({ params, query, app }) => ({
      body: { events: await engineOf(app).workflowRunEvents(params.id!, Number(query.after ?? 0) || 0) },
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/runs/:id/gate',
    scope: 'decide',
    body: z.object({ edge: id(), rationale: text(RATIONALE_MAX), stepId: id().optional() }),
    handle: async ({ params, body, actor, app }) => ({
      body: {
        decision: await engineOf(app).decideGate({ runId: params.id!, ...body, actor: actor }),
      },
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/runs/:id/steps/:stepId/callback',
    scope: 'runs',
    body: z.union([
      z.object({ ok: z.literal(true), output: z.unknown().optional() }),
      z.object({
        ok: z.literal(false),
        error: z.string().min(1),
        retryable: z.boolean().optional(),
        class: z.enum(['terminal', 'pipeline']).optional(),
      }),
    ]),
    handle: async ({ params, body, actor, app }) => ({
      status: 202,
      body: await engineOf(app).completeExternalStep({
        runId: params.id!,
        stepId: params.stepId!,
        result: body,
        actor: actor,
      }),
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/events',
    scope: 'read',
    query: z.object({ after: id().optional(), limit: limitParam().optional() }),
    handle: async ({ query, app }) => ({
      body: { events: await engineOf(app).listGlobalEvents({ afterId: query.after, limit: limit(query) }) },
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/dead-letters',
    scope: 'read',
    query: z.object({ status: z.enum(['open', 'replayed']).optional(), limit: limitParam().optional() }),
    handle: async ({ query, app }) => {
      const status = query.status === 'open' || query.status === 'replayed' ? query.status : undefined;
      return { body: { deadLetters: await engineOf(app).listDeadLetters({ status, limit: limit(query) }) } };
    },
  }),
  route({
    method: 'POST',
    path: '/v1/dead-letters/:id/replay',
    scope: 'operator',
    handle: async ({ params, actor, app }) => ({
      body: await engineOf(app).replayDeadLetter(params.id!, actor),
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/engine',
    scope: 'read',
    handle: async ({ app }) => ({ body: await engineOf(app).pauseState() }),
  }),
  route({
    method: 'POST',
    path: '/v1/engine/pause',
    scope: 'operator',
    body: z.object({ reason: text(RATIONALE_MAX).min(1, 'a pause needs a reason') }),
    handle: async ({ body, actor, app }) => ({
      body: await engineOf(app).pause({ holder: 'operator', reason: body.reason, actor: actor }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/engine/resume',
    scope: 'operator',
    body: z.object({ rationale: text(RATIONALE_MAX).min(1, 'resuming needs a rationale') }),
    handle: async ({ body, actor, app }) => ({
      body: await engineOf(app).resume({ rationale: body.rationale, actor: actor }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/engine/sweep',
    scope: 'operator',
    handle: async ({ app }) => ({ body: await engineOf(app).sweep() }),
  }),
];
