/**
 * A run written as startWorkflowRun writes it (the run, its first events, through the engine's own
 * commitTransition), its start steps queued, but nothing published: the caller commits the batch,
 * then hands the engine exactly the messages it wants, or lets the sweep publish the outbox.
 */
import type { Firestore, WriteBatch } from '@google-cloud/firestore';
import { commitTransition } from '../../functions/src/engine/commit.js';
import { start } from '../../functions/src/engine/core/run-state.js';
import { runDocRef, type WorkflowRun } from '../../functions/src/engine/store.js';
import type { WorkflowDefinition } from '../../functions/src/engine/workflow.js';

export function writeQueuedRun(
  db: Firestore,
  batch: WriteBatch,
  wf: Pick<WorkflowDefinition, 'name' | 'autonomous' | 'graph'>,
  opts: {
    id: string;
    input?: Record<string, unknown>;
    /** Write the start steps' outbox entries, for the sweep to publish (as startWorkflowRun does). */
    outbox?: boolean;
    now?: Date;
  },
): void {
  const input = opts.input ?? {};
  const now = opts.now ?? new Date();
  const graph = wf.graph(input);
  const t = start(graph);
  const actor = { kind: 'system' as const, id: 'test' };
  const run: WorkflowRun = {
    id: opts.id,
    workflow: wf.name,
    autonomous: wf.autonomous,
    status: 'running',
    failing: false,
    input,
    graph,
    steps: {},
    gates: {},
    externals: {},
    nextSeq: 1,
    outputSteps: [],
    startedBy: actor,
    createdAt: now,
    updatedAt: now,
  };
  batch.set(runDocRef(db, opts.id), run);
  commitTransition(
    db,
    batch,
    run,
    {
      ...t,
      events: [{ type: 'run.created', data: { workflow: wf.name } }, ...t.events],
      dispatch: opts.outbox ? t.dispatch : [],
    },
    { actor, now },
  );
}
