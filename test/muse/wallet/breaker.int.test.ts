import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reserveInTransaction, settleInTransaction } from '../../../functions/src/muse/wallet/ledger.js';
import { getPause } from '../../../functions/src/engine/pause.js';
import { AppError } from '../../../functions/src/shared/errors.js';
import { testApp, type TestApp } from './app.js';
import { museOf } from '../../../functions/src/wiring/muse.js';

const finance = { kind: 'user' as const, id: 'U-fin', name: 'Fin' };

async function spend(app: TestApp, key: string, amount: number) {
  const at = app.clock.now();
  await app.db.runTransaction((tx) =>
    reserveInTransaction(app.db, tx, { key, intentId: key, runId: key, amount, floor: 0, at }),
  );
  await app.db.runTransaction((tx) =>
    settleInTransaction(app.db, tx, { reservationKey: key, actual: amount, at }),
  );
}

test('the breaker trips on the panic line: pause hold, event, Slack outbox, status; ticks skip', async () => {
  const app = await testApp();
  await museOf(app).wallet.credit({ key: 'seed', amount: 10, actor: finance });
  assert.equal((await museOf(app).wallet.checkBreaker()).tripped, false);
  await spend(app, 'run-1', 9); // balance 1 < panic line 2
  const r = await museOf(app).wallet.checkBreaker();
  assert.deepEqual([r.tripped, r.newlyTripped], [true, true]);
  assert.match(r.reason ?? '', /under the panic line/);
  assert.equal((await museOf(app).wallet.checkBreaker()).newlyTripped, false);
  const pause = await getPause(app);
  assert.ok(pause.paused && pause.holds['cfo-breaker']);
  const events = await app.db.collection('events').where('type', '==', 'muse.breaker.tripped').get();
  assert.equal(events.size, 1);
  const slack = await app.db.collection('slackOutbox').where('kind', '==', 'breaker').get();
  assert.equal(slack.docs[0]?.get('channelKey'), 'finance');
  const status = (await app.db.collection('muse').doc('status').get()).data()!;
  assert.deepEqual([status.breaker.tripped, status.loop.state], [true, 'paused']);
  assert.equal((await museOf(app).trends.runTick({ tickId: 'during-panic' })).status, 'skipped');
});

test('the breaker trips on a burn-rate spike', async () => {
  const app = await testApp();
  await museOf(app).wallet.credit({ key: 'seed', amount: 500, actor: finance });
  await spend(app, 'a', 15);
  assert.equal((await museOf(app).wallet.checkBreaker()).tripped, false);
  await spend(app, 'b', 6); // 21 in the last hour > 20/h
  const r = await museOf(app).wallet.checkBreaker();
  assert.equal(r.tripped, true);
  assert.match(r.reason ?? '', /burn rate 21\.00\/h/);
  assert.equal(r.burnRatePerHour, 21);
});

test('override: refused without a rationale; with one it releases the hold, audited and evented', async () => {
  const app = await testApp();
  await museOf(app).wallet.credit({ key: 'seed', amount: 100, actor: finance });
  await museOf(app).wallet.trip({ reason: 'manual stop for a pricing review', actor: finance });
  await assert.rejects(
    museOf(app).wallet.override({ actor: finance, rationale: '   ' }),
    (e: unknown) => e instanceof AppError && e.code === 'invalid_input',
  );
  assert.equal((await getPause(app)).paused, true);
  const refused = await app.db.collection('audit').where('outcome', '==', 'refused').get();
  assert.equal(refused.size, 1);
  const ok = await museOf(app).wallet.override({
    actor: finance,
    rationale: 'pricing reviewed, budget topped up',
  });
  assert.equal(ok.loop, 'running');
  assert.equal((await getPause(app)).paused, false);
  assert.equal((await museOf(app).wallet.breaker()).tripped, false);
  const audit = await app.db
    .collection('audit')
    .where('action', '==', 'breaker.override')
    .where('outcome', '==', 'ok')
    .get();
  assert.equal(audit.docs[0]?.get('rationale'), 'pricing reviewed, budget topped up');
  const events = await app.db.collection('events').where('type', '==', 'muse.breaker.overridden').get();
  assert.equal(events.size, 1);
  await assert.rejects(
    museOf(app).wallet.override({ actor: finance, rationale: 'again' }),
    (e: unknown) => e instanceof AppError && e.code === 'conflict',
  );
  assert.equal((await museOf(app).trends.runTick({ tickId: 'after-override', sources: [] })).status, 'done');
});

test('after an override under the panic line the breaker stays open until the balance recovers and falls again', async () => {
  const app = await testApp();
  await museOf(app).wallet.credit({ key: 'seed', amount: 3, actor: finance });
  await spend(app, 'x', 2);
  assert.equal((await museOf(app).wallet.checkBreaker()).tripped, true);
  await museOf(app).wallet.override({
    actor: finance,
    rationale: 'accept the low balance until the grant lands',
  });
  assert.equal((await museOf(app).wallet.checkBreaker()).tripped, false);
  await museOf(app).wallet.credit({ key: 'grant', amount: 10, actor: finance });
  assert.equal((await museOf(app).wallet.checkBreaker()).tripped, false); // re-armed
  await spend(app, 'y', 10);
  assert.equal((await museOf(app).wallet.checkBreaker()).newlyTripped, true);
});
