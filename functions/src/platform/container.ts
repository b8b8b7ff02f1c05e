/**
 * The composition root. Heavy SDKs (Firestore, Pub/Sub) are imported lazily on first use so a
 * cold instance answers paths that need no SDK (/livez) as fast as a bare functions-framework
 * hello. Tests build their own container against the emulators with `createContainer`.
 */
import type { Firestore } from '@google-cloud/firestore';
import type { PubSub } from '@google-cloud/pubsub';
import { loadConfig, type Config } from '../config.js';
import { systemClock, type Clock } from '../shared/ports.js';
import { WorkflowRegistry } from '../engine/workflow.js';
import type { ModelPort } from '../model/port.js';
import type { Bus } from './bus.js';
import { createLogger, type Logger } from './log.js';

export interface Container {
  config: Config;
  db: Firestore;
  pubsub: PubSub;
  bus: Bus;
  clock: Clock;
  log: Logger;
  /** Every workflow the step engine can run, by name. */
  workflows: WorkflowRegistry;
  /** The model: the deterministic local one unless MODEL_PROVIDER=gemini. */
  model: ModelPort;
}

export interface ContainerOverrides {
  model?: ModelPort;
  clock?: Clock;
  log?: Logger;
  workflows?: WorkflowRegistry;
}

export async function createContainer(
  config: Config,
  overrides: ContainerOverrides = {},
): Promise<Container> {
  const [{ Firestore }, { PubSub }, { createPubSubBus }, { productWorkflows }, { createModel }] =
    await Promise.all([
      import('@google-cloud/firestore'),
      import('@google-cloud/pubsub'),
      import('../adapters/pubsub-bus.js'),
      import('../workflows.js'),
      import('../model/create-model.js'),
    ]);
  // REST for unary calls keeps cold start off gRPC in production (listeners still use gRPC). The
  // emulator's REST path asks for real credentials, so against the emulator the SDK stays on gRPC.
  const db = new Firestore({
    projectId: config.projectId,
    ignoreUndefinedProperties: true,
    preferRest: !config.emulators.firestore,
  });
  const pubsub = new PubSub({ projectId: config.projectId });
  const log = overrides.log ?? createLogger({ level: config.logLevel, projectId: config.projectId });
  const model = overrides.model ?? (await createModel(config.model, { project: config.projectId }));
  const container: Container = {
    config,
    db,
    pubsub,
    bus: createPubSubBus(pubsub),
    clock: overrides.clock ?? systemClock,
    log,
    model,
    workflows: overrides.workflows ?? new WorkflowRegistry(),
  };
  // Workflows whose steps call other use cases (Level 4's muse.produce) close over the container.
  if (!overrides.workflows) productWorkflows(container, container.workflows);
  return container;
}

let current: Promise<Container> | undefined;

/** The process-wide container, built from process.env on first use. */
export function getContainer(): Promise<Container> {
  current ??= createContainer(loadConfig());
  return current;
}

/** Installs a container built elsewhere (tests, the local stack). */
export function setContainer(container: Container | Promise<Container>): void {
  current = Promise.resolve(container);
}
