/**
 * The page's frames over a real socket: a hello is followed by the `gallery`, `gates` and `wallet`
 * frames; each event carries its words (`event.text`); staging an asset sends a fresh gallery to
 * everyone; a read that fails leaves the stream up (the page just lacks that part).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { recordEventNow } from '../../functions/src/engine/events.js';
import { systemActor } from '../../functions/src/shared/ports.js';
import { testFirestore } from '../helpers/firestore.js';
import { connect, startStream, waitFor, type Frame, type RunningStream, type TestClient } from './helpers.js';

/** The latest frame of `type` the client got, waiting for one (the page's reads finish in any order). */
async function latest(c: TestClient, type: string): Promise<Frame> {
  await waitFor(() => c.frames.some((f) => f.type === type), 15_000, `a ${type} frame`);
  return c.frames.findLast((f) => f.type === type)!;
}

const db = testFirestore();
let s: RunningStream;

const asset = (id: string, title: string, at: Date, media: unknown[] = []) =>
  db
    .collection('stagedAssets')
    .doc(id)
    .set({
      id,
      runId: `run-${id}`,
      topic: 'micro dramas',
      narrative: { title, hook: 'h', body: 'b', cta: 'c' },
      visual: { shots: [{ description: 'a shot', durationSec: 2 }] },
      verdict: { drift: 0.01, pass: true },
      cost: { actual: 0.1, currency: 'USD' },
      createdAt: at,
      media,
    });

before(async () => {
  await db
    .collection('muse')
    .doc('status')
    .set({
      loop: { state: 'running' },
      runs: [{ runId: 'R1', topic: 'micro dramas', step: 'narrative', state: 'running' }],
    });
  await asset('a1', 'First', new Date(Date.now() - 60_000), [
    { kind: 'frame', name: 'a1/f1.png', contentType: 'image/png', shot: 1 },
    { kind: 'frame', name: 'a1/f2.png', contentType: 'image/png', url: 'https://cdn.example/f2.png' },
  ]);
  await db
    .collection('ledger')
    .doc('k1')
    .set({
      key: 'k1',
      type: 'credit',
      amount: 20_000_000,
      seq: 1,
      at: new Date(Date.now() - 3_600_000),
      balanceAfter: 20_000_000,
      reservedAfter: 0,
    });
  s = await startStream(db, { signedUrl: async (name) => `https://signed.example/${name}` });
});
after(async () => {
  await s.stop();
  await db.terminate();
});

test('a hello is followed by the gallery, the gates and the wallet over 24 h', async () => {
  const c = await connect(s.url());
  assert.equal((await c.next()).type, 'hello');
  const gallery = await latest(c, 'gallery');
  const assets = gallery.assets as Array<Record<string, unknown>>;
  assert.equal(assets.length, 1);
  assert.equal(assets[0]!.title, 'First');
  assert.deepEqual(
    (assets[0]!.media as Array<{ url: string }>).map((m) => m.url),
    ['https://signed.example/a1/f1.png', 'https://cdn.example/f2.png'],
  );
  assert.deepEqual((await latest(c, 'gates')).gates, []);
  const wallet = await latest(c, 'wallet');
  const series = wallet.series as { t: number[]; balance: number[] };
  assert.equal(series.t.length, 288);
  assert.equal(series.balance.at(-1), 20);
  await c.close();
});

test('events carry their words, and a staged asset sends a fresh gallery', async () => {
  const c = await connect(s.url());
  await latest(c, 'wallet');
  await db.runTransaction(async (tx) => {
    tx.create(db.collection('events').doc('R1~000002'), {
      id: 'R1~000002',
      runId: 'R1',
      seq: 2,
      type: 'step.succeeded',
      at: new Date(),
      actor: systemActor('engine'),
      data: { stepId: 'narrative', attempt: 1, edge: null },
      committedAt: new Date(),
    });
  });
  const e = await c.next((f) => f.type === 'event');
  assert.equal((e.event as { text: string }).text, "narrative for 'micro dramas' written");
  await asset('a2', 'Second', new Date());
  await recordEventNow(db, {
    type: 'muse.asset.staged',
    actor: systemActor('muse-production'),
    at: new Date(),
    data: { assetId: 'a2', runId: 'R1', drift: 0.01, cost: 0.1 },
  });
  const staged = await c.next((f) => f.type === 'event');
  assert.equal(
    (staged.event as { text: string }).text,
    "new piece staged for 'micro dramas', drift 1 %, cost 0.1",
  );
  const gallery = await c.next((f) => f.type === 'gallery');
  assert.deepEqual(
    (gallery.assets as Array<{ title: string }>).map((a) => a.title),
    ['Second', 'First'],
  );
  await c.close();
});

test('when the page reads fail, the stream still connects and streams', async () => {
  const broken = await startStream(db, {
    signedUrl: () => Promise.reject(new Error('media store down')),
  });
  try {
    const c = await connect(broken.url());
    assert.equal((await c.next()).type, 'hello');
    // Signing fails: the gallery still comes, its frames without a URL (the shots show instead).
    const gallery = await latest(c, 'gallery');
    const first = (gallery.assets as Array<{ title: string; media: Array<{ url?: string }> }>).find(
      (a) => a.title === 'First',
    )!;
    assert.deepEqual(
      first.media.map((m) => m.url),
      [undefined, 'https://cdn.example/f2.png'],
    );
    await c.close();
  } finally {
    await broken.stop();
  }
});
