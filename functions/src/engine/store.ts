/**
 * Where the engine keeps its state in Firestore, and the document shapes.
 * - `runs/{runId}`: the run, its graph snapshot, its step states, gates; the unit of consistency.
 * - `runs/{runId}/outputs/{stepId}`: step outputs (kept out of the run doc: it must stay small).
 * - `events/{runId~seq}`: the immutable event log (see events.ts).
 * - `outbox/{runId~stepId~attempt~wake}`: step messages to publish, written in the same
 *   transaction as the state change, published right after commit or by the sweep when due.
 * - `control/engine`: the pause switch (holds by holder).
 * - `parked/{runId~stepId}`: steps held by the pause switch, resumed in parking order.
 * - `deadLetters/{id}`: poison messages with the raw payload and the reason.
 */
import type { Firestore } from '@google-cloud/firestore';
import { typedCollection, typedConverter } from '../platform/firestore/typed.js';
import type { Actor } from '../shared/ports.js';
import type { Graph, RetryPolicy } from './core/graph.js';
import type { WorkflowRunStatus, StepState } from './core/run-state.js';

/** Exported for the benchmarks and tests that read runs and the pause switch directly. */
export const RUNS = 'runs';
export const CONTROL = 'control';
const OUTPUTS = 'outputs';
const OUTBOX = 'outbox';
const PARKED = 'parked';
const DEAD_LETTERS = 'deadLetters';

export interface GateDecision {
  edge: string;
  rationale: string;
  decider: Actor;
  at: Date;
}

export interface GateRecord {
  stepId: string;
  context: Record<string, unknown>;
  edges: string[];
  openedAt: Date;
  decision?: GateDecision;
}

export interface WorkflowRun {
  id: string;
  workflow: string;
  autonomous: boolean;
  status: WorkflowRunStatus;
  failing: boolean;
  input: Record<string, unknown>;
  graph: Graph;
  retry?: Partial<RetryPolicy>;
  steps: Record<string, StepState>;
  gates: Record<string, GateRecord>;
  externals: Record<string, { context: Record<string, unknown>; openedAt: Date }>;
  nextSeq: number;
  /** Steps whose outputs are stored under outputs/ (absent on runs with none yet). */
  outputSteps?: string[];
  startedBy: Actor;
  createdAt: Date;
  updatedAt: Date;
  endedAt?: Date;
}

export interface StepEnvelope {
  v: 1;
  runId: string;
  stepId: string;
  attempt: number;
  wake: number;
}

/** A request to deliver the Slack outbox now, written in the commit that enqueued Slack entries. */
export interface SlackKick {
  job: 'slack-outbox';
  kick: true;
}

export interface OutboxDoc {
  id: string;
  topic: string;
  data: StepEnvelope | SlackKick;
  runId: string;
  /**
   * Published as a message of its own, never grouped with other steps (outbox.ts): the steps of
   * autonomous runs, the muse's model and media work, each get a whole invocation.
   */
  alone?: boolean;
  notBefore: Date;
  createdAt: Date;
}

export interface DeadLetterDoc {
  id: string;
  topic: string;
  messageId: string;
  subscription: string | null;
  payload: 'message' | 'push-body';
  /** The bytes, base64, exactly as received (the first MAX_DEAD_LETTER_RAW_BYTES when truncated). */
  raw: string;
  /** The same bytes as text when they are valid UTF-8, for people reading the list. */
  text: string | null;
  /** The full size and SHA-256 of the bytes received, kept even when `raw` is truncated. */
  size: number;
  sha256: string;
  truncated: boolean;
  attributes: Record<string, string>;
  reason: string;
  at: Date;
  status: 'open' | 'replayed';
  replays: Array<{ at: Date; by: string; messageId: string }>;
}

/** A step's stored output (`runs/{runId}/outputs/{stepId}`). */
export interface StoredOutput {
  output: unknown;
  at: Date;
}

/** A step held by the pause switch (`parked/{runId~stepId}`). */
export interface ParkedStep {
  runId: string;
  stepId: string;
  parkedAt: Date;
}

/** The pause switch's document (`control/engine`): one hold per holder. */
export interface EngineControl {
  holds?: Record<string, { reason: string; actor: Actor; at: Date }>;
}

export const workflowRuns = (db: Firestore) => typedCollection<WorkflowRun>(db, RUNS);
export const workflowRunRef = (db: Firestore, runId: string) => workflowRuns(db).doc(runId);
export const runOutputs = (db: Firestore, runId: string) =>
  db.collection(RUNS).doc(runId).collection(OUTPUTS).withConverter(typedConverter<StoredOutput>());
export const outbox = (db: Firestore) => typedCollection<OutboxDoc>(db, OUTBOX);
/** The untyped references a commit writes through (a Transaction or a WriteBatch: commit.ts's Writer). */
export const outboxDocRef = (db: Firestore, id: string) => db.collection(OUTBOX).doc(id);
export const runDocRef = (db: Firestore, runId: string) => db.collection(RUNS).doc(runId);
export const runOutputRef = (db: Firestore, runId: string, stepId: string) =>
  runDocRef(db, runId).collection(OUTPUTS).doc(stepId);
export const parkedSteps = (db: Firestore) => typedCollection<ParkedStep>(db, PARKED);
export const controlRef = (db: Firestore) => typedCollection<EngineControl>(db, CONTROL).doc('engine');
export const deadLetters = (db: Firestore) => typedCollection<DeadLetterDoc>(db, DEAD_LETTERS);
