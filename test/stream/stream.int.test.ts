/**
 * The stream against the Firestore emulator: tokens on upgrade, the snapshot then changes in
 * order, resume within retention (on the same instance and on another one), and two instances
 * both delivering a change.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SignJWT } from 'jose';
import { recordEventNow } from '../../functions/src/engine/events.js';
import { systemActor } from '../../functions/src/shared/ports.js';
import { issueStreamToken } from '../../functions/src/stream/token.js';
import { testFirestore } from '../helpers/firestore.js';
import {
  connect,
  SECRET,
  startStream,
  token,
  upgradeStatus,
  type Frame,
  type RunningStream,
} from './helpers.js';

const db = testFirestore();
let a: RunningStream;
let b: RunningStream;

const isEvent = (type: string) => (f: Frame) =>
  f.type === 'event' && (f.event as { type: string }).type === type;
const event = (type: string, data: Record<string, unknown> = {}) =>
  recordEventNow(db, { type, actor: systemActor('test'), data, at: new Date() });

before(async () => {
  await db
    .collection('muse')
    .doc('status')
    .set({ loop: 'running', wallet: { balance: 100 }, updatedAt: new Date() });
  await event('before.start');
  [a, b] = await Promise.all([startStream(db), startStream(db)]);
});
after(async () => {
  await Promise.all([a.stop(), b.stop()]);
  await db.terminate();
});

test('upgrade needs a good token: bad, expired, missing, wrong-audience and wrong-key get 401 before any upgrade', async () => {
  assert.equal(await upgradeStatus(a.url('garbage.token')), 401);
  assert.equal(await upgradeStatus(a.url(await token(60, new Date(Date.now() - 120_000)))), 401);
  assert.equal(await upgradeStatus(a.url('').replace('token=', 'nothing=')), 401);
  const otherAudience = await new SignJWT({ sub: 'test' })
    .setProtectedHeader({ alg: 'HS256' })
    .setAudience('another-service')
    .setExpirationTime(Math.floor(Date.now() / 1000) + 600)
    .sign(new TextEncoder().encode(SECRET));
  assert.equal(await upgradeStatus(a.url(otherAudience)), 401);
  assert.equal(
    await upgradeStatus(
      a.url(
        await issueStreamToken('another-secret-0123456789', { subject: 't', ttlSeconds: 60 }, new Date()),
      ),
    ),
    401,
  );
  assert.equal(await upgradeStatus(a.url().replace('/stream/muse-status', '/stream/other')), 404);
  assert.equal(await upgradeStatus(a.url()), 101);
});

test('hello carries the status snapshot, then status and events arrive in order with increasing seq', async () => {
  const c = await connect(a.url());
  const hello = await c.next();
  assert.equal(hello.type, 'hello');
  assert.equal(hello.resumed, false);
  assert.equal((hello.status as { loop: string }).loop, 'running');
  assert.deepEqual((hello.status as { openIncidents: unknown[] }).openIncidents, []);
  const recent = hello.recent as Array<{ type: string }>;
  assert.ok(
    recent.some((e) => e.type === 'before.start'),
    'a fresh hello carries the recent events, so the page shows what just happened',
  );

  await db.collection('muse').doc('status').set({ loop: 'paused' }, { merge: true });
  const status = await c.next((f) => f.type === 'status');
  assert.equal((status.status as { loop: string }).loop, 'paused');
  for (const n of [1, 2, 3]) await event('ordered', { n });
  const seen: number[] = [];
  for (let i = 0; i < 3; i++)
    seen.push(((await c.next(isEvent('ordered'))).event as { data: { n: number } }).data.n);
  assert.deepEqual(seen, [1, 2, 3]);

  await db.collection('incidents').doc('inc-1').set({ status: 'open', severity: 'sev2', summary: 'slow' });
  const withIncident = await c.next(
    (f) => f.type === 'status' && (f.status as { openIncidents: unknown[] }).openIncidents.length === 1,
  );
  // The numbered frames (the page's gallery, gates and wallet frames carry no seq).
  const seqs = c.frames
    .slice(0, c.frames.indexOf(withIncident) + 1)
    .filter((f) => ['hello', 'status', 'event'].includes(f.type))
    .map((f) => f.seq!);
  assert.ok(seqs.length >= 5 && seqs.every((q) => typeof q === 'number'));
  assert.deepEqual(
    seqs,
    [...seqs].sort((x, y) => x - y),
  );
  assert.equal(new Set(seqs).size, seqs.length, 'seq strictly increases');
  await c.close();
});

test('resume after a disconnect misses nothing, by query parameter and by resume frame', async () => {
  const c = await connect(a.url());
  await c.next((f) => f.type === 'hello');
  await event('r.seen');
  const last = (await c.next(isEvent('r.seen'))).seq!;
  await c.close();
  for (const n of [1, 2, 3]) await event('r.missed', { n });
  await new Promise((r) => setTimeout(r, 300)); // let the listener see them before reconnecting

  const back = await connect(a.url(await token(), last));
  const hello = await back.next();
  assert.deepEqual([hello.type, hello.seq, hello.resumed], ['hello', last, true]);
  for (const n of [1, 2, 3]) {
    const f = await back.next(isEvent('r.missed'));
    assert.equal((f.event as { data: { n: number } }).data.n, n);
    assert.ok(f.seq! > last);
  }
  // The same through a resume frame on a fresh connection.
  const c2 = await connect(a.url());
  await c2.next((f) => f.type === 'hello');
  c2.ws.send(JSON.stringify({ type: 'resume', seq: last }));
  const again = await c2.next((f) => f.type === 'hello' && f.resumed === true);
  assert.equal(again.seq, last);
  assert.equal((await c2.next(isEvent('r.missed'))).event !== undefined, true);
  // A position outside the window gets a fresh snapshot.
  c2.ws.send(JSON.stringify({ type: 'resume', seq: 1 }));
  const fresh = await c2.next((f) => f.type === 'hello' && f.resumed === false);
  assert.ok((fresh.seq ?? 0) >= last);
  await Promise.all([back.close(), c2.close()]);
});

test('two instances both deliver a change, with the same seq, so a client resumes on the other', async () => {
  const [ca, cb] = await Promise.all([connect(a.url()), connect(b.url())]);
  await Promise.all([ca.next(), cb.next()]);
  await event('both');
  const [fa, fb] = await Promise.all([ca.next(isEvent('both')), cb.next(isEvent('both'))]);
  assert.equal(fa.seq, fb.seq);
  assert.deepEqual(fa.event, fb.event);

  // Leave instance A, miss two events, come back on instance B.
  await ca.close();
  await event('cross', { n: 1 });
  await event('cross', { n: 2 });
  await cb.next((f) => isEvent('cross')(f) && (f.event as { data: { n: number } }).data.n === 2);
  const moved = await connect(b.url(await token(), fa.seq));
  assert.equal((await moved.next()).resumed, true);
  const got = [await moved.next(isEvent('cross')), await moved.next(isEvent('cross'))];
  assert.deepEqual(
    got.map((f) => (f.event as { data: { n: number } }).data.n),
    [1, 2],
  );
  // Both instances numbered the missed events alike.
  const onB = cb.frames.filter(isEvent('cross')).map((f) => f.seq);
  assert.deepEqual(
    got.map((f) => f.seq),
    onB,
  );
  await Promise.all([cb.close(), moved.close()]);
});

test('an instance started later serves resume for events from before it started (backfill)', async () => {
  const c = await connect(a.url());
  await c.next();
  await event('pre.late', { n: 0 });
  const seen = (await c.next(isEvent('pre.late'))).seq!;
  await c.close();
  await event('pre.late', { n: 1 });
  const late = await startStream(db);
  try {
    const r = await connect(late.url(await token(), seen));
    assert.equal((await r.next()).resumed, true);
    const f = await r.next(isEvent('pre.late'));
    assert.equal((f.event as { data: { n: number } }).data.n, 1);
    await r.close();
  } finally {
    await late.stop();
  }
});
