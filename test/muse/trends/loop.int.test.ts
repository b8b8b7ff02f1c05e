/**
 * The muse's loop through the real triggers: the scheduled `museTrendTick` (a Pub/Sub push from the
 * emulator to the functions framework) and the HTTP API, reading the sources over HTTP from the
 * local feed server, creating intents and starting their production. Also: the sources and tick
 * settings API (bad input, scopes, audit), a loop whose sources all fail (incident, health),
 * broken settings named in the status, and production on demand.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TREND_SOURCES } from '../../../functions/src/muse/settings.js';
import { fixtureSources, startFeedServer, type FeedServer } from '../../../scripts/lib/feed-server.js';
import { startHarness, type Harness } from '../../helpers/engine-harness.js';
import { museOf } from '../../../functions/src/wiring/muse.js';

let h: Harness;
let feeds: FeedServer;
let operatorKey: string;
let readKey: string;
const finance = { kind: 'user' as const, id: 'U-fin' };

before(async () => {
  h = await startHarness();
  feeds = await startFeedServer();
  await museOf(h.app).wallet.credit({ key: 'seed', amount: 100, actor: finance });
  operatorKey = await h.keyFor(['operator'], 'ops-olga');
  readKey = await h.keyFor(['read'], 'reader');
});
after(async () => {
  await feeds.stop();
  await h.stop();
});

const putSources = (sources: unknown, o: { key?: string; rationale?: string } = {}) =>
  h.api(
    'PUT',
    '/v1/muse/sources',
    { sources, rationale: o.rationale ?? 'test' },
    { key: o.key ?? operatorKey },
  );
const ended = (r: { status: string }) => r.status === 'succeeded' || r.status === 'failed';
const get = async (col: string, id: string) => (await h.app.db.collection(col).doc(id).get()).data();

/** Fires the scheduled job the way Cloud Scheduler does; returns the tick id the trigger derives. */
async function fireScheduledTick(at: string): Promise<Record<string, any>> {
  await h.app.bus.publish('muse-trend-tick', { job: 'muse-trend-tick' }, { scheduledTime: at });
  const tickId = `hourly-${new Date(at).toISOString().replace(/[^0-9TZ]/g, '')}`;
  return h.waitFor(`tick ${tickId}`, async () => {
    const t = await get('trendTicks', tickId);
    return t && t.status !== 'running' ? t : undefined;
  });
}

test('sources settings: the documented defaults, bad input named, scopes, and an audited change', async () => {
  const fresh = await h.api('GET', '/v1/muse/sources', undefined, { key: readKey });
  assert.equal(fresh.status, 200);
  assert.equal(fresh.json.origin, 'default');
  assert.ok(fresh.json.sources.length >= 4);
  assert.ok(
    fresh.json.sources.some((s: any) => s.url.startsWith('https://www.reddit.com/r/popular/hot.json')),
  );

  const good = fixtureSources(feeds.url);
  const bad: Array<[unknown, RegExp]> = [
    [[{ ...good[0], subreddit: 'no spaces!' }], /sources\.0\.subreddit/],
    [[good[0], { ...good[2], id: good[0]!.id }], /sources\.1\.id: duplicate source id/],
    [[{ ...good[2], url: 'file:///etc/passwd' }], /sources\.0\.url: must be an http\(s\) URL/],
    [[{ ...good[2], timeoutMs: 5 }], /sources\.0\.timeoutMs/],
    [[{ ...good[2], kind: 'myspace' }], /sources\.0\.kind/],
    [[{ ...good[2], colour: 'red' }], /colour/],
    ['not a list', /sources/],
  ];
  for (const [sources, re] of bad) {
    const r = await putSources(sources);
    assert.equal(r.status, 400, JSON.stringify(sources));
    assert.match(r.json.error.message, re);
  }
  const noWhy = await h.api('PUT', '/v1/muse/sources', { sources: good }, { key: operatorKey });
  assert.equal(noWhy.status, 400);
  assert.match(noWhy.json.error.message, /rationale/);
  assert.equal((await putSources(good, { key: readKey })).status, 403);
  assert.equal(await get('config', 'trendSources'), undefined, 'nothing refused was stored');

  const ok = await putSources(good, { rationale: 'local fixture feeds for the loop tests' });
  assert.equal(ok.status, 200);
  assert.equal(ok.json.origin, 'stored');
  assert.deepEqual(
    ok.json.sources.map((s: any) => [s.id, s.url]),
    [
      ['reddit-newtubers', `${feeds.url}/reddit/r/NewTubers/hot.json?limit=100&raw_json=1`],
      ['reddit-aivideo', `${feeds.url}/reddit/r/aivideo/hot.json?limit=100&raw_json=1`],
      ['rss-creator-economy', `${feeds.url}/feeds/creator-economy.rss.xml`],
      ['atom-culture-desk', `${feeds.url}/feeds/culture-desk.atom.xml`],
    ],
  );
  const audit = await h.app.db.collection('audit').where('action', '==', 'muse.sources.update').get();
  assert.equal(audit.size, 1);
  const a = audit.docs[0]!.data();
  assert.deepEqual(
    [a.actor.name, a.rationale, a.via, a.target],
    ['ops-olga', 'local fixture feeds for the loop tests', 'api', 'config/trendSources'],
  );
  assert.deepEqual(a.details, { before: null, after: good.map((s) => s.id) });
});

