/**
 * Writes a run transition inside a transaction (or a batch with an update-time precondition, which
 * is the same guarantee for writes that need no reads): the run document, the step output, one
 * event per change (with the run's increasing seq) and the outbox entries for the steps it
 * dispatches.
 */
import {
  FieldValue,
  type DocumentData,
  type DocumentReference,
  type Firestore,
  type Precondition,
  type UpdateData,
} from '@google-cloud/firestore';
import { stepTopic } from '../platform/catalog.js';
import type { Actor } from '../shared/ports.js';
import type { Dispatch, Transition } from './core/run-state.js';
import { committedAtField, EVENTS, runEventId } from './events.js';
import { slackKickEntry } from './notify.js';
import {
  outboxDocRef,
  runDocRef,
  runOutputRef,
  type OutboxDoc,
  type WorkflowRun,
  type StepEnvelope,
} from './store.js';

export interface CommitExtra {
  actor: Actor;
  now: Date;
  /** Step output to store (done and fail outcomes). */
  output?: { stepId: string; value: unknown };
  /** Fields merged into the run document besides the transition (gates, externals). */
  patch?: Record<string, unknown>;
  /** Extra data merged into each event's data (e.g. the gate decision). */
  eventData?: Record<string, Record<string, unknown>>;
  /** Optimistic concurrency for batch commits: the run's update time when it was read. */
  runUpdateTime?: Precondition['lastUpdateTime'];
  /**
   * Slack outbox writes that belong to this commit (a gate opened or decided, a step's notice):
   * written with it, and a kick to deliver them is added to the outbox it returns (notify.ts).
   */
  slack?: (w: Writer) => void;
}

/** What a Transaction and a WriteBatch have in common, for writing a transition with either. */
export interface Writer {
  create(ref: DocumentReference, data: DocumentData): unknown;
  set(ref: DocumentReference, data: DocumentData): unknown;
  update(ref: DocumentReference, data: UpdateData<DocumentData>, precondition?: Precondition): unknown;
  delete(ref: DocumentReference): unknown;
}

export const outboxId = (e: Pick<StepEnvelope, 'runId' | 'stepId' | 'attempt' | 'wake'>) =>
  `${e.runId}~${e.stepId}~${e.attempt}~${e.wake}`;

export function outboxEntry(runId: string, d: Dispatch, now: Date, alone = false): OutboxDoc {
  const data: StepEnvelope = { v: 1, runId, stepId: d.stepId, attempt: d.attempt, wake: d.wake };
  return {
    id: outboxId(data),
    topic: stepTopic(runId),
    runId,
    data,
    notBefore: new Date(d.notBefore ?? now.getTime()),
    createdAt: now,
    ...(alone ? { alone: true } : {}),
  };
}

/** Returns the outbox entries written, for publishing after commit. */
export function commitTransition(
  db: Firestore,
  w: Writer,
  run: WorkflowRun,
  t: Transition,
  x: CommitExtra,
): OutboxDoc[] {
  let seq = run.nextSeq;
  for (const e of t.events) {
    const data = { ...e.data, ...x.eventData?.[e.type] };
    w.create(db.collection(EVENTS).doc(runEventId(run.id, seq)), {
      id: runEventId(run.id, seq),
      runId: run.id,
      seq,
      type: e.type,
      at: x.now,
      actor: x.actor,
      workflow: run.workflow,
      data,
      ...committedAtField(),
    });
    seq += 1;
  }
  // An autonomous run's steps (the muse's model and media work) are heavy and commit through the
  // transaction anyway (the pause check): grouping them would buy nothing and share one instance.
  const entries = t.dispatch.map((d) => outboxEntry(run.id, d, x.now, run.autonomous));
  if (x.slack) {
    x.slack(w);
    entries.push(slackKickEntry(run.id, run.nextSeq, x.now));
  }
  for (const entry of entries) w.set(outboxDocRef(db, entry.id), entry);
  const storesOutput = x.output !== undefined && x.output.value !== undefined;
  if (storesOutput)
    w.set(runOutputRef(db, run.id, x.output!.stepId), {
      output: x.output!.value,
      at: x.now,
    });
  const ended = t.status === 'succeeded' || t.status === 'failed';
  const update = {
    steps: t.steps,
    failing: t.failing,
    status: t.status,
    nextSeq: seq,
    updatedAt: x.now,
    // Which steps have stored outputs, so a step reads exactly those documents (or none).
    ...(storesOutput ? { outputSteps: FieldValue.arrayUnion(x.output!.stepId) } : {}),
    ...(ended && !run.endedAt ? { endedAt: x.now } : {}),
    ...x.patch,
  };
  const ref = runDocRef(db, run.id);
  if (x.runUpdateTime) w.update(ref, update, { lastUpdateTime: x.runUpdateTime });
  else w.update(ref, update);
  return entries;
}
