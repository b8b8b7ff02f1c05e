/**
 * The producing steps. Free generation calls the model once per step (narrative, then visual from
 * the narrative, then motion from the visual spec); each answer must parse as its spec or the step
 * is retried and finally fails with the raw answer kept (model-call.ts). Safe mode's `template`
 * step fills the fixed template instead and calls no model.
 *
 * These steps do not write the status document: `muse/status` is one hot document shared by every
 * production and the wallet, so productions report there at the gate, the verdict and the end only.
 */
import type { StepContext, StepOutcome } from '../step.js';
import { loadBible } from '../bible-store.js';
import { parseProductionInput } from '../core/plan.js';
import { motionRequest, narrativeRequest, visualRequest } from '../core/prompts.js';
import { parseMotionSpec, parseNarrative, parseVisualSpec, type Generation } from '../core/specs.js';
import { fillTemplate, TEMPLATE_VERSION } from '../core/template.js';
import { callModel } from '../model-call.js';
import type { ProductionDeps } from '../options.js';
import { narrativeOutput, visualOutput } from '../outputs.js';

const bibleFor = (deps: ProductionDeps, ctx: StepContext) =>
  loadBible(deps.db, ctx.now, { freshnessMs: deps.options.bibleFreshnessMs });

export function narrativeStep(deps: ProductionDeps) {
  return async (ctx: StepContext): Promise<StepOutcome> => {
    const input = parseProductionInput(ctx.input);
    const bible = await bibleFor(deps, ctx);
    const r = await callModel(
      deps,
      ctx,
      input.intentId,
      narrativeRequest(bible, input.topic),
      parseNarrative,
    );
    if (!r.ok) return r.outcome;
    return { type: 'done', output: { value: r.value, usage: r.usage, bibleVersion: bible.version } };
  };
}

export function visualStep(deps: ProductionDeps) {
  return async (ctx: StepContext): Promise<StepOutcome> => {
    const input = parseProductionInput(ctx.input);
    const bible = await bibleFor(deps, ctx);
    const req = visualRequest(bible, input.topic, narrativeOutput(ctx.outputs));
    const r = await callModel(deps, ctx, input.intentId, req, parseVisualSpec);
    if (!r.ok) return r.outcome;
    return { type: 'done', output: { value: r.value, usage: r.usage } };
  };
}

export function motionStep(deps: ProductionDeps) {
  return async (ctx: StepContext): Promise<StepOutcome> => {
    const input = parseProductionInput(ctx.input);
    const bible = await bibleFor(deps, ctx);
    const req = motionRequest(bible, input.topic, visualOutput(ctx.outputs));
    const r = await callModel(deps, ctx, input.intentId, req, parseMotionSpec);
    if (!r.ok) return r.outcome;
    return { type: 'done', output: { value: r.value, usage: r.usage } };
  };
}

export function templateStep(deps: ProductionDeps) {
  return async (ctx: StepContext): Promise<StepOutcome> => {
    const input = parseProductionInput(ctx.input);
    const bible = await bibleFor(deps, ctx);
    const value: Generation = fillTemplate(bible, input.topic);
    return { type: 'done', output: { value, template: TEMPLATE_VERSION, bibleVersion: bible.version } };
  };
}
