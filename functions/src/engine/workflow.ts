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
import type { Container } from '../platform/container.js';
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

export interface StepContext {
  runId: string;
  stepId: string;
  /** The node's type, which picked this handler. */
  type: string;
  /** 1 on the first try. */
  attempt: number;
  /** The run's input, as given to startRun. */
  input: Record<string, unknown>;
  /** Outputs of the steps that have completed so far, by step id. */
  outputs: Record<string, unknown>;
  params: Record<string, unknown>;
  /** Set when a `wait` outcome woke this step again. */
  wake?: { count: number; state: unknown };
  now: Date;
  app: Container;
}

export type StepHandler = (ctx: StepContext) => Promise<StepOutcome>;

/** A workflow's input schema: what `POST /v1/runs` and every caller of startRun must pass. */
export type WorkflowInputSchema = z.ZodType<Record<string, unknown>>;

export interface WorkflowDefinition {
  name: string;
  /**
   * The input every run must carry, checked by startRun before anything is written: a bad input is
   * a 400 naming the field, never a failure at the first step. Required, so a new workflow
   * declares one.
   */
  input: WorkflowInputSchema;
  /** Autonomous workflows stop at the global pause switch (the CFO circuit breaker sets it). */
  autonomous: boolean;
  /** The graph for a run, from its input (static workflows ignore the input). */
  graph(input: Record<string, unknown>): Graph;
  handlers: Record<string, StepHandler>;
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

export class WorkflowRegistry {
  private readonly defs = new Map<string, WorkflowDefinition>();
  private loader: (() => Promise<void>) | undefined;
  private loading: Promise<void> | undefined;

  private inLoader = false;

  register(def: WorkflowDefinition): this {
    // A workflow registered before the lazy loader ran (a test's own version) keeps its place.
    if (this.inLoader && this.defs.has(def.name)) return this;
    this.defs.set(def.name, def);
    return this;
  }
  /**
   * Registers the product's workflows on first need rather than at container creation: their
   * modules pull in every seed system, which a request that runs no workflow should not pay for.
   */
  loadWith(loader: () => Promise<void>): this {
    this.loader = loader;
    return this;
  }
  /** Resolves once the loader (if any) has registered its workflows. */
  ready(): Promise<void> {
    this.loading ??= this.runLoader();
    return this.loading;
  }
  private async runLoader(): Promise<void> {
    if (!this.loader) return;
    this.inLoader = true;
    try {
      await this.loader();
    } finally {
      this.inLoader = false;
    }
  }
  get(name: string): WorkflowDefinition | undefined {
    return this.defs.get(name);
  }
  names(): string[] {
    return [...this.defs.keys()];
  }
}
