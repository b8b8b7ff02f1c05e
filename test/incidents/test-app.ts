/** A container on the emulators (fresh project) with the escalation workflow registered. */
import { PubSub } from '@google-cloud/pubsub';
import { loadConfig } from '../../functions/src/config.js';
import { STEP_TOPICS } from '../../functions/src/platform/catalog.js';
import { incidentEscalationWorkflow } from '../../functions/src/incidents/escalation.js';
import { createContainer, type Container } from '../../functions/src/platform/container.js';
import { manualClock } from '../helpers/manual-clock.js';
import { engineOf } from '../../functions/src/wiring/engine.js';
import { requireEmulator, uniqueProjectId } from '../helpers/firestore.js';

export async function testApp(start = '2026-03-01T10:00:00Z') {
  requireEmulator('PUBSUB_EMULATOR_HOST');
  const projectId = uniqueProjectId('inc');
  const clock = manualClock(start);
  const config = loadConfig({
    GOOGLE_CLOUD_PROJECT: projectId,
    MUSE_ENV: 'test',
    LOG_LEVEL: 'error',
    FIRESTORE_EMULATOR_HOST: process.env.FIRESTORE_EMULATOR_HOST,
    PUBSUB_EMULATOR_HOST: process.env.PUBSUB_EMULATOR_HOST,
  });
  // startRun publishes the first step; nobody consumes it here, the tests drive the timer step.
  const ps = new PubSub({ projectId });
  await Promise.all(STEP_TOPICS.map((t) => ps.createTopic(t)));
  const app: Container = await createContainer(config, { clock });
  engineOf(app).workflows.register(incidentEscalationWorkflow(app));
  return { app, clock };
}
