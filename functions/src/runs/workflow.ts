/**
 * The `pipeline` workflow on the step engine: a Level 4 run is a graph built from its pinned spec
 * (boot, the spec's stages, evaluation after every sink and on the fail path) with one handler per
 * stage kind. Register it with `createPipelineWorkflow({ model, produce })`.
 */
import { z } from 'zod';
import type { StepHandler, WorkflowDefinition } from '../engine/workflow.js';
import { specToGraph } from './core/spec.js';
import { pipelineSpecSchema } from './schemas.js';
import type { PipelineInput } from './create-run.js';
import { evaluateStep } from './evaluate.js';
import { workflowActor } from './stage-records.js';
import { httpStage, humanStage, modelStage, produceStage, type StageDeps } from './stages.js';
import { PIPELINE_WORKFLOW, changeRun, readRunIn } from './store.js';

/** Boot: the run leaves `queued`; its first stage moves it to `running`. */
const boot: StepHandler = (ctx) => {
  const pin = ctx.input as unknown as PipelineInput;
  return Promise.resolve({
    type: 'done',
    output: { profile: pin.profile },
    effect: async (tx, db) => {
      const run = await readRunIn(db, tx, pin.pipelineRunId);
      if (run.state !== 'queued') return; // booted already
      changeRun(db, tx, run, {
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
    input: z.strictObject({
      pipelineRunId: z.string().min(1).max(200),
      spec: pipelineSpecSchema.loose(),
      profile: z.string().min(1).max(200),
      params: z.record(z.string(), z.unknown()).optional(),
    }),
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
