/** Steps completed later by an agent's callback through the API (e.g. Level 4 `http` stages). */
import { conflict, notFound } from '../shared/errors.js';
import type { Actor } from '../shared/ports.js';
import { applyOutcome, type CoreOutcome } from './core/run-state.js';
import { commitTransition } from './commit.js';
import { flushOutbox } from './outbox.js';
import { workflowRunRef } from './store.js';
import type { EnginePorts } from './deps.js';

export type ExternalResult =
  | { ok: true; output?: unknown }
  | { ok: false; error: string; retryable?: boolean; class?: 'terminal' | 'pipeline' };

export async function completeExternalStep(
  deps: EnginePorts,
  c: { runId: string; stepId: string; result: ExternalResult; actor: Actor },
): Promise<{ status: string }> {
  const at = deps.clock.now();
  const entries = await deps.db.runTransaction(async (tx) => {
    const snap = await tx.get(workflowRunRef(deps.db, c.runId));
    if (!snap.exists) throw notFound(`run "${c.runId}" does not exist`);
    const run = snap.data()!;
    const st = run.steps[c.stepId];
    if (!st) throw notFound(`run "${c.runId}" has no step "${c.stepId}"`);
    if (st.status !== 'external')
      throw conflict(`step "${c.stepId}" is not waiting for a callback (it is ${st.status})`);
    const outcome: CoreOutcome = c.result.ok
      ? { type: 'done' }
      : c.result.retryable
        ? { type: 'retry', error: c.result.error }
        : { type: 'fail', error: c.result.error, class: c.result.class ?? 'terminal' };
    const t = applyOutcome(
      { graph: run.graph, steps: run.steps, failing: run.failing, retry: run.retry },
      c.stepId,
      outcome,
      at.getTime(),
    );
    const output = c.result.ok ? c.result.output : { error: c.result.error };
    return commitTransition(
      deps.db,
      tx,
      run,
      { ...t, events: [{ type: 'step.callback', data: { stepId: c.stepId, ok: c.result.ok } }, ...t.events] },
      {
        actor: c.actor,
        now: at,
        output: { stepId: c.stepId, value: output },
      },
    );
  });
  await flushOutbox(deps, entries);
  return { status: 'accepted' };
}
