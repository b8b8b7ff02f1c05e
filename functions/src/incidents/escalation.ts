/**
 * Level timers on the step engine. One `incident-escalation` run per incident (run id
 * `esc-<incidentId>`) holds a single `timer` step that waits until the current level's deadline,
 * raises the level if the incident is still unacknowledged, and waits again, up to level 4.
 * The rise re-reads the incident in its transaction and only acts when the deadline has really
 * passed for the level it sees, so a duplicate message or a concurrent manual escalation never
 * raises twice, and a resolved or acknowledged incident is never raised; the outbox id per level
 * makes the Slack post unique too.
 */
import { FieldValue, type Firestore, type Transaction } from '@google-cloud/firestore';
import { z } from 'zod';
import { recordEvent } from '../engine/events.js';
import type { StepContext, StepOutcome, WorkflowDefinition } from '../engine/workflow.js';
import { enqueueSlack } from '../notify/slack-outbox.js';
import { auditInTransaction } from '../platform/audit.js';
import type { Logger } from '../platform/log.js';
import { systemActor, type Actor } from '../shared/ports.js';
import { escalationDecision, nextRiseAt, type EscalationPolicy } from './core/escalation.js';
import { LEVEL_NAMES, channelForLevel, levelOutboxId, type Level } from './core/incident.js';
import { deliverNow, type IncidentDeps, type StartRun } from './deps.js';
import {
  getIncident,
  incidentRef,
  incidentTarget,
  listIncidents,
  readIncidentTx,
  type StoredIncident,
} from './repo.js';
import { loadEscalationPolicy } from './settings.js';

export const ESCALATION_WORKFLOW = 'incident-escalation';
export const escalationRunId = (incidentId: string) => `esc-${incidentId}`;

/** While the escalation settings document is invalid, the timer looks again this often. */
const BAD_SETTINGS_RETRY_MS = 5 * 60_000;

const stateOf = (i: StoredIncident) => ({
  severity: i.severity,
  status: i.status,
  level: i.level,
  levelSince: i.levelSince ?? i.openedAt,
});

/**
 * Writes a level change: incident level and timeline, the Slack outbox entry, an event and an
 * audit record. Call after the transaction's reads.
 */
export function writeLevelChange(
  db: Firestore,
  tx: Transaction,
  inc: StoredIncident,
  to: Level,
  at: Date,
  actor: Actor,
  why: string,
): void {
  tx.update(incidentRef(db, inc.id), {
    level: to,
    levelSince: at,
    timeline: FieldValue.arrayUnion({ at, type: 'escalated', actor, text: `level ${to}: ${why}`, level: to }),
  });
  enqueueSlack(
    db,
    tx,
    levelOutboxId(inc.id, to),
    {
      kind: 'incident',
      channelKey: channelForLevel(to),
      text: `[${inc.severity}] Level ${to} (${LEVEL_NAMES[to]}): ${inc.summary}`,
      ref: { type: 'incident', id: inc.id },
      level: to,
      data: { severity: inc.severity, source: inc.source, summary: inc.summary, why },
    },
    at,
  );
  recordEvent(db, tx, {
    type: 'incident.escalated',
    actor,
    at,
    data: { incidentId: inc.id, from: inc.level, to, why },
  });
  auditInTransaction(
    db,
    tx,
    {
      actor,
      action: 'incident.escalate',
      target: incidentTarget(inc.id),
      outcome: 'ok',
      rationale: why,
      via: actor.kind === 'system' ? 'system' : 'api',
      details: { from: inc.level, to },
    },
    at,
  );
}

/** Raises the incident one level if its deadline has passed at `now`; reads first, then writes. */
export async function riseIfDueInTransaction(
  db: Firestore,
  tx: Transaction,
  incidentId: string,
  policy: EscalationPolicy,
  now: Date,
): Promise<{ rose: Level | undefined; next: Date | undefined }> {
  const inc = await readIncidentTx(db, tx, incidentId);
  const d = escalationDecision(stateOf(inc), policy, now);
  if (d.action !== 'rise') return { rose: undefined, next: d.action === 'wait' ? d.until : undefined };
  const mins = Math.round((now.getTime() - stateOf(inc).levelSince.getTime()) / 60_000);
  writeLevelChange(
    db,
    tx,
    inc,
    d.to,
    now,
    systemActor('escalation-timer'),
    `unacknowledged for ${mins} min at level ${inc.level}`,
  );
  return { rose: d.to, next: nextRiseAt({ ...stateOf(inc), level: d.to, levelSince: now }, policy) };
}

/** Advances one incident's escalation outside the engine (sweeps, tests). Idempotent per deadline. */
export async function advanceEscalation(
  deps: { db: Firestore },
  incidentId: string,
  now: Date,
): Promise<{ rose: Level | undefined; next: Date | undefined }> {
  const policy = await loadEscalationPolicy(deps.db);
  return deps.db.runTransaction((tx) => riseIfDueInTransaction(deps.db, tx, incidentId, policy, now));
}

