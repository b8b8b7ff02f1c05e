/**
 * Benchmark client driver: a separate process holding thousands of real `ws` clients on loopback,
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
import WebSocket from 'ws';

const send = (m: unknown) => process.send?.(m);
const nowEpoch = () => performance.timeOrigin + performance.now();

interface Client {
  ws: WebSocket;
  at: number;
  bytes: number;
  closedByServer: boolean;
}
const clients: Client[] = [];
let armed = false;
let stuck: Socket | undefined;

function open(url: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const c: Client = { ws, at: 0, bytes: 0, closedByServer: false };
    ws.on('message', (data: Buffer) => {
      if (armed && c.at === 0) c.at = nowEpoch();
      c.bytes += data.length;
    });
    ws.on('close', (code) => {
      if (code !== 1000 && code !== 1005) c.closedByServer = true;
    });
    ws.once('open', () => resolve(c));
    ws.once('error', reject);
  });
}

function nonReader(url: string): Promise<Socket> {
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
      socket.pause();
      resolve(socket);
    });
    req.once('error', reject);
    req.end();
  });
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
      for (const c of clients.splice(m.keep!)) c.ws.close(1000);
      for (const c of clients) c.bytes = 0;
      stuck = await nonReader(m.url!);
      await new Promise((r) => setTimeout(r, 500));
      send({ cmd: 'slowReady', healthy: clients.length });
    } else if (m.cmd === 'report') {
      send({
        cmd: 'report',
        healthyClosed: clients.filter((c) => c.closedByServer).length,
        healthyOpen: clients.filter((c) => c.ws.readyState === WebSocket.OPEN).length,
        bytes: clients.reduce((s, c) => s + c.bytes, 0),
        stuckDestroyed: stuck?.destroyed ?? false,
      });
    } else if (m.cmd === 'exit') {
      for (const c of clients) c.ws.terminate();
      stuck?.destroy();
      process.exit(0);
    }
  })();
});
send({ cmd: 'up' });
