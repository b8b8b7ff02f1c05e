import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runTrendTick } from '../../../functions/src/muse/trends/tick.js';
import { FIXTURE_SOURCES, type SourceDef } from '../../../functions/src/muse/trends/sources/sources.js';
import { pauseEngine } from '../../../functions/src/engine/pause.js';
import { creditWallet } from '../../../functions/src/muse/wallet/ledger.js';
import { testApp as bareApp } from '../wallet/app.js';

/** A funded wallet: an empty one is under the panic line, and the breaker would pause every tick. */
async function testApp() {
  const app = await bareApp();
  await creditWallet(app, { key: 'seed', amount: 100, actor: { kind: 'user', id: 'U-fin' } });
  return app;
}

const EXPECTED = ['ai-lip-sync', 'faceless-channels', 'micro-dramas'];

async function intentsOf(app: Awaited<ReturnType<typeof bareApp>>) {
  const snap = await app.db.collection('intents').get();
  return snap.docs
    .map((d) => d.data())
    .sort((a, b) => String(a.normalizedTopic).localeCompare(String(b.normalizedTopic)));
}

test('a tick over the fixture feeds yields the expected intents and a summary', async () => {
  const app = await testApp();
  const summary = await runTrendTick(app, { tickId: 'hourly-1' });
  assert.equal(summary.status, 'done');
  assert.deepEqual([summary.sourcesOk, summary.sourcesFailed], [4, 0]);
  assert.ok(summary.candidates > 10);
  const intents = await intentsOf(app);
  assert.deepEqual(
    intents.map((i) => i.normalizedTopic),
    EXPECTED,
  );
  for (const i of intents) {
    assert.equal(i.status, 'new');
    assert.equal(i.tickId, 'hourly-1');
    assert.ok(i.vvs > 50 && i.vvs <= 100);
  }
  assert.deepEqual(intents[0]!.sources, ['atom-culture-desk', 'reddit-aivideo', 'rss-creator-economy']);
  const status = (await app.db.collection('muse').doc('status').get()).data()!;
  assert.equal(status.lastTick.id, 'hourly-1');
  assert.equal(status.lastTick.intents, 3);
  assert.deepEqual(
    status.intents.map((i: { topic: string }) => i.topic),
    ['ai lip sync', 'faceless channels', 'micro dramas'],
  );
  const stored = (await app.db.collection('trendTicks').doc('hourly-1').get()).data()!;
  assert.equal(stored.summary.intents, 3);
});

test('a duplicated tick, and a later tick within the window, create no duplicate intent', async () => {
  const app = await testApp();
  await runTrendTick(app, { tickId: 't1' });
  const again = await runTrendTick(app, { tickId: 't1' });
  assert.equal(again.duplicate, true);
  await Promise.all([runTrendTick(app, { tickId: 't1' }), runTrendTick(app, { tickId: 't1' })]);
  app.clock.advance(3_600_000);
  const next = await runTrendTick(app, { tickId: 't2' });
  assert.deepEqual([next.intents, next.deduped], [0, 3]);
  assert.equal((await intentsOf(app)).length, 3);
  app.clock.advance(24 * 3_600_000); // past the de-dupe window the topics may trend again
  assert.equal((await runTrendTick(app, { tickId: 't3' })).intents, 3);
  assert.equal((await intentsOf(app)).length, 6);
});

test('the threshold is configurable', async () => {
  const app = await testApp();
  const s = await runTrendTick(app, { tickId: 'low', settings: { threshold: 30 } });
  assert.deepEqual(s.intents, 4); // short form fatigue (35.1) joins
});

test('while the engine is paused the tick refuses to scan and records a skip', async () => {
  const app = await testApp();
  await pauseEngine(app, { holder: 'operator', reason: 'maintenance', actor: { kind: 'user', id: 'U1' } });
  const s = await runTrendTick(app, { tickId: 'p1' });
  assert.equal(s.status, 'skipped');
  assert.match(s.reason ?? '', /operator \(maintenance\)/);
  assert.equal((await intentsOf(app)).length, 0);
  assert.equal((await app.db.collection('trendTicks').doc('p1').get()).get('status'), 'skipped');
});

let server: Server | undefined;
after(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

test('failing sources are recorded with their reasons while the others succeed', async () => {
  const routes: Record<string, (res: ServerResponse) => void> = {
    '/500': (res) => res.writeHead(500).end('boom'),
    '/slow': () => undefined, // never answers: the source's timeout fires
    '/bad.json': (res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"kind":"Listing",'),
    '/not-listing.json': (res) => res.writeHead(200).end('{"hello":"world"}'),
    '/bad.xml': (res) => res.writeHead(200).end('<rss><channel><item><title>x</channel></rss>'),
    '/big.xml': (res) => res.writeHead(200).end(`<rss><channel>${'<item/>'.repeat(20_000)}</channel></rss>`),
  };
  server = createServer((req, res) => {
    const handle = routes[req.url ?? ''];
    if (handle) handle(res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const limits = { timeoutMs: 300, maxBytes: 64 * 1024 };
  const sources: SourceDef[] = [
    ...FIXTURE_SOURCES,
    { id: 'http-500', kind: 'reddit', url: `${base}/500`, limits },
    { id: 'timeout', kind: 'feed', url: `${base}/slow`, limits },
    { id: 'bad-json', kind: 'reddit', url: `${base}/bad.json`, limits },
    { id: 'not-listing', kind: 'reddit', url: `${base}/not-listing.json`, limits },
    { id: 'bad-xml', kind: 'feed', url: `${base}/bad.xml`, limits },
    { id: 'oversized', kind: 'feed', url: `${base}/big.xml`, limits },
  ];
  const app = await testApp();
  const s = await runTrendTick(app, { tickId: 'mixed', sources });
  const reasons = Object.fromEntries(s.sources.filter((x) => !x.ok).map((x) => [x.id, x.reason]));
  assert.deepEqual([s.sourcesOk, s.sourcesFailed], [4, 6]);
  assert.match(reasons['http-500']!, /HTTP 500/);
  assert.match(reasons.timeout!, /timed out after 300 ms/);
  assert.match(reasons['bad-json']!, /malformed JSON/);
  assert.match(reasons['not-listing']!, /not a Reddit listing/);
  assert.match(reasons['bad-xml']!, /malformed XML/);
  assert.match(reasons.oversized!, /over the limit of 65536/);
  assert.deepEqual(
    (await intentsOf(app)).map((i) => i.normalizedTopic),
    EXPECTED,
  );
  server.closeAllConnections();
});
