/**
 * The shapes of a Level 4 run's records. Pure types: the run document (`pipelineRuns`), which only
 * the run's own steps and use cases change, and the immutable artifacts around it.
 */
import type { Actor } from '../../shared/ports.js';
import type { FailureCategory } from './decision.js';
import type { FailureClass } from './failure.js';
import type { RunState } from './states.js';

export type StageStatus =
  'running' | 'succeeded' | 'failed' | 'awaiting_human' | 'awaiting_callback' | 'skipped';

export interface StageState {
  status: StageStatus;
  attempts: number;
  class?: FailureClass;
  error?: string;
  edge?: string;
}

export interface GateDecision {
  stageId: string;
  edge: string;
  rationale: string;
  decidedBy: Actor;
  at: string;
}

export interface PipelineRun {
  id: string;
  /** Pinned `name@version` of the spec and the suite. */
  spec: string;
  suite: string;
  specName: string;
  profile: string;
  state: RunState;
  createdAt: string;
  updatedAt: string;
  createdBy: Actor;
  /** Repeated runs of one request share a group; k = size. */
  group: { id: string; index: number; size: number };
  /** A remediation run names the run it remediates; the old run never changes. */
  remediates?: { runId: string; rationale: string };
  /** Started by an operator despite open incidents on the spec's dependencies: who, why, which. */
  incidentOverride?: { by: Actor; rationale: string; incidents: string[]; dependencies: string[] };
  eventSeq: number;
  stages: Record<string, StageState>;
  stageFailures: Array<{ stageId: string; class: FailureClass; error: string; at: string }>;
  gates: GateDecision[];
  incidents: string[];
  /** Set once, when evaluation writes the scenario report. */
  evaluatedAt?: string;
  decision?: DecisionRecord;
}

export interface DecisionRecord {
  runId: string;
  decision: 'approved' | 'rejected';
  decidedBy: Actor;
  at: string;
  rationale: string;
  outcome?: string;
  /** The policy's reasons for this decision. */
  reasons: string[];
  /** What the decision relied on: report summary, failures, classifications, repeats. */
  evidence: Record<string, unknown>;
}

export interface FailureClassificationRecord {
  id: string;
  runId: string;
  target: { type: 'scenario' | 'stage'; id: string };
  category: FailureCategory;
  userImpact: boolean;
  resolved: boolean;
  note: string;
  classifiedBy: Actor;
  at: string;
}

export interface PipelineRunEvent {
  runId: string;
  seq: number;
  type: string;
  at: string;
  actor: Actor;
  stageId?: string;
  data: Record<string, unknown>;
}