test('tick settings: defaults, bad input named, scope, audited change', async () => {
  const d = await h.api('GET', '/v1/muse/settings/trends', undefined, { key: readKey });
  assert.deepEqual(
    [d.status, d.json.origin, d.json.value.threshold, d.json.value.dedupeWindowHours],
    [200, 'default', 50, 24],
  );
  const body = { threshold: 50, dedupeWindowHours: 24, rationale: 'same as the defaults' };
  for (const [patch, re] of [
    [{ threshold: 150 }, /threshold/],
    [{ dedupeWindowHours: -1 }, /dedupeWindowHours/],
    [{ vvs: { halfLifeHours: 0 } }, /vvs\.halfLifeHours/],
    [{ rationale: '' }, /rationale/],
    [{ thresold: 40 }, /thresold/],
  ] as Array<[object, RegExp]>) {
    const r = await h.api('PUT', '/v1/muse/settings/trends', { ...body, ...patch }, { key: operatorKey });
    assert.equal(r.status, 400, JSON.stringify(patch));
    assert.match(r.json.error.message, re);
  }
  assert.equal((await h.api('PUT', '/v1/muse/settings/trends', body, { key: readKey })).status, 403);
  const ok = await h.api('PUT', '/v1/muse/settings/trends', body, { key: operatorKey });
  assert.deepEqual([ok.status, ok.json.origin, ok.json.value.leaseMinutes], [200, 'stored', 5]);
  const audit = await h.app.db.collection('audit').where('action', '==', 'muse.trend-settings.update').get();
  assert.equal(audit.docs[0]?.get('rationale'), 'same as the defaults');
});

test('the scheduled tick reads the sources over HTTP, creates intents and starts their production', async () => {
  const hitsBefore = feeds.hits.get('/feeds/culture-desk.atom.xml') ?? 0;
  const tick = await fireScheduledTick('2026-12-01T10:00:00Z');
  assert.equal(tick.status, 'done', JSON.stringify(tick.summary));
  assert.equal(feeds.hits.get('/feeds/culture-desk.atom.xml'), hitsBefore + 1);
  assert.deepEqual([tick.summary.sourcesOk, tick.summary.sourcesFailed, tick.summary.intents], [4, 0, 3]);
  for (const intentId of tick.summary.intentIds as string[]) {
    const intent = await h.waitFor(`production of ${intentId}`, async () => {
      const i = await get('intents', intentId);
      return i?.runId ? i : undefined;
    });
    const run = await h.waitForRun(intent.runId, (r) => r.workflow === 'muse-production');
    assert.equal((run.input as { intentId: string }).intentId, intentId);
  }
  // Let the productions finish, so later ticks do not queue behind them on the status document.
  for (const intentId of tick.summary.intentIds as string[]) {
    const { runId } = (await get('intents', intentId))!;
    await h.waitForRun(runId, ended, 90_000);
  }
  const status = await h.api('GET', '/v1/muse/status', undefined, { key: readKey });
  assert.deepEqual(
    status.json.trendSources.map((s: any) => [s.id, s.ok, s.consecutiveFailures]),
    fixtureSources(feeds.url).map((s) => [s.id, true, 0]),
  );
  assert.deepEqual(status.json.trendSettings.sources, { ok: true, origin: 'stored' });
});

