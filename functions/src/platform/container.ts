/**
 * The composition root. Heavy SDKs (Firestore, Pub/Sub) are imported lazily on first use so a
 * cold instance answers paths that need no SDK (/livez) as fast as a bare functions-framework
 * hello. Tests build their own container against the emulators with `createContainer`.
 *
 * It holds ports only and imports no system: the systems are wired onto it in `wiring/`
 * (`engineOf(app)`, ...), and the product's workflows by `wiring/app.ts`.
 */
import type { Firestore } from '@google-cloud/firestore';
import type { PubSub } from '@google-cloud/pubsub';
import type * as PubSubModule from '@google-cloud/pubsub';
import { loadConfig, type Config } from '../config.js';
import { systemClock, type Clock } from '../shared/ports.js';
import type { ModelPort } from '../model/port.js';
import { createRequire } from 'node:module';
import { createPubSubBus } from '../adapters/pubsub-bus.js';
import type { Bus } from './bus.js';
import { createLogger, type Logger } from './log.js';

const requireCjs = createRequire(import.meta.url);

export interface Container {
  config: Config;
  db: Firestore;
  pubsub: PubSub;
  bus: Bus;
  clock: Clock;
  log: Logger;
  /** The model: the deterministic local one unless MODEL_PROVIDER=gemini. */
  model: ModelPort;
}

export interface ContainerOverrides {
  model?: ModelPort;
  clock?: Clock;
  log?: Logger;
}

/**
 * Writes are retried on UNAVAILABLE only. The client's defaults also retry RESOURCE_EXHAUSTED, which
 * is what a request over gRPC's message size gets: permanent, so retrying it only holds the
 * request (and its memory) until the call's total timeout. Callers check sizes before writing.
 */
const NO_RETRY_ON_TOO_LARGE = {
  interfaces: {
    'google.firestore.v1.Firestore': {
      retry_codes: { unavailable: ['UNAVAILABLE'] },
      retry_params: {
        default: {
          initial_retry_delay_millis: 100,
          retry_delay_multiplier: 1.3,
          max_retry_delay_millis: 60000,
          initial_rpc_timeout_millis: 60000,
          rpc_timeout_multiplier: 1,
          max_rpc_timeout_millis: 60000,
          total_timeout_millis: 600000,
        },
      },
      methods: Object.fromEntries(
        ['Commit', 'BatchWrite', 'CreateDocument', 'UpdateDocument'].map((m) => [
          m,
          { retry_codes_name: 'unavailable', retry_params_name: 'default' },
        ]),
      ),
    },
  },
};

export async function createContainer(
  config: Config,
  overrides: ContainerOverrides = {},
): Promise<Container> {
  const [{ Firestore }, { createModel }] = await Promise.all([
    import('@google-cloud/firestore'),
    import('../model/create-model.js'),
  ]);
  // REST for unary calls keeps cold start off gRPC in production (listeners still use gRPC). The
  // emulator's REST path asks for real credentials, so against the emulator the SDK stays on gRPC.
  const db = new Firestore({
    projectId: config.projectId,
    ignoreUndefinedProperties: true,
    preferRest: !config.emulators.firestore,
    clientConfig: NO_RETRY_ON_TOO_LARGE,
  });
  const log = overrides.log ?? createLogger({ level: config.logLevel, projectId: config.projectId });
  const model = overrides.model ?? (await createModel(config.model, { project: config.projectId }));
  // Pub/Sub loads on first use (a synchronous require of the CommonJS SDK), so requests that only
  // read Firestore never pay for it.
  let pubsub: PubSub | undefined;
  let bus: Bus | undefined;
  const container: Container = {
    config,
    db,
    get pubsub() {
      pubsub ??= new (requireCjs('@google-cloud/pubsub') as typeof PubSubModule).PubSub({
        projectId: config.projectId,
      });
      return pubsub;
    },
    get bus() {
      bus ??= createPubSubBus(container.pubsub);
      return bus;
    },
    clock: overrides.clock ?? systemClock,
    log,
    model,
  };
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
