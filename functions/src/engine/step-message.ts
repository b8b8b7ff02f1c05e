/**
 * A step message, as Pub/Sub delivers it: one step `{v, runId, stepId, attempt, wake}`, or several
 * due together on one topic `{v, steps: [...]}` (outbox.ts groups them). An envelope that does not
 * parse is dead-lettered whole with its bytes. A batch is acknowledged as a whole: each of its steps
 * meets its own fate (step-handler.ts), a poison step is dead-lettered on its own, and a step that
 * fails unexpectedly is published again as a single-step message, so it retries with Pub/Sub's
 * backoff and is dead-lettered after its attempts like any step, while the others stand.
 */
import { z } from 'zod';
import { stepTopic } from '../platform/catalog.js';
import type { PushMessage } from '../platform/bus.js';
import { describeIssues } from '../shared/errors.js';
import { id } from '../shared/validation.js';
import { MAX_STEPS_PER_MESSAGE } from './core/limits.js';
import { recordDeadLetter } from './dead-letters.js';
import type { EngineDeps } from './deps.js';
import { handleSteps, type StepRef, type StepResult } from './step-handler.js';

export type { StepResult };

// Ids Firestore can address: a crafted `runId` with a "/" would otherwise fail the read of every
// step in its message, on every delivery, instead of being one dead letter.
const stepRef = {
  runId: id(),
  stepId: id(),
  attempt: z.number().int().positive(),
  wake: z.number().int().nonnegative(),
};
/** One step: what the outbox publishes for a step due alone. */
export const envelopeSchema = z.object({ v: z.literal(1), ...stepRef });
/** Several steps due together on one topic (outbox.ts groups them), each its own run's business. */
export const batchEnvelopeSchema = z.object({
  v: z.literal(1),
  steps: z.array(z.object(stepRef)).min(1).max(MAX_STEPS_PER_MESSAGE),
});
/** A batch item whose handling failed unexpectedly goes back to Pub/Sub as a message of its own. */
export type BatchItemResult = StepResult | 'republished';

/** Handles one step message: a single step (its result), or a batch of steps (each item's result). */
export async function handleStepMessage(
  app: EngineDeps,
  m: PushMessage,
): Promise<StepResult | { steps: BatchItemResult[] }> {
  let json: unknown;
  try {
    json = JSON.parse(m.data.toString('utf8'));
  } catch {
    await recordDeadLetter(app, m, 'the step message is not JSON');
    return 'dead-lettered';
  }
  if (typeof json === 'object' && json !== null && 'steps' in json) {
    const parsed = batchEnvelopeSchema.safeParse(json);
    if (!parsed.success) {
      await recordDeadLetter(
        app,
        m,
        `invalid step batch envelope: ${describeIssues(parsed.error.issues).join('; ')}`,
      );
      return 'dead-lettered';
    }
    return { steps: await handleBatch(app, m, parsed.data.steps) };
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) {
    await recordDeadLetter(
      app,
      m,
      `invalid step envelope: ${describeIssues(parsed.error.issues).join('; ')}`,
    );
    return 'dead-lettered';
  }
  const { v: _v, ...ref } = parsed.data;
  const [result] = await handleSteps(app, [ref], async (_i, reason) => {
    await recordDeadLetter(app, m, reason);
    return 'dead-lettered';
  });
  if (result instanceof Error) throw result; // unexpected: let Pub/Sub redeliver
  return result!;
}

async function handleBatch(app: EngineDeps, m: PushMessage, refs: StepRef[]): Promise<BatchItemResult[]> {
  // A poison item is recorded as a message of its own (its envelope as a single step), so it can
  // be read, and replayed after a fix, without the rest of the batch.
  const itemMessage = (i: number): PushMessage => ({
    ...m,
    data: Buffer.from(JSON.stringify({ v: 1, ...refs[i] })),
    messageId: `${m.messageId}~${i}`,
  });
  const results = await handleSteps(app, refs, async (i, reason) => {
    await recordDeadLetter(app, itemMessage(i), reason);
    return 'dead-lettered';
  });
  return Promise.all(
    results.map(async (r, i): Promise<BatchItemResult> => {
      if (!(r instanceof Error)) return r;
      const ref = refs[i]!;
      app.log.warn('step of a batch failed; published again on its own', {
        runId: ref.runId,
        stepId: ref.stepId,
        err: r,
      });
      // Should this publish fail, the batch is redelivered: its committed steps are duplicates then.
      await app.bus.publish(stepTopic(ref.runId), { v: 1, ...ref }, { runId: ref.runId, stepId: ref.stepId });
      return 'republished';
    }),
  );
}
