/**
 * A child process serving every function on one port, as `npm start` does, against the emulators
 * named in its environment: the fault suite SIGKILLs it mid-step and starts it again. Prints
 * `READY <url>` once the push subscriptions point at it.
 *
 *   GOOGLE_CLOUD_PROJECT=p PORT=n FIRESTORE_EMULATOR_HOST=.. PUBSUB_EMULATOR_HOST=.. node --import tsx this-file
 */
import { loadConfig } from '../../functions/src/config.js';
import { startGateway } from '../../scripts/lib/local/gateway.js';
import { ensureTopology } from '../../scripts/lib/local/pubsub-topology.js';
import { setContainer } from '../../functions/src/platform/container.js';
import { createApp } from '../../functions/src/wiring/app.js';
import { engineOf } from '../../functions/src/wiring/engine.js';
import { createLogger } from '../../functions/src/platform/log.js';
import { chainWorkflow, fanWorkflow } from './fault-workflows.js';

const projectId = process.env.GOOGLE_CLOUD_PROJECT!;
const config = loadConfig({
  GOOGLE_CLOUD_PROJECT: projectId,
  MUSE_ENV: 'test',
  FIRESTORE_EMULATOR_HOST: process.env.FIRESTORE_EMULATOR_HOST!,
  PUBSUB_EMULATOR_HOST: process.env.PUBSUB_EMULATOR_HOST!,
  API_KEY_PEPPER: process.env.API_KEY_PEPPER!,
  STREAM_TOKEN_SECRET: 'test-stream-secret-0123456789',
  LOG_LEVEL: 'error',
});
const app = await createApp(config, { log: createLogger({ level: 'error', projectId }) });
await engineOf(app).workflows.ready();
engineOf(app).workflows.register(chainWorkflow(app));
engineOf(app).workflows.register(fanWorkflow(app));
setContainer(app);
await import('../../functions/src/index.js');
const gateway = await startGateway({ port: Number(process.env.PORT) });
await ensureTopology(app.pubsub, { projectId, pushBase: gateway.url });
process.stdout.write(`READY ${gateway.url}\n`);
