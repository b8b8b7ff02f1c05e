/**
 * The CFO wallet through the real HTTP API (functions framework, emulators): spend is checked where
 * it happens (a debit under the panic line trips the breaker with no tick, the panic line re-arms
 * and trips again), the debit route's scope, rationale and audit, bad keys and amounts refused with
 * a 400 naming the problem, the exact-integer limits, and a full queue's 429 with Retry-After.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startHarness, type Harness } from '../../helpers/engine-harness.js';
import { MAX_AMOUNT } from '../../../functions/src/muse/wallet/core/money.js';
import { CONTROL } from '../../../functions/src/engine/store.js';
import { MAX_QUEUE, serialise } from '../../../functions/src/muse/wallet/wallet-tx.js';

let h: Harness;
let finance: string;
before(async () => {
  h = await startHarness();
  finance = await h.keyFor(['finance'], 'finance-desk');
});
after(async () => h.stop());

/** Each test works on a clean wallet: the ledger, head and breaker of the previous one are removed. */
async function resetWallet() {
  for (const c of ['ledger', 'wallet', CONTROL, 'audit'])
    await h.app.db.recursiveDelete(h.app.db.collection(c));
}

const credit = (key: string, amount: unknown) =>
  h.api('POST', '/v1/muse/wallet/credit', { key, amount }, { key: finance });
const debit = (body: Record<string, unknown>) =>
  h.api('POST', '/v1/muse/wallet/debit', body, { key: finance });
const wallet = async () => (await h.api('GET', '/v1/muse/wallet')).json;

test('a debit that takes the balance under the panic line trips the breaker at once, with no tick', async () => {
  await resetWallet();
  assert.equal((await credit('seed', 10)).status, 201);
  const r = await debit({
    idempotencyKey: 'agency-invoice-7',
    amount: 9,
    rationale: 'design agency invoice',
  });
  assert.equal(r.status, 201, r.text);
  const w = await wallet();
  assert.equal(w.wallet.balance, 1);
  assert.equal(w.breaker.tripped, true);
  assert.match(w.breaker.reason, /under the panic line/);
  const pause = (await h.api('GET', '/v1/engine')).json;
  assert.equal(pause.paused, true);
  assert.ok(pause.holds['cfo-breaker'], 'the engine pause switch holds for the breaker');
  const ticks = await h.app.db.collection('trendTicks').get();
  assert.equal(ticks.size, 0, 'no tick ran');
});

test('the panic line re-arms when the balance recovers, so a second fall trips again', async () => {
  await resetWallet();
  await credit('seed', 3);
  await debit({ idempotencyKey: 'd-1', amount: 2, rationale: 'hosting' });
  assert.equal((await wallet()).breaker.tripped, true);
  const o = await h.api(
    'POST',
    '/v1/muse/breaker/override',
    { rationale: 'accept the low balance until the grant lands' },
    { key: finance },
  );
  assert.equal(o.status, 200, o.text);
  let w = await wallet();
  assert.deepEqual([w.breaker.tripped, w.breaker.panicArmed], [false, false]);
  // Still under the line and disarmed: a further small debit does not trip again.
  await debit({ idempotencyKey: 'd-2', amount: 0.5, rationale: 'domain renewal' });
  assert.equal((await wallet()).breaker.tripped, false);
  // The grant brings the balance back above the line: re-armed in the same movement.
  await credit('grant', 10);
  w = await wallet();
  assert.deepEqual([w.breaker.tripped, w.breaker.panicArmed], [false, true]);
  await debit({ idempotencyKey: 'd-3', amount: 10, rationale: 'annual licence' });
  w = await wallet();
  assert.equal(w.breaker.tripped, true);
  assert.equal(w.breaker.trips, 2);
});

