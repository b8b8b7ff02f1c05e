/**
 * How a workflow is declared on the step engine. A workflow is a graph of steps plus a handler per
 * step type; the engine makes every step durable (a Pub/Sub message), idempotent (its effect and its
 * processed mark commit in one Firestore transaction) and retried by class.
 *
 * A handler does its slow work (model calls, HTTP) outside any transaction and returns an outcome.
 * Firestore writes that belong to the step go in the outcome's `effect`, which the engine runs inside
 * the commit transaction: do every `tx.get` first, then the writes.
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import type { z } from 'zod';
import type { Graph, RetryPolicy } from './core/graph.js';

/**
 * Firestore writes committed atomically with the step's processed mark. An effect that found it
 * had to enqueue Slack outbox entries (a recovery it noticed, safe mode it entered) returns
 * `{ slack: true }`, and the commit asks for their delivery as a `slack: true` outcome would.
 */
export type TxEffect = (tx: Transaction, db: Firestore) => Promise<void | { slack?: boolean }>;

/**
 * `slack: true` says the effect enqueued Slack outbox entries: the commit then asks for their
 * delivery through the engine's outbox (engine/notify.ts). A `gate` is always pushed to Slack.
 */
export type StepOutcome =
  /** Success. `edge` picks successors when the node's `next` is an edge map. */
  | { type: 'done'; output?: unknown; edge?: string; effect?: TxEffect; slack?: boolean }
  /** A human gate: the run parks with this context until a decision names one of `edges`. */
  | { type: 'gate'; context: Record<string, unknown>; edges: string[]; effect?: TxEffect }
  /** Parks until `completeExternalStep` is called (an agent's callback through the API). */
  | { type: 'external'; context: Record<string, unknown>; effect?: TxEffect }
  /** Runs this step again at `until` (durable timer); `state` is handed back as ctx.wake.state. */
  | { type: 'wait'; until: Date; state?: unknown; effect?: TxEffect; slack?: boolean }
  /** Retryable failure (timeout, 429, 5xx): retried with backoff up to the step's policy. */
  | { type: 'retry'; error: string; delayMs?: number }
  /** Terminal failure: the run's fail path runs. `pipeline` means the spec itself is at fault. */
  | { type: 'fail'; error: string; class?: 'terminal' | 'pipeline'; output?: unknown; effect?: TxEffect };

/** Every step's output so far, by step id: `Output` says what each step id holds. */
export type StepOutputs = Record<string, unknown>;

export interface StepContext<Input = Record<string, unknown>, Output extends StepOutputs = StepOutputs> {
  runId: string;
  stepId: string;
  /** The node's type, which picked this handler. */
  type: string;
  /** 1 on the first try. */
  attempt: number;
  /** The run's input, parsed by the workflow's schema before every step. */
  input: Input;
  /** Outputs of the steps that have completed so far, by step id. */
  outputs: Partial<Output>;
  params: Record<string, unknown>;
  /** Set when a `wait` outcome woke this step again. */
  wake?: { count: number; state: unknown };
  now: Date;
}

/**
 * A step handler. Declared as a method so a workflow typed by its own input registers where a
 * workflow of any input is expected: the engine hands it only input its schema parsed.
 */
export type StepHandler<Input = Record<string, unknown>, Output extends StepOutputs = StepOutputs> = {
  run(ctx: StepContext<Input, Output>): Promise<StepOutcome>;
}['run'];

/**
 * A workflow's input schema: what `POST /v1/runs` and every caller of startWorkflowRun must pass, parsed
 * again at every step.
 */
export type WorkflowInputSchema<Input = Record<string, unknown>> = z.ZodType<Input>;

/**
 * A workflow. `Input` is its input's type (its schema's output), `Output` what each step id's
 * output holds (read back by later steps as `ctx.outputs`).
 */
export interface WorkflowDefinition<
  Input extends Record<string, unknown> = Record<string, unknown>,
  Output extends StepOutputs = StepOutputs,
> {
  name: string;
  /**
   * The input every run must carry, checked by startWorkflowRun before anything is written (a bad input is
   * a 400 naming the field, never a failure at the first step) and again before each step.
   */
  input: WorkflowInputSchema<Input>;
  /** Autonomous workflows stop at the global pause switch (the CFO circuit breaker sets it). */
  autonomous: boolean;
  /** The graph for a run, from its input (static workflows ignore the input). */
  graph(input: Input): Graph;
  handlers: Record<string, StepHandler<Input, Output>>;
  retry?: Partial<RetryPolicy>;
}

/** Errors a handler may throw instead of returning an outcome. Anything else is redelivered by Pub/Sub. */
export class RetryableStepError extends Error {
  constructor(
    message: string,
    readonly delayMs?: number,
  ) {
    super(message);
    this.name = 'RetryableStepError';
  }
}

export class TerminalStepError extends Error {
  constructor(
    message: string,
    readonly failureClass: 'terminal' | 'pipeline' = 'terminal',
  ) {
    super(message);
    this.name = 'TerminalStepError';
  }
}

export const done = (output?: unknown, extra: { edge?: string; effect?: TxEffect } = {}): StepOutcome => ({
  type: 'done',
  output,
  ...extra,
});

/**
 * The workflows an engine can run, by name. Registering a name again replaces it (a test's own
 * version of a product workflow registers after the product's). The product's workflows are
 * registered by a loader on first need, not at start: their modules pull in every system.
 */
export class WorkflowRegistry {
  private readonly defs = new Map<string, WorkflowDefinition>();
  private loader: (() => Promise<void>) | undefined;
  private loading: Promise<void> | undefined;

  register<I extends Record<string, unknown>, O extends StepOutputs>(def: WorkflowDefinition<I, O>): this {
    this.defs.set(def.name, def);
    return this;
  }
  /** Registers workflows on first need (`ready()`) rather than now. */
  loadWith(loader: () => Promise<void>): this {
    this.loader = loader;
    return this;
  }
  /** Resolves once the loader (if any) has registered its workflows. */
  ready(): Promise<void> {
    this.loading ??= this.loader ? this.loader() : Promise.resolve();
    return this.loading;
  }
  get(name: string): WorkflowDefinition | undefined {
    return this.defs.get(name);
  }
  names(): string[] {
    return [...this.defs.keys()];
  }
}
