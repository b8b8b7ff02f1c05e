/**
 * Benchmark client driver: a separate process holding thousands of WebSocket clients on loopback,
 * driven over IPC by bench/stream.ts. It records when each client receives the next frame after a
 * publish, and can hold one client that reads nothing (a raw socket, paused after the handshake).
 *
 *   connect {url, n}       -> connected {n, failed}
 *   arm                    -> armed          (the next frame per client is timed)
 *   collect {t0}           -> latencies {ms[] sorted, missing}
 *   slow {url, keep}       -> slowReady      (closes all but `keep` clients, adds a non-reader)
 *   report                 -> report {healthyClosed, healthyOpen, bytes}
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { Socket } from 'node:net';

const send = (m: unknown) => process.send?.(m);
const nowEpoch = () => performance.timeOrigin + performance.now();

/**
 * Each client is a real WebSocket connection (a real handshake on a real socket) whose frames are
 * timed as their bytes arrive, without parsing them: with ws's parser in this process, the
 * driver's own ~15 us per message (75 ms for 5,000) would be most of what is measured.
 */
interface Client {
  socket: Socket;
  at: number;
  bytes: number;
  closedByServer: boolean;
  closing: boolean;
}
const clients: Client[] = [];
let armed = false;
let stuck: Socket | undefined;

function handshake(url: string): Promise<Socket> {
  const u = new URL(url.replace(/^ws:/, 'http:'));
  return new Promise((resolve, reject) => {
    const req = request({
      host: u.hostname,
      port: u.port,
      path: u.pathname + u.search,
      agent: false,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
      },
    });
    req.once('upgrade', (res, socket) => {
      if (res.statusCode !== 101) reject(new Error(`HTTP ${res.statusCode}`));
      else resolve(socket);
    });
    req.once('response', (res) => reject(new Error(`HTTP ${res.statusCode}`)));
    req.once('error', reject);
    req.end();
  });
}

async function open(url: string): Promise<Client> {
  const socket = await handshake(url);
  const c: Client = { socket, at: 0, bytes: 0, closedByServer: false, closing: false };
  socket.on('data', (chunk: Buffer) => {
    if (armed && c.at === 0) c.at = nowEpoch();
    c.bytes += chunk.length;
  });
  socket.on('close', () => {
    if (!c.closing) c.closedByServer = true;
  });
  socket.on('error', () => {});
  return c;
}

async function nonReader(url: string): Promise<Socket> {
  const socket = await handshake(url);
  socket.pause(); // reads nothing from here on
  return socket;
}

process.on('message', (m: { cmd: string; url?: string; n?: number; t0?: number; keep?: number }) => {
  void (async () => {
    if (m.cmd === 'connect') {
      let failed = 0;
      for (let i = 0; i < m.n!; i += 100) {
        const batch = await Promise.allSettled(
          Array.from({ length: Math.min(100, m.n! - i) }, () => open(m.url!)),
        );
        for (const r of batch)
          if (r.status === 'fulfilled') clients.push(r.value);
          else failed++;
      }
      // Let the hellos arrive before anything is timed.
      await new Promise((r) => setTimeout(r, 500));
      send({ cmd: 'connected', n: clients.length, failed });
    } else if (m.cmd === 'arm') {
      for (const c of clients) c.at = 0;
      armed = true;
      send({ cmd: 'armed' });
    } else if (m.cmd === 'collect') {
      const deadline = Date.now() + 10_000;
      while (clients.some((c) => c.at === 0) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      armed = false;
      const got = clients.filter((c) => c.at > 0).map((c) => c.at - m.t0!);
      got.sort((a, b) => a - b);
      send({ cmd: 'latencies', ms: got, missing: clients.length - got.length });
    } else if (m.cmd === 'slow') {
      for (const c of clients.splice(m.keep!)) {
        c.closing = true;
        c.socket.destroy();
      }
      for (const c of clients) c.bytes = 0;
      stuck = await nonReader(m.url!);
      await new Promise((r) => setTimeout(r, 500));
      send({ cmd: 'slowReady', healthy: clients.length });
    } else if (m.cmd === 'report') {
      send({
        cmd: 'report',
        healthyClosed: clients.filter((c) => c.closedByServer).length,
        healthyOpen: clients.filter((c) => !c.socket.destroyed).length,
        bytes: clients.reduce((s, c) => s + c.bytes, 0),
        stuckDestroyed: stuck?.destroyed ?? false,
      });
    } else if (m.cmd === 'exit') {
      for (const c of clients) {
        c.closing = true;
        c.socket.destroy();
      }
      stuck?.destroy();
      process.exit(0);
    }
  })();
});
send({ cmd: 'up' });
