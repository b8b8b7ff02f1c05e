/**
 * Where Level 4 runs keep their records, and the one way a run document changes.
 * Immutable (create-only; firestore.rules must forbid client writes, updates and deletes):
 * - `pipelineSpecs/{name@version}`, `scenarioSuites/{name@version}`;
 * - `pipelineRunEvents/{runId~seq}`: every state change and stage event of a run;
 * - `pipelineArtifacts/{runId~stageId}`: stage outputs;
 * - `scenarioReports/{runId}`, `pipelineDecisions/{runId}` (one per run), `failureClassifications/{id}`,
 *   `pipelineStageFailures/{runId~stageId}`, `remediations/{newRunId}`, `remediationTasks/{taskId}`.
 * Changed only by the run's steps and use cases, through `changeRun`: `pipelineRuns/{runId}`.
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import { conflict, notFound } from '../shared/errors.js';
import type { Actor } from '../shared/ports.js';
import type { PipelineRun, RunEvent } from './core/run-record.js';
import type { PipelineSpec } from './core/spec.js';
import { pathTo, type RunState } from './core/states.js';
import type { ScenarioSuite } from './core/suite.js';

export const SPECS = 'pipelineSpecs';
export const SUITES = 'scenarioSuites';
export const PIPELINE_RUNS = 'pipelineRuns';
export const RUN_EVENTS = 'pipelineRunEvents';
export const ARTIFACTS = 'pipelineArtifacts';
export const REPORTS = 'scenarioReports';
export const DECISIONS = 'pipelineDecisions';
export const CLASSIFICATIONS = 'failureClassifications';
export const STAGE_FAILURES = 'pipelineStageFailures';
export const REMEDIATIONS = 'remediations';
export const REMEDIATION_TASKS = 'remediationTasks';

/** The name of the step-engine workflow that carries Level 4 runs. */
export const PIPELINE_WORKFLOW = 'pipeline';

export const pipelineRunRef = (db: Firestore, runId: string) => db.collection(PIPELINE_RUNS).doc(runId);
const eventId = (runId: string, seq: number) => `${runId}~${String(seq).padStart(6, '0')}`;

export type Stored<T> = T & { publishedAt: string; publishedBy: Actor };

export async function readSpec(db: Firestore, pin: string, tx?: Transaction): Promise<Stored<PipelineSpec>> {
  const ref = db.collection(SPECS).doc(pin);
  const snap = tx ? await tx.get(ref) : await ref.get();
  if (!snap.exists) throw notFound(`pipeline spec "${pin}" is not published`);
  return snap.data() as Stored<PipelineSpec>;
}

export async function readSuite(
  db: Firestore,
  pin: string,
  tx?: Transaction,
): Promise<Stored<ScenarioSuite>> {
  const ref = db.collection(SUITES).doc(pin);
  const snap = tx ? await tx.get(ref) : await ref.get();
  if (!snap.exists) throw notFound(`scenario suite "${pin}" is not published`);
  return snap.data() as Stored<ScenarioSuite>;
}

export async function readRunIn(db: Firestore, tx: Transaction, runId: string): Promise<PipelineRun> {
  const snap = await tx.get(pipelineRunRef(db, runId));
  if (!snap.exists) throw notFound(`pipeline run "${runId}" does not exist`);
  return snap.data() as PipelineRun;
}

export interface RunChange {
  /** Target state, or waypoints in order; intermediate states are passed through and each recorded. */
  to?: RunState | RunState[];
  /** Dotted field paths merged into the run document. */
  patch?: Record<string, unknown>;
  events?: Array<{ type: string; stageId?: string; data?: Record<string, unknown> }>;
  actor: Actor;
  at: Date;
}

/**
 * Writes one change of a run: state moves (refused when illegal), events with the run's next seq,
 * and the patch. Call after every read of the transaction. Returns the run as written.
 */
export function changeRun(db: Firestore, tx: Transaction, run: PipelineRun, c: RunChange): PipelineRun {
  const at = c.at.toISOString();
  const events: Array<Omit<RunEvent, 'seq' | 'runId' | 'at' | 'actor'>> = [];
  let state = run.state;
  for (const wp of c.to === undefined ? [] : Array.isArray(c.to) ? c.to : [c.to]) {
    if (wp === state) continue;
    for (const next of pathTo(state, wp)) {
      events.push({ type: 'state.changed', data: { from: state, to: next } });
      state = next;
    }
  }
  for (const e of c.events ?? [])
    events.push({ type: e.type, ...(e.stageId ? { stageId: e.stageId } : {}), data: e.data ?? {} });
  let seq = run.eventSeq;
  for (const e of events) {
    seq += 1;
    const doc: RunEvent = { runId: run.id, seq, at, actor: c.actor, ...e };
    tx.create(db.collection(RUN_EVENTS).doc(eventId(run.id, seq)), doc);
  }
  tx.update(pipelineRunRef(db, run.id), { ...c.patch, state, eventSeq: seq, updatedAt: at });
  return { ...run, state, eventSeq: seq, updatedAt: at };
}

export function refuseUnlessState(run: PipelineRun, allowed: RunState[], doing: string): void {
  if (!allowed.includes(run.state))
    throw conflict(`cannot ${doing}: run "${run.id}" is ${run.state}, not ${allowed.join(' or ')}`, {
      state: run.state,
    });
}

export async function listRunEvents(db: Firestore, runId: string): Promise<RunEvent[]> {
  const snap = await db.collection(RUN_EVENTS).where('runId', '==', runId).orderBy('seq').get();
  return snap.docs.map((d) => d.data() as RunEvent);
}
