/** The tasks API under /v1: tasks, KB search, evidence, heartbeats, guards, metrics, reports. */
import { z } from 'zod';
import { id, RATIONALE_MAX, text } from '../shared/validation.js';
import { recordAudit } from '../platform/audit.js';
import { actorOf, route, type Route } from '../platform/http/route.js';
import { timeParam } from '../platform/http/query-params.js';
import { notFound } from '../shared/errors.js';
import { TASK_STATUSES } from './core/task.js';
import { heartbeatPolicySchema } from './core/heartbeat.js';
import { listEvidence, submitEvidence } from './evidence.js';
import { guardComplianceReport, reportGuardResult, scanAndAlert } from './guards.js';
import { recordHeartbeat } from './heartbeats.js';
import { kbSearch } from './kb.js';
import { computeMetrics } from './metrics.js';
import { REPORTS, TASK_SETTINGS, loadHeartbeatPolicy } from './store.js';
import {
  blockTask,
  completeTask,
  createTask,
  getTask,
  listTasks,
  registerAgent,
  startTask,
  unblockTask,
} from './tasks.js';

const DAY = 86_400_000;
const periodQuery = z.object({ from: timeParam.optional(), to: timeParam.optional() });
const period = (q: Record<string, string>, now: Date, days: number) => ({
  from: q.from ? new Date(q.from) : new Date(now.getTime() - days * DAY),
  to: q.to ? new Date(q.to) : now,
});

export const taskRoutes: Route[] = [
  route({
    method: 'POST',
    path: '/v1/agents',
    scope: 'operator',
    body: z.object({ id: id(), name: text(200).optional() }),
    handle: async ({ app, body, caller }) => ({
      status: 201,
      body: await registerAgent(app, { ...body, actor: actorOf(caller) }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/tasks',
    scope: 'agent',
    body: z.record(z.string(), z.unknown()),
    handle: async ({ app, body, caller }) => ({
      status: 201,
      body: await createTask(app, body, actorOf(caller)),
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/tasks',
    scope: 'read',
    query: z.object({ agentId: id().optional(), status: z.enum(TASK_STATUSES).optional() }),
    handle: async ({ app, query }) => ({
      body: {
        tasks: await listTasks(app, {
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
    handle: async ({ app, params }) => ({ body: await getTask(app, params.id!) }),
  }),
  route({
    method: 'POST',
    path: '/v1/tasks/:id/start',
    scope: 'agent',
    handle: async ({ app, params, caller }) => ({
      body: await startTask(app, { taskId: params.id!, actor: actorOf(caller) }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/tasks/:id/block',
    scope: 'agent',
    body: z.object({ reason: text(RATIONALE_MAX), blockerTaskId: id().optional() }),
    handle: async ({ app, params, body, caller }) => ({
      body: await blockTask(app, { taskId: params.id!, ...body, actor: actorOf(caller) }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/tasks/:id/unblock',
    scope: 'agent',
    handle: async ({ app, params, caller }) => ({
      body: await unblockTask(app, { taskId: params.id!, actor: actorOf(caller) }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/tasks/:id/complete',
    scope: 'agent',
    body: z.object({ solution: z.string() }),
    handle: async ({ app, params, body, caller }) => ({
      body: await completeTask(app, { taskId: params.id!, solution: body.solution, actor: actorOf(caller) }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/tasks/:id/heartbeat',
    scope: 'agent',
    body: z.object({ agentId: id(), note: z.string().max(2000).optional() }),
    handle: async ({ app, params, body, caller }) => ({
      body: await recordHeartbeat(app, { taskId: params.id!, ...body, actor: actorOf(caller) }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/tasks/:id/evidence',
    scope: 'agent',
    // JSONL travels as a string so each line keeps its number.
    body: z.object({ agentId: id(), jsonl: z.string().min(1) }),
    handle: async ({ app, params, body, caller }) => {
      const r = await submitEvidence(app, { taskId: params.id!, ...body, actor: actorOf(caller) });
      return { status: r.rejected.length ? 207 : 201, body: r };
    },
  }),
  route({
    method: 'GET',
    path: '/v1/tasks/:id/evidence',
    scope: 'read',
    handle: async ({ app, params }) => ({ body: { evidence: await listEvidence(app, params.id!) } }),
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
    handle: async ({ app, body }) => ({ body: await kbSearch(app, body) }),
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
      const r = await scanAndAlert(app, body, actorOf(caller));
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
      body: await reportGuardResult(app, body, actorOf(caller)),
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/guards/compliance',
    scope: 'read',
    query: periodQuery,
    handle: async ({ app, query }) => ({
      body: await guardComplianceReport(app, period(query, app.clock.now(), 7)),
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/metrics',
    scope: 'read',
    query: periodQuery,
    handle: async ({ app, query }) => ({
      body: await computeMetrics(app, period(query, app.clock.now(), 7)),
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/reports/:id',
    scope: 'read',
    handle: async ({ app, params }) => {
      const snap = await app.db.collection(REPORTS).doc(params.id!).get();
      if (!snap.exists) throw notFound(`unknown report "${params.id}"`);
      return { body: snap.data() };
    },
  }),
  route({
    method: 'GET',
    path: '/v1/settings/heartbeat',
    scope: 'read',
    handle: async ({ app }) => ({ body: await loadHeartbeatPolicy(app.db) }),
  }),
  route({
    method: 'PUT',
    path: '/v1/settings/heartbeat',
    scope: 'operator',
    body: heartbeatPolicySchema,
    handle: async ({ app, body, caller }) => {
      await app.db.collection(TASK_SETTINGS).doc('heartbeat').set(body);
      await recordAudit(
        app.db,
        {
          actor: actorOf(caller),
          action: 'settings.heartbeat',
          target: 'settings/heartbeat',
          outcome: 'ok',
          via: 'api',
          details: body,
        },
        app.clock.now(),
      );
      return { body };
    },
  }),
];