test('POST /v1/muse/ticks does what the scheduled tick does, production included', async () => {
  // A zero de-dupe window lets the same fixture topics become intents again.
  const s = await h.api(
    'PUT',
    '/v1/muse/settings/trends',
    { dedupeWindowHours: 0, rationale: 'produce the fixture topics again' },
    { key: operatorKey },
  );
  assert.equal(s.status, 200);
  const r = await h.api('POST', '/v1/muse/ticks', { tickId: 'by-hand-1' }, { key: operatorKey });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.json.status, r.json.intents, r.json.production.runIds.length], ['done', 3, 3]);
  for (const runId of r.json.production.runIds as string[])
    assert.equal((await h.waitForRun(runId, ended, 90_000)).workflow, 'muse-production');
  const again = await h.api('POST', '/v1/muse/ticks', { tickId: 'by-hand-1' }, { key: operatorKey });
  assert.equal(again.status, 200);
  assert.equal(again.json.duplicate, true);
  assert.deepEqual(again.json.production.runIds, r.json.production.runIds, 'a replay starts nothing new');
  assert.equal((await h.api('POST', '/v1/muse/ticks', {}, { key: readKey })).status, 403);
});

test('a scheduled tick whose sources all fail opens a sev3 incident and records each source failing', async () => {
  const dead = [
    { id: 'gone-feed', kind: 'feed', url: `${feeds.url}/feeds/gone.xml`, timeoutMs: 2000 },
    { id: 'gone-reddit', kind: 'reddit', subreddit: 'nosuchsub', baseUrl: `${feeds.url}/reddit` },
  ];
  assert.equal((await putSources(dead, { rationale: 'sources that are gone' })).status, 200);
  const tick = await fireScheduledTick('2026-12-01T11:00:00Z');
  assert.equal(tick.status, 'failed');
  assert.match(
    tick.summary.reason,
    /every enabled source failed \(gone-feed: HTTP 404.*gone-reddit: HTTP 404/,
  );
  const incident = (await get('incidents', tick.summary.incidentId))!;
  assert.deepEqual([incident.severity, incident.source, incident.status], ['sev3', 'trends', 'open']);
  assert.match(incident.summary, /gone-feed: HTTP 404 Not Found; gone-reddit: HTTP 404 Not Found/);
  const second = await fireScheduledTick('2026-12-01T12:00:00Z');
  assert.equal(second.summary.incidentId, tick.summary.incidentId, 'the open incident covers the next one');
  const view = await h.api('GET', '/v1/muse/sources', undefined, { key: readKey });
  assert.deepEqual(
    view.json.sources.map((s: any) => [s.id, s.health.ok, s.health.consecutiveFailures, s.health.itemsLast]),
    [
      ['gone-feed', false, 2, 0],
      ['gone-reddit', false, 2, 0],
    ],
  );
  assert.match(view.json.sources[0].health.lastError, /HTTP 404/);
  const status = await h.api('GET', '/v1/muse/status', undefined, { key: readKey });
  assert.deepEqual([status.json.lastTick.status, status.json.lastTick.id], ['failed', second.id]);

  // The sources come back: the next tick that scans resolves the incident, naming the recovery,
  // so its escalation stops and no one is paged for a cause that has recovered.
  assert.equal((await putSources([fixtureSources(feeds.url)[0]], { rationale: 'feed is back' })).status, 200);
  const third = await fireScheduledTick('2026-12-01T12:30:00Z');
  assert.notEqual(third.status, 'failed');
  const after = (await get('incidents', tick.summary.incidentId))!;
  assert.equal(after.status, 'resolved');
  assert.match(after.resolution, /recovered: tick .* read 1 of 1 sources/);
  const last = after.timeline.at(-1);
  assert.deepEqual([last.type, last.recovery, last.actor.id], ['resolved', 'trends', 'trends']);
  const decided = await h.app.db
    .collection('slackOutbox')
    .doc(`decided~incident~${tick.summary.incidentId}`)
    .get();
  assert.equal(decided.get('data.by'), 'system:trends');
  // Production started by the recovered tick must finish before the next test changes the sources.
  for (const intentId of third.summary.intentIds as string[]) {
    const intent = await h.waitFor(`production of ${intentId}`, async () => {
      const i = await get('intents', intentId);
      return i?.runId ? i : undefined;
    });
    await h.waitForRun(intent.runId, ended, 90_000);
  }
});

test('a stored sources document that does not parse is named in the status and fails the tick', async () => {
  await h.app.db
    .doc(TREND_SOURCES.path)
    .set({ sources: [{ id: 'Bad Id', kind: 'feed', url: 'https://example.com/f' }] });
  const status = await h.api('GET', '/v1/muse/status', undefined, { key: readKey });
  assert.equal(status.json.trendSettings.sources.ok, false);
  assert.match(status.json.trendSettings.sources.error, /config\/trendSources is invalid: sources\.0\.id/);
  const view = await h.api('GET', '/v1/muse/sources', undefined, { key: readKey });
  assert.match(view.json.error, /sources\.0\.id/);
  assert.deepEqual(view.json.stored, [{ id: 'Bad Id', kind: 'feed', url: 'https://example.com/f' }]);
  const tick = await fireScheduledTick('2026-12-01T13:00:00Z');
  assert.equal(tick.status, 'failed');
  assert.match(tick.summary.reason, /sources\.0\.id/);
  assert.deepEqual(tick.summary.sources, [], 'the defaults were not read in its place');
  assert.equal((await putSources(fixtureSources(feeds.url), { rationale: 'fixed' })).status, 200);
});

test('production on demand: created through the CFO gate, idempotent by requestId, refused clearly', async () => {
  const ask = (body: unknown, key?: string) => h.api('POST', '/v1/muse/intents', body, key ? { key } : {});
  const r = await ask({ topic: 'Lo-fi study streams', requestId: 'req-lofi-1' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.intentId, 'request~req-lofi-1');
  const run = await h.waitForRun(r.json.runId, (x) => x.steps.gate?.status === 'done');
  assert.equal(run.steps.gate!.edge, 'funded');
  const intent = (await get('intents', r.json.intentId))!;
  assert.deepEqual([intent.origin, intent.normalizedTopic], ['request', 'lo-fi-study-streams']);

  const replay = await ask({ topic: 'Lo-fi study streams', requestId: 'req-lofi-1' });
  assert.deepEqual([replay.status, replay.json.runId, replay.json.created], [200, r.json.runId, false]);
  const reused = await ask({ topic: 'something else', requestId: 'req-lofi-1' });
  assert.equal(reused.status, 409);
  for (const [body, re] of [
    [{}, /topic/],
    [{ topic: 'x' }, /topic/],
    [{ topic: 'news' }, /generic label/],
    [{ topic: 'ok topic', requestId: 'no' }, /requestId/],
  ] as Array<[object, RegExp]>) {
    const bad = await ask(body);
    assert.equal(bad.status, 400, JSON.stringify(body));
    assert.match(bad.json.error.message, re);
  }
  assert.equal((await ask({ topic: 'city gardens' }, readKey)).status, 403);

  await museOf(h.app).wallet.trip({ reason: 'test: spend review', actor: finance });
  const held = await ask({ topic: 'city gardens' });
  assert.equal(held.status, 409);
  assert.match(held.json.error.message, /CFO breaker holds every loop \(.*test: spend review\)/);
  const refused = await h.app.db
    .collection('audit')
    .where('action', '==', 'muse.produce.request')
    .where('outcome', '==', 'refused')
    .get();
  assert.ok(refused.docs.some((d) => /breaker/.test(String(d.get('reason')))));
  await museOf(h.app).wallet.override({ actor: finance, rationale: 'test done' });
  const okAudit = await h.app.db
    .collection('audit')
    .where('target', '==', 'intents/request~req-lofi-1')
    .get();
  assert.equal(okAudit.size, 1);
  await h.waitForRun(r.json.runId, ended, 90_000);
});
