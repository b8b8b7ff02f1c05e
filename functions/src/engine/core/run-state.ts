/**
 * The run state machine, pure. Given a run's steps and one step's outcome it returns the next
 * steps, the run state, the events to append and the step messages to dispatch. The engine
 * commits all of it in one Firestore transaction.
 */
import { DEFAULT_RETRY, predecessors, successorsOn, type Graph, type RetryPolicy } from './graph.js';
import { backoffMs } from './backoff.js';

export type StepStatus =
  | 'pending' // not reached yet
  | 'queued' // its message is published or due
  | 'waiting' // a retry backoff or a timer; its message is due later
  | 'parked' // held by the pause switch
  | 'gate' // awaiting a human decision
  | 'external' // awaiting an agent's callback
  | 'done'
  | 'failed'
  | 'skipped';

export interface StepState {
  status: StepStatus;
  attempt: number;
  /** How many times a `wait` outcome re-ran this step. Part of the message identity. */
  wake: number;
  /** Set on pending steps once any predecessor chose an edge leading here. */
  activated?: boolean;
  edge?: string;
  error?: string;
  failureClass?: 'terminal' | 'pipeline' | 'retries_exhausted';
  wakeState?: unknown;
  /** How many times the sweep re-published this message after it was lost (engine/stranded.ts). */
  republished?: number;
}

export type WorkflowRunStatus = 'running' | 'awaiting_human' | 'succeeded' | 'failed';

export interface RunCore {
  graph: Graph;
  steps: Record<string, StepState>;
  failing: boolean;
  retry?: Partial<RetryPolicy>;
}

export interface Dispatch {
  stepId: string;
  attempt: number;
  wake: number;
  /** Epoch ms; absent means now. */
  notBefore?: number;
}

export interface Emitted {
  type: string;
  data: Record<string, unknown>;
}

export interface Transition {
  steps: Record<string, StepState>;
  failing: boolean;
  status: WorkflowRunStatus;
  events: Emitted[];
  dispatch: Dispatch[];
}

export type CoreOutcome =
  | { type: 'done'; edge?: string }
  | { type: 'gate'; edges: string[] }
  | { type: 'external' }
  | { type: 'wait'; until: number; state?: unknown }
  | { type: 'retry'; error: string; delayMs?: number }
  | { type: 'fail'; error: string; class?: 'terminal' | 'pipeline' };

const LIVE: ReadonlySet<StepStatus> = new Set(['queued', 'waiting', 'parked', 'gate', 'external']);
const SETTLED: ReadonlySet<StepStatus> = new Set(['done', 'failed', 'skipped']);

export function initialSteps(graph: Graph): Record<string, StepState> {
  const steps: Record<string, StepState> = {};
  for (const id of Object.keys(graph.steps)) steps[id] = { status: 'pending', attempt: 1, wake: 0 };
  return steps;
}

/** Starts a run: queues the start steps. */
export function start(graph: Graph): Transition {
  const steps = initialSteps(graph);
  const dispatch: Dispatch[] = [];
  for (const id of graph.start) {
    steps[id] = { ...steps[id]!, status: 'queued', activated: true };
    dispatch.push({ stepId: id, attempt: 1, wake: 0 });
  }
  return {
    steps,
    failing: false,
    status: 'running',
    events: [{ type: 'run.started', data: { start: graph.start } }],
    dispatch,
  };
}

export function retryPolicy(run: RunCore, stepId: string): RetryPolicy {
  return { ...DEFAULT_RETRY, ...run.retry, ...run.graph.steps[stepId]?.retry };
}

/** Applies one step's outcome. `now` is epoch ms. */
export function applyOutcome(run: RunCore, stepId: string, outcome: CoreOutcome, now: number): Transition {
  const steps = structuredClone(run.steps);
  const cur = steps[stepId]!;
  const events: Emitted[] = [];
  const dispatch: Dispatch[] = [];
  let failing = run.failing;

  switch (outcome.type) {
    case 'done': {
      steps[stepId] = {
        ...cur,
        status: 'done',
        ...(outcome.edge !== undefined ? { edge: outcome.edge } : {}),
      };
      events.push({
        type: 'step.succeeded',
        data: { stepId, attempt: cur.attempt, edge: outcome.edge ?? null },
      });
      if (!failing) {
        for (const to of successorsOn(run.graph.steps[stepId]!, outcome.edge)) {
          if (steps[to]?.status === 'pending') steps[to] = { ...steps[to], activated: true };
        }
      }
      break;
    }
    case 'gate':
      steps[stepId] = { ...cur, status: 'gate' };
      events.push({ type: 'gate.opened', data: { stepId, edges: outcome.edges } });
      break;
    case 'external':
      steps[stepId] = { ...cur, status: 'external' };
      events.push({ type: 'step.awaiting_callback', data: { stepId } });
      break;
    case 'wait': {
      const wake = cur.wake + 1;
      steps[stepId] = { ...cur, status: 'waiting', wake, wakeState: outcome.state ?? null };
      dispatch.push({ stepId, attempt: cur.attempt, wake, notBefore: outcome.until });
      events.push({ type: 'step.waiting', data: { stepId, until: new Date(outcome.until).toISOString() } });
      break;
    }
    case 'retry': {
      const policy = retryPolicy(run, stepId);
      if (cur.attempt < policy.maxAttempts) {
        const attempt = cur.attempt + 1;
        const delayMs = outcome.delayMs ?? backoffMs(policy, attempt);
        steps[stepId] = { ...cur, status: 'waiting', attempt, error: outcome.error };
        dispatch.push({ stepId, attempt, wake: cur.wake, notBefore: now + delayMs });
        events.push({ type: 'step.retrying', data: { stepId, attempt, error: outcome.error, delayMs } });
        break;
      }
      const error = `${outcome.error} (gave up after ${cur.attempt} attempts)`;
      failing = failStep(run, steps, stepId, error, 'retries_exhausted', events, dispatch);
      break;
    }
    case 'fail':
      failing = failStep(run, steps, stepId, outcome.error, outcome.class ?? 'terminal', events, dispatch);
      break;
  }

  settle(run.graph, steps, failing, events, dispatch);
  return {
    steps,
    failing,
    status: statusOf(steps, failing),
    events: withRunEnd(run, steps, failing, events),
    dispatch,
  };
}

