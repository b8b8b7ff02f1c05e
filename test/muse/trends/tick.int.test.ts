/**
 * The trend tick on the emulators, reading its sources over HTTP from the local feed server (the
 * bundled fixtures, shifted to the test's clock) as named by the stored sources settings.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sourceDefOf, type SourceDef } from '../../../functions/src/muse/trends/sources/sources.js';
import type { SourceSetting } from '../../../functions/src/muse/trends/core/settings.js';
import { pauseEngine } from '../../../functions/src/engine/pause.js';
import { fixtureSources, startFeedServer, type FeedServer } from '../../../scripts/lib/feed-server.js';
import { testApp as bareApp, type TestApp } from '../wallet/app.js';
import { museOf } from '../../../functions/src/wiring/muse.js';

let feeds: FeedServer;
let current: TestApp | undefined;
before(async () => {
  feeds = await startFeedServer({ now: () => (current ? current.clock.now().getTime() : Date.now()) });
});
after(() => feeds.stop());

const operator = { kind: 'user' as const, id: 'U-op' };
const setSources = (app: TestApp, sources: SourceSetting[]) =>
  museOf(app).trends.putSources({ sources, actor: operator, rationale: 'test feeds', via: 'api' });

/**
 * A funded wallet (an empty one is under the panic line, and the breaker would pause every tick)
 * and the sources settings pointing at the local feed server.
 */
async function testApp() {
  const app = await bareApp();
  current = app;
  await museOf(app).wallet.credit({ key: 'seed', amount: 100, actor: { kind: 'user', id: 'U-fin' } });
  await setSources(app, fixtureSources(feeds.url));
  return app;
}

const EXPECTED = ['ai-lip-sync', 'faceless-channels', 'micro-dramas'];

async function intentsOf(app: Awaited<ReturnType<typeof bareApp>>) {
  const snap = await app.db.collection('intents').get();
  return snap.docs
    .map((d) => d.data())
    .sort((a, b) => String(a.normalizedTopic).localeCompare(String(b.normalizedTopic)));
}

test('a tick reads the configured sources over HTTP and yields the expected intents, a summary and health', async () => {
  const app = await testApp();
  const before = feeds.hits.get('/reddit/r/NewTubers/hot.json') ?? 0;
  const summary = await museOf(app).trends.runTick({ tickId: 'hourly-1' });
  assert.equal(feeds.hits.get('/reddit/r/NewTubers/hot.json'), before + 1);
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
  const health = status.trendSources as Array<Record<string, any>>;
  assert.deepEqual(
    health.map((h) => [h.id, h.ok, h.consecutiveFailures, h.lastTickId]),
    fixtureSources(feeds.url).map((s) => [s.id, true, 0, 'hourly-1']),
  );
  for (const h of health) {
    assert.ok(h.itemsLast > 0, h.id);
    assert.equal(h.lastSuccessAt.toDate().toISOString(), '2026-03-01T12:00:00.000Z');
  }
});

test('a duplicated tick, and a later tick within the window, create no duplicate intent', async () => {
  const app = await testApp();
  await museOf(app).trends.runTick({ tickId: 't1' });
  const again = await museOf(app).trends.runTick({ tickId: 't1' });
  assert.equal(again.duplicate, true);
  await Promise.all([
    museOf(app).trends.runTick({ tickId: 't1' }),
    museOf(app).trends.runTick({ tickId: 't1' }),
  ]);
  app.clock.advance(3_600_000);
  const next = await museOf(app).trends.runTick({ tickId: 't2' });
  assert.deepEqual([next.intents, next.deduped], [0, 3]);
  assert.equal((await intentsOf(app)).length, 3);
  app.clock.advance(24 * 3_600_000); // past the de-dupe window the topics may trend again
  assert.equal((await museOf(app).trends.runTick({ tickId: 't3' })).intents, 3);
  assert.equal((await intentsOf(app)).length, 6);
});

test('the threshold is configurable in the stored tick settings', async () => {
  const app = await testApp();
  await museOf(app).trends.putTickSettings({
    settings: {
      threshold: 30,
      dedupeWindowHours: 24,
      leaseMinutes: 5,
      maxProductionsPerTick: 10,
      vvs: { halfLifeHours: 6, maxAgeHours: 48, mentionScale: 3, engagementScale: 400, mentionWeight: 0.4 },
    },
    actor: operator,
    rationale: 'more intents',
    via: 'api',
  });
  const s = await museOf(app).trends.runTick({ tickId: 'low' });
  assert.deepEqual(s.intents, 4); // short form fatigue (35.1) joins
});

test('a disabled source is not read, and a source weight scales its contribution to VVS', async () => {
  const app = await testApp();
  const base = fixtureSources(feeds.url);
  await setSources(app, [
    { ...base[0]!, enabled: false },
    ...base.slice(1).map((s) => ({ ...s, weight: s.kind === 'reddit' ? 0.1 : 1 })),
  ]);
  const s = await museOf(app).trends.runTick({ tickId: 'weighted' });
  assert.deepEqual(
    s.sources.map((x) => x.id),
    ['reddit-aivideo', 'rss-creator-economy', 'atom-culture-desk'],
  );
  const full = await (async () => {
    const other = await testApp();
    return museOf(other).trends.runTick({ tickId: 'full' });
  })();
  const vvs = (sum: typeof s, key: string) => sum.top.find((t) => t.normalizedTopic === key)?.vvs ?? 0;
  assert.ok(vvs(s, 'ai-lip-sync') < vvs(full, 'ai-lip-sync'), "a 0.1 weight lowers the topic's VVS");
  const health = (await app.db.collection('muse').doc('status').get()).get('trendSources') as Array<{
    id: string;
    enabled: boolean;
    ok?: boolean;
  }>;
  assert.deepEqual(health[0], {
    id: 'reddit-newtubers',
    kind: 'reddit',
    enabled: false,
    consecutiveFailures: 0,
  });
});

test('while the engine is paused the tick refuses to scan and records a skip', async () => {
  const app = await testApp();
  await pauseEngine(app, { holder: 'operator', reason: 'maintenance', actor: { kind: 'user', id: 'U1' } });
  const s = await museOf(app).trends.runTick({ tickId: 'p1' });
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
    ...fixtureSources(feeds.url).map(sourceDefOf),
    { id: 'http-500', kind: 'reddit', url: `${base}/500`, limits },
    { id: 'timeout', kind: 'feed', url: `${base}/slow`, limits },
    { id: 'bad-json', kind: 'reddit', url: `${base}/bad.json`, limits },
    { id: 'not-listing', kind: 'reddit', url: `${base}/not-listing.json`, limits },
    { id: 'bad-xml', kind: 'feed', url: `${base}/bad.xml`, limits },
    { id: 'oversized', kind: 'feed', url: `${base}/big.xml`, limits },
  ];
  const app = await testApp();
  const s = await museOf(app).trends.runTick({ tickId: 'mixed', sources });
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
