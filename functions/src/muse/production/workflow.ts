/**
 * The `muse-production` workflow on the step engine: HLP's task graph (core/plan.ts) plus a
 * handler per step type, each closing over the production's dependencies. Autonomous, so the CFO
 * circuit breaker's pause parks its runs. Registered by functions/src/workflows.ts with the deps
 * the muse's wiring builds (`museOf(app).production.workflow`).
 */
import type { ProductionWorkflow } from './step.js';
import { criticStep } from '../critic/critic-step.js';
import {
  MUSE_PRODUCTION,
  parseProductionInput,
  productionGraph,
  productionInputSchema,
} from './core/plan.js';
import type { ProductionDeps } from './options.js';
import { clipStep } from './steps/clip.js';
import { framesStep } from './steps/frames.js';
import { gateStep } from './steps/gate.js';
import { closeStep, publishStep } from './steps/finish.js';
import { motionStep, narrativeStep, templateStep, visualStep } from './steps/generate.js';

export function museProductionWorkflow(deps: ProductionDeps): ProductionWorkflow {
  return {
    name: MUSE_PRODUCTION,
    autonomous: true,
    input: productionInputSchema,
    graph: (input) =>
      productionGraph(parseProductionInput(input), {
        frames: deps.media !== undefined,
        clip: deps.media?.motion ?? false,
      }),
    handlers: {
      gate: gateStep(deps),
      narrative: narrativeStep(deps),
      visual: visualStep(deps),
      motion: motionStep(deps),
      template: templateStep(deps),
      frames: framesStep(deps),
      clip: clipStep(deps),
      critic: criticStep(deps),
      publish: publishStep(deps),
      close: closeStep(deps),
    },
  };
}
