import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reserveInTransaction, settleInTransaction } from '../../../functions/src/muse/wallet/ledger.js';
import { AppError } from '../../../functions/src/shared/errors.js';
import { testApp } from './app.js';
import { museOf } from '../../../functions/src/wiring/muse.js';

const finance = { kind: 'user' as const, id: 'U-fin', name: 'Fin' };
const isInvalid = (e: unknown) => e instanceof AppError && e.code === 'invalid_input';

test('50 concurrent reservations never overdraw the wallet, and the balance stays exact', async () => {
  const app = await testApp();
  await museOf(app).wallet.credit({ key: 'seed', amount: 30, actor: finance });
  // 30 - floor 5 = 25 available for reservations of 1 each: exactly 25 of 50 may succeed.
  const results = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      museOf(app).wallet.reserve({
        key: `r-${i}`,
        intentId: `i-${i}`,
        runId: `run-${i}`,
        amount: 1,
        floor: 5,
      }),
    ),
  );
  assert.equal(results.filter((r) => r.ok).length, 25);
  const refused = results.find((r) => !r.ok);
  assert.match(refused && !refused.ok ? refused.reason : '', /insufficient funds.*reserve floor/);
  const wallet = await museOf(app).wallet.get();
  assert.deepEqual([wallet.balance, wallet.reserved, wallet.available], [30, 25, 5]);
  assert.equal((await museOf(app).wallet.verify()).ok, true);
  const status = (await app.db.collection('muse').doc('status').get()).data();
  assert.deepEqual(status?.wallet, {
    balance: 30,
    reserved: 25,
    available: 5,
    currency: 'USD',
    burnRatePerHour: 0,
  });
});

test('duplicate idempotency keys create one entry', async () => {
  const app = await testApp();
  const a = await museOf(app).wallet.credit({ key: 'grant-1', amount: 10, actor: finance, note: 'seed' });
  const b = await museOf(app).wallet.credit({ key: 'grant-1', amount: 10, actor: finance, note: 'seed' });
  assert.deepEqual([a.replay, b.replay], [false, true]);
  await assert.rejects(
    museOf(app).wallet.credit({ key: 'grant-1', amount: 11, actor: finance }),
    (e: unknown) => e instanceof AppError && e.code === 'conflict',
  );
  const at = app.clock.now();
  const reserve = () =>
    app.db.runTransaction((tx) =>
      reserveInTransaction(app.db, tx, {
        key: 'res-1',
        intentId: 'i1',
        runId: 'run1',
        amount: 2,
        floor: 1,
        at,
      }),
    );
  assert.deepEqual(await reserve(), { ok: true, replay: false });
  assert.deepEqual(await reserve(), { ok: true, replay: true });
  const settle = () =>
    app.db.runTransaction((tx) =>
      settleInTransaction(app.db, tx, { reservationKey: 'res-1', actual: 1.25, at }),
    );
  assert.deepEqual(await settle(), { replay: false, debited: 1.25, released: 2 });
  assert.equal((await settle()).replay, true);
  const { entries } = await museOf(app).wallet.ledger({});
  assert.deepEqual(
    entries.map((e) => [e.seq, e.type, e.amount]),
    [
      [4, 'release', 2],
      [3, 'debit', 1.25],
      [2, 'reserve', 2],
      [1, 'credit', 10],
    ],
  );
  const page = await museOf(app).wallet.ledger({ limit: 2 });
  assert.equal(page.next, 3);
  assert.deepEqual(
    (await museOf(app).wallet.ledger({ limit: 2, after: page.next })).entries.map((e) => e.seq),
    [2, 1],
  );
  assert.deepEqual(await museOf(app).wallet.get(), {
    balance: 8.75,
    reserved: 0,
    available: 8.75,
    currency: 'USD',
    entries: 4,
    micros: { balance: 8_750_000, reserved: 0, available: 8_750_000 },
  });
  const audit = await app.db.collection('audit').where('action', '==', 'wallet.credit').get();
  assert.equal(audit.size, 1);
});

test('bad amounts are refused and write nothing', async () => {
  const app = await testApp();
  for (const amount of [-5, Number.NaN, '12' as unknown as number, Number.POSITIVE_INFINITY]) {
    await assert.rejects(
      museOf(app).wallet.credit({ key: `k-${String(amount)}`, amount, actor: finance }),
      isInvalid,
    );
    await assert.rejects(
      app.db.runTransaction((tx) =>
        reserveInTransaction(app.db, tx, {
          key: 'r',
          intentId: 'i',
          runId: 'run',
          amount,
          floor: 0,
          at: app.clock.now(),
        }),
      ),
      isInvalid,
    );
  }
  await assert.rejects(museOf(app).wallet.credit({ key: 'bad/key', amount: 1, actor: finance }), isInvalid);
  assert.equal((await museOf(app).wallet.ledger()).entries.length, 0);
});

test('refusals inside a burst leave nothing behind: the movements grouped with them commit exactly', async () => {
  const app = await testApp();
  await museOf(app).wallet.credit({ key: 'used', amount: 10, actor: finance });
  const credits = Array.from({ length: 20 }, (_, i) =>
    museOf(app).wallet.credit({ key: `g-${i}`, amount: 0.5, actor: finance }),
  );
  // Decided in the same groups as the credits, and each refused there: a key already used by a
  // credit, a settlement of a reservation that does not exist, a credit clashing with a prior one.
  const refused = [
    ...Array.from({ length: 5 }, (_, i) =>
      museOf(app).wallet.reserve({ key: 'used', intentId: `i-${i}`, runId: `r-${i}`, amount: 1, floor: 0 }),
    ),
    ...Array.from({ length: 5 }, (_, i) =>
      museOf(app).wallet.settle({ reservationKey: `reserve~missing-${i}`, actual: 1 }),
    ),
    museOf(app).wallet.credit({ key: 'used', amount: 11, actor: finance }),
  ];
  const [ok, bad] = await Promise.all([Promise.allSettled(credits), Promise.allSettled(refused)]);
  assert.equal(ok.filter((r) => r.status === 'fulfilled').length, 20);
  const codes = bad.map((r) =>
    r.status === 'rejected' && r.reason instanceof AppError ? r.reason.code : 'ok',
  );
  assert.deepEqual(codes.sort(), [...Array(6).fill('conflict'), ...Array(5).fill('not_found')].sort());
  const proof = await museOf(app).wallet.verify();
  assert.equal(proof.ok, true);
  assert.equal(proof.head.micros.balance, 20_000_000);
  assert.equal(proof.head.entries, 21);
  const audit = await app.db.collection('audit').where('action', '==', 'wallet.credit').get();
  assert.equal(audit.size, 21, 'one audit record per committed credit, none for the refused');
});
