/**
 * The `muse-production` workflow on the step engine: HLP's task graph (core/plan.ts) plus a
 * handler per step type. Autonomous, so the CFO circuit breaker's pause parks its runs.
 *
 * Register it in the composition root:
 *   registry.register(museProductionWorkflow(productionOptions({ priceTable, reserveFloor })))
 */
import { z } from 'zod';
import type { WorkflowDefinition } from '../../engine/workflow.js';
import { criticStep } from '../critic/critic-step.js';
import { MUSE_PRODUCTION, parseProductionInput, productionGraph } from './core/plan.js';
import type { ProductionOptions } from './options.js';
import { gateStep } from './steps/gate.js';
import { closeStep, publishStep } from './steps/finish.js';
import { motionStep, narrativeStep, templateStep, visualStep } from './steps/generate.js';

export function museProductionWorkflow(o: ProductionOptions): WorkflowDefinition {
  return {
    name: MUSE_PRODUCTION,
    autonomous: true,
    input: z.strictObject({
      intentId: z.string().min(1).max(200),
      topic: z.string().max(500),
      mode: z.enum(['free', 'template']),
    }),
    graph: (input) => productionGraph(parseProductionInput(input)),
    handlers: {
      gate: gateStep(o),
      narrative: narrativeStep(o),
      visual: visualStep(o),
      motion: motionStep(o),
      template: templateStep(o),
      critic: criticStep(o),
      publish: publishStep(o),
      close: closeStep(o),
    },
  };
}
