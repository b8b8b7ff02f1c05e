/**
 * Incidents follow their causes. When the thing that opened an incident recovers (a stale task
 * beats again, safe mode is exited, the breaker is overridden, a Level 4 stage that failed
 * systemically succeeds), the cause's own use case closes the incident in the same transaction as
 * the recovery, so no one is paged for a cause that has already recovered: the escalation timer
 * re-reads the incident before every rise and stops on a resolved one.
 *
 * Every recovery resolves (it does not merely acknowledge): resolving starts the post-incident
 * phase, where a person still records the review, and frees the dedupe key, so a recurrence opens
 * a new incident and pages again instead of joining a closed one silently.
 *
 * Split in two like every in-transaction helper here: `readLiveIncidentTx` (reads) goes before the
 * caller's writes, `writeRecovery` after. The caller calls `kickSlackOutbox` after its commit.
 */
import {
  FieldValue,
  type DocumentReference,
  type Firestore,
  type Transaction,
} from '@google-cloud/firestore';
import { recordEvent } from '../engine/events.js';
import { enqueueDecided } from '../notify/slack-outbox.js';
import { auditInTransaction } from '../platform/audit.js';
import { systemActor, type Actor } from '../shared/ports.js';
import {
  findIncidentTx,
  incidentKeyRef,
  incidentRef,
  incidentTarget,
  readKeyTx,
  type IncidentKey,
  type StoredIncident,
} from './repo.js';

/** Who decided, as the Slack rewrite names them: a Slack user id, an API key id, `system:<name>`. */
export const decidedBy = (a: Actor): string => (a.kind === 'system' ? `system:${a.id}` : a.id);

/** An incident still open or acknowledged, with its dedupe key document when that points at it. */
export interface LiveIncident {
  incident: StoredIncident;
  keyRef?: DocumentReference<IncidentKey>;
}

/**
 * Finds the live incident a cause opened, by its id (recorded by the cause, e.g. on the task) or by
 * the dedupe key it was opened with. Undefined when there is none or it is already resolved.
 */
export async function readLiveIncidentTx(
  db: Firestore,
  tx: Transaction,
  by: { incidentId?: string; dedupeKey?: string },
): Promise<LiveIncident | undefined> {
  let id = by.incidentId;
  if (!id && by.dedupeKey) id = (await readKeyTx(db, tx, by.dedupeKey))?.incidentId;
  if (!id) return undefined;
  const incident = await findIncidentTx(db, tx, id);
  if (!incident || incident.status === 'resolved') return undefined;
  if (!incident.dedupeKey) return { incident };
  const key = await readKeyTx(db, tx, incident.dedupeKey);
  return key?.incidentId === incident.id
    ? { incident, keyRef: incidentKeyRef(db, incident.dedupeKey) }
    : { incident };
}

export interface Recovery {
  /** The cause that recovered, as in `system:<cause>`: heartbeat, safemode, breaker, pipeline-stage. */
  cause: string;
  /** What recovered, for the timeline and the resolution: "task T beat again after 20 min". */
  text: string;
}

/**
 * Resolves the incident as recovered by its cause: status, a timeline entry naming the recovery
 * (actor `system:<cause>`), the dedupe key freed, an event, an audit record, and a `decided` note so
 * every Slack message about the incident is rewritten in place (buttons removed).
 */
export function writeRecovery(
  db: Firestore,
  tx: Transaction,
  live: LiveIncident,
  r: Recovery,
  at: Date,
): void {
  const { incident } = live;
  const actor = systemActor(r.cause);
  const resolution = `recovered: ${r.text}`;
  tx.update(incidentRef(db, incident.id), {
    status: 'resolved',
    resolvedAt: at,
    resolvedBy: actor,
    resolution,
    'phases.postIncident': at,
    timeline: FieldValue.arrayUnion({
      at,
      type: 'resolved',
      actor,
      text: resolution,
      phase: 'postIncident',
      recovery: r.cause,
    }),
  });
  if (live.keyRef) tx.delete(live.keyRef);
  recordEvent(db, tx, {
    type: 'incident.resolved',
    actor,
    at,
    data: { incidentId: incident.id, recovery: r.cause },
  });
  auditInTransaction(
    db,
    tx,
    {
      actor,
      action: 'incident.resolve',
      target: incidentTarget(incident.id),
      outcome: 'ok',
      rationale: resolution,
      via: 'system',
      details: { recovery: r.cause },
    },
    at,
  );
  enqueueDecided(
    db,
    tx,
    { type: 'incident', id: incident.id },
    { by: `system:${r.cause}`, what: `resolved: ${r.cause} recovered`, why: r.text, at },
    'incidents',
  );
}
