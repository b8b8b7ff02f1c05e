/**
 * The incidents system: its use cases, closed over what it is given. `wiring/incidents.ts` builds it
 * from the container; other systems receive the capabilities they need from it (opening an incident,
 * starting its timers), never its collections.
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import type { WorkflowDefinition } from '../engine/workflow.js';
import type { Bus } from '../platform/bus.js';
import type { Logger } from '../platform/log.js';
import type { Actor, Clock } from '../shared/ports.js';
import {
  acknowledgeIncident,
  addIncidentNote,
  escalateIncident,
  markRecovering,
  resolveIncident,
} from './actions.js';
import type { EscalationPolicy } from './core/escalation.js';
import type { IncidentStatus } from './core/incident.js';
import { timelineView } from './core/timeline.js';
import type { StartRun } from './deps.js';
import { openIncidentsOnDependencies } from './dependencies.js';
import {
  advanceEscalation,
  ensureEscalationRuns,
  incidentEscalationWorkflow,
  startEscalationRun,
  startEscalationRunAfterCommit,
} from './escalation.js';
import { openIncident, openIncidentInTransaction, type OpenIncidentInput } from './open-incident.js';
import { alertPhaseOverruns } from './overrun.js';
import { readLiveIncidentTx, writeRecovery } from './recover.js';
import {
  getIncident,
  listIncidents,
  listIncidentsIn,
  listOpenedBetween,
  listUnresolved,
  watchUnresolved,
  type StoredIncident,
} from './repo.js';
import { recordReview, reviewToFailureLog, type CreateFailureLog } from './review.js';
import { loadEscalationPolicy, saveEscalationPolicy } from './settings.js';
import { recordAudit } from '../platform/audit.js';

export interface IncidentsDeps {
  db: Firestore;
  clock: Clock;
  log: Logger;
  bus: Bus;
  /** The engine's run start (escalation timers run on the step engine). */
  startRun: StartRun;
  /** The sessions system's failure log use case (a reviewed incident becomes one). */
  createFailureLog: CreateFailureLog;
}

export type { CreateFailureLog, OpenIncidentInput, StartRun, StoredIncident };

export function createIncidents(deps: IncidentsDeps) {
  const { db, clock } = deps;
  return {
    /** Opens (or finds by dedupe key) an incident and starts its level timers. */
    async open(input: OpenIncidentInput) {
      const r = await openIncident(deps, input);
      await startEscalationRun(deps, r.id);
      return r;
    },
    /** Opens without starting timers (callers that start them after their own commit). */
    openOnly: (input: OpenIncidentInput) => openIncident(deps, input),
    /** Opens inside the caller's transaction; call before the caller's own writes. */
    openInTransaction: (tx: Transaction, input: OpenIncidentInput, at: Date) =>
      openIncidentInTransaction(db, tx, input, at),
    readLiveTx: (tx: Transaction, by: { incidentId?: string; dedupeKey?: string }) =>
      readLiveIncidentTx(db, tx, by),
    writeRecovery: (
      tx: Transaction,
      live: Parameters<typeof writeRecovery>[2],
      r: Parameters<typeof writeRecovery>[3],
      at: Date,
    ) => writeRecovery(db, tx, live, r, at),
    /** Unresolved incidents naming one of these shared dependencies (Level 4 holds runs on them). */
    onDependenciesTx: (tx: Transaction, names: readonly string[]) =>
      openIncidentsOnDependencies(db, tx, names),

    get: (id: string) => getIncident(deps, id),
    async view(id: string) {
      const inc = await getIncident(deps, id);
      return { ...inc, phaseView: timelineView(inc.openedAt, inc.phases, clock.now()) };
    },
    list: (status?: IncidentStatus) => listIncidents(db, { status, limit: 200 }),
    /** Open or acknowledged incidents (status views, the daily report). */
    listLive: (limit: number) => listIncidentsIn(db, ['open', 'acknowledged'], limit),
    listUnresolved: (limit: number) => listUnresolved(db, limit),
    watchUnresolved: (next: (incidents: StoredIncident[]) => void, fail: (err: Error) => void) =>
      watchUnresolved(db, next, fail),
    /** Incidents opened in [from, to), for the success metrics. */
    openedBetween: (from: Date, to: Date) => listOpenedBetween(db, from, to, 5000),

    acknowledge: (input: { incidentId: string; actor: Actor; note?: string }) =>
      acknowledgeIncident(deps, input),
    markRecovering: (input: { incidentId: string; actor: Actor; note?: string }) =>
      markRecovering(deps, input),
    escalate: (input: { incidentId: string; reason: string; actor: Actor; fromLevel?: number }) =>
      escalateIncident(deps, input),
    resolve: (input: { incidentId: string; summary: string; actor: Actor }) => resolveIncident(deps, input),
    addNote: (input: { incidentId: string; text: string; actor: Actor }) => addIncidentNote(deps, input),
    recordReview: (input: { incidentId: string; review: unknown; actor: Actor }) => recordReview(deps, input),
    reviewToFailureLog: (input: { incidentId: string; actor: Actor }) => reviewToFailureLog(deps, input),

    startEscalation: (incidentId: string) => startEscalationRun(deps, incidentId),
    startEscalationAfterCommit: (incidentId: string) => startEscalationRunAfterCommit(deps, incidentId),
    ensureEscalations: () => ensureEscalationRuns(deps),
    advanceEscalation: (incidentId: string, now: Date) => advanceEscalation(deps, incidentId, now),
    alertPhaseOverruns: (now: Date) => alertPhaseOverruns(deps, now),
    /** The level-timer workflow, to register on the engine. */
    escalationWorkflow: (): WorkflowDefinition => incidentEscalationWorkflow(deps),

    escalationPolicy: () => loadEscalationPolicy(db),
    async setEscalationPolicy(input: { policy: EscalationPolicy; actor: Actor }) {
      await saveEscalationPolicy(db, input.policy);
      await recordAudit(
        db,
        {
          actor: input.actor,
          action: 'settings.escalation',
          target: 'settings/escalation',
          outcome: 'ok',
          via: 'api',
          details: input.policy,
        },
        clock.now(),
      );
      return input.policy;
    },
  };
}

export type Incidents = ReturnType<typeof createIncidents>;
