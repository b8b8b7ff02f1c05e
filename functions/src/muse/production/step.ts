/**
 * The production workflow as the muse declares it: what a step handler sees and returns, and the
 * workflow's shape. These are the step engine's own contract (engine/workflow.ts: StepContext,
 * StepOutcome, WorkflowDefinition) narrowed to what production uses, written structurally so the
 * muse imports nothing that reaches the composition root; `functions/src/workflows.ts` registers
 * the result on the engine, and the type checker holds the two together there.
 */
import type { Transaction } from '@google-cloud/firestore';
import type { z } from 'zod';
import type { Graph } from '../../engine/core/graph.js';

export interface StepContext {
  runId: string;
  stepId: string;
  /** 1 on the first try. */
  attempt: number;
  /** The run's input, parsed by each step with the workflow's schema. */
  input: unknown;
  /** Outputs of the steps completed so far, by step id (read with production/outputs.ts). */
  outputs: Record<string, unknown>;
  params: Record<string, unknown>;
  /** Set when a `wait` outcome woke this step again (the clip's polls). */
  wake?: { count: number; state: unknown };
  now: Date;
}

/** Writes committed atomically with the step (reads first, then writes). */
export type StepEffect = (tx: Transaction) => Promise<void>;

export type StepOutcome =
  | { type: 'done'; output?: unknown; edge?: string; effect?: StepEffect; slack?: boolean }
  /** Runs this step again at `until` (the engine's durable timer); `state` comes back as ctx.wake.state. */
  | { type: 'wait'; until: Date; state?: unknown; effect?: StepEffect }
  | { type: 'retry'; error: string; delayMs?: number }
  | { type: 'fail'; error: string; class?: 'terminal'; output?: unknown; effect?: StepEffect };

export type StepHandler = (ctx: StepContext) => Promise<StepOutcome>;

export interface ProductionWorkflow {
  name: string;
  input: z.ZodType<Record<string, unknown>>;
  /** Autonomous: the global pause switch (the CFO breaker) parks its steps. */
  autonomous: true;
  graph(input: Record<string, unknown>): Graph;
  handlers: Record<string, StepHandler>;
}
