/**
 * Level 4 (the pipeline runs system): publishing specs and suites, starting pipeline runs, gates and
 * callbacks, classifications, decisions, remediation, the handoff, and the `pipeline` workflow that
 * carries each run on the step engine, closed over what it is given. `wiring/runs.ts` builds it.
 */
import type { Firestore } from '@google-cloud/firestore';
import type { WorkflowDefinition } from '../engine/workflow.js';
import type { ModelPort } from '../model/port.js';
import type { Bus } from '../platform/bus.js';
import type { Logger } from '../platform/log.js';
import type { Actor, Clock } from '../shared/ports.js';
import { classifyFailure } from './classify.js';
import type { RunState } from './core/states.js';
import {
  createPipelineRuns,
  remediatePipelineRun,
  type CreatePipelineRunOptions,
} from './create-pipeline-runs.js';
import { decidePipelineRun } from './decide.js';
import { completeCallbackStage, resolveGateDecision } from './gate-and-callback.js';
import type { CreateTask, EnginePort, IncidentsPort } from './ports.js';
import { publishSpec, publishSuite } from './publish.js';
import {
  getHandoff,
  getPipelineRun,
  getScenarioReport,
  listPipelineRuns,
  pipelineRunExists,
} from './read.js';
import { openRemediationTasks } from './remediation-tasks.js';
import type { ProduceFn } from './stages.js';
import { readSpec, readSuite } from './repo.js';
import { createPipelineWorkflow } from './workflow.js';

export interface RunsDeps {
  db: Firestore;
  clock: Clock;
  bus: Bus;
  log: Logger;
  model: ModelPort;
  /** The step engine that carries each pipeline run. */
  engine: EnginePort;
  /** The incidents system's capabilities (holds, systemic incidents and their recovery). */
  incidents: IncidentsPort;
  /** The tasks system's task creation (remediation tasks of a rejected run). */
  createTask: CreateTask;
  /** muse.produce: the muse's production of a brief (a function dep, so the muse is not imported). */
  produce?: ProduceFn;
  /** The public base URL agents call back. */
  callbackBaseUrl: string;
}

export function createRuns(deps: RunsDeps) {
  return {
    publishSpec: (spec: unknown, actor: Actor) => publishSpec(deps, spec, actor),
    readSpec: (pin: string) => readSpec(deps.db, pin),
    publishSuite: (suite: unknown, actor: Actor) => publishSuite(deps, suite, actor),
    readSuite: (pin: string) => readSuite(deps.db, pin),

    createPipelineRuns: (raw: unknown, actor: Actor, opts?: CreatePipelineRunOptions) =>
      createPipelineRuns(deps, raw, actor, opts),
    getPipelineRun: (id: string) => getPipelineRun(deps.db, id),
    getScenarioReport: (id: string) => getScenarioReport(deps.db, id),
    pipelineRunExists: (id: string) => pipelineRunExists(deps.db, id),
    listPipelineRuns: (opts: { state?: RunState; spec?: string; limit?: number }) =>
      listPipelineRuns(deps.db, opts),
    getHandoff: (id: string) => getHandoff(deps.db, id),

    resolveGate: (runId: string, raw: unknown, actor: Actor, via?: 'api' | 'slack') =>
      resolveGateDecision(deps, runId, raw, actor, via),
    completeCallbackStage: (runId: string, stageId: string, raw: unknown, actor: Actor) =>
      completeCallbackStage(deps, runId, stageId, raw, actor),
    classifyFailure: (runId: string, raw: unknown, actor: Actor, via?: 'api' | 'slack') =>
      classifyFailure(deps, runId, raw, actor, via),
    decidePipelineRun: (runId: string, raw: unknown, actor: Actor, via?: 'api' | 'slack') =>
      decidePipelineRun(deps, runId, raw, actor, via),
    remediatePipelineRun: (runId: string, raw: unknown, actor: Actor, opts?: { mayOverride?: boolean }) =>
      remediatePipelineRun(deps, runId, raw, actor, opts),
    openRemediationTasks: (runId: string, raw: unknown, actor: Actor) =>
      openRemediationTasks(deps, runId, raw, actor),

    /** The `pipeline` workflow, to register on the engine. */
    pipelineWorkflow: (): WorkflowDefinition =>
      createPipelineWorkflow({
        db: deps.db,
        model: deps.model,
        callbackBaseUrl: deps.callbackBaseUrl,
        engineSteps: deps.engine.steps,
        incidents: deps.incidents,
        ...(deps.produce ? { produce: deps.produce } : {}),
      }),
  };
}

export type Runs = ReturnType<typeof createRuns>;
