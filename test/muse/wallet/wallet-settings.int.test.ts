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
import { museOf } from '../../../functions/src/wiring/muse.js';
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
