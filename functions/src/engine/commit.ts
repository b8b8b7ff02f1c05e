/**
 * Writes a run transition inside a transaction: the run document, the step output, one event per
 * change (with the run's increasing seq) and the outbox entries for the steps it dispatches.
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import type { Actor } from '../shared/ports.js';
import type { Dispatch, Transition } from './core/run-state.js';
import { EVENTS, runEventId } from './events.js';
import { OUTBOX, OUTPUTS, RUNS, STEP_TOPIC, type OutboxDoc, type RunDoc } from './store.js';

export interface CommitExtra {
  actor: Actor;
  now: Date;
  /** Step output to store (done and fail outcomes). */
  output?: { stepId: string; value: unknown };
  /** Fields merged into the run document besides the transition (gates, externals). */
  patch?: Record<string, unknown>;
  /** Extra data merged into each event's data (e.g. the gate decision). */
  eventData?: Record<string, Record<string, unknown>>;
}

export function outboxEntry(runId: string, d: Dispatch, now: Date): OutboxDoc {
  const id = `${runId}~${d.stepId}~${d.attempt}~${d.wake}`;
  return {
    id,
    topic: STEP_TOPIC,
    runId,
    data: { v: 1, runId, stepId: d.stepId, attempt: d.attempt, wake: d.wake },
    notBefore: new Date(d.notBefore ?? now.getTime()),
    createdAt: now,
  };
}

/** Returns the outbox entries written, for publishing after commit. */
export function commitTransition(
  db: Firestore,
  tx: Transaction,
  run: RunDoc,
  t: Transition,
  x: CommitExtra,
): OutboxDoc[] {
  let seq = run.nextSeq;
  for (const e of t.events) {
    const data = { ...e.data, ...x.eventData?.[e.type] };
    tx.create(db.collection(EVENTS).doc(runEventId(run.id, seq)), {
      id: runEventId(run.id, seq),
      runId: run.id,
      seq,
      type: e.type,
      at: x.now,
      actor: x.actor,
      workflow: run.workflow,
      data,
    });
    seq += 1;
  }
  const entries = t.dispatch.map((d) => outboxEntry(run.id, d, x.now));
  for (const entry of entries) tx.set(db.collection(OUTBOX).doc(entry.id), entry);
  if (x.output && x.output.value !== undefined)
    tx.set(db.collection(RUNS).doc(run.id).collection(OUTPUTS).doc(x.output.stepId), {
      output: x.output.value,
      at: x.now,
    });
  const ended = t.status === 'succeeded' || t.status === 'failed';
  tx.update(db.collection(RUNS).doc(run.id), {
    steps: t.steps,
    failing: t.failing,
    status: t.status,
    nextSeq: seq,
    updatedAt: x.now,
    ...(ended && !run.endedAt ? { endedAt: x.now } : {}),
    ...x.patch,
  });
  return entries;
}
