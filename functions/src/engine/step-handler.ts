/**
 * Executes steps (step-message.ts decodes the messages that carry them). Delivery is at-least-once, so:
 * - a step is accepted only if it is waiting for exactly that (attempt, wake);
 * - the handler runs outside any transaction; its effect, the step's new state, the events and the
 *   next messages commit in ONE write that re-checks acceptance, so a redelivered or concurrent
 *   duplicate is a no-op;
 * - poison (unknown run, workflow, step or step type) goes to the dead letters and is
 *   acknowledged; an unexpected exception is handed back, for the message to be redelivered.
 * Several steps at once (a batch message) have their runs read in one round trip, and the steps
 * that need no reads at commit time commit in one batch write, each with its run's update time as
 * precondition.
 */
import { describeIssues } from '../shared/errors.js';
import { getAllTyped } from '../platform/firestore/typed.js';
import { acceptsMessage, applyOutcome, type CoreOutcome, type Transition } from './core/run-state.js';
import { MAX_ERROR_CHARS, MAX_STEP_CONTEXT_BYTES, MAX_STEP_OUTPUT_BYTES, oversize } from './core/limits.js';
import { commitTransition, type CommitExtra } from './commit.js';
import { enqueueGateOpened } from './notify.js';
import { flushOutbox, flushRunOutbox } from './outbox.js';
import { controlRef, pauseFrom } from './pause.js';
import { readOutputsOf } from './workflow-runs.js';
import { parkedSteps, workflowRunRef, type OutboxDoc, type WorkflowRun } from './store.js';
import {
  RetryableStepError,
  TerminalStepError,
  type StepOutcome,
  type WorkflowDefinition,
} from './workflow.js';
import type { DocumentSnapshot, Firestore, Transaction, WriteBatch } from '@google-cloud/firestore';
import type { EngineDeps } from './deps.js';

/** Which message a step waits for: its run, its id, and the (attempt, wake) it accepts. */
export interface StepRef {
  runId: string;
  stepId: string;
  attempt: number;
  wake: number;
}

export type StepResult = 'completed' | 'duplicate' | 'parked' | 'dead-lettered';

/** A step ready to commit: its outcome is known, its writes are not yet made. */
interface Ready {
  ref: StepRef;
  /** A batch write with the run's update time as precondition will do (no reads at commit time). */
  fast: boolean;
  writeFast(batch: WriteBatch): OutboxDoc[];
  txCommit(tx: Transaction): Promise<OutboxDoc[] | null>;
}

/**
 * Runs steps: one read of all their runs, the handlers at once, then one commit for every step
 * that needs no reads at commit time (the first of each run; a run's others follow it through the
 * transaction, one after another), and one flush of what they dispatched. Each step's result, or
 * the unexpected error it met.
 */
