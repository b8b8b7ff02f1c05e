/**
 * Stranded steps: a step waits (`queued`, or `waiting` with its timer already published) for a
 * message that will never come: the publish after its commit was lost, or the local stack stopped
 * while the message was in flight. Pub/Sub keeps what it accepted, so nothing else recovers these.
 *
 * The sweep finds runs that have not changed for STRANDED_AFTER_MS, and for each step there with
 * nothing in flight (no outbox entry for its exact message) writes that message to the outbox
 * again, in a transaction that re-checks the run did not move. Publishing a message twice is
 * safe: the step accepts only the (attempt, wake) it waits for, once. After MAX_REPUBLISHES the
 * step fails terminally with the reason, so a message that is lost every time (or dead-lettered
 * every time) ends the run `failed` instead of `running` forever.
 */
import { applyOutcome, type StepState, type Transition } from './core/run-state.js';
import { commitTransition, outboxId } from './commit.js';
import { flushOutbox } from './outbox.js';
import { outbox, workflowRunRef, workflowRuns, type OutboxDoc, type WorkflowRun } from './store.js';
import type { EnginePorts } from './deps.js';

/** Longer than Pub/Sub's own redelivery of a message (ack deadline plus backoff, several times). */
export const STRANDED_AFTER_MS = 10 * 60_000;
export const MAX_REPUBLISHES = 3;

export interface StrandedSweep {
  republished: number;
  failed: number;
  /** Runs the sweep could not check this time (contention); the next sweep does. */
  skipped: number;
}

const ACTOR = { kind: 'system' as const, id: 'engine-sweep' };

/** Re-publishes (or, past the limit, fails) every stranded step of runs idle since the deadline. */
export async function recoverStranded(
  deps: EnginePorts,
  opts: { olderThanMs?: number; limit?: number } = {},
): Promise<StrandedSweep> {
  const cutoff = new Date(deps.clock.now().getTime() - (opts.olderThanMs ?? STRANDED_AFTER_MS));
  const idle = await Promise.all(
    (['running', 'awaiting_human'] as const).map((status) =>
      workflowRuns(deps.db)
        .where('status', '==', status)
        .where('updatedAt', '<=', cutoff)
        .orderBy('updatedAt')
        .limit(opts.limit ?? 200)
        .get(),
    ),
  );
  const total: StrandedSweep = { republished: 0, failed: 0, skipped: 0 };
  for (const doc of idle.flatMap((s) => s.docs)) {
    try {
      const r = await recoverRun(deps, doc.id, cutoff);
      total.republished += r.republished;
      total.failed += r.failed;
    } catch (err) {
      // Contention on one run (a lock held by a step mid-commit, or by a crashed instance until
      // it expires) must not stop the others: the next sweep, a minute later, tries it again.
      total.skipped += 1;
      deps.log.warn('stranded step recovery skipped a run; the next sweep retries it', {
        runId: doc.id,
        err,
      });
    }
  }
  return total;
}

const waitsForMessage = (s: StepState) => s.status === 'queued' || s.status === 'waiting';

async function recoverRun(
  deps: EnginePorts,
  runId: string,
  cutoff: Date,
): Promise<{ republished: number; failed: number }> {
  const at = deps.clock.now();
  const result = { republished: 0, failed: 0 };
  const entries = await deps.db.runTransaction(async (tx): Promise<OutboxDoc[]> => {
    result.republished = 0;
    result.failed = 0;
    const run = (await tx.get(workflowRunRef(deps.db, runId))).data();
    if (!run || run.status === 'succeeded' || run.status === 'failed') return [];
    if (run.updatedAt.getTime() > cutoff.getTime()) return []; // it moved since the query
    const waiting = Object.entries(run.steps).filter(([, s]) => waitsForMessage(s));
    if (waiting.length === 0) return [];
    const inFlight = await tx.getAll(
      ...waiting.map(([stepId, s]) =>
        outbox(deps.db).doc(outboxId({ runId, stepId, attempt: s.attempt, wake: s.wake })),
      ),
    );
    let cur: Pick<WorkflowRun, 'steps' | 'failing' | 'status'> = run;
    const events: Transition['events'] = [];
    const dispatch: Transition['dispatch'] = [];
    waiting.forEach(([stepId, s], k) => {
      if (inFlight[k]!.exists) return; // its message is still to be published: not stranded
      const now = cur.steps[stepId];
      if (!now || !waitsForMessage(now)) return; // cancelled by a failure above
      const lost = (s.republished ?? 0) + 1;
      if (lost > MAX_REPUBLISHES) {
        const t = applyOutcome(
          { graph: run.graph, steps: cur.steps, failing: cur.failing, retry: run.retry },
          stepId,
          {
            type: 'fail',
            error: `its step message was lost or dead-lettered ${lost} times`,
            class: 'terminal',
          },
          at.getTime(),
        );
        cur = t;
        events.push(...t.events);
        dispatch.push(...t.dispatch);
        result.failed += 1;
        return;
      }
      cur = { ...cur, steps: { ...cur.steps, [stepId]: { ...now, republished: lost } } };
      events.push({
        type: 'step.republished',
        data: { stepId, attempt: s.attempt, wake: s.wake, times: lost },
      });
      dispatch.push({ stepId, attempt: s.attempt, wake: s.wake });
      result.republished += 1;
    });
    if (events.length === 0) return [];
    return commitTransition(
      deps.db,
      tx,
      run,
      { steps: cur.steps, failing: cur.failing, status: cur.status, events, dispatch },
      { actor: ACTOR, now: at },
    );
  });
  if (entries.length) await flushOutbox(deps, entries);
  return result;
}
