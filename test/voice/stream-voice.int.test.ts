/**
 * Voice through the product's stream server, wired as deployed (wiring/stream.ts): audio frames on
 * the status socket reach the local live model, the answer comes back on the same socket, and the
 * CFO wallet sees a reservation before the session and its settlement after; while the breaker
 * holds no session starts. Real sockets, the Firestore emulator.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../functions/src/config.js';
import type { Container } from '../../functions/src/platform/container.js';
import { createStreamServer, type StreamServer } from '../../functions/src/stream/server.js';
import { createApp } from '../../functions/src/wiring/app.js';
import { museOf } from '../../functions/src/wiring/muse.js';
import { streamServerDepsOf } from '../../functions/src/wiring/stream.js';
import { requireEmulator, uniqueProjectId } from '../helpers/firestore.js';
import { SECRET, token } from '../stream/helpers.js';
import { speech } from './audio.js';
import { voiceClient } from './harness.js';

const admin = { kind: 'user' as const, id: 'U-fin' };
let app: Container;
let server: StreamServer;
let http: Server;
let url: string;

before(async () => {
  app = await createApp(
    loadConfig({
      GOOGLE_CLOUD_PROJECT: uniqueProjectId('voice'),
      MUSE_ENV: 'test',
      LOG_LEVEL: 'error',
      FIRESTORE_EMULATOR_HOST: requireEmulator('FIRESTORE_EMULATOR_HOST'),
      STREAM_TOKEN_SECRET: SECRET,
    }),
  );
  await museOf(app).wallet.credit({ key: 'seed-voice', amount: 20, actor: admin });
  server = createStreamServer(streamServerDepsOf(app));
  await server.start();
  http = createServer((req, res) => void (server.handleHttp(req, res) || res.writeHead(404).end()));
  http.on('upgrade', (req, socket, head) => server.handleUpgrade(req, socket, head));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/stream/muse-status?token=${await token()}`;
});
after(async () => {
  await server.close();
  http.closeAllConnections();
  await new Promise<void>((r) => http.close(() => r()));
  await app.db.terminate();
});

const voiceEntries = async () =>
  (await museOf(app).wallet.ledger({ limit: 100 })).entries.filter((e) => e.key.startsWith('voice-'));

test('speech on the status socket is answered in audio, reserved before and settled after', async () => {
  const client = await voiceClient(url);
  client.say(speech('how are you doing'));
  const started = await client.until('voice_started');
  await client.until('turn_complete');
  assert.ok(client.audio().length > 0, 'the muse answered with audio');
  const reserved = await voiceEntries();
  assert.equal(reserved.filter((e) => e.type === 'reserve').length, 1, 'one reservation for the session');
  // 5 minutes at 0.024 per minute: the longest session is what is held.
  assert.equal(reserved.find((e) => e.type === 'reserve')?.amount, 0.12);
  await client.close();
  let settled: Awaited<ReturnType<typeof voiceEntries>> = [];
  for (let i = 0; i < 100 && !settled.some((e) => e.key.endsWith('~release')); i++) {
    await new Promise((r) => setTimeout(r, 50));
    settled = await voiceEntries();
  }
  assert.ok(
    settled.some((e) => e.key.endsWith('~release')),
    `the session ${'sessionId' in started ? String(started.sessionId) : ''} was settled when its socket closed`,
  );
  const wallet = await museOf(app).wallet.get();
  assert.equal(wallet.reserved, 0, 'nothing stays reserved after the session');
});

test('while the breaker holds, talking is refused and nothing is reserved', async () => {
  const before = (await voiceEntries()).length;
  await museOf(app).wallet.trip({ reason: 'test trip', actor: admin });
  const client = await voiceClient(url);
  client.say(speech('hello'));
  const refused = await client.until('voice_error');
  assert.match(JSON.stringify(refused), /breaker/i);
  assert.equal((await voiceEntries()).length, before, 'no reservation was made');
  await client.close();
});
