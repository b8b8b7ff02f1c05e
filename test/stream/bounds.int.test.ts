/**
 * Bounds on a real server: an oversized frame and a flood of frames are refused with close codes,
 * malformed frames get `error` frames, a client that reads nothing is closed while the others keep
 * everything, the connection cap answers 503, and shutdown tells clients to reconnect (1012).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { recordEventNow } from '../../functions/src/engine/events.js';
import { systemActor } from '../../functions/src/shared/ports.js';
import { testFirestore } from '../helpers/firestore.js';
import {
  connect,
  connectNonReader,
  startStream,
  upgradeStatus,
  waitFor,
  type RunningStream,
} from './helpers.js';

const db = testFirestore();
let s: RunningStream;

before(async () => {
  s = await startStream(db, {
    limits: {
      maxPayloadBytes: 4096,
      frameBurst: 5,
      framesPerSecond: 1,
      maxConnections: 6,
      softBufferedBytes: 64 * 1024,
      hardBufferedBytes: 16 * 1024 * 1024,
      slowWindowMs: 300,
      slowCheckMs: 50,
      closeGraceMs: 200,
    },
  });
});
after(async () => {
  await s.stop();
  await db.terminate();
});

test('an oversized frame closes the connection with 1009', async () => {
  const c = await connect(s.url());
  await c.next();
  c.ws.send(JSON.stringify({ type: 'say', text: 'x'.repeat(5000) }));
  assert.equal((await c.closed).code, 1009);
});

test('malformed frames get error frames; a flood is closed with 1008', async () => {
  const c = await connect(s.url());
  await c.next();
  c.ws.send('not json');
  const e1 = await c.next((f) => f.type === 'error');
  assert.equal(e1.code, 'malformed');
  c.ws.send(JSON.stringify({ type: 'say' }));
  const e2 = await c.next((f) => f.type === 'error');
  assert.equal(e2.code, 'invalid_frame');
  for (let i = 0; i < 50; i++) c.ws.send(JSON.stringify({ type: 'resume', seq: 1 }));
  assert.deepEqual(await c.closed, { code: 1008, reason: 'rate limit exceeded' });
  assert.ok(s.server.stats().closedRateLimited >= 1);
});

test('a client that reads nothing is closed; the others get every event and stay open', async () => {
  const healthy = await Promise.all([connect(s.url()), connect(s.url())]);
  await Promise.all(healthy.map((c) => c.next()));
  const stuck = await connectNonReader(s.url());
  const before = s.server.stats().closedSlow;
  const blob = 'x'.repeat(200_000);
  // ~10 MB of events: more than the kernel's socket buffers hold for a reader that reads nothing.
  for (let batch = 0; batch < 5; batch++) {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        recordEventNow(db, {
          type: 'bulk',
          actor: systemActor('t'),
          data: { n: batch * 10 + i, blob },
          at: new Date(),
        }),
      ),
    );
  }
  await waitFor(() => s.server.stats().closedSlow > before, 15_000, 'the slow client to be closed');
  for (const c of healthy) {
    await waitFor(() => c.frames.filter((f) => f.type === 'event').length === 50, 15_000, 'all 50 events');
    assert.equal(c.ws.readyState, c.ws.OPEN);
  }
  await waitFor(
    () => stuck.destroyed || stuck.readableEnded || s.server.stats().connections === 2,
    5000,
    'slow socket gone',
  );
  stuck.destroy();
  await Promise.all(healthy.map((c) => c.close()));
});

test('the connection cap answers 503 before upgrading', async () => {
  await waitFor(() => s.server.stats().connections === 0, 5000, 'no connections');
  const clients = await Promise.all(Array.from({ length: 6 }, () => connect(s.url())));
  assert.equal(await upgradeStatus(s.url()), 503);
  await Promise.all(clients.map((c) => c.close()));
});

test('shutdown closes clients with 1012 (service restart)', async () => {
  const local = await startStream(db);
  const c = await connect(local.url());
  await c.next();
  await local.stop();
  assert.deepEqual(await c.closed, { code: 1012, reason: 'service restart' });
});
