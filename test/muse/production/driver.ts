/**
 * A small engine driver for the production tests: a container on the emulators (fresh project),
 * and streaming-pull subscribers on the Pub/Sub emulator's step topics that hand every
 * message to the engine's step handler, as the push subscription does in the cloud.
 * Used until the shared engine harness can build its container against the emulators.
 */
import { PubSub } from '@google-cloud/pubsub';
import { createLocalModel } from '../../../functions/src/model/local.js';
import { createPubSubBus } from '../../../functions/src/adapters/pubsub-bus.js';
import { loadConfig } from '../../../functions/src/config.js';
import { handleStepMessage } from '../../../functions/src/engine/step-handler.js';
import type { RunDoc } from '../../../functions/src/engine/store.js';
import { STEP_TOPICS } from '../../../functions/src/platform/catalog.js';
import { WorkflowRegistry, type WorkflowDefinition } from '../../../functions/src/engine/workflow.js';
import type { Container } from '../../../functions/src/platform/container.js';
import { createLogger } from '../../../functions/src/platform/log.js';
import { systemClock } from '../../../functions/src/shared/ports.js';
import { requireEmulator, testFirestore, uniqueProjectId } from '../../helpers/firestore.js';

export interface Driver {
  app: Container;
  /** Messages the step handler threw on (redelivered by Pub/Sub). */
  errors: unknown[];
  waitForRun(runId: string, pred: (run: RunDoc) => boolean, timeoutMs?: number): Promise<RunDoc>;
  stop(): Promise<void>;
}

export async function startDriver(workflows: WorkflowDefinition[]): Promise<Driver> {
  requireEmulator('PUBSUB_EMULATOR_HOST');
  const projectId = uniqueProjectId('mp');
  const config = loadConfig({ GOOGLE_CLOUD_PROJECT: projectId, MUSE_ENV: 'test', LOG_LEVEL: 'error' });
  const pubsub = new PubSub({ projectId });
  const registry = new WorkflowRegistry();
  for (const w of workflows) registry.register(w);
  const app: Container = {
    config,
    db: testFirestore(projectId),
    pubsub,
    bus: createPubSubBus(pubsub),
    clock: systemClock,
    log: createLogger({ level: 'error' }),
    workflows: registry,
    model: createLocalModel(),
  };
  const errors: unknown[] = [];
  // One pull subscription per step topic (the engine spreads runs over them by run id).
  const subs = await Promise.all(
    STEP_TOPICS.map(async (name) => {
      const [topic] = await pubsub.createTopic(name);
      const [sub] = await topic.createSubscription(`muse-driver-${name}`, { ackDeadlineSeconds: 60 });
      sub.on(
        'message',
        (m: { id: string; data: Buffer; attributes: Record<string, string>; ack(): void; nack(): void }) => {
          handleStepMessage(app, {
            topic: name,
            messageId: m.id,
            data: m.data,
            attributes: m.attributes,
          }).then(
            () => m.ack(),
            (err: unknown) => {
              errors.push(err);
              m.nack();
            },
          );
        },
      );
      return sub;
    }),
  );
  const waitForRun: Driver['waitForRun'] = async (runId, pred, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const run = (await app.db.collection('runs').doc(runId).get()).data() as RunDoc | undefined;
      if (run && pred(run)) return run;
      if (Date.now() > deadline)
        throw new Error(
          `run ${runId} did not get there in ${timeoutMs} ms: ${JSON.stringify(run?.steps)}; errors: ${errors.map(String).join(' | ')}`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return {
    app,
    errors,
    waitForRun,
    stop: async () => {
      await Promise.all(subs.map(async (sub) => (await sub.close(), await sub.delete())));
      await pubsub.close();
      await app.db.terminate();
    },
  };
}
