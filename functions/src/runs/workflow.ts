/**
 * The `pipeline` workflow on the step engine: a Level 4 run is a graph built from its pinned spec
 * (boot, the spec's stages, evaluation after every sink and on the fail path) with one handler per
 * stage kind. Register it with `createPipelineWorkflow({ model, produce })`.
 */
import type { StepHandler, WorkflowDefinition } from '../engine/workflow.js';
import { specToGraph } from './core/spec.js';
import { pipelineInputOf, pipelineInputSchema } from './pipeline-input.js';
import { evaluateStep } from './evaluate.js';
import { workflowActor } from './stage-records.js';
import { httpStage, humanStage, modelStage, produceStage, type StageDeps } from './stages.js';
import { PIPELINE_WORKFLOW, changePipelineRun, readPipelineRunTx } from './repo.js';

/** Boot: the run leaves `queued`; its first stage moves it to `running`. */
const boot: StepHandler = (ctx) => {
  const pin = pipelineInputOf(ctx.input);
  return Promise.resolve({
    type: 'done',
    output: { profile: pin.profile },
    effect: async (tx, db) => {
      const run = await readPipelineRunTx(db, tx, pin.pipelineRunId);
      if (run.state !== 'queued') return; // booted already
      changePipelineRun(db, tx, run, {
        to: 'booting',
        events: [{ type: 'run.booted', data: { profile: pin.profile } }],
        actor: workflowActor,
        at: ctx.now,
      });
    },
  });
};

export function createPipelineWorkflow(deps: StageDeps): WorkflowDefinition {
  const evaluate = evaluateStep(deps);
  return {
    name: PIPELINE_WORKFLOW,
    autonomous: false,
    // Built by createPipelineRuns from a published (already validated) spec; checked again here
    // so a hand-made start through POST /v1/runs is refused at the door.
    input: pipelineInputSchema,
    graph: (input) => specToGraph(pipelineInputOf(input).spec),
    handlers: {
      boot,
      model: modelStage(deps),
      http: httpStage(deps),
      human: humanStage(deps),
      'muse.produce': produceStage(deps),
      evaluate,
    },
  };
}
