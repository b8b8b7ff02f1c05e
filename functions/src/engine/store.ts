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
import type { Actor } from '../shared/ports.js';
import type { Graph, RetryPolicy } from './core/graph.js';
import type { WorkflowRunStatus, StepState } from './core/run-state.js';

export const RUNS = 'runs';
export const OUTPUTS = 'outputs';
export const OUTBOX = 'outbox';
export const CONTROL = 'control';
export const PARKED = 'parked';
export const DEAD_LETTERS = 'deadLetters';

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
  notBefore: Date;
  createdAt: Date;
}

export const workflowRunRef = (db: Firestore, runId: string) => db.collection(RUNS).doc(runId);

/** Firestore returns Timestamps; the engine works in Dates. */
export function toDate(v: unknown): Date {
  if (v instanceof Date) return v;
  if (v && typeof (v as { toDate?: () => Date }).toDate === 'function')
    return (v as { toDate: () => Date }).toDate();
  return new Date(v as string);
}
