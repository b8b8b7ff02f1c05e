/** Starting runs and reading them back with their events. */
import type { Query } from '@google-cloud/firestore';
import { describeIssues, invalidInput, notFound } from '../shared/errors.js';
import type { Actor } from '../shared/ports.js';
import { validateGraph } from './core/graph.js';
import { MAX_RUN_INPUT_BYTES, oversize } from './core/limits.js';
import { start } from './core/run-state.js';
import { commitTransition } from './commit.js';
import { engineEvents, withStreamSeqs, type EngineEvent } from './events.js';
import { flushOutbox } from './outbox.js';
import { runOutputs, workflowRunRef, workflowRuns, type WorkflowRun } from './store.js';
import type { WorkflowDefinition } from './workflow.js';
import type { EngineDeps, EnginePorts } from './deps.js';

export interface StartWorkflowRunInput {
  workflow: string;
  input?: Record<string, unknown>;
  actor: Actor;
  /** Makes the start idempotent: a second start with the same id returns the first run. */
  runId?: string;
}

export async function startWorkflowRun(
  deps: EnginePorts & Pick<EngineDeps, 'workflows'>,
  req: StartWorkflowRunInput,
): Promise<{ runId: string; created: boolean }> {
  await deps.workflows.ready();
  const wf = deps.workflows.get(req.workflow);
  if (!wf)
    throw invalidInput(`unknown workflow "${req.workflow}"; known: ${deps.workflows.names().join(', ')}`);
  const input = parseInput(wf, req.input ?? {});
  const graph = wf.graph(input);
  const problems = validateGraph(graph);
  if (problems.length)
    throw invalidInput(`workflow "${wf.name}" produced an invalid graph: ${problems.join('; ')}`, {
      problems,
    });
  const ref = req.runId ? workflowRunRef(deps.db, req.runId) : workflowRuns(deps.db).doc();
  const now = deps.clock.now();
  const t = start(graph);
  const entries = await deps.db.runTransaction(async (tx) => {
    if ((await tx.get(ref)).exists) return null;
    const run: WorkflowRun = {
      id: ref.id,
      workflow: wf.name,
      autonomous: wf.autonomous,
      status: 'running',
      failing: false,
      input,
      graph,
      ...(wf.retry ? { retry: wf.retry } : {}),
      steps: {},
      gates: {},
      externals: {},
      nextSeq: 1,
      outputSteps: [],
      startedBy: req.actor,
      createdAt: now,
      updatedAt: now,
    };
    tx.create(ref, run);
    return commitTransition(
      deps.db,
      tx,
      run,
      { ...t, events: [{ type: 'run.created', data: { workflow: wf.name } }, ...t.events] },
      { actor: req.actor, now },
    );
  });
  if (entries === null) return { runId: ref.id, created: false };
  await flushOutbox(deps, entries);
  return { runId: ref.id, created: true };
}

/** The workflow's input schema, then the size the run document can hold: both refusals name why. */
function parseInput(wf: WorkflowDefinition, raw: Record<string, unknown>): Record<string, unknown> {
  const tooBig = oversize(`the input of workflow "${wf.name}"`, raw, MAX_RUN_INPUT_BYTES);
  if (tooBig) throw invalidInput(tooBig, { problems: [tooBig] });
  const parsed = wf.input.safeParse(raw);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error.issues).map((p) => `input.${p}`);
    throw invalidInput(`invalid input for workflow "${wf.name}": ${problems.join('; ')}`, { problems });
  }
  return parsed.data;
}

export async function getWorkflowRun(deps: Pick<EngineDeps, 'db'>, runId: string): Promise<WorkflowRun> {
  const snap = await workflowRunRef(deps.db, runId).get();
  if (!snap.exists) throw notFound(`run "${runId}" does not exist`);
  return snap.data()!;
}

export async function getWorkflowRunOutputs(
  deps: Pick<EngineDeps, 'db'>,
  runId: string,
): Promise<Record<string, unknown>> {
  const snap = await runOutputs(deps.db, runId).get();
  return Object.fromEntries(snap.docs.map((d) => [d.id, d.data().output]));
}

/** The outputs a step may read: exactly the stored ones listed on the run, in one round trip (none: no call). */
export async function readOutputsOf(
  deps: Pick<EngineDeps, 'db'>,
  run: WorkflowRun,
): Promise<Record<string, unknown>> {
  if (run.outputSteps === undefined) return getWorkflowRunOutputs(deps, run.id); // runs from before the list existed
  const ids = run.outputSteps;
  if (ids.length === 0) return {};
  const refs = ids.map((id) => runOutputs(deps.db, run.id).doc(id));
  const snaps = await deps.db.getAll(...refs);
  return Object.fromEntries(snaps.filter((s) => s.exists).map((s) => [s.id, s.get('output')]));
}

export async function listWorkflowRuns(
  deps: Pick<EngineDeps, 'db'>,
  opts: { status?: string; workflow?: string; limit?: number } = {},
): Promise<WorkflowRun[]> {
  let q: Query<WorkflowRun> = workflowRuns(deps.db);
  if (opts.status) q = q.where('status', '==', opts.status);
  if (opts.workflow) q = q.where('workflow', '==', opts.workflow);
  const snap = await q
    .orderBy('createdAt', 'desc')
    .limit(Math.min(opts.limit ?? 50, 500))
    .get();
  return snap.docs.map((d) => d.data());
}

export async function listWorkflowRunEvents(
  deps: Pick<EngineDeps, 'db'>,
  runId: string,
  afterSeq = 0,
): Promise<EngineEvent[]> {
  const snap = await engineEvents(deps.db)
    .where('runId', '==', runId)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .get();
  return snap.docs.map((d) => d.data());
}

/**
 * The global feed, oldest first, after a given event id (exclusive), in the live stream's order:
 * by commit time, then document id. Each event carries `streamSeq`, the seq the stream gives it.
 */
export async function listGlobalEvents(
  deps: Pick<EngineDeps, 'db'>,
  opts: { afterId?: string; limit?: number } = {},
): Promise<Array<EngineEvent & { streamSeq: number }>> {
  let q = engineEvents(deps.db)
    .orderBy('committedAt')
    .orderBy('__name__')
    .limit(Math.min(opts.limit ?? 100, 1000));
  if (opts.afterId) {
    const after = await engineEvents(deps.db).doc(opts.afterId).get();
    if (!after.exists) throw notFound(`event "${opts.afterId}" does not exist`);
    q = q.startAfter(after);
  }
  return withStreamSeqs(deps.db, (await q.get()).docs);
}