export async function handleSteps(
  app: EngineDeps,
  refs: StepRef[],
  dead: (i: number, reason: string) => Promise<StepResult>,
): Promise<Array<StepResult | Error>> {
  const runIds = [...new Set(refs.map((r) => r.runId))];
  const snaps = new Map(
    (
      await getAllTyped(
        app.db,
        runIds.map((id) => workflowRunRef(app.db, id)),
      )
    ).map((s) => [s.id, s]),
  );
  const results: Array<StepResult | Error | undefined> = new Array(refs.length);
  const prepared = await Promise.all(
    refs.map((ref, i) =>
      prepareStep(app, ref, snaps.get(ref.runId)!, (reason) => dead(i, reason)).catch((err: unknown) =>
        asError(err),
      ),
    ),
  );
  const ready: Array<{ i: number; r: Ready }> = [];
  prepared.forEach((p, i) => {
    if (typeof p === 'string' || p instanceof Error) results[i] = p;
    else ready.push({ i, r: p });
  });

  const entries: OutboxDoc[] = [];
  const claimed = new Set<string>();
  const fast = ready.filter(({ r }) => r.fast && !claimed.has(r.ref.runId) && claimed.add(r.ref.runId));
  if (fast.length) {
    // Nothing to read at commit time: write with each run's update time as a precondition, one
    // round trip. If a run changed since it was read (a duplicate won, a gate was decided), the
    // write fails as a whole and the transactional path below decides for each step.
    const batch = app.db.batch();
    const written = fast.map(({ r }) => r.writeFast(batch));
    const committed = await batch.commit().then(
      () => true,
      (err: { code?: number }) => {
        // FAILED_PRECONDITION, ABORTED, or ALREADY_EXISTS on an event a concurrent duplicate wrote;
        // in a message of several steps, any failure: each then meets its own fate alone.
        if (err.code === 9 || err.code === 10 || err.code === 6 || refs.length > 1) return false;
        throw err;
      },
    );
    if (committed)
      fast.forEach(({ i }, k) => {
        results[i] = 'completed';
        entries.push(...written[k]!);
      });
  }
  const byRun = new Map<string, Array<{ i: number; r: Ready }>>();
  for (const x of ready)
    if (results[x.i] === undefined) byRun.set(x.r.ref.runId, [...(byRun.get(x.r.ref.runId) ?? []), x]);
  await Promise.all(
    [...byRun.values()].map(async (steps) => {
      for (const { i, r } of steps) {
        try {
          const written = await commitOrDuplicate(app, r.ref, r.txCommit);
          results[i] = written === null ? 'duplicate' : 'completed';
          if (written) entries.push(...written);
        } catch (err) {
          results[i] = asError(err);
        }
      }
    }),
  );
  if (entries.length) {
    app.log.debug('steps committed', { steps: refs.length });
    await flushOutbox(app, entries);
  }
  return results as Array<StepResult | Error>;
}

const asError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));

/**
 * Everything before the commit: the step must exist and wait for this message; the handler runs.
 * A result when the step is settled without a commit (poison, duplicate, parked).
 */
async function prepareStep(
  app: EngineDeps,
  ref: StepRef,
  snap: DocumentSnapshot<WorkflowRun>,
  dead: (reason: string) => Promise<StepResult>,
): Promise<StepResult | Ready> {
  const { runId, stepId, attempt, wake } = ref;
  if (!snap.exists) return dead(`run "${runId}" does not exist`);
  const run = snap.data()!;
  await app.workflows.ready();
  const wf = app.workflows.get(run.workflow);
  if (!wf) return dead(`unknown workflow "${run.workflow}"`);
  const node = run.graph.steps[stepId];
  if (!node) return dead(`run "${runId}" has no step "${stepId}"`);
  const handler = wf.handlers[node.type];
  if (!handler) return dead(`unknown step type "${node.type}" in workflow "${wf.name}"`);

  if (!acceptsMessage(run.steps[stepId], attempt, wake)) {
    await flushRunOutbox(app, runId); // the first delivery may have died before publishing its successors
    return 'duplicate';
  }
  if (wf.autonomous && (await parkIfPaused(app, runId, stepId, attempt, wake))) return 'parked';

  const st = run.steps[stepId]!;
  const outcome = storable(
    await runHandler(wf, node.type, {
      runId,
      stepId,
      type: node.type,
      attempt,
      input: run.input,
      outputs: await readOutputsOf(app, run),
      params: node.params ?? {},
      ...(wake > 0 ? { wake: { count: wake, state: st.wakeState ?? null } } : {}),
      now: app.clock.now(),
    }),
  );

  const now = app.clock.now();
  const actor = { kind: 'system' as const, id: `workflow:${wf.name}` };
  const extra = (fresh: WorkflowRun) => ({
    actor,
    now,
    output: 'output' in outcome ? { stepId, value: outcome.output } : undefined,
    patch: sidePatch(stepId, outcome, now),
    ...slackOf(app.db, fresh, stepId, outcome, now),
    ...(fresh === run ? { runUpdateTime: snap.updateTime } : {}),
  });
  const transition = (fresh: WorkflowRun) =>
    applyOutcome(
      { graph: fresh.graph, steps: fresh.steps, failing: fresh.failing, retry: fresh.retry },
      stepId,
      toCore(outcome),
      now.getTime(),
    );
  return {
    ref,
    fast: !wf.autonomous && !('effect' in outcome && outcome.effect),
    writeFast: (batch) => commitTransition(app.db, batch, run, transition(run), extra(run)),
    txCommit: async (tx) => {
      const fresh = (await tx.get(workflowRunRef(app.db, runId))).data()!;
      if (!acceptsMessage(fresh.steps[stepId], attempt, wake)) return null; // a duplicate committed first
      // Paused while this step ran: its work commits, and the run parks where it is (the steps it
      // would start are parked, not published) so nothing runs twice and nothing is lost.
      const paused = wf.autonomous && pauseFrom((await tx.get(controlRef(app.db))).data()).paused;
      const effected = 'effect' in outcome && outcome.effect ? await outcome.effect(tx, app.db) : undefined;
      const applied = transition(fresh);
      const t = paused ? parkDispatches(app.db, tx, fresh.id, applied, now) : applied;
      const x = extra(fresh);
      // The effect enqueued Slack entries the outcome did not announce: deliver them now, too.
      return commitTransition(
        app.db,
        tx,
        fresh,
        t,
        effected?.slack && !x.slack ? { ...x, slack: () => undefined } : x,
      );
    },
  };
}