const timerInput = z.strictObject({ incidentId: z.string().min(1).max(200) });
export type EscalationInput = z.infer<typeof timerInput>;

/** What the timer step needs: the incidents, the Slack kick, a logger for a bad settings document. */
export type EscalationTimerDeps = IncidentDeps & { log: Logger };

/**
 * One wake of the timer. The rise commits in its own transaction (idempotent per deadline, see
 * riseIfDueInTransaction) rather than as the step's effect, so the Slack post is kicked for delivery
 * right after its commit; the step then waits for the next deadline or ends. An incident resolved or
 * acknowledged from any surface (API, Slack, a recovered cause) ends the run at its next wake with
 * nothing posted, as the rise re-reads the incident in its transaction. An invalid settings document
 * is logged and looked at again later: the incident keeps its timer, nothing rises on a guess.
 */
async function timerStep(deps: EscalationTimerDeps, input: EscalationInput, now: Date): Promise<StepOutcome> {
  const { incidentId } = input;
  const inc = await getIncident(deps, incidentId);
  let policy: EscalationPolicy;
  try {
    policy = await loadEscalationPolicy(deps.db);
  } catch (err) {
    deps.log.error('escalation settings invalid; the timer waits', {
      incidentId,
      error: (err as Error).message,
    });
    return {
      type: 'wait',
      until: new Date(now.getTime() + BAD_SETTINGS_RETRY_MS),
      state: { level: inc.level },
    };
  }
  const d = escalationDecision(stateOf(inc), policy, now);
  if (d.action === 'stop')
    return { type: 'done', output: { incidentId, stopped: d.reason, level: inc.level } };
  if (d.action === 'wait') return { type: 'wait', until: d.until, state: { level: inc.level } };
  const r = await deps.db.runTransaction((tx) =>
    riseIfDueInTransaction(deps.db, tx, incidentId, policy, now),
  );
  if (r.rose) await deliverNow(deps);
  const level = r.rose ?? inc.level;
  if (!r.next) return { type: 'done', output: { incidentId, level } };
  return { type: 'wait', until: r.next, state: { level } };
}

/** The workflow to register: `registry.register(incidentEscalationWorkflow(deps))`. */
export function incidentEscalationWorkflow(deps: EscalationTimerDeps): WorkflowDefinition {
  return {
    name: ESCALATION_WORKFLOW,
    // Not autonomous: escalation must keep running while the breaker has paused the muse.
    autonomous: false,
    input: timerInput,
    graph: () => ({ start: ['timer'], steps: { timer: { type: 'timer' } } }),
    handlers: { timer: (ctx: StepContext) => timerStep(deps, timerInput.parse(ctx.input), ctx.now) },
  };
}

/** What starting timers needs: the incidents and the engine's run start. */
export interface EscalationStartDeps {
  db: Firestore;
  log: Logger;
  startRun: StartRun;
}

/** Starts (idempotently) the escalation run of an incident and records its id on the incident. */
export async function startEscalationRun(
  deps: EscalationStartDeps,
  incidentId: string,
): Promise<{ runId: string; created: boolean }> {
  const res = await deps.startRun({
    workflow: ESCALATION_WORKFLOW,
    input: { incidentId },
    actor: systemActor('escalation'),
    runId: escalationRunId(incidentId),
  });
  await incidentRef(deps.db, incidentId).update({ escalationRunId: res.runId });
  return res;
}

/**
 * Starts the escalation run after a commit that opened an incident inside another system's use case
 * (a breaker trip). Best effort by design, like the Slack kick: the incident is committed, and if
 * the start fails (Pub/Sub unavailable), the heartbeat sweep's `ensureEscalations` starts it within
 * minutes, so the cause's own use case is not failed after its commit.
 */
export async function startEscalationRunAfterCommit(
  deps: EscalationStartDeps,
  incidentId: string,
): Promise<void> {
  try {
    await startEscalationRun(deps, incidentId);
  } catch (err) {
    deps.log.warn('escalation start failed; the heartbeat sweep will start it', {
      incidentId,
      error: (err as Error).message,
    });
  }
}

/**
 * Backstop sweep: starts escalation runs for open incidents that have none (opened by another
 * system through openIncident without starting one). Idempotent through the run id.
 */
export async function ensureEscalationRuns(deps: EscalationStartDeps): Promise<number> {
  const open = await listIncidents(deps.db, { status: 'open', limit: 500 });
  const missing = open.filter((i) => !i.escalationRunId);
  for (const i of missing) await startEscalationRun(deps, i.id);
  return missing.length;
}
