/**
 * Benchmark server child: the real stream server (`prefram`) or a naive broadcast (`naive`:
 * JSON.stringify and ws.send per client, no buffer cap), on a loopback port, driven over IPC by
 * bench/stream.ts. Run with --expose-gc so memory is measured after collection.
 *
 *   messages in:  publish {payloadBytes}  -> published {t0}
 *                 mem                      -> mem {rss, heapUsed, external, arrayBuffers}
 *                 stream {bytesPerSec, messageBytes, ms} -> streamed {samples: rss[]}
 *                 stats                    -> stats {...}
 */
import { Firestore } from '@google-cloud/firestore';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { createLocalModel } from '../functions/src/model/local.js';
import { createLogger } from '../functions/src/platform/log.js';
import { systemClock } from '../functions/src/shared/ports.js';
import { createStreamServer } from '../functions/src/stream/server.js';
import { firestoreStreamPorts } from '../functions/src/wiring/stream.js';
import type { ChangeSink } from '../functions/src/stream/source.js';
import { verifyStreamToken } from '../functions/src/stream/token.js';

const mode = process.argv[2] as 'prefram' | 'naive';
const secret = process.argv[3]!;
const send = (m: unknown) => process.send?.(m);
const nowEpoch = () => performance.timeOrigin + performance.now();

/** A status document of realistic size (intents, runs) carrying the publish time. */
function statusDoc(seq: number, payloadBytes: number): Record<string, unknown> {
  return {
    loop: 'running',
    wallet: { balance: 1234.5, reserved: 40, burnRate: 3.2 },
    breaker: { tripped: false },
    safeMode: { active: false, consecutiveRejections: 1 },
    intents: Array.from({ length: 8 }, (_, i) => ({
      id: `intent-${i}`,
      topic: `topic ${i}`,
      vvs: 60 + i,
      status: 'queued',
    })),
    runs: Array.from({ length: 4 }, (_, i) => ({ runId: `run-${i}`, state: 'running' })),
    n: seq,
    pad: 'x'.repeat(Math.max(0, payloadBytes - 900)),
    t0: nowEpoch(),
  };
}

type Publish = (status: Record<string, unknown>) => void;

/**
 * Heap plus external memory (Buffers, including those queued on sockets): what a backlog costs.
 * RSS is not used here because freed memory is not always returned to the OS, so it hides both
 * growth and release.
 */
function jsMemory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

function gcNow(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
}

async function main(): Promise<void> {
  const log = createLogger({ level: 'error', write: () => {} });
  let publish: Publish;
  let connections: () => number;
  const http = createServer((_req, res) => res.writeHead(404).end());
  let stats: () => unknown = () => ({});

  if (mode === 'prefram') {
    let sink: ChangeSink | undefined;
    const server = createStreamServer({
      ...firestoreStreamPorts(new Firestore({ projectId: 'bench-unused' })), // never read: the source below drives changes
      model: createLocalModel(),
      clock: systemClock,
      log,
      tokenSecret: secret,
      limits: { maxConnections: 6000 },
      source: {
        start(s) {
          sink = s;
          return Promise.resolve({ status: statusDoc(0, 1000), events: [] });
        },
        stop() {},
      },
    });
    await server.start();
    http.on('upgrade', (req, socket, head) => server.handleUpgrade(req, socket, head));
    publish = (status) => sink!.status(status);
    connections = () => server.stats().connections;
    stats = () => server.stats();
  } else {
    const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024, perMessageDeflate: false });
    let seq = 0;
    http.on('upgrade', (req: IncomingMessage, socket, head) => {
      const t = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
      void verifyStreamToken(secret, t, new Date()).then((check) => {
        if (!check.ok) return socket.destroy();
        wss.handleUpgrade(req, socket, head, (ws) => {
          ws.send(JSON.stringify({ type: 'hello', seq, status: statusDoc(0, 1000) }));
        });
      });
    });
    publish = (status) => {
      seq++;
      for (const ws of wss.clients) ws.send(JSON.stringify({ type: 'status', seq, status }));
    };
    connections = () => wss.clients.size;
  }

  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  let seq = 0;
  process.on('message', (m: { cmd: string; payloadBytes?: number; bytesPerSec?: number; ms?: number }) => {
    if (m.cmd === 'publish') {
      const status = statusDoc(++seq, m.payloadBytes ?? 2000);
      publish(status);
      send({ cmd: 'published', t0: status.t0, connections: connections() });
    } else if (m.cmd === 'mem') {
      gcNow();
      send({ cmd: 'mem', ...process.memoryUsage(), connections: connections() });
    } else if (m.cmd === 'stream') {
      // A steady stream of status changes at bytesPerSec, sampling live memory (after GC) every 500 ms.
      const size = m.payloadBytes ?? 16 * 1024;
      const perTick = Math.max(1, Math.round((m.bytesPerSec! / size) * 0.05));
      gcNow(); // the baseline follows the release of the clients closed before this phase
      const samples: number[] = [jsMemory()];
      const start = Date.now();
      const tick = setInterval(() => {
        for (let i = 0; i < perTick; i++) publish(statusDoc(++seq, size));
      }, 50);
      const sample = setInterval(() => {
        gcNow(); // live memory only: garbage between collections would swamp a backlog of a few MiB
        samples.push(jsMemory());
      }, 500);
      setTimeout(() => {
        clearInterval(tick);
        clearInterval(sample);
        gcNow();
        send({
          cmd: 'streamed',
          samples,
          end: jsMemory(),
          ms: Date.now() - start,
          stats: stats(),
        });
      }, m.ms);
    } else if (m.cmd === 'stats') {
      send({ cmd: 'stats', stats: stats(), connections: connections() });
    } else if (m.cmd === 'exit') {
      process.exit(0);
    }
  });
  gcNow();
  send({ cmd: 'ready', port: (http.address() as AddressInfo).port });
}

void main();
