/**
 * Phase overrun alerts (Growth Engine: assess 0-5 min, contain 5-15, recover 15-60, post-incident
 * 1-24 h). A phase still running, or not yet started, past the end of its window is an alert in the
 * Slack outbox to the `incidents` channel, once per phase per incident: the incident records
 * `overrunAlerts.<phase>` in the same transaction as the entry, whose id is deterministic too.
 *
 * Checked by the heartbeat sweep (every 5 minutes): it runs for as long as any incident is live,
 * while the escalation timers stop at acknowledgement, which is exactly when containment and
 * recovery can start overrunning. Phases that ended late are not alerted after the fact: the sweep
 * sees them while they run late, and the post-incident review records the rest.
 */
import type { Firestore } from '@google-cloud/firestore';
import { enqueueSlack } from '../notify/slack-outbox.js';
import { phasesToAlert, type PhaseView } from './core/timeline.js';
import { deliverNow, type IncidentDeps } from './deps.js';
import { incidentRef, listOpenedSince, readIncidentTx, type StoredIncident } from './repo.js';

/** How far back the sweep looks: every window ends 24 h after opening; a day more covers a sweep outage. */
export const OVERRUN_LOOKBACK_MS = 48 * 60 * 60 * 1000;

export const overrunOutboxId = (incidentId: string, phase: string) =>
  `incident~${incidentId}~overrun~${phase}`;

const overdueUnalerted = (inc: StoredIncident, now: Date): PhaseView[] =>
  phasesToAlert(inc.openedAt, inc.phases, inc.overrunAlerts, now);

const PHASE_LABEL: Record<string, string> = {
  assess: 'assess',
  contain: 'contain',
  recover: 'recover',
  postIncident: 'post-incident review',
};

function alertText(inc: StoredIncident, v: PhaseView): string {
  const what = v.state === 'pending' ? 'has not started' : 'is still running';
  return `[${inc.severity}] Incident ${inc.id}: the ${PHASE_LABEL[v.phase]} phase ${what} ${v.overrunMinutes} min past its window (due ${v.dueBy.toISOString()}). ${inc.summary}`;
}

/** Alerts one incident's overdue phases in one transaction; returns the phases alerted. */
async function alertIncident(db: Firestore, id: string, now: Date): Promise<string[]> {
  return db.runTransaction(async (tx) => {
    const inc = await readIncidentTx(db, tx, id);
    const due = overdueUnalerted(inc, now);
    if (!due.length) return [];
    tx.update(incidentRef(db, id), Object.fromEntries(due.map((v) => [`overrunAlerts.${v.phase}`, now])));
    for (const v of due)
      enqueueSlack(
        db,
        tx,
        overrunOutboxId(id, v.phase),
        {
          kind: 'alert',
          channelKey: 'incidents',
          text: alertText(inc, v),
          ref: { type: 'incident', id },
          level: inc.level,
          data: {
            alert: 'incident.phase.overrun',
            phase: v.phase,
            state: v.state,
            dueBy: v.dueBy.toISOString(),
            overrunMinutes: v.overrunMinutes,
            severity: inc.severity,
            status: inc.status,
          },
        },
        now,
      );
    return due.map((v) => v.phase);
  });
}

/**
 * The sweep's check: every incident opened within the lookback with a phase overdue and not yet
 * alerted gets its alerts. Idempotent: a second run at the same time changes nothing.
 */
export async function alertPhaseOverruns(
  deps: Omit<IncidentDeps, 'clock'>,
  now: Date,
): Promise<{ alerted: Array<{ incidentId: string; phase: string }> }> {
  const since = new Date(now.getTime() - OVERRUN_LOOKBACK_MS);
  const alerted: Array<{ incidentId: string; phase: string }> = [];
  for (const inc of await listOpenedSince(deps.db, since, 500)) {
    if (!overdueUnalerted(inc, now).length) continue;
    for (const phase of await alertIncident(deps.db, inc.id, now))
      alerted.push({ incidentId: inc.id, phase });
  }
  if (alerted.length) await deliverNow(deps);
  return { alerted };
}
