/** The incidents API under /v1: open, read, acknowledge, escalate, recover, resolve, review. */
import { z } from 'zod';
import { id, RATIONALE_MAX, text } from '../shared/validation.js';
import { actorOf, route, type Route } from '../platform/http/route.js';
import { incidentsOf } from '../wiring/incidents.js';
import { dependenciesSchema } from './core/dependencies.js';
import { escalationPolicySchema } from './core/escalation.js';
import { SEVERITIES, type IncidentStatus } from './core/incident.js';

const note = z.object({ note: z.string().max(2000).optional() });

export const incidentRoutes: Route[] = [
  route({
    method: 'POST',
    path: '/v1/incidents',
    scope: 'operator',
    body: z.object({
      severity: z.enum(SEVERITIES),
      summary: z.string().min(1).max(2000),
      ref: z.object({ type: id(), id: id() }).optional(),
      dependencies: dependenciesSchema.optional(),
    }),
    handle: async ({ app, body, caller }) => ({
      status: 201,
      body: await incidentsOf(app).open({ ...body, source: 'person', actor: actorOf(caller) }),
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/incidents',
    scope: 'read',
    query: z.object({ status: z.enum(['open', 'acknowledged', 'resolved']).optional() }),
    handle: async ({ app, query }) => ({
      body: { incidents: await incidentsOf(app).list(query.status as IncidentStatus | undefined) },
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/incidents/:id',
    scope: 'read',
    handle: async ({ app, params }) => ({ body: await incidentsOf(app).view(params.id!) }),
  }),
  route({
    method: 'POST',
    path: '/v1/incidents/:id/ack',
    scope: 'operator',
    body: note,
    handle: async ({ app, params, body, caller }) => ({
      body: await incidentsOf(app).acknowledge({
        incidentId: params.id!,
        note: body.note,
        actor: actorOf(caller),
      }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/incidents/:id/recover',
    scope: 'operator',
    body: note,
    handle: async ({ app, params, body, caller }) => ({
      body: await incidentsOf(app).markRecovering({
        incidentId: params.id!,
        note: body.note,
        actor: actorOf(caller),
      }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/incidents/:id/escalate',
    scope: 'operator',
    body: z.object({ reason: text(RATIONALE_MAX) }),
    handle: async ({ app, params, body, caller }) => ({
      body: await incidentsOf(app).escalate({
        incidentId: params.id!,
        reason: body.reason,
        actor: actorOf(caller),
      }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/incidents/:id/resolve',
    scope: 'operator',
    body: z.object({ summary: z.string() }),
    handle: async ({ app, params, body, caller }) => ({
      body: await incidentsOf(app).resolve({
        incidentId: params.id!,
        summary: body.summary,
        actor: actorOf(caller),
      }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/incidents/:id/notes',
    scope: 'operator',
    body: z.object({ text: z.string() }),
    handle: async ({ app, params, body, caller }) => ({
      body: await incidentsOf(app).addNote({
        incidentId: params.id!,
        text: body.text,
        actor: actorOf(caller),
      }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/incidents/:id/review',
    scope: 'operator',
    body: z.record(z.string(), z.unknown()),
    handle: async ({ app, params, body, caller }) => ({
      body: await incidentsOf(app).recordReview({
        incidentId: params.id!,
        review: body,
        actor: actorOf(caller),
      }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/incidents/:id/failure-log',
    scope: 'operator',
    handle: async ({ app, params, caller }) => {
      const r = await incidentsOf(app).reviewToFailureLog({ incidentId: params.id!, actor: actorOf(caller) });
      return { status: r.created ? 201 : 200, body: r };
    },
  }),
  route({
    method: 'GET',
    path: '/v1/settings/escalation',
    scope: 'read',
    handle: async ({ app }) => ({ body: await incidentsOf(app).escalationPolicy() }),
  }),
  route({
    method: 'PUT',
    path: '/v1/settings/escalation',
    scope: 'operator',
    body: escalationPolicySchema,
    handle: async ({ app, body, caller }) => ({
      body: await incidentsOf(app).setEscalationPolicy({ policy: body, actor: actorOf(caller) }),
    }),
  }),
];