/**
 * Runs the commit transaction. A concurrent duplicate that won the race makes this one fail with
 * ALREADY_EXISTS (the event it would write exists) or contention (ABORTED after the client's
 * retries): re-read, and if the step no longer waits for this message, it is a duplicate (2xx).
 */
async function commitOrDuplicate<T>(
  app: EngineDeps,
  { runId, stepId, attempt, wake }: StepRef,
  body: (tx: Transaction) => Promise<T | null>,
): Promise<T | null> {
  try {
    return await app.db.runTransaction(body);
  } catch (err) {
    const code = (err as { code?: number }).code;
    if (code !== 6 && code !== 10) throw err;
    const run = (await workflowRunRef(app.db, runId).get()).data();
    if (run && !acceptsMessage(run.steps[stepId], attempt, wake)) return null;
    throw err;
  }
}

async function runHandler(
  wf: WorkflowDefinition,
  type: string,
  ctx: Parameters<WorkflowDefinition['handlers'][string]>[0],
): Promise<StepOutcome> {
  // The step reads its input through the workflow's schema, as startWorkflowRun did: a run whose stored
  // input no longer parses (the schema changed under it) fails here, naming the field.
  const input = wf.input.safeParse(ctx.input);
  if (!input.success)
    return {
      type: 'fail',
      error: `the run's input does not parse: ${describeIssues(input.error.issues)
        .map((p) => `input.${p}`)
        .join('; ')}`,
      class: 'terminal',
    };
  try {
    return await wf.handlers[type]!({ ...ctx, input: input.data });
  } catch (err) {
    if (err instanceof RetryableStepError)
      return {
        type: 'retry',
        error: err.message,
        ...(err.delayMs !== undefined ? { delayMs: err.delayMs } : {}),
      };
    if (err instanceof TerminalStepError)
      return { type: 'fail', error: err.message, class: err.failureClass };
    throw err; // unexpected: let Pub/Sub redeliver
  }
}

/**
 * An outcome too large to store would fail its commit on every redelivery: the step fails
 * terminally instead, naming the size, and the run takes its fail path.
 */
