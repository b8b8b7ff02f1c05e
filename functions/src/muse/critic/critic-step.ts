/**
 * The critic step (Critic QA). Scores the run's generation against the Bible, chooses the `pass`
 * or `reject` edge, and commits the verdict with the step: the safe-mode counter, the mode (entered
 * at the limit), and the status document. Template runs are always scored by the local rules: safe
 * mode generates nothing freely, the critic included.
 */
import type { StepContext, StepOutcome } from '../../engine/workflow.js';
import { loadBible } from '../production/bible-store.js';
import { parseProductionInput } from '../production/core/plan.js';
import { callModel } from '../production/model-call.js';
import { modelOf, type ProductionOptions } from '../production/options.js';
import { generationOf } from '../production/steps/generate.js';
import { criticRequest, parseCriticAnswer } from './core/critic-request.js';
import { localDrift } from './core/drift.js';
import { localVerdict, modelVerdict, type Verdict } from './core/verdict.js';
import { applyVerdictInTransaction } from './safe-mode-store.js';

export function criticStep(o: ProductionOptions) {
  return async (ctx: StepContext): Promise<StepOutcome> => {
    const input = parseProductionInput(ctx.input);
    const gen = generationOf(ctx);
    const bible = await loadBible(ctx.app.db, ctx.now, { freshnessMs: o.bibleFreshnessMs });
    const local = localDrift(gen, bible);
    let verdict: Verdict;
    let usage;
    if (o.critic === 'model' && input.mode === 'free') {
      const r = await callModel(
        ctx,
        modelOf(ctx.app, o),
        input.intentId,
        criticRequest(bible, gen),
        parseCriticAnswer,
      );
      if (!r.ok) return r.outcome;
      verdict = modelVerdict(local, r.value, r.usage.model, o.driftThreshold);
      usage = r.usage;
    } else {
      verdict = localVerdict(local, o.driftThreshold);
    }
    const edge = verdict.pass ? 'pass' : 'reject';
    return {
      type: 'done',
      edge,
      output: { value: verdict, usage, bibleVersion: bible.version },
      // A rejection may enter safe mode, whose Exit message and incident must reach people now.
      slack: !verdict.pass,
      effect: async (tx, db) => {
        await applyVerdictInTransaction(db, tx, {
          runId: ctx.runId,
          intentId: input.intentId,
          verdict,
          limit: o.rejectionLimit,
          at: ctx.now,
          run: {
            runId: ctx.runId,
            intentId: input.intentId,
            topic: input.topic,
            mode: input.mode,
            step: verdict.pass ? 'publish' : 'rejected',
            state: 'running',
          },
        });
      },
    };
  };
}