function failStep(
  run: RunCore,
  steps: Record<string, StepState>,
  stepId: string,
  error: string,
  failureClass: NonNullable<StepState['failureClass']>,
  events: Emitted[],
  dispatch: Dispatch[],
): boolean {
  steps[stepId] = { ...steps[stepId]!, status: 'failed', error, failureClass };
  events.push({ type: 'step.failed', data: { stepId, error, class: failureClass } });
  // A terminal failure cancels the rest of the graph; only the fail path still runs.
  const onFail = run.graph.onFail;
  const cancelled: string[] = [];
  for (const [id, s] of Object.entries(steps)) {
    if (id === stepId || id === onFail || SETTLED.has(s.status)) continue;
    steps[id] = { ...s, status: 'skipped' };
    cancelled.push(id);
  }
  if (cancelled.length) events.push({ type: 'steps.cancelled', data: { stepIds: cancelled } });
  if (onFail && onFail !== stepId && steps[onFail]?.status === 'pending') {
    steps[onFail] = { ...steps[onFail], status: 'queued', activated: true };
    dispatch.push({ stepId: onFail, attempt: 1, wake: 0 });
    events.push({ type: 'run.fail_path', data: { stepId: onFail } });
  }
  return true;
}

/** Queues pending steps whose predecessors have all settled, and skips the ones no edge reached. */
function settle(
  graph: Graph,
  steps: Record<string, StepState>,
  failing: boolean,
  events: Emitted[],
  dispatch: Dispatch[],
) {
  const skipped: string[] = [];
  let changed = true;
  while (changed) {
    changed = false;
    for (const [id, s] of Object.entries(steps)) {
      if (s.status !== 'pending' || id === graph.onFail) continue;
      const preds = predecessors(graph, id);
      if (preds.length === 0 || !preds.every((p) => SETTLED.has(steps[p]!.status))) continue;
      if (s.activated && !failing) {
        steps[id] = { ...s, status: 'queued' };
        dispatch.push({ stepId: id, attempt: s.attempt, wake: s.wake });
      } else {
        steps[id] = { ...s, status: 'skipped' };
        skipped.push(id);
      }
      changed = true;
    }
  }
  if (skipped.length) events.push({ type: 'steps.skipped', data: { stepIds: skipped } });
  // The fail path step is never reached by edges; skip it when the run ends without failing.
  const onFail = graph.onFail;
  if (onFail && !failing && steps[onFail]?.status === 'pending') {
    const live = Object.entries(steps).some(
      ([id, st]) => id !== onFail && (LIVE.has(st.status) || st.status === 'pending'),
    );
    if (!live) steps[onFail] = { ...steps[onFail], status: 'skipped' };
  }
}

export function statusOf(steps: Record<string, StepState>, failing: boolean): WorkflowRunStatus {
  const all = Object.values(steps);
  if (all.some((s) => LIVE.has(s.status) || (s.status === 'pending' && s.activated)))
    return all.some((s) => s.status === 'gate') ? 'awaiting_human' : 'running';
  return failing ? 'failed' : 'succeeded';
}

function withRunEnd(
  run: RunCore,
  steps: Record<string, StepState>,
  failing: boolean,
  events: Emitted[],
): Emitted[] {
  const status = statusOf(steps, failing);
  const before = statusOf(run.steps, run.failing);
  if (status === before) return events;
  if (status === 'succeeded' || status === 'failed') {
    const failed = Object.entries(steps).find(([, s]) => s.status === 'failed' && s.failureClass);
    return [
      ...events,
      { type: `run.${status}`, data: failed ? { failedStep: failed[0], error: failed[1].error } : {} },
    ];
  }
  return [...events, { type: `run.${status}`, data: {} }];
}

/** Moves a parked step back to queued (pause released). */
export function unpark(steps: Record<string, StepState>, stepId: string): Dispatch | undefined {
  const s = steps[stepId];
  if (s?.status !== 'parked') return undefined;
  steps[stepId] = { ...s, status: 'queued' };
  return { stepId, attempt: s.attempt, wake: s.wake };
}

/** Whether a step message (attempt, wake) is the one the run is waiting for. */
export function acceptsMessage(s: StepState | undefined, attempt: number, wake: number): boolean {
  return !!s && (s.status === 'queued' || s.status === 'waiting') && s.attempt === attempt && s.wake === wake;
}
