/**
 * `npm start`: the whole product on this machine, in one terminal.
 * - the official Firestore and Pub/Sub emulators (started and stopped here; data imported on start
 *   and exported on exit to .local/firestore-data, so a restart loses nothing);
 * - the local Cloud Storage server for media, on a fixed port and kept in .local/media (objects and
 *   signing key), so the assets in that data keep their frames and printed links keep opening;
 * - every topic and push subscription of the catalog, pushing to the local functions;
 * - every function served by the functions framework on one port (the local gateway);
 * - the local Cloud Scheduler firing the catalog's jobs (`--speed 60` for demos);
 * - a banner with every URL and how to try it. Ctrl-C stops everything it started.
 *
 *   npm start                      normal schedule
 *   npm start -- --speed 60        demo: an hourly job fires every minute
 *   npm start -- --fresh           start from an empty database and an empty media bucket
 *   npm start -- --host 0.0.0.0    listen on every interface (default 127.0.0.1: this machine only)
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { exportFirestore, isUp, startFirestore, startPubSub, type EmulatorHandle } from './lib/emulators.js';
import { loadLocalSecrets } from './lib/local-secrets.js';
import { requireToolchain } from './lib/toolchain.js';
import { printBanner, watchAssets } from './lib/banner.js';
import { startGcsServer, type GcsServer } from './lib/gcs-server.js';
import { startLocalExtras, type LocalExtras } from './lib/local-extras.js';
import { startLocalSlack, type LocalSlackInfo } from './lib/slack-local.js';

const root = join(import.meta.dirname, '..');
const local = join(root, '.local');
const PROJECT = 'muse-ops-local';

async function main() {
  const t0 = Date.now();
  const { values } = parseArgs({
    options: {
      speed: { type: 'string', default: process.env.MUSE_SCHEDULE_SPEED ?? '1' },
      port: { type: 'string', default: process.env.PORT ?? '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      'firestore-port': { type: 'string', default: '8085' },
      'pubsub-port': { type: 'string', default: '8086' },
      'media-port': { type: 'string', default: '8087' },
      fresh: { type: 'boolean', default: false },
    },
  });
  const speed = Number(values.speed);
  if (!Number.isFinite(speed) || speed < 1)
    throw new Error(`--speed must be a number >= 1, got "${values.speed}"`);
  requireToolchain();
  const dataDir = join(local, 'firestore-data');
  // Media live outside dataDir: the Firestore export replaces that directory whole.
  const mediaDir = join(local, 'media');
  if (values.fresh) {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(mediaDir, { recursive: true, force: true });
  }

  const emulators: EmulatorHandle[] = [];
  let extras: LocalExtras | undefined;
  let localSlack: LocalSlackInfo | undefined;
  let gcs: GcsServer | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping: exporting Firestore data, then the emulators...');
    await extras?.stop().catch((e: unknown) => console.error('  stopping the local services:', e));
    await localSlack?.slack.stop().catch(() => undefined);
    await gcs?.stop().catch(() => undefined);
    const fs = emulators.find((e) => e.name === 'firestore');
    if (fs && (await isUp(fs.host))) {
      await exportFirestore(fs.host, PROJECT, dataDir).then(
        () => console.log(`  data saved to ${dataDir}`),
        (e: unknown) => console.error('  export failed:', e instanceof Error ? e.message : e),
      );
    }
    await Promise.all(emulators.map((e) => e.stop()));
    console.log('Stopped.');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  console.log('Starting the Firestore and Pub/Sub emulators...');
  const logDir = join(local, 'logs');
  const [fs, ps] = await Promise.all([
    startFirestore({ logDir, firestorePort: Number(values['firestore-port']), importFrom: dataDir }),
    startPubSub({ logDir, pubsubPort: Number(values['pubsub-port']) }),
  ]);
  emulators.push(fs, ps);

  try {
    await startServices();
  } catch (err) {
    console.error(`npm start failed: ${err instanceof Error ? err.message : String(err)}`);
    await stop(1);
  }

  async function startServices() {
    const secrets = loadLocalSecrets(join(local, 'secrets.json'));
    const port = Number(values.port);
    const env: Record<string, string> = {
      GOOGLE_CLOUD_PROJECT: PROJECT,
      MUSE_ENV: 'local',
      FIRESTORE_EMULATOR_HOST: fs.host,
      PUBSUB_EMULATOR_HOST: ps.host,
      API_KEY_PEPPER: secrets.apiKeyPepper,
      STREAM_TOKEN_SECRET: secrets.streamTokenSecret,
      SLACK_SIGNING_SECRET: secrets.slackSigningSecret,
      PUBLIC_BASE_URL: `http://localhost:${port}`,
      METADATA_SERVER_DETECTION: 'none',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    };
    // Slack's Web API is a local server that speaks its wire format and records every post.
    process.env.SLACK_SIGNING_SECRET = secrets.slackSigningSecret;
    localSlack = await startLocalSlack({ root, eventsUrl: `http://127.0.0.1:${port}/slack/events` });
    Object.assign(env, localSlack.env);
    // Media go to a local Cloud Storage server through the same client as in the cloud. Its port
    // and key are fixed across restarts: signed URLs name the host and are checked against the key.
    gcs = await startGcsServer({ dir: mediaDir, port: Number(values['media-port']) });
    for (const problem of gcs.problems) console.warn(`  media: ${problem}`);
    Object.assign(env, {
      MEDIA_BUCKET: gcs.bucket,
      MEDIA_STORAGE_OPTIONS: JSON.stringify(gcs.storageOptions()),
      MEDIA_VIDEO_POLL_SECONDS: '2',
    });
    // The SDKs read the emulator hosts from the environment; set them before anything loads.
    Object.assign(process.env, env);
    extras = await startLocalExtras({
      env,
      port,
      speed,
      adminApiKey: secrets.adminApiKey,
      projectId: PROJECT,
      host: values.host,
    });
    printBanner({
      port,
      speed,
      fs: fs.host,
      ps: ps.host,
      secrets,
      extras,
      readyMs: Date.now() - t0,
      dataDir,
      slackUrl: localSlack.slack.url,
      media: { url: gcs.url, bucket: gcs.bucket, dir: mediaDir },
    });
    // Each staged asset's frames and animatic, as links a person opens in a browser.
    watchAssets(extras.app, port);
  }
}

main().catch((err: unknown) => {
  console.error(`npm start failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
