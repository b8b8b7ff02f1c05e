/**
 * Helpers for the stream tests: a real http server on port 0 with the stream mounted, real `ws`
 * clients that collect frames, and a raw WebSocket client that reads nothing (the slow client).
 */
import type { Firestore } from '@google-cloud/firestore';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { createLocalModel } from '../../functions/src/model/local.js';
import type { ModelPort } from '../../functions/src/model/port.js';
import { createLogger } from '../../functions/src/platform/log.js';
import { systemClock, type Clock } from '../../functions/src/shared/ports.js';
import type { StreamLimits } from '../../functions/src/stream/limits.js';
import { createStreamServer, type StreamServer } from '../../functions/src/stream/server.js';
import { firestoreStreamPorts } from '../../functions/src/wiring/stream.js';
import { issueStreamToken } from '../../functions/src/stream/token.js';

export const SECRET = 'test-stream-secret-0123456789';
export const quietLog = createLogger({ level: 'error', write: () => {} });
export const token = (ttlSeconds = 600, now = new Date()) =>
  issueStreamToken(SECRET, { subject: 'test', ttlSeconds }, now);

export interface RunningStream {
  port: number;
  server: StreamServer;
  http: Server;
  url(t?: string, resume?: number): string;
  stop(): Promise<void>;
}

/** Starts a stream server on a real http server at port 0 (or `port`, to restart on the same one). */
export async function startStream(
  db: Firestore,
  opts: {
    limits?: Partial<StreamLimits>;
    model?: ModelPort;
    clock?: Clock;
    port?: number;
    signedUrl?: (name: string) => Promise<string>;
  } = {},
): Promise<RunningStream> {
  const server = createStreamServer({
    ...firestoreStreamPorts(db),
    model: opts.model ?? createLocalModel(),
    clock: opts.clock ?? systemClock,
    log: quietLog,
    tokenSecret: SECRET,
    limits: opts.limits,
    signedUrl: opts.signedUrl,
  });
  await server.start();
  const http = createServer((req, res) => {
    if (!server.handleHttp(req, res)) res.writeHead(404).end();
  });
  http.on('upgrade', (req, socket, head) => server.handleUpgrade(req, socket, head));
  await new Promise<void>((r) => http.listen(opts.port ?? 0, '127.0.0.1', r));
  const port = (http.address() as AddressInfo).port;
  const defaultToken = await token();
  return {
    port,
    server,
    http,
    url: (t = defaultToken, resume) =>
      `ws://127.0.0.1:${port}/stream/muse-status?token=${encodeURIComponent(t)}${resume !== undefined ? `&resume=${resume}` : ''}`,
    async stop() {
      await server.close();
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

export type Frame = Record<string, unknown> & { type: string; seq?: number };

/** A real ws client that keeps every frame and lets a test wait for the next matching one. */
export interface TestClient {
  ws: WebSocket;
  frames: Frame[];
  next(match?: (f: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

export function connect(url: string): Promise<TestClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const frames: Frame[] = [];
    let cursor = 0;
    const waiters = new Set<() => void>();
    const closed = new Promise<{ code: number; reason: string }>((r) =>
      ws.on('close', (code, reason) => r({ code, reason: reason.toString() })),
    );
    ws.on('message', (data) => {
      frames.push(JSON.parse(String(data)) as Frame);
      for (const w of waiters) w();
    });
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        ws,
        frames,
        closed,
        next(match = () => true, timeoutMs = 5000) {
          return new Promise((res, rej) => {
            const check = () => {
              while (cursor < frames.length) {
                const f = frames[cursor++]!;
                if (match(f)) {
                  waiters.delete(check);
                  clearTimeout(timer);
                  res(f);
                  return;
                }
              }
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              rej(
                new Error(
                  `no matching frame within ${timeoutMs} ms; got ${JSON.stringify(frames.slice(-3))}`,
                ),
              );
            }, timeoutMs);
            waiters.add(check);
            check();
          });
        },
        async close() {
          if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close();
          await closed;
        },
      }),
    );
  });
}

/** The HTTP status an upgrade attempt gets (101 when it succeeds; the socket is then closed). */
export function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => {
      resolve(101);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

/** A WebSocket client over a raw socket that completes the handshake and then never reads. */
export function connectNonReader(url: string): Promise<Socket> {
  const u = new URL(url.replace(/^ws:/, 'http:'));
  return new Promise((resolve, reject) => {
    const req = request({
      host: u.hostname,
      port: u.port,
      path: u.pathname + u.search,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
      },
    });
    req.once('upgrade', (_res, socket) => {
      socket.pause(); // reads nothing from here on: the kernel buffers fill, then the server's
      resolve(socket);
    });
    req.once('response', (res) => reject(new Error(`HTTP ${res.statusCode}`)));
    req.once('error', reject);
    req.end();
  });
}

/** Waits until `check` is true, failing after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
