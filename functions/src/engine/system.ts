/**
 * The step engine as a system: `createEngine(deps)` takes exactly what the engine uses (Firestore,
 * the bus, the clock, the logger, the workflows it can run) and returns its use cases. Routes and
 * triggers call one of these each; other systems take the few they need as small function deps.
 */
import type { Actor } from '../shared/ports.js';
import type { EngineDeps } from './deps.js';
import type { PushMessage } from '../platform/bus.js';
import { listDeadLetters, recordDeadLetter, replayDeadLetter } from './dead-letters.js';
import { failDeadLetteredStep } from './dead-lettered-step.js';
import { completeExternalStep } from './external.js';
import { decideGate } from './gates.js';
import { sweepOutbox } from './outbox.js';
import { getPause, pauseEngine, releasePauseHold, resumeParked } from './pause.js';
import {
  getWorkflowRun,
  getWorkflowRunOutputs,
  listGlobalEvents,
  listWorkflowRunEvents,
  listWorkflowRuns,
  startWorkflowRun,
} from './workflow-runs.js';
import { handleStepMessage } from './step-message.js';
import { recoverStranded } from './stranded.js';

export function createEngine(deps: EngineDeps) {
  const bind =
    <A extends unknown[], R>(f: (d: EngineDeps, ...a: A) => R) =>
    (...a: A): R =>
      f(deps, ...a);
  return {
    workflows: deps.workflows,
    /** POST /v1/runs, and every system that starts a workflow. */
    startWorkflowRun: bind(startWorkflowRun),
    getWorkflowRun: bind(getWorkflowRun),
    getWorkflowRunOutputs: bind(getWorkflowRunOutputs),
    listWorkflowRuns: bind(listWorkflowRuns),
    listWorkflowRunEvents: bind(listWorkflowRunEvents),
    /** A run with its outputs and events (GET /v1/runs/:id). */
    showWorkflowRun: async (runId: string) => {
      const [run, outputs, events] = await Promise.all([
        getWorkflowRun(deps, runId),
        getWorkflowRunOutputs(deps, runId),
        listWorkflowRunEvents(deps, runId),
      ]);
      return { run, outputs, events };
    },
    /** A run's events after `afterSeq`; a run that does not exist is a 404. */
    workflowRunEvents: async (runId: string, afterSeq = 0) => {
      await getWorkflowRun(deps, runId);
      return listWorkflowRunEvents(deps, runId, afterSeq);
    },
    listGlobalEvents: bind(listGlobalEvents),
    decideGate: bind(decideGate),
    completeExternalStep: bind(completeExternalStep),
    /** One step message from the step topics. */
    handleStepMessage: bind(handleStepMessage),
    recordDeadLetter: bind(recordDeadLetter),
    /**
     * A message Pub/Sub gave up on: recorded with its source, and a step message's step fails with
     * the reason so its run ends.
     */
    acceptDeadLetter: async (m: PushMessage, reason: string, isStep: boolean) => {
      await recordDeadLetter(deps, m, reason);
      if (isStep) await failDeadLetteredStep(deps, m.data, reason);
    },
    listDeadLetters: bind(listDeadLetters),
    replayDeadLetter: bind(replayDeadLetter),
    pauseState: bind(getPause),
    pause: bind(pauseEngine),
    releasePauseHold: bind(releasePauseHold),
    /** An operator's pause or resume names the operator hold. */
    resume: (r: { rationale: string; actor: Actor }) => releasePauseHold(deps, { holder: 'operator', ...r }),
    /** The every-minute sweep: due outbox entries, parked steps to resume, stranded steps. */
    sweep: async () => ({
      published: await sweepOutbox(deps),
      resumed: await resumeParked(deps),
      stranded: await recoverStranded(deps),
    }),
  };
}

export type Engine = ReturnType<typeof createEngine>;
export type { EngineDeps };
