/**
 * The product's own Container on the emulators for the muse wallet and trend tests: a fresh
 * project id (an empty database per test), a manual clock, quiet logs.
 */
import type { Container } from '../../../functions/src/platform/container.js';
import { loadConfig } from '../../../functions/src/config.js';
import { manualClock } from '../../helpers/manual-clock.js';
import { requireEmulator, uniqueProjectId } from '../../helpers/firestore.js';
import { createApp } from '../../../functions/src/wiring/app.js';

export type TestApp = Container & { clock: ReturnType<typeof manualClock> };

export async function testApp(start = '2026-03-01T12:00:00Z'): Promise<TestApp> {
  const clock = manualClock(start);
  const config = loadConfig({
    GOOGLE_CLOUD_PROJECT: uniqueProjectId('muse'),
    MUSE_ENV: 'test',
    LOG_LEVEL: 'error',
    FIRESTORE_EMULATOR_HOST: requireEmulator('FIRESTORE_EMULATOR_HOST'),
    PUBSUB_EMULATOR_HOST: process.env.PUBSUB_EMULATOR_HOST,
  });
  const app = await createApp(config, { clock });
  return { ...app, clock };
}
