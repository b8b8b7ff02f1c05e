/** What the step engine is built from (engine/system.ts): its ports, its workflows and its one setting. */
import type { Firestore } from '@google-cloud/firestore';
import type { Config } from '../config.js';
import type { Bus } from '../platform/bus.js';
import type { Logger } from '../platform/log.js';
import type { Clock } from '../shared/ports.js';
import type { WorkflowRegistry } from './workflow.js';

/** What the engine needs. A container satisfies every part but `workflows`. */
export interface EngineDeps {
  db: Firestore;
  bus: Bus;
  clock: Clock;
  log: Logger;
  /** Every workflow the engine can run, by name. */
  workflows: WorkflowRegistry;
  /** Outbox entries due within `stepInlineDelayMaxMs` are published in-process (short backoffs). */
  config: Pick<Config, 'stepInlineDelayMaxMs'>;
}

/** The engine's ports without its workflows: what every use case but starting and stepping needs. */
export type EnginePorts = Pick<EngineDeps, 'db' | 'bus' | 'clock' | 'log' | 'config'>;
