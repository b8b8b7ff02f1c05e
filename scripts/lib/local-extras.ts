/**
 * Everything `npm start` runs in-process once the emulators are up: the container, the functions
 * behind the local gateway, the Pub/Sub topology, the seed API key, the local trend feed server
 * (the sources settings point at it) and the local scheduler.
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../functions/src/config.js';
import { recoverStranded } from '../../functions/src/engine/stranded.js';
import { startGateway, type Gateway } from './local/gateway.js';
import { ensureTopology } from './local/pubsub-topology.js';
import { startScheduler, type LocalScheduler } from './local/scheduler.js';
import { startFeedServer, type FeedServer } from './feed-server.js';
import { useLocalFeeds } from './local-feeds.js';
import { seedLocalSlackConfig } from './slack-local.js';
import { API_KEYS, createApiKey, hashKey } from '../../functions/src/platform/api-keys.js';
import { setContainer, type Container } from '../../functions/src/platform/container.js';
import { requireSecret } from '../../functions/src/config.js';
import { streamLinks } from '../../functions/src/stream/links.js';
import { createStreamServer, type StreamServer } from '../../functions/src/stream/server.js';
import { streamServerDepsOf } from '../../functions/src/wiring/stream.js';
import { issueStreamToken } from '../../functions/src/stream/token.js';
import { createApp } from '../../functions/src/wiring/app.js';
import { museOf } from '../../functions/src/wiring/muse.js';
import { instanceWarmUp } from '../../functions/src/wiring/warm.js';

export interface LocalExtras {
  app: Container;
  gateway: Gateway;
  scheduler: LocalScheduler;
  stream: StreamServer;
  /** The bundled trend fixtures over HTTP; `sources` says whether the settings were pointed at it. */
  feeds: FeedServer & { sources: 'written' | 'kept' };
  /** A ready stream URL and status page URL, each carrying a token valid for 12 hours. */
  links: { stream: string; page: string };
  stop(): Promise<void>;
}

export async function startLocalExtras(o: {
  env: Record<string, string>;
  port: number;
  speed: number;
  adminApiKey: string;
  projectId: string;
  /** The interface the gateway listens on (127.0.0.1 unless `npm start -- --host` says otherwise). */
  host: string;
}): Promise<LocalExtras> {
  const config = loadConfig(o.env);
  const app = await createApp(config);
  setContainer(app);
  await import('../../functions/src/index.js'); // registers every function with the framework
  const warm = instanceWarmUp().start(); // the Bible and the model context, before the first production
  // The live stream is a Cloud Run service in the cloud; locally it shares the gateway's port.
  const tokenSecret = requireSecret(config, 'streamTokenSecret');
  const stream = createStreamServer(streamServerDepsOf(app));
  await stream.start();
  // Only the emulator's push subscriptions know this start's push token (gateway.ts).
  const pushToken = randomBytes(24).toString('base64url');
  const gateway = await startGateway({
    port: o.port,
    host: o.host,
    pushToken,
    extraHttp: (req, res) => stream.handleHttp(req, res),
    upgrade: (req, socket, head) => stream.handleUpgrade(req, socket, head),
  });
  const links = streamLinks(
    config.streamPublicUrl,
    // The API's longest token (3600 s), so the banner and the README's token rules agree.
    await issueStreamToken(tokenSecret, { subject: 'npm-start', ttlSeconds: 3600 }, app.clock.now()),
  );
  await ensureTopology(app.pubsub, {
    projectId: o.projectId,
    pushBase: `http://127.0.0.1:${gateway.port}`,
    pushToken,
  });
  // The Pub/Sub emulator starts empty: any step that was waiting for a message when the stack last
  // stopped has lost it. Re-publish those now rather than after the sweep's deadline.
  const stranded = await recoverStranded(app, { olderThanMs: 0 });
  if (stranded.republished || stranded.failed)
    app.log.info('stranded steps recovered at start', { ...stranded });

  const pepper = config.secrets.apiKeyPepper!;
  const existing = await app.db.collection(API_KEYS).doc(hashKey(pepper, o.adminApiKey)).get();
  if (!existing.exists)
    await createApiKey(
      app.db,
      pepper,
      { name: 'local-admin', scopes: ['admin'], key: o.adminApiKey },
      new Date(),
    );

  await seedLocalSlackConfig(app.db); // local channels, and the CLI's user in every role
  // The trend sources are read over HTTP as in the cloud; locally they are the bundled fixtures.
  const feedServer = await startFeedServer();
  const feeds = Object.assign(feedServer, { sources: await useLocalFeeds(app, feedServer.url) });
  // A fresh wallet is empty, which is below the breaker's panic line: fund the local muse once
  // (idempotent by key), then scan trends right away instead of waiting for the top of the hour.
  await museOf(app).wallet.credit({
    key: 'seed-local-wallet',
    amount: 100,
    actor: { kind: 'system', id: 'npm-start' },
    note: 'local seed',
    via: 'cli',
  });
  const ready = await warm;
  if (!ready.ready) app.log.warn('warm start failed (see /readyz)', { error: ready.error });
  await app.bus.publish(
    'muse-trend-tick',
    { job: 'muse-trend-tick' },
    { scheduledTime: new Date().toISOString() },
  );

  const scheduler = startScheduler({
    bus: app.bus,
    speed: o.speed,
    onError: (job, err) => app.log.warn(`scheduler job ${job} failed to publish`, { err }),
  });
  return {
    app,
    gateway,
    scheduler,
    stream,
    feeds,
    links,
    stop: async () => {
      scheduler.stop();
      await feeds.stop();
      await stream.close();
      await gateway.stop();
      await app.pubsub.close().catch(() => undefined);
      await app.db.terminate().catch(() => undefined);
    },
  };
}
