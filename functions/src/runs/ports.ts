/**
 * What Level 4 needs from other systems, as small interfaces its factory is given: the step engine
 * (a pipeline run is carried by an engine run) and the tasks system (remediation tasks).
 */
import type { completeExternalStep } from '../engine/external.js';
import type { decideGate } from '../engine/gates.js';
import type { Engine } from '../engine/system.js';
import type { Incidents } from '../incidents/system.js';
import type { Actor } from '../shared/ports.js';

type Tail<F> = F extends (app: never, ...rest: infer R) => infer O ? (...rest: R) => O : never;

/** A step of the engine run carrying a pipeline run, as the evaluation reads how it ended. */
export interface EngineStepView {
  status: string;
  failureClass?: string;
  error?: string;
}

export interface EnginePort {
  startRun: Engine['startWorkflowRun'];
  decideGate: Tail<typeof decideGate>;
  completeExternalStep: Tail<typeof completeExternalStep>;
  /** The engine's record of a run's steps. */
  steps(runId: string): Promise<Record<string, EngineStepView>>;
}

/** The tasks system's task creation (a rejected run's remediation work). */
export type CreateTask = (raw: unknown, actor: Actor) => Promise<{ id: string }>;

/**
 * The incidents system's capabilities Level 4 uses, inside its own transactions: holding a start on
 * an incident on a shared dependency, opening a systemic incident, recovering it when the stage
 * succeeds again.
 */
export type IncidentsPort = Pick<
  Incidents,
  'onDependenciesTx' | 'openInTransaction' | 'readLiveTx' | 'writeRecovery'
>;
