/**
 * The producing steps. Free generation calls the model once per step (narrative, then visual from
 * the narrative, then motion from the visual spec); each answer must parse as its spec or the step
 * is retried and finally fails with the raw answer kept (model-call.ts). Safe mode's `template`
 * step fills the fixed template instead and calls no model.
 *
 * These steps do not write the status document: `muse/status` is one hot document shared by every
 * run and the wallet, so runs report there at the gate, the verdict and the end only.
 */
import type { StepContext, StepOutcome } from '../../../engine/workflow.js';
import { loadBible } from '../bible-store.js';
import { parseProductionInput } from '../core/plan.js';
import { motionRequest, narrativeRequest, visualRequest } from '../core/prompts.js';
import {
  parseMotionSpec,
  parseVisualSpec,
  parseNarrative,
  type Generation,
  type Narrative,
  type VisualSpec,
} from '../core/specs.js';
import { fillTemplate, TEMPLATE_VERSION } from '../core/template.js';
import { callModel } from '../model-call.js';
import { modelOf, type ProductionOptions } from '../options.js';

/** A completed step's value, by step id (outputs are stored as `{ value, usage }`). */
export function outputValue<T>(ctx: StepContext, stepId: string): T {
  const out = ctx.outputs[stepId] as { value?: T } | undefined;
  if (!out?.value) throw new Error(`step "${stepId}" has no output yet`);
  return out.value;
}

export function narrativeStep(o: ProductionOptions) {
  return async (ctx: StepContext): Promise<StepOutcome> => {
    const input = parseProductionInput(ctx.input);
    const bible = await loadBible(ctx.app.db, ctx.now, { freshnessMs: o.bibleFreshnessMs });
    const r = await callModel(
      ctx,
      modelOf(ctx.app, o),
      input.intentId,
      narrativeRequest(bible, input.topic),
      parseNarrative,
    );
    if (!r.ok) return r.outcome;
    return {
      type: 'done',
      output: { value: r.value, usage: r.usage, bibleVersion: bible.version },
    };
  };
}

export function visualStep(o: ProductionOptions) {
  return async (ctx: StepContext): Promise<StepOutcome> => {
    const input = parseProductionInput(ctx.input);
    const bible = await loadBible(ctx.app.db, ctx.now, { freshnessMs: o.bibleFreshnessMs });
    const narrative = outputValue<Narrative>(ctx, 'narrative');
    const req = visualRequest(bible, input.topic, narrative);
    const r = await callModel(ctx, modelOf(ctx.app, o), input.intentId, req, parseVisualSpec);
    if (!r.ok) return r.outcome;
    return { type: 'done', output: { value: r.value, usage: r.usage } };
  };
}

export function motionStep(o: ProductionOptions) {
  return async (ctx: StepContext): Promise<StepOutcome> => {
    const input = parseProductionInput(ctx.input);
    const bible = await loadBible(ctx.app.db, ctx.now, { freshnessMs: o.bibleFreshnessMs });
    const visual = outputValue<VisualSpec>(ctx, 'visual');
    const req = motionRequest(bible, input.topic, visual);
    const r = await callModel(ctx, modelOf(ctx.app, o), input.intentId, req, parseMotionSpec);
    if (!r.ok) return r.outcome;
    return { type: 'done', output: { value: r.value, usage: r.usage } };
  };
}

export function templateStep(o: ProductionOptions) {
  return async (ctx: StepContext): Promise<StepOutcome> => {
    const input = parseProductionInput(ctx.input);
    const bible = await loadBible(ctx.app.db, ctx.now, { freshnessMs: o.bibleFreshnessMs });
    const value: Generation = fillTemplate(bible, input.topic);
    return {
      type: 'done',
      output: { value, template: TEMPLATE_VERSION, bibleVersion: bible.version },
    };
  };
}

/** The whole generation of a run, from whichever steps produced it. */
export function generationOf(ctx: StepContext): Generation {
  const input = parseProductionInput(ctx.input);
  if (input.mode === 'template') return outputValue<Generation>(ctx, 'template');
  return {
    narrative: outputValue<Narrative>(ctx, 'narrative'),
    visual: outputValue<VisualSpec>(ctx, 'visual'),
    motion: outputValue<Generation['motion']>(ctx, 'motion'),
  };
}
