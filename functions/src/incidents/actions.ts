/**
 * What people do to an incident: acknowledge (stops the rise, starts containment), mark recovery,
 * escalate by hand, resolve (closes it and frees its dedupe key). Every action is audited with who
 * and why, and refusals (unknown incident, acknowledging a resolved one) are audited too.
 * Acknowledging and resolving are decisions: every Slack message about the incident is rewritten in
 * place (`enqueueDecided`), and each committed action asks for delivery at once.
 */
import { FieldValue } from '@google-cloud/firestore';
import { recordEvent } from '../engine/events.js';
import { enqueueDecided, enqueueSlack } from '../notify/slack-outbox.js';
import { auditInTransaction, recordAudit } from '../platform/audit.js';
import { conflict, invalidInput, isAppError, policyViolation } from '../shared/errors.js';
import type { Actor } from '../shared/ports.js';
import type { Level } from './core/incident.js';
import { phaseForAction } from './core/timeline.js';
import { deliverNow, type IncidentDeps } from './deps.js';
import { writeLevelChange } from './escalation.js';
import { decidedBy } from './recover.js';
import {
  incidentKeyRef,
  incidentRef,
  incidentTarget,
  readIncidentTx,
  readKeyTx,
  type StoredIncident,
} from './repo.js';

export type { IncidentDeps } from './deps.js';

type Action = 'acknowledge' | 'recover' | 'resolve' | 'escalate';
const EVENT_TYPE: Record<Action, string> = {
  acknowledge: 'incident.acknowledged',
  recover: 'incident.recovering',
  resolve: 'incident.resolved',
  escalate: 'incident.escalated',
};
const via = (a: Actor) => (a.kind === 'user' ? 'slack' : a.kind === 'system' ? 'system' : 'api') as 'api';

async function act<T>(
  deps: IncidentDeps,
  action: Action,
  incidentId: string,
  actor: Actor,
  rationale: string | undefined,
  body: (
    inc: StoredIncident,
    at: Date,
  ) => { data: Record<string, unknown>; result: T; extra?: (at: Date) => void },
): Promise<T> {
  const at = deps.clock.now();
  try {
    const committed = await deps.db.runTransaction(async (tx) => {
      const inc = await readIncidentTx(deps.db, tx, incidentId);
      const key =
        action === 'resolve' && inc.dedupeKey ? await readKeyTx(deps.db, tx, inc.dedupeKey) : undefined;
      const { data, result } = body(inc, at);
      tx.update(incidentRef(deps.db, incidentId), data);
      if (action === 'acknowledge' || action === 'resolve')
        enqueueDecided(
          deps.db,
          tx,
          { type: 'incident', id: incidentId },
          {
            by: decidedBy(actor),
            what: action === 'resolve' ? 'resolved' : 'acknowledged',
            why: rationale,
            at,
          },
          'incidents',
        );
      // Free the dedupe key only if it still points here, so the next failure opens a new incident.
      if (inc.dedupeKey && key?.incidentId === incidentId) tx.delete(incidentKeyRef(deps.db, inc.dedupeKey));
      recordEvent(deps.db, tx, {
        type: EVENT_TYPE[action],
        actor,
        at,
        data: { incidentId },
      });
      auditInTransaction(
        deps.db,
        tx,
        {
          actor,
          action: `incident.${action}`,
          target: incidentTarget(incidentId),
          outcome: 'ok',
          rationale,
          via: via(actor),
        },
        at,
      );
      return result;
    });
    if (action !== 'recover') await deliverNow(deps);
    return committed;
  } catch (err) {
    if (isAppError(err) && err.code !== 'unavailable')
      await recordAudit(
        deps.db,
        {
          actor,
          action: `incident.${action}`,
          target: incidentTarget(incidentId),
          outcome: 'refused',
          rationale,
          reason: `${err.code}: ${err.message}`,
          via: via(actor),
        },
        at,
      );
    throw err;
  }
}

const entry = (at: Date, type: string, actor: Actor, text: string, extra: Record<string, unknown> = {}) =>
  FieldValue.arrayUnion({ at, type, actor, text, ...extra });

/** Acknowledges an incident: the level stops rising and containment starts. */
export async function acknowledgeIncident(
  deps: IncidentDeps,
  input: { incidentId: string; actor: Actor; note?: string },
) {
  return act(deps, 'acknowledge', input.incidentId, input.actor, input.note, (inc, at) => {
    if (inc.status === 'resolved')
      throw conflict(`incident ${inc.id} is resolved; it cannot be acknowledged`);
    if (inc.status === 'acknowledged')
      throw conflict(
        `incident ${inc.id} was already acknowledged by ${inc.acknowledgedBy?.name ?? inc.acknowledgedBy?.id}`,
      );
    const phase = phaseForAction('acknowledge');
    return {
      data: {
        status: 'acknowledged',
        acknowledgedAt: at,
        acknowledgedBy: input.actor,
        [`phases.${phase}`]: inc.phases[phase] ?? at,
        timeline: entry(
          at,
          'acknowledged',
          input.actor,
          input.note ? `acknowledged: ${input.note}` : 'acknowledged',
          { phase },
        ),
      },
      result: { id: inc.id, status: 'acknowledged' as const, level: inc.level },
    };
  });
}

