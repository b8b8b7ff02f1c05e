/**
 * Where Level 4 runs keep their records, and the one way a run document changes.
 * Immutable (create-only; firestore.rules must forbid client writes, updates and deletes):
 * - `pipelineSpecs/{name@version}`, `scenarioSuites/{name@version}`;
 * - `pipelineRunEvents/{runId~seq}`: every state change and stage event of a run;
 * - `pipelineArtifacts/{runId~stageId}`: stage outputs;
 * - `scenarioReports/{runId}`, `pipelineDecisions/{runId}` (one per run), `failureClassifications/{id}`,
 *   `pipelineStageFailures/{runId~stageId}`, `remediations/{newRunId}`, `remediationTasks/{taskId}`.
 * Changed only by the run's steps and use cases, through `changePipelineRun`: `pipelineRuns/{runId}`.
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import { conflict, notFound } from '../shared/errors.js';
import type { Actor } from '../shared/ports.js';
import { typedCollection } from '../platform/firestore/typed.js';
import type { ScenarioReport } from './core/evaluation.js';
import type {
  DecisionRecord,
  FailureClassificationRecord,
  PipelineRun,
  PipelineRunEvent,
} from './core/pipeline-run.js';
import type { PipelineSpec } from './core/spec.js';
import { pathTo, type RunState } from './core/states.js';
import type { ScenarioSuite } from './core/suite.js';

const SPECS = 'pipelineSpecs';
const SUITES = 'scenarioSuites';
const PIPELINE_RUNS = 'pipelineRuns';
const RUN_EVENTS = 'pipelineRunEvents';
const ARTIFACTS = 'pipelineArtifacts';
const REPORTS = 'scenarioReports';
const DECISIONS = 'pipelineDecisions';
const CLASSIFICATIONS = 'failureClassifications';
const STAGE_FAILURES = 'pipelineStageFailures';
const REMEDIATIONS = 'remediations';
const REMEDIATION_TASKS = 'remediationTasks';

/** A record this file does not shape further (artifacts, stage failures, remediation links). */
type Loose = Record<string, unknown>;

/** Audit targets, `collection/id`, as the audit trail has always named them. */
export const targets = {
  run: (id: string) => `${PIPELINE_RUNS}/${id}`,
  spec: (pin: string) => `${SPECS}/${pin}`,
  suite: (pin: string) => `${SUITES}/${pin}`,
};

/** The system's collections, typed; the names stay in this file. */
export const col = {
  specs: (db: Firestore) => typedCollection<Stored<PipelineSpec>>(db, SPECS),
  suites: (db: Firestore) => typedCollection<Stored<ScenarioSuite>>(db, SUITES),
  runs: (db: Firestore) => typedCollection<PipelineRun>(db, PIPELINE_RUNS),
  events: (db: Firestore) => typedCollection<PipelineRunEvent>(db, RUN_EVENTS),
  artifacts: (db: Firestore) => typedCollection<Loose>(db, ARTIFACTS),
  reports: (db: Firestore) => typedCollection<ScenarioReport>(db, REPORTS),
  decisions: (db: Firestore) => typedCollection<DecisionRecord>(db, DECISIONS),
  classifications: (db: Firestore) => typedCollection<FailureClassificationRecord>(db, CLASSIFICATIONS),
  stageFailures: (db: Firestore) => typedCollection<Loose>(db, STAGE_FAILURES),
  remediations: (db: Firestore) => typedCollection<Loose>(db, REMEDIATIONS),
  remediationTasks: (db: Firestore) => typedCollection<Loose>(db, REMEDIATION_TASKS),
};

/** The name of the step-engine workflow that carries Level 4 runs. */
export const PIPELINE_WORKFLOW = 'pipeline';

export const pipelineRunRef = (db: Firestore, runId: string) => col.runs(db).doc(runId);
const eventId = (runId: string, seq: number) => `${runId}~${String(seq).padStart(6, '0')}`;

export type Stored<T> = T & { publishedAt: string; publishedBy: Actor };

export async function readSpec(db: Firestore, pin: string, tx?: Transaction): Promise<Stored<PipelineSpec>> {
  const ref = col.specs(db).doc(pin);
  const spec = (tx ? await tx.get(ref) : await ref.get()).data();
  if (!spec) throw notFound(`pipeline spec "${pin}" is not published`);
  return spec;
}

export async function readSuite(
  db: Firestore,
  pin: string,
  tx?: Transaction,
): Promise<Stored<ScenarioSuite>> {
  const ref = col.suites(db).doc(pin);
  const suite = (tx ? await tx.get(ref) : await ref.get()).data();
  if (!suite) throw notFound(`scenario suite "${pin}" is not published`);
  return suite;
}

export async function readPipelineRunTx(db: Firestore, tx: Transaction, runId: string): Promise<PipelineRun> {
  const run = (await tx.get(pipelineRunRef(db, runId))).data();
  if (!run) throw notFound(`pipeline run "${runId}" does not exist`);
  return run;
}

export interface PipelineRunChange {
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
export function changePipelineRun(
  db: Firestore,
  tx: Transaction,
  run: PipelineRun,
  c: PipelineRunChange,
): PipelineRun {
  const at = c.at.toISOString();
  const events: Array<Omit<PipelineRunEvent, 'seq' | 'runId' | 'at' | 'actor'>> = [];
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
    const doc: PipelineRunEvent = { runId: run.id, seq, at, actor: c.actor, ...e };
    tx.create(col.events(db).doc(eventId(run.id, seq)), doc);
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

export async function listRunEvents(db: Firestore, runId: string): Promise<PipelineRunEvent[]> {
  const snap = await col.events(db).where('runId', '==', runId).orderBy('seq').get();
  return snap.docs.map((d) => d.data());
}

/** A pipeline run, or not_found. */
export async function getPipelineRunDoc(db: Firestore, runId: string): Promise<PipelineRun> {
  const run = (await pipelineRunRef(db, runId).get()).data();
  if (!run) throw notFound(`pipeline run "${runId}" does not exist`);
  return run;
}
