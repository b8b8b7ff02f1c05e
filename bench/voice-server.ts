/**
 * Voice benchmark server child: voice sessions with the local live model behind a WebSocket on a
 * loopback port, wired as the stream socket wires them (`routeVoiceMessage`), with cost hooks that
 * do nothing and a toolbox that answers at once. Driven over IPC by bench/voice.ts; run with
 * --expose-gc so memory is measured after collection.
 *
 *   messages in:  usage -> usage {cpuUs, rss, heapUsed, external, active}
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { createLogger } from '../functions/src/platform/log.js';
import { createLocalLiveModel } from '../functions/src/voice/local-live.js';
import { createVoiceSessions } from '../functions/src/voice/sessions.js';
import { routeVoiceMessage } from '../functions/src/voice/socket.js';

const send = (m: unknown) => process.send?.(m);

const voice = createVoiceSessions({
  live: createLocalLiveModel(),
  toolbox: {
    declarations: [
      { name: 'get_status', description: 'The muse status', parameters: { type: 'object', properties: {} } },
    ],
    run: () => Promise.resolve({ loop: 'running', wallet: { balance: 1234.5 } }),
  },
  cost: {
    breakerOpen: () => Promise.resolve(false),
    reserve: () => Promise.resolve({ ok: true }),
    settle: () => Promise.resolve(),
  },
  log: createLogger({ level: 'error', projectId: 'bench-voice' }),
});

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 16 * 1024 });
wss.on('connection', (ws) => {
  const out = (text: string) => ws.send(text);
  const conn = voice.connect(out);
  ws.on('message', (data, isBinary) => void routeVoiceMessage(conn, data as Buffer, isBinary, out));
  ws.on('close', () => void conn.close());
});

wss.once('listening', () => send({ cmd: 'ready', port: (wss.address() as AddressInfo).port }));
process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'usage') {
    (globalThis as { gc?: () => void }).gc?.();
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    send({
      cmd: 'usage',
      cpuUs: cpu.user + cpu.system,
      atMs: performance.now(),
      rss: mem.rss,
      heapUsed: mem.heapUsed,
      external: mem.external,
      active: voice.active,
    });
  }
  if (m.cmd === 'exit') process.exit(0);
});
