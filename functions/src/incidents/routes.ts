/** The incidents API under /v1: open, read, acknowledge, escalate, recover, resolve, review. */
import { z } from 'zod';
import { id, RATIONALE_MAX, text } from '../shared/validation.js';
import { recordAudit } from '../platform/audit.js';
import { actorOf, route, type Route } from '../platform/http/route.js';
import {
  acknowledgeIncident,
  addIncidentNote,
  escalateIncident,
  markRecovering,
  resolveIncident,
} from './actions.js';
import { dependenciesSchema } from './core/dependencies.js';
import { escalationPolicySchema } from './core/escalation.js';
import { SEVERITIES } from './core/incident.js';
import { timelineView } from './core/timeline.js';
import { startEscalation } from './escalation.js';
import { INCIDENTS, openIncident } from './open-incident.js';
import { recordReview, reviewToFailureLog } from './review.js';
import { INCIDENT_SETTINGS, getIncident, incidentFrom, loadEscalationPolicy } from './store.js';

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
    handle: async ({ app, body, caller }) => {
      const r = await openIncident(app, { ...body, source: 'person', actor: actorOf(caller) });
      await startEscalation(app, r.id);
      return { status: 201, body: r };
    },
  }),
  route({
    method: 'GET',
    path: '/v1/incidents',
    scope: 'read',
    query: z.object({ status: z.enum(['open', 'acknowledged', 'resolved']).optional() }),
    handle: async ({ app, query }) => {
      let q: FirebaseFirestore.Query = app.db.collection(INCIDENTS);
      if (query.status) q = q.where('status', '==', query.status);
      const snap = await q.limit(200).get();
      return {
        body: {
          incidents: snap.docs
            .map((d) => incidentFrom(d.data())!)
            .sort((a, b) => b.openedAt.getTime() - a.openedAt.getTime()),
        },
      };
    },
  }),
  route({
    method: 'GET',
    path: '/v1/incidents/:id',
    scope: 'read',
    handle: async ({ app, params }) => {
      const inc = await getIncident(app, params.id!);
      return { body: { ...inc, phaseView: timelineView(inc.openedAt, inc.phases, app.clock.now()) } };
    },
  }),
  route({
    method: 'POST',
    path: '/v1/incidents/:id/ack',
    scope: 'operator',
    body: note,
    handle: async ({ app, params, body, caller }) => ({
      body: await acknowledgeIncident(app, {
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
      body: await markRecovering(app, { incidentId: params.id!, note: body.note, actor: actorOf(caller) }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/incidents/:id/escalate',
    scope: 'operator',
    body: z.object({ reason: text(RATIONALE_MAX) }),
    handle: async ({ app, params, body, caller }) => ({
      body: await escalateIncident(app, {
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
      body: await resolveIncident(app, {
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
      body: await addIncidentNote(app, { incidentId: params.id!, text: body.text, actor: actorOf(caller) }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/incidents/:id/review',
    scope: 'operator',
    body: z.record(z.string(), z.unknown()),
    handle: async ({ app, params, body, caller }) => ({
      body: await recordReview(app, { incidentId: params.id!, review: body, actor: actorOf(caller) }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/incidents/:id/failure-log',
    scope: 'operator',
    handle: async ({ app, params, caller }) => {
      const r = await reviewToFailureLog(app, { incidentId: params.id!, actor: actorOf(caller) });
      return { status: r.created ? 201 : 200, body: r };
    },
  }),
  route({
    method: 'GET',
    path: '/v1/settings/escalation',
    scope: 'read',
    handle: async ({ app }) => ({ body: await loadEscalationPolicy(app.db) }),
  }),
  route({
    method: 'PUT',
    path: '/v1/settings/escalation',
    scope: 'operator',
    body: escalationPolicySchema,
    handle: async ({ app, body, caller }) => {
      await app.db.collection(INCIDENT_SETTINGS).doc('escalation').set(body);
      await recordAudit(
        app.db,
        {
          actor: actorOf(caller),
          action: 'settings.escalation',
          target: 'settings/escalation',
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
