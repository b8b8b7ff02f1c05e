/**
 * Serves every registered function on one local port, the way Cloud Functions serves each on its
 * own URL: http functions by path prefix (catalog `localPath`), Pub/Sub-triggered functions at
 * `/pubsub/<function>/projects/<p>/topics/<t>`, the push endpoint the emulator's subscriptions call.
 * Each function runs inside the real functions framework (its own express app via getTestServer).
 *
 * It listens on 127.0.0.1 unless told otherwise. In the cloud only Pub/Sub may call a push
 * endpoint (OIDC-authenticated push); locally, with `pushToken` set (npm start sets a fresh one
 * per start), a push must carry it (`?token=`, in the endpoint the emulator's subscriptions call,
 * see pubsub-topology.ts), so no one else can feed a function a message.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { FUNCTIONS } from '../../../functions/src/platform/catalog.js';
import { refuseAnnouncedOversize } from '../../../functions/src/platform/http/body-limit.js';
import { answerFrameworkErrorsAsJson } from '../../../functions/src/platform/http/framework-errors.js';

/** Pub/Sub's largest message (10 MB) base64-encoded in a push body, with room for the envelope. */
const MAX_PUSH_BYTES = 16 * 1024 * 1024;

export interface Gateway {
  url: string;
  port: number;
  server: Server;
  stop(): Promise<void>;
}

export interface GatewayOptions {
  port?: number;
  host?: string;
  /** Extra HTTP handling tried first (the live stream's status page); return true when handled. */
  extraHttp?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** WebSocket upgrades (the live stream). */
  upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  /** The secret every push (`/pubsub/*`) must carry as `?token=`; unset, pushes are not checked. */
  pushToken?: string;
}

const sameSecret = (given: string | null, want: string) => {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(want);
  return a.length === b.length && timingSafeEqual(a, b);
};

export async function startGateway(opts: GatewayOptions = {}): Promise<Gateway> {
  const servers = new Map(FUNCTIONS.map((f) => [f.name, answerFrameworkErrorsAsJson(getTestServer(f.name))]));
  const httpFns = FUNCTIONS.filter((f) => f.trigger === 'http' && f.localPath).sort(
    (a, b) => b.localPath!.length - a.localPath!.length,
  );
  const server = createServer((req, res) => {
    if (opts.extraHttp?.(req, res)) return;
    const path = req.url ?? '/';
    const push = /^\/pubsub\/([A-Za-z0-9]+)(\/[^?]*)(?:\?(.*))?$/.exec(path);
    if (push) {
      if (opts.pushToken && !sameSecret(new URLSearchParams(push[3] ?? '').get('token'), opts.pushToken)) {
        req.resume();
        res.writeHead(403, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            error: { code: 'forbidden', message: 'push endpoints take pushes from Pub/Sub only' },
          }),
        );
        return;
      }
      const target = servers.get(push[1]!);
      if (!target) {
        res.writeHead(404).end(`no function named ${push[1]}`);
        return;
      }
      if (Number(req.headers['content-length'] ?? 0) > MAX_PUSH_BYTES) {
        res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
        res.end(
          JSON.stringify({ error: { code: 'payload_too_large', message: `over ${MAX_PUSH_BYTES} bytes` } }),
        );
        req.resume();
        return;
      }
      // The trigger decodes the push from the exact bytes (triggers/pubsub/push.ts): hand them over
      // opaque, so no body (malformed JSON, text, anything) trips the framework's parsers first.
      req.headers['content-type'] = 'application/octet-stream';
      req.url = push[2];
      target.emit('request', req, res);
      return;
    }
    const fn = httpFns.find((f) => path.startsWith(f.localPath!));
    if (!fn) {
      res.writeHead(404).end('not found');
      return;
    }
    if (refuseAnnouncedOversize(req, res)) return;
    servers.get(fn.name)!.emit('request', req, res);
  });
  if (opts.upgrade) server.on('upgrade', opts.upgrade);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
