/**
 * The wallet settings document (`config/walletSettings`) through the real HTTP API: the code's
 * defaults until someone stores it, bad input named, the finance scope, an audited change, the
 * CFO gate reading the stored reserve floor (no deploy), and a stored document that does not parse
 * refused by the wallet's use cases with the field named (never replaced by the defaults) and
 * listed by /healthz.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEFAULT_WALLET_SETTINGS } from '../../../functions/src/muse/wallet/policy.js';
import { sourceDefOf } from '../../../functions/src/muse/trends/sources/sources.js';
import { museOf } from '../../../functions/src/wiring/muse.js';
import { fixtureSources, startFeedServer } from '../../../scripts/lib/feed-server.js';
import { startHarness, type Harness } from '../../helpers/engine-harness.js';
import { addIntent } from '../production/fixtures.js';

let h: Harness;
let finance: string;
let operator: string;
let reader: string;
before(async () => {
  h = await startHarness();
  finance = await h.keyFor(['finance'], 'finance-desk');
  operator = await h.keyFor(['operator', 'runs'], 'ops');
  reader = await h.keyFor(['read'], 'reader');
});
after(async () => h.stop());

const PATH = '/v1/muse/settings/wallet';
const valid = { ...DEFAULT_WALLET_SETTINGS, rationale: 'the defaults, written down' };
const ended = (r: { status: string }) => r.status === 'succeeded' || r.status === 'failed';

test('wallet settings: the defaults, bad input named, the finance scope, an audited change', async () => {
  const d = await h.api('GET', PATH, undefined, { key: reader });
  assert.equal(d.status, 200, d.text);
  assert.deepEqual([d.json.ok, d.json.origin, d.json.value.reserveFloor], [true, 'default', 5]);
  assert.deepEqual(d.json.value.priceTable['local-muse-1'], { inputPer1k: 0.0003, outputPer1k: 0.0025 });

  for (const [patch, re] of [
    [{ reserveFloor: -1 }, /reserveFloor/],
    [{ panicLine: 'two' }, /panicLine/],
    [{ burnWindowMinutes: 0 }, /burnWindowMinutes/],
    [{ currency: 'dollars' }, /currency/],
    [
      { priceTable: { 'gemini-2.5-flash': { inputPer1k: 0.1 } } },
      /priceTable\.gemini-2\.5-flash\.outputPer1k/,
    ],
    [{ rationale: '  ' }, /rationale/],
    [{ reserveFlor: 3 }, /reserveFlor/],
  ] as Array<[object, RegExp]>) {
    const r = await h.api('PUT', PATH, { ...valid, ...patch }, { key: finance });
    assert.equal(r.status, 400, JSON.stringify(patch));
    assert.match(r.json.error.message, re);
  }
  assert.equal((await h.api('PUT', PATH, valid, { key: reader })).status, 403);
  assert.equal((await h.api('PUT', PATH, valid, { key: operator })).status, 403);

  const ok = await h.api('PUT', PATH, { ...valid, reserveFloor: 7.5 }, { key: finance });
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(
    [ok.json.origin, ok.json.value.reserveFloor, ok.json.rationale],
    ['stored', 7.5, valid.rationale],
  );
  const audit = await h.app.db.collection('audit').where('action', '==', 'muse.wallet-settings.update').get();
  assert.equal(audit.size, 1);
  assert.deepEqual(
    [audit.docs[0]!.get('target'), audit.docs[0]!.get('rationale'), audit.docs[0]!.get('details.before')],
    ['config/walletSettings', valid.rationale, null],
  );
  assert.equal(audit.docs[0]!.get('details.after.reserveFloor'), 7.5);
});

test('the CFO gate reads the stored reserve floor: raised over the balance, production is unfunded', async () => {
  assert.equal(
    (await h.api('POST', '/v1/muse/wallet/credit', { key: 'seed', amount: 50 }, { key: finance })).status,
    201,
  );
  const raised = await h.api(
    'PUT',
    PATH,
    { ...valid, reserveFloor: 60, rationale: 'hold 60 back' },
    { key: finance },
  );
  assert.equal(raised.status, 200, raised.text);
  const r = await h.api('POST', '/v1/muse/intents', { topic: 'sourdough starters' }, { key: operator });
  assert.equal(r.status, 201, r.text);
  const run = await h.waitForRun(r.json.runId, ended);
  assert.equal(run.steps.gate!.edge, 'unfunded');
  const intent = (await h.app.db.collection('intents').doc(r.json.intentId).get()).data()!;
  assert.equal(intent.status, 'unfunded');
  assert.match(intent.reason, /reserve floor/);

  // Lowered again, the same intent is produced: the gate reads the document each time.
  await h.api('PUT', PATH, { ...valid, reserveFloor: 5, rationale: 'back to 5' }, { key: finance });
  const again = await h.api('POST', `/v1/muse/intents/${r.json.intentId}/produce`, undefined, {
    key: operator,
  });
  assert.equal(again.status, 201, again.text);
  const second = await h.waitForRun(again.json.runId, ended);
  assert.equal(second.steps.gate!.edge, 'funded');
});

test('a stored document that does not parse: refused with the field named, never the defaults; /healthz lists it', async () => {
  await h.app.db.doc('config/walletSettings').set({ ...DEFAULT_WALLET_SETTINGS, reserveFloor: 'lots' });
  const read = await h.api('GET', PATH, undefined, { key: reader });
  assert.equal(read.json.ok, false);
  assert.match(read.json.error, /config\/walletSettings is invalid: reserveFloor/);
  const credit = await h.api('POST', '/v1/muse/wallet/credit', { key: 'more', amount: 1 }, { key: finance });
  assert.equal(credit.status, 422, credit.text);
  assert.match(credit.json.error.message, /config\/walletSettings is invalid: reserveFloor/);
  const health = await h.api('GET', '/healthz', undefined, { key: null });
  assert.deepEqual(
    health.json.invalidSettings.map((s: { path: string }) => s.path),
    ['config/walletSettings'],
  );
  assert.match(health.json.invalidSettings[0].error, /reserveFloor/);
  // A production that reaches the CFO gate meanwhile fails closed at once, naming the field (it is
  // not redelivered until it dead-letters), and its intent is parked as unfunded with the reason.
  await addIntent(h.app.db, 'i-broken-wallet', 'kombucha');
  const { runId } = await museOf(h.app).production.produceIntent({
    intentId: 'i-broken-wallet',
    actor: { kind: 'user', id: 'U-op' },
  });
  const run = await h.waitForRun(runId, ended);
  assert.equal(run.status, 'failed');
  assert.equal(run.steps.gate!.failureClass, 'terminal', 'failed closed by the gate, not dead-lettered');
  assert.match(String(run.steps.gate!.error), /config\/walletSettings is invalid: reserveFloor/);
  const parked = (await h.app.db.collection('intents').doc('i-broken-wallet').get()).data()!;
  assert.equal(parked.status, 'unfunded');
  assert.match(parked.reason, /reserveFloor/);
  // Fixed by a PUT, the wallet moves again.
  assert.equal((await h.api('PUT', PATH, valid, { key: finance })).status, 200);
  assert.equal(
    (await h.api('POST', '/v1/muse/wallet/credit', { key: 'more', amount: 1 }, { key: finance })).status,
    201,
  );
});

test('broken wallet settings reach finance: a sev2 incident naming the field, escalated to Slack, once; a tick still scans; the PUT that fixes them resolves it', async () => {
  const feeds = await startFeedServer();
  const walletIncidents = async () =>
    (await h.app.db.collection('incidents').where('source', '==', 'wallet').get()).docs.map((d) => d.data());
  const tick = (tickId: string) =>
    museOf(h.app).trends.runTick({ tickId, sources: fixtureSources(feeds.url).map(sourceDefOf) });
  try {
    await h.app.db.doc('config/walletSettings').set({ ...DEFAULT_WALLET_SETTINGS, panicLine: 'low' });
    // A tick: the breaker cannot look at the wallet, the scan goes on (intents spend nothing), and
    // finance is told.
    const first = await tick('wallet-broken-1');
    assert.equal(first.status, 'done', first.reason);
    assert.ok(first.intents > 0, 'the scan created intents');
    // (The test before resolved the one its broken document raised.)
    const [incident, ...more] = (await walletIncidents()).filter((i) => i.status === 'open');
    assert.ok(incident, 'a wallet incident is open');
    assert.equal(more.length, 0);
    assert.deepEqual([incident.severity, incident.team, incident.status], ['sev2', 'finance', 'open']);
    assert.match(incident.summary, /config\/walletSettings is invalid: panicLine/);
    assert.match(incident.summary, /PUT \/v1\/muse\/settings\/wallet/);
    // Escalated as any incident is: its first Slack message is on its way.
    await h.waitFor('the incident in the Slack outbox', async () => {
      const q = await h.app.db.collection('slackOutbox').where('ref.id', '==', incident.id).get();
      return q.size > 0 || undefined;
    });
    // The gate that fails closed meanwhile, and the next tick, find the same incident open.
    await addIntent(h.app.db, 'i-wallet-incident', 'kombucha');
    const { runId } = await museOf(h.app).production.produceIntent({
      intentId: 'i-wallet-incident',
      actor: { kind: 'user', id: 'U-op' },
    });
    assert.equal((await h.waitForRun(runId, ended)).status, 'failed');
    await tick('wallet-broken-2');
    assert.deepEqual(
      (await walletIncidents()).filter((i) => i.status === 'open').map((i) => i.id),
      [incident.id],
      'one incident for one cause',
    );

    // Fixed through the API: resolved at once as recovered, naming who fixed it.
    const put = await h.api(
      'PUT',
      PATH,
      { ...valid, rationale: 'panic line back to a number' },
      { key: finance },
    );
    assert.equal(put.status, 200, put.text);
    const fixed = (await h.app.db.collection('incidents').doc(incident.id).get()).data()!;
    assert.equal(fixed.status, 'resolved');
    assert.match(fixed.resolution, /config\/walletSettings replaced by .*panic line back to a number/);
    const decided = await h.app.db.collection('slackOutbox').doc(`decided~incident~${incident.id}`).get();
    assert.ok(decided.exists, 'its Slack messages are rewritten as resolved');

    // Broken again and fixed by other means than the API: the next tick that reads them whole resolves it.
    await h.app.db.doc('config/walletSettings').set({ ...DEFAULT_WALLET_SETTINGS, burnWindowMinutes: -5 });
    await tick('wallet-broken-3');
    const again = (await walletIncidents()).find((i) => i.status === 'open');
    assert.ok(again, 'a new incident for the new breakage');
    assert.match(again.summary, /burnWindowMinutes/);
    await h.app.db.doc('config/walletSettings').set({ ...DEFAULT_WALLET_SETTINGS });
    await tick('wallet-fixed-4');
    const healed = (await h.app.db.collection('incidents').doc(again.id).get()).data()!;
    assert.equal(healed.status, 'resolved');
    assert.match(healed.resolution, /parses again \(read by trend tick wallet-fixed-4\)/);
  } finally {
    await feeds.stop();
  }
});

test('odd price-table model names and prices: a 400 naming the entry or a stored table that reads back, never a 5xx', async () => {
  const perMinute = { perMinute: 0.024 };
  const answers: string[] = [];
  for (const name of ['', '.', '..', '__x__', 'a/b', 'a.b', 'x'.repeat(2048), '\uD800', '__proto__']) {
    const table = JSON.parse(`{${JSON.stringify(name)}:${JSON.stringify(perMinute)}}`) as object;
    const r = await h.api('PUT', PATH, { ...valid, priceTable: table }, { key: finance });
    answers.push(`${JSON.stringify(name.slice(0, 12))} ${r.status}`);
    assert.ok(r.status === 200 || r.status === 400, `${name.slice(0, 20)}: ${r.status} ${r.text}`);
    if (r.status === 400) assert.match(r.json.error.message, /priceTable/, r.text);
    else {
      const back = await h.api('GET', PATH, undefined, { key: reader });
      assert.equal(back.json.ok, true, back.text);
      assert.deepEqual(Object.entries(back.json.value.priceTable), [[name, perMinute]], back.text);
    }
  }
  console.log(answers.join(', '));
  for (const [price, re] of [
    [{ perMinute: -1 }, /priceTable\.m\.perMinute/],
    [{ perMinute: null }, /priceTable\.m\.perMinute/], // NaN travels as null in JSON
    [{ perMinute: 1e308 }, /priceTable\.m\.perMinute/],
    [{ perMinute: '0.02' }, /priceTable\.m\.perMinute/],
    [{ perMinute: 0.02, perSecond: 0.001 }, /priceTable\.m.*exactly one kind/],
    [{ perImage: 0.04, inputPer1k: 0.1 }, /priceTable\.m.*exactly one kind/],
    [{}, /priceTable\.m.*exactly one kind/],
    [{ perMinute: 0.02, perHour: 1 }, /perHour/],
  ] as Array<[object, RegExp]>) {
    const r = await h.api('PUT', PATH, { ...valid, priceTable: { m: price } }, { key: finance });
    assert.equal(r.status, 400, `${JSON.stringify(price)}: ${r.text}`);
    assert.match(r.json.error.message, re);
  }
});
