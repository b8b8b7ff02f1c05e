/**
 * The `pipeline` workflow on the step engine: a Level 4 run is a graph built from its pinned spec
 * (boot, the spec's stages, evaluation after every sink and on the fail path) with one handler per
 * stage kind. Register it with `createPipelineWorkflow({ model, produce })`.
 */
import type { StepHandler, WorkflowDefinition } from '../engine/workflow.js';
import { specToGraph } from './core/spec.js';
import type { PipelineInput } from './create-run.js';
import { evaluateStep } from './evaluate.js';
import { stageEffect } from './stage-records.js';
import { httpStage, humanStage, modelStage, produceStage, type StageDeps } from './stages.js';
import { PIPELINE_WORKFLOW } from './store.js';

/** Boot: the run leaves `queued`; its first stage moves it to `running`. */
const boot: StepHandler = (ctx) => {
  const pin = ctx.input as unknown as PipelineInput;
  return Promise.resolve({
    type: 'done',
    output: { profile: pin.profile },
    effect: async (tx, db) => {
      await stageEffect(pin.pipelineRunId, '__boot', ctx.now, {
        status: 'succeeded',
        attempt: ctx.attempt,
        event: 'run.booted',
        to: 'booting',
        data: { profile: pin.profile },
      })(tx, db);
    },
  });
};

export function createPipelineWorkflow(deps: StageDeps): WorkflowDefinition {
  const evaluate = evaluateStep(deps);
  return {
    name: PIPELINE_WORKFLOW,
    autonomous: false,
    graph: (input) => specToGraph((input as unknown as PipelineInput).spec),
    handlers: {
      boot,
      model: modelStage(deps),
      http: httpStage(deps),
      human: humanStage,
      'muse.produce': produceStage(deps),
      evaluate,
    },
  };
}
