/**
 * A Container on the emulators for the muse wallet and trend tests: the real Firestore client on a
 * fresh project id (testFirestore), a manual clock, quiet logs. The Pub/Sub client is created but
 * only used when parked steps resume.
 */
import { PubSub } from '@google-cloud/pubsub';
import { WorkflowRegistry } from '../../../functions/src/engine/workflow.js';
import { createPubSubBus } from '../../../functions/src/adapters/pubsub-bus.js';
import type { Container } from '../../../functions/src/platform/container.js';
import { loadConfig } from '../../../functions/src/config.js';
import { createLogger } from '../../../functions/src/platform/log.js';
import { manualClock } from '../../../functions/src/shared/ports.js';
import { testFirestore, uniqueProjectId } from '../../helpers/firestore.js';

export type TestApp = Container & { clock: ReturnType<typeof manualClock> };

export function testApp(start = '2026-03-01T12:00:00Z'): TestApp {
  const projectId = uniqueProjectId('muse');
  const config = loadConfig({ GOOGLE_CLOUD_PROJECT: projectId, MUSE_ENV: 'test', LOG_LEVEL: 'error' });
  const pubsub = new PubSub({ projectId });
  return {
    config,
    db: testFirestore(projectId),
    pubsub,
    bus: createPubSubBus(pubsub),
    clock: manualClock(start),
    log: createLogger({ level: 'error' }),
    workflows: new WorkflowRegistry(),
  };
}