function storable(o: StepOutcome): StepOutcome {
  const tooBig =
    ('output' in o ? oversize('the step output', o.output, MAX_STEP_OUTPUT_BYTES) : undefined) ??
    ('context' in o ? oversize('the step context', o.context, MAX_STEP_CONTEXT_BYTES) : undefined);
  if (tooBig) return { type: 'fail', error: tooBig, class: 'terminal' };
  // Error texts land in the run document and its events: keep them short.
  if ((o.type === 'fail' || o.type === 'retry') && o.error.length > MAX_ERROR_CHARS)
    return { ...o, error: `${o.error.slice(0, MAX_ERROR_CHARS)}… (${o.error.length} characters)` };
  return o;
}

function toCore(o: StepOutcome): CoreOutcome {
  switch (o.type) {
    case 'done':
      return { type: 'done', ...(o.edge !== undefined ? { edge: o.edge } : {}) };
    case 'gate':
      return { type: 'gate', edges: o.edges };
    case 'external':
      return { type: 'external' };
    case 'wait':
      return { type: 'wait', until: o.until.getTime(), state: o.state };
    case 'retry':
      return { type: 'retry', error: o.error, ...(o.delayMs !== undefined ? { delayMs: o.delayMs } : {}) };
    case 'fail':
      return { type: 'fail', error: o.error, class: o.class ?? 'terminal' };
  }
}

/** A gate that opens is pushed to Slack; a step whose effect enqueued Slack entries asks for delivery. */
function slackOf(
  db: Firestore,
  run: WorkflowRun,
  stepId: string,
  o: StepOutcome,
  now: Date,
): Pick<CommitExtra, 'slack'> {
  if (o.type === 'gate') return { slack: (w) => enqueueGateOpened(db, w, run, stepId, o, now) };
  if ('slack' in o && o.slack) return { slack: () => undefined };
  return {};
}

function sidePatch(stepId: string, o: StepOutcome, now: Date): Record<string, unknown> | undefined {
  if (o.type === 'gate')
    return { [`gates.${stepId}`]: { stepId, context: o.context, edges: o.edges, openedAt: now } };
  if (o.type === 'external') return { [`externals.${stepId}`]: { context: o.context, openedAt: now } };
  return undefined;
}

async function parkIfPaused(
  app: EngineDeps,
  runId: string,
  stepId: string,
  attempt: number,
  wake: number,
): Promise<boolean> {
  const now = app.clock.now();
  return app.db.runTransaction(async (tx) => {
    const run = (await tx.get(workflowRunRef(app.db, runId))).data()!;
    const paused = pauseFrom((await tx.get(controlRef(app.db))).data()).paused;
    if (!paused || !acceptsMessage(run.steps[stepId], attempt, wake)) return false;
    parkInTransaction(app.db, tx, run, stepId, now);
    return true;
  });
}

function parkDispatches(db: Firestore, tx: Transaction, runId: string, t: Transition, now: Date): Transition {
  const steps = { ...t.steps };
  const events = [...t.events];
  for (const d of t.dispatch) {
    steps[d.stepId] = { ...steps[d.stepId]!, status: 'parked' };
    tx.set(parkedSteps(db).doc(`${runId}~${d.stepId}`), { runId, stepId: d.stepId, parkedAt: now });
    events.push({ type: 'step.parked', data: { stepId: d.stepId, reason: 'engine paused' } });
  }
  return { ...t, steps, events, dispatch: [] };
}

function parkInTransaction(
  db: Firestore,
  tx: Transaction,
  run: WorkflowRun,
  stepId: string,
  now: Date,
): void {
  const steps = structuredClone(run.steps);
  steps[stepId] = { ...steps[stepId]!, status: 'parked' };
  const t: Transition = {
    steps,
    failing: run.failing,
    status: run.status,
    events: [{ type: 'step.parked', data: { stepId, reason: 'engine paused' } }],
    dispatch: [],
  };
  tx.set(parkedSteps(db).doc(`${run.id}~${stepId}`), { runId: run.id, stepId, parkedAt: now });
  commitTransition(db, tx, run, t, { actor: { kind: 'system', id: 'engine' }, now });
}