/** Marks the start of recovery (containment done). */
export async function markRecovering(
  deps: IncidentDeps,
  input: { incidentId: string; actor: Actor; note?: string },
) {
  return act(deps, 'recover', input.incidentId, input.actor, input.note, (inc, at) => {
    if (inc.status === 'resolved') throw conflict(`incident ${inc.id} is resolved`);
    return {
      data: {
        'phases.recover': inc.phases.recover ?? at,
        ...(inc.phases.contain ? {} : { 'phases.contain': at }),
        timeline: entry(at, 'phase', input.actor, input.note ?? 'recover', { phase: 'recover' }),
      },
      result: { id: inc.id, phase: 'recover' as const },
    };
  });
}

/** Resolves (closes) an incident; post-incident review starts. */
export async function resolveIncident(
  deps: IncidentDeps,
  input: { incidentId: string; summary: string; actor: Actor },
) {
  if (!input.summary.trim()) throw invalidInput('summary: say how it was resolved');
  return act(deps, 'resolve', input.incidentId, input.actor, input.summary, (inc, at) => {
    if (inc.status === 'resolved') throw conflict(`incident ${inc.id} is already resolved`);
    return {
      data: {
        status: 'resolved',
        resolvedAt: at,
        resolvedBy: input.actor,
        resolution: input.summary.trim(),
        'phases.postIncident': at,
        timeline: entry(at, 'resolved', input.actor, input.summary.trim(), { phase: 'postIncident' }),
      },
      result: { id: inc.id, status: 'resolved' as const },
    };
  });
}

/**
 * Raises an incident one level by hand (a person judging it worse than its timer). `fromLevel` is
 * the level the person saw (a Slack button carries it): when the incident has already risen past
 * it, the request is stale and nothing changes (`changed: false`), so two presses raise it once.
 */
export async function escalateIncident(
  deps: IncidentDeps,
  input: { incidentId: string; reason: string; actor: Actor; fromLevel?: number },
): Promise<{ id: string; level: Level; changed: boolean }> {
  if (!input.reason.trim()) throw invalidInput('reason: say why it is escalated');
  const at = deps.clock.now();
  try {
    const raised = await deps.db.runTransaction(async (tx) => {
      const inc = await readIncidentTx(deps.db, tx, input.incidentId);
      if (inc.status === 'resolved') throw conflict(`incident ${inc.id} is resolved`);
      if (input.fromLevel !== undefined && inc.level > input.fromLevel)
        return { id: inc.id, level: inc.level, changed: false };
      if (inc.level >= 4) throw policyViolation(`incident ${inc.id} is already at level 4 (emergency)`);
      const to = (inc.level + 1) as Level;
      writeLevelChange(deps.db, tx, inc, to, at, input.actor, input.reason.trim());
      return { id: inc.id, level: to, changed: true };
    });
    await deliverNow(deps);
    return raised;
  } catch (err) {
    if (isAppError(err))
      await recordAudit(
        deps.db,
        {
          actor: input.actor,
          action: 'incident.escalate',
          target: incidentTarget(input.incidentId),
          outcome: 'refused',
          rationale: input.reason,
          reason: `${err.code}: ${err.message}`,
          via: via(input.actor),
        },
        at,
      );
    throw err;
  }
}

/** A note on the timeline (what was tried, what was seen), also posted to the incident thread. */
export async function addIncidentNote(
  deps: IncidentDeps,
  input: { incidentId: string; text: string; actor: Actor },
) {
  if (!input.text.trim()) throw invalidInput('text: empty note');
  const at = deps.clock.now();
  await deps.db.runTransaction(async (tx) => {
    const inc = await readIncidentTx(deps.db, tx, input.incidentId);
    tx.update(incidentRef(deps.db, inc.id), { timeline: entry(at, 'note', input.actor, input.text.trim()) });
    enqueueSlack(
      deps.db,
      tx,
      `incident~${inc.id}~note~${at.getTime()}`,
      {
        kind: 'incident',
        channelKey: 'incidents',
        text: `Note on ${inc.id}: ${input.text.trim()}`,
        ref: { type: 'incident', id: inc.id },
        level: inc.level,
      },
      at,
    );
  });
  await deliverNow(deps);
  return { id: input.incidentId };
}
