/**
 * The critic step (Critic QA). Scores the production's generation against the Bible, chooses the
 * `pass` or `reject` edge, and commits the verdict with the step: the safe-mode counter, the mode
 * (entered at the limit), and the status document. Template productions are always scored by the
 * local rules: safe mode generates nothing freely, the critic included.
 */
import type { StepContext, StepOutcome } from '../production/step.js';
import { loadBible } from '../production/bible-store.js';
import { parseProductionInput } from '../production/core/plan.js';
import { callModel } from '../production/model-call.js';
import type { ProductionDeps } from '../production/options.js';
import { generationOf, type CriticOutput } from '../production/outputs.js';
import { criticRequest, parseCriticAnswer } from './core/critic-request.js';
import { localDrift } from './core/drift.js';
import { localVerdict, modelVerdict, type Verdict } from './core/verdict.js';
import { applyVerdictInTransaction } from './safe-mode-store.js';

export function criticStep(deps: ProductionDeps) {
  const o = deps.options;
  return async (ctx: StepContext): Promise<StepOutcome> => {
    const input = parseProductionInput(ctx.input);
    const gen = generationOf(ctx.outputs, input.mode);
    const bible = await loadBible(deps.db, ctx.now, { freshnessMs: o.bibleFreshnessMs });
    const local = localDrift(gen, bible);
    let verdict: Verdict;
    let usage;
    if (deps.critic === 'model' && input.mode === 'free') {
      const r = await callModel(deps, ctx, input.intentId, criticRequest(bible, gen), parseCriticAnswer);
      if (!r.ok) return r.outcome;
      verdict = modelVerdict(local, r.value, r.usage.model, o.driftThreshold);
      usage = r.usage;
    } else {
      verdict = localVerdict(local, o.driftThreshold);
    }
    const output: CriticOutput = { value: verdict, ...(usage ? { usage } : {}), bibleVersion: bible.version };
    return {
      type: 'done',
      edge: verdict.pass ? 'pass' : 'reject',
      output,
      // A rejection may enter safe mode, whose Exit message and incident must reach people now.
      slack: !verdict.pass,
      effect: async (tx) => {
        await applyVerdictInTransaction(deps, tx, {
          runId: ctx.runId,
          intentId: input.intentId,
          verdict,
          limit: o.rejectionLimit,
          at: ctx.now,
          production: {
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
