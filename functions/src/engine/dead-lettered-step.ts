/**
 * A step message Pub/Sub gave up on (its subscription's max delivery attempts, then the
 * dead-letter topic): the step fails terminally with the reason, so the run takes its fail path and
 * ends `failed` saying why, instead of staying `running` for good. A message the step no longer
 * waits for (it completed meanwhile, or a duplicate) changes nothing. A batch of steps fails each
 * step it carries that still waits for it.
 */
import { acceptsMessage, applyOutcome } from './core/run-state.js';
import { commitTransition } from './commit.js';
import { flushOutbox } from './outbox.js';
import { batchEnvelopeSchema, envelopeSchema } from './step-message.js';
import { workflowRunRef } from './store.js';
import type { EnginePorts } from './deps.js';

export async function failDeadLetteredStep(
  deps: EnginePorts,
  data: Buffer,
  reason: string,
): Promise<boolean> {
  let json: unknown;
  try {
    json = JSON.parse(data.toString('utf8'));
  } catch {
    return false; // not a step envelope: nothing to fail (the dead letter is recorded)
  }
  const batch = batchEnvelopeSchema.safeParse(json);
  if (batch.success) {
    const failed = [];
    for (const step of batch.data.steps) failed.push(await failStep(deps, step, reason));
    return failed.some(Boolean);
  }
  const env = envelopeSchema.safeParse(json);
  return env.success && failStep(deps, env.data, reason);
}

async function failStep(
  deps: EnginePorts,
  { runId, stepId, attempt, wake }: { runId: string; stepId: string; attempt: number; wake: number },
  reason: string,
): Promise<boolean> {
  const now = deps.clock.now();
  const entries = await deps.db.runTransaction(async (tx) => {
    const run = (await tx.get(workflowRunRef(deps.db, runId))).data();
    if (!run || !acceptsMessage(run.steps[stepId], attempt, wake)) return null;
    const t = applyOutcome(
      { graph: run.graph, steps: run.steps, failing: run.failing, retry: run.retry },
      stepId,
      { type: 'fail', error: `dead-lettered: ${reason}`, class: 'terminal' },
      now.getTime(),
    );
    return commitTransition(deps.db, tx, run, t, { actor: { kind: 'system', id: 'dead-letter' }, now });
  });
  if (entries === null) return false;
  await flushOutbox(deps, entries);
  return true;
}
