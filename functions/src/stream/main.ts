/**
 * The live stream as its own Cloud Run service (same source as the functions). The functions
 * framework never hands a function the HTTP `upgrade` event, so WebSockets cannot live in a
 * Cloud Function; this entry serves `/stream/muse-status`, the status page and `/livez` on PORT.
 *
 *   node functions/lib/stream/main.js     (PORT, GOOGLE_CLOUD_PROJECT, STREAM_TOKEN_SECRET)
 *
 * SIGTERM (Cloud Run's notice before stopping an instance) closes every client with 1012 so they
 * reconnect to another instance and resume.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from '../config.js';
import { createContainer } from '../platform/container.js';
import { streamServerDepsOf } from '../wiring/stream.js';
import { createStreamServer, type StreamServer } from './server.js';

export interface RunningStream {
  address: AddressInfo;
  http: Server;
  stream: StreamServer;
  stop(): Promise<void>;
}

/** Builds the stream from `config`, loads the initial state, and listens. Returns the bound address. */
export async function start(config: Config, port = 8080): Promise<RunningStream> {
  const app = await createContainer(config);
  const stream = createStreamServer(streamServerDepsOf(app));
  await stream.start();
  const http = createServer((req, res) => {
    if (stream.handleHttp(req, res)) return;
    if (req.url === '/livez') return void res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
  });
  http.on('upgrade', (req, socket, head) => stream.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve) => http.listen(port, resolve));
  const address = http.address() as AddressInfo;
  app.log.info('stream listening', { port: address.port });
  let stopping: Promise<void> | undefined;
  return {
    address,
    http,
    stream,
    stop() {
      // Idempotent: SIGTERM and a test's cleanup may both ask.
      stopping ??= (async () => {
        await stream.close();
        await new Promise<void>((resolve) => http.close(() => resolve()));
        await app.db.terminate();
      })();
      return stopping;
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // The process entry is the one place that reads the environment (Cloud Run sets PORT).
  start(loadConfig(), Number(process.env.PORT ?? 8080)).then(
    (running) => {
      process.once('SIGTERM', () => {
        running.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      });
    },
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