test('the debit route: finance scope, a rationale required, audited with who and why, idempotent', async () => {
  await resetWallet();
  await credit('seed', 50);
  const reader = await h.keyFor(['read'], 'reader');
  const body = { idempotencyKey: 'ext-1', amount: 4.5, rationale: 'stock footage licence', memo: 'PO 981' };
  const forbidden = await h.api('POST', '/v1/muse/wallet/debit', body, { key: reader });
  assert.equal(forbidden.status, 403);
  assert.match(forbidden.json.error.message, /finance/);
  for (const bad of [
    { ...body, rationale: undefined },
    { ...body, rationale: '   ' },
  ]) {
    const r = await debit(bad);
    assert.equal(r.status, 400, r.text);
    assert.match(r.json.error.message, /rationale/);
  }
  const ok = await debit(body);
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.wallet.balance, 45.5);
  assert.equal((await debit(body)).status, 200, 'the same key and amount is a replay');
  const clash = await debit({ ...body, amount: 5 });
  assert.equal(clash.status, 409);
  const audit = await h.app.db.collection('audit').where('action', '==', 'wallet.debit').get();
  assert.equal(audit.size, 1);
  const a = audit.docs[0]!.data();
  assert.equal(a.actor.name, 'finance-desk');
  assert.equal(a.rationale, 'stock footage licence');
  assert.equal(a.details.amount, 4.5);
  const ledger = (await h.api('GET', '/v1/muse/ledger?limit=1')).json;
  assert.deepEqual(
    [ledger.entries[0].type, ledger.entries[0].rationale, ledger.entries[0].note],
    ['debit', 'stock footage licence', 'PO 981'],
  );
});

test('odd and reserved ledger keys answer 400 naming the problem, and write nothing', async () => {
  await resetWallet();
  const odd = ['..', '.', '__x__', '__proto__', 'a/b', '/', 'x'.repeat(201), '\uD800', 'a\uDFFFb', '', 'a b'];
  const reserved = ['grant~release', 'grant~debit', 'reserve~run-1', '~'];
  for (const key of [...odd, ...reserved]) {
    const c = await credit(key, 1);
    assert.equal(c.status, 400, `credit ${JSON.stringify(key)}: ${c.text}`);
    assert.match(c.json.error.message, /key/);
    const d = await debit({ idempotencyKey: key, amount: 1, rationale: 'x' });
    assert.equal(d.status, 400, `debit ${JSON.stringify(key)}: ${d.text}`);
  }
  const r = await credit('grant~release', 1);
  assert.match(r.json.error.message, /reserved for the system/);
  assert.equal((await h.api('GET', '/v1/muse/ledger')).json.entries.length, 0);
});

test('amounts: what rounds to zero micros or splits a micro is refused; the balance stays an exact integer', async () => {
  await resetWallet();
  for (const amount of [1e-7, 0, -1, 1.0000001, MAX_AMOUNT + 1, '5', null]) {
    const r = await credit(`k-${String(amount)}`, amount);
    assert.equal(r.status, 400, `${String(amount)}: ${r.text}`);
  }
  // Seven maximum credits, then two 1-micro credits: every micro is counted.
  for (let i = 0; i < 7; i++) assert.equal((await credit(`max-${i}`, MAX_AMOUNT)).status, 201);
  assert.equal((await credit('micro-1', 0.000001)).status, 201);
  assert.equal((await credit('micro-2', 0.000001)).status, 201);
  let w = await wallet();
  assert.equal(w.wallet.micros.balance, 7 * MAX_AMOUNT * 1_000_000 + 2);
  // An eighth would pass the stated maximum balance (8e9): refused clearly, nothing moved.
  const over = await credit('max-7', MAX_AMOUNT);
  assert.equal(over.status, 409, over.text);
  assert.match(over.json.error.message, /exact range/);
  w = await wallet();
  assert.equal(w.wallet.micros.balance, 7 * MAX_AMOUNT * 1_000_000 + 2);
  assert.equal(w.wallet.entries, 9);
});

test('a full wallet queue answers 429 with Retry-After at once, and the same request later commits', async () => {
  await resetWallet();
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  // Hold the instance's wallet queue and fill it to its bound with movements that do nothing.
  const blocker = serialise(h.app.db, () => held);
  const fillers = Array.from({ length: MAX_QUEUE - 1 }, () => serialise(h.app.db, async () => undefined));
  const res = await fetch(`${h.baseUrl}/v1/muse/wallet/credit`, {
    method: 'POST',
    headers: { authorization: `Bearer ${finance}`, 'content-type': 'application/json' },
    body: JSON.stringify({ key: 'late-grant', amount: 5 }),
  });
  const body = (await res.json()) as { error: { code: string; message: string } };
  assert.equal(res.status, 429);
  assert.equal(body.error.code, 'rate_limited');
  assert.match(res.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
  release();
  await Promise.all([blocker, ...fillers]);
  assert.equal((await credit('late-grant', 5)).status, 201);
  assert.equal((await wallet()).wallet.balance, 5);
});
