/** The tasks API under /v1: tasks, KB search, evidence, heartbeats, guards, metrics, reports. */
import { z } from 'zod';
import { id, RATIONALE_MAX, text } from '../shared/validation.js';
import { actorOf, route, type Route } from '../platform/http/route.js';
import { timeParam } from '../platform/http/query-params.js';
import { tasksOf } from '../wiring/tasks.js';
import { TASK_STATUSES } from './core/task.js';
import { heartbeatPolicySchema } from './core/heartbeat.js';

const periodQuery = z.object({ from: timeParam.optional(), to: timeParam.optional() });

export const taskRoutes: Route[] = [
  route({
    method: 'POST',
    path: '/v1/agents',
    scope: 'operator',
    body: z.object({ id: id(), name: text(200).optional() }),
    handle: async ({ app, body, caller }) => ({
      status: 201,
      body: await tasksOf(app).registerAgent({ ...body, actor: actorOf(caller) }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/tasks',
    scope: 'agent',
    body: z.record(z.string(), z.unknown()),
    handle: async ({ app, body, caller }) => ({
      status: 201,
      body: await tasksOf(app).createTask(body, actorOf(caller)),
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/tasks',
    scope: 'read',
    query: z.object({ agentId: id().optional(), status: z.enum(TASK_STATUSES).optional() }),
    handle: async ({ app, query }) => ({
      body: {
        tasks: await tasksOf(app).listTasks({
          agentId: query.agentId,
          status: z
            .enum(TASK_STATUSES)
            .optional()
            .parse(query.status || undefined),
        }),
      },
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/tasks/:id',
    scope: 'read',
    handle: async ({ app, params }) => ({ body: await tasksOf(app).getTask(params.id!) }),
  }),
  route({
    method: 'POST',
    path: '/v1/tasks/:id/start',
    scope: 'agent',
    handle: async ({ app, params, caller }) => ({
      body: await tasksOf(app).startTask({ taskId: params.id!, actor: actorOf(caller) }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/tasks/:id/block',
    scope: 'agent',
    body: z.object({ reason: text(RATIONALE_MAX), blockerTaskId: id().optional() }),
    handle: async ({ app, params, body, caller }) => ({
      body: await tasksOf(app).blockTask({ taskId: params.id!, ...body, actor: actorOf(caller) }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/tasks/:id/unblock',
    scope: 'agent',
    handle: async ({ app, params, caller }) => ({
      body: await tasksOf(app).unblockTask({ taskId: params.id!, actor: actorOf(caller) }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/tasks/:id/complete',
    scope: 'agent',
    body: z.object({ solution: z.string() }),
    handle: async ({ app, params, body, caller }) => ({
      body: await tasksOf(app).completeTask({
        taskId: params.id!,
        solution: body.solution,
        actor: actorOf(caller),
      }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/tasks/:id/heartbeat',
    scope: 'agent',
    body: z.object({ agentId: id(), note: z.string().max(2000).optional() }),
    handle: async ({ app, params, body, caller }) => ({
      body: await tasksOf(app).recordHeartbeat({ taskId: params.id!, ...body, actor: actorOf(caller) }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/tasks/:id/evidence',
    scope: 'agent',
    // JSONL travels as a string so each line keeps its number.
    body: z.object({ agentId: id(), jsonl: z.string().min(1) }),
    handle: async ({ app, params, body, caller }) => {
      const r = await tasksOf(app).submitEvidence({ taskId: params.id!, ...body, actor: actorOf(caller) });
      return { status: r.rejected.length ? 207 : 201, body: r };
    },
  }),
  route({
    method: 'GET',
    path: '/v1/tasks/:id/evidence',
    scope: 'read',
    handle: async ({ app, params }) => ({ body: { evidence: await tasksOf(app).listEvidence(params.id!) } }),
  }),
  route({
    method: 'POST',
    path: '/v1/kb/search',
    scope: 'read',
    body: z.object({
      query: z.string().min(1).max(2000),
      limit: z.number().int().min(1).max(20).optional(),
      sources: z.array(z.enum(['task', 'failure', 'memory'])).optional(),
    }),
    handle: async ({ app, body }) => ({ body: await tasksOf(app).kbSearch(body) }),
  }),
  route({
    method: 'POST',
    path: '/v1/guards/scan',
    scope: 'agent',
    body: z.object({
      files: z.array(z.object({ path: z.string().min(1), content: z.string() })).max(5000),
      rules: z.unknown().optional(),
    }),
    handle: async ({ app, body, caller }) => {
      const r = await tasksOf(app).scanAndAlert(body, actorOf(caller));
      return { status: r.violations.length ? 422 : 200, body: r };
    },
  }),
  route({
    method: 'POST',
    path: '/v1/guards/results',
    scope: 'agent',
    body: z.record(z.string(), z.unknown()),
    handle: async ({ app, body, caller }) => ({
      status: 201,
      body: await tasksOf(app).reportGuardResult(body, actorOf(caller)),
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/guards/compliance',
    scope: 'read',
    query: periodQuery,
    handle: async ({ app, query }) => ({
      body: await tasksOf(app).guardComplianceFor(query),
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/metrics',
    scope: 'read',
    query: periodQuery,
    handle: async ({ app, query }) => ({
      body: await tasksOf(app).metricsFor(query),
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/reports/:id',
    scope: 'read',
    handle: async ({ app, params }) => ({ body: await tasksOf(app).getReport(params.id!) }),
  }),
  route({
    method: 'GET',
    path: '/v1/settings/heartbeat',
    scope: 'read',
    handle: async ({ app }) => ({ body: await tasksOf(app).heartbeatPolicy() }),
  }),
  route({
    method: 'PUT',
    path: '/v1/settings/heartbeat',
    scope: 'operator',
    body: heartbeatPolicySchema,
    handle: async ({ app, body, caller }) => ({
      body: await tasksOf(app).setHeartbeatPolicy({ policy: body, actor: actorOf(caller) }),
    }),
  }),
];
