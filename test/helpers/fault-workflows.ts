/**
 * The workflow the fault suite's crash and restart tests drive: a chain of slow steps, each
 * marking when it starts (outside any transaction, so a crash mid-step leaves the mark) and
 * counting its effect inside the step's commit, so "exactly once" is a count that can be read.
 */
import { FieldValue, type Firestore } from '@google-cloud/firestore';
import { z } from 'zod';
import { done, type WorkflowDefinition } from '../../functions/src/engine/workflow.js';

export const CHAIN_STEPS = ['a', 'b', 'c', 'd'] as const;

/** A slow step: marks its start outside any transaction, counts its effect in the step's commit. */
const slowStep =
  (app: { db: Firestore }): WorkflowDefinition['handlers'][string] =>
  async (ctx) => {
    const id = `${ctx.runId}~${ctx.stepId}`;
    await app.db.collection('faultStarted').doc(id).set({ at: new Date() });
    await new Promise((r) => setTimeout(r, Number((ctx.input as { stepMs?: number }).stepMs ?? 300)));
    return done(
      { step: ctx.stepId },
      {
        effect: async (tx, db) =>
          void tx.set(
            db.collection('faultCounters').doc(id),
            { n: FieldValue.increment(1) },
            { merge: true },
          ),
      },
    );
  };

/** A fan-out: `a`, then 20 branches released by one commit (two batch messages), then a join. */
export const FAN_BRANCHES = Array.from({ length: 20 }, (_, i) => `b${i}`);
export const FAN_STEPS = ['a', ...FAN_BRANCHES, 'join'];
export const fanWorkflow = (app: { db: Firestore }): WorkflowDefinition => ({
  name: 'fault-fan',
  input: z.strictObject({ stepMs: z.number().int().min(0).max(5000).optional() }),
  autonomous: false,
  graph: () => ({
    start: ['a'],
    steps: {
      a: { type: 'slow', next: FAN_BRANCHES },
      ...Object.fromEntries(FAN_BRANCHES.map((b) => [b, { type: 'slow', next: ['join'] }])),
      join: { type: 'slow' },
    },
  }),
  handlers: { slow: slowStep(app) },
});

/** Built over the container whose Firestore the start marks go to. */
export const chainWorkflow = (app: { db: Firestore }): WorkflowDefinition => ({
  name: 'fault-chain',
  input: z.strictObject({ stepMs: z.number().int().min(0).max(5000).optional() }),
  autonomous: false,
  graph: () => ({
    start: ['a'],
    steps: {
      a: { type: 'slow', next: ['b'] },
      b: { type: 'slow', next: ['c'] },
      c: { type: 'slow', next: ['d'] },
      d: { type: 'slow' },
    },
  }),
  handlers: { slow: slowStep(app) },
});

/** Steps started and steps committed so far, over every run of the project. */
export async function chainProgress(
  db: FirebaseFirestore.Firestore,
): Promise<{ started: number; done: number }> {
  const [started, counters] = await Promise.all([
    db.collection('faultStarted').count().get(),
    db.collection('faultCounters').count().get(),
  ]);
  return { started: started.data().count, done: counters.data().count };
}

/** Every counter of the given runs: each must be exactly 1 for a run that succeeded. */
export async function effectCounts(
  db: FirebaseFirestore.Firestore,
  runIds: string[],
  steps: readonly string[] = CHAIN_STEPS,
): Promise<number[]> {
  const refs = runIds.flatMap((r) => steps.map((s) => db.collection('faultCounters').doc(`${r}~${s}`)));
  const snaps = await db.getAll(...refs);
  return snaps.map((s) => (s.data()?.n as number | undefined) ?? 0);
}
