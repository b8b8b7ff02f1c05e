/**
 * A voice session whose instance dies before settling (SIGKILL, a crash, a failed settlement
 * write) must not keep its reservation for good: its hold (voice/holds.ts) falls due, and the
 * heartbeat sweep, fired through Pub/Sub as Cloud Scheduler fires it, settles the reservation at its
 * full amount and drops the hold. A session settled by its instance leaves nothing for the sweep.
 * The emulators, a manual clock.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_WALLET_SETTINGS } from '../../functions/src/muse/wallet/policy.js';
import { museOf } from '../../functions/src/wiring/muse.js';
import { settleAbandonedVoiceSessions, voiceCostOf } from '../../functions/src/wiring/voice.js';
import { startHarness, type Harness } from '../helpers/engine-harness.js';
import { manualClock } from '../helpers/manual-clock.js';

const clock = manualClock('2026-12-01T10:00:00Z');
const finance = { kind: 'user' as const, id: 'U-fin' };
let h: Harness;
before(async () => {
  h = await startHarness({ clock });
  await museOf(h.app).wallet.credit({ key: 'seed-abandoned', amount: 20, actor: finance });
});
after(async () => h.stop());

const hold = async (sessionId: string) =>
  (await h.app.db.collection('voiceHolds').doc(sessionId).get()).data();
const ledger = async (sessionId: string) =>
  (await museOf(h.app).wallet.ledger({ limit: 200 })).entries.filter((e) =>
    e.key.startsWith(`voice-${sessionId}`),
  );

async function fireHeartbeatSweep(): Promise<void> {
  await h.app.bus.publish(
    'heartbeat-sweep',
    { job: 'heartbeat-sweep' },
    { scheduledTime: clock.now().toISOString() },
  );
}

test('a session whose instance died is settled at its full reservation once its hold is due; a settled one leaves nothing', async () => {
  const cost = voiceCostOf(h.app);
  // A session that ends normally: reserved, settled by its instance, its hold gone.
  assert.deepEqual(await cost.reserve('s-ok', 5), { ok: true });
  assert.ok(await hold('s-ok'), 'a hold is placed before reserving');
  await cost.settle('s-ok', 1);
  assert.equal(await hold('s-ok'), undefined, 'the settlement drops the hold');

  // A session whose instance dies: reserved, never settled.
  assert.deepEqual(await cost.reserve('s-dead', 5), { ok: true });
  const placed = (await hold('s-dead'))!;
  assert.equal(placed.amount, 0.12, '5 minutes at 0.024');
  assert.equal(
    placed.settleBy.toDate().getTime(),
    clock.now().getTime() + 10 * 60_000,
    'the longest session, plus 5 minutes',
  );
  assert.equal((await museOf(h.app).wallet.get()).reserved, 0.12);

  // Before it is due the sweep leaves it alone: the session may still be talking.
  clock.advance(9 * 60_000);
  await fireHeartbeatSweep();
  await new Promise((r) => setTimeout(r, 1500));
  assert.ok(await hold('s-dead'), 'not due yet');
  assert.equal((await museOf(h.app).wallet.get()).reserved, 0.12);

  clock.advance(2 * 60_000);
  await fireHeartbeatSweep();
  await h.waitFor(
    'the abandoned session settled',
    async () => (await hold('s-dead')) === undefined || undefined,
  );
  const entries = await ledger('s-dead');
  assert.deepEqual(entries.map((e) => e.type).sort(), ['debit', 'release', 'reserve']);
  assert.equal(entries.find((e) => e.type === 'debit')?.amount, 0.12, 'charged the most it could have cost');
  assert.equal((await museOf(h.app).wallet.get()).reserved, 0, 'nothing stays reserved');
  const ok = await ledger('s-ok');
  assert.equal(
    ok.find((e) => e.type === 'debit')?.amount,
    0.024,
    'the settled session was charged what it used, once',
  );

  // A hold left behind after a settlement that did happen (the drop failed): settled again as a replay, no second debit.
  assert.deepEqual(await cost.reserve('s-twice', 5), { ok: true });
  await cost.settle('s-twice', 2);
  await h.app.db
    .collection('voiceHolds')
    .doc('s-twice')
    .set({ sessionId: 's-twice', amount: 0.12, minutes: 5, createdAt: clock.now(), settleBy: clock.now() });
  // A hold whose reservation never committed (the instance died between the two writes): dropped.
  await h.app.db
    .collection('voiceHolds')
    .doc('s-never')
    .set({ sessionId: 's-never', amount: 0.12, minutes: 5, createdAt: clock.now(), settleBy: clock.now() });
  clock.advance(1000);
  await fireHeartbeatSweep();
  await h.waitFor(
    'both holds dropped',
    async () => ((await hold('s-twice')) === undefined && (await hold('s-never')) === undefined) || undefined,
  );
  const twice = await ledger('s-twice');
  assert.equal(twice.filter((e) => e.type === 'debit').length, 1, 'one debit');
  assert.equal(
    twice.find((e) => e.type === 'debit')?.amount,
    0.048,
    'what the session used, not the reservation',
  );
  assert.equal((await ledger('s-never')).length, 0);
  assert.equal((await museOf(h.app).wallet.get()).reserved, 0);
});

test('a reservation the wallet refuses leaves no hold behind', async () => {
  // Everything but the floor is reserved by one long session: the next one is refused.
  const cost = voiceCostOf(h.app);
  const big = await cost.reserve('s-huge', 100_000);
  assert.equal(big.ok, false);
  assert.equal(await hold('s-huge'), undefined);
});

test('a session whose price is gone when it ends (its model taken out of the price table meanwhile) is charged its reservation, not nothing', async () => {
  const cost = voiceCostOf(h.app);
  assert.deepEqual(await cost.reserve('s-broken-price', 5), { ok: true });
  const settings = h.app.db.doc('config/walletSettings');
  const before = (await settings.get()).data();
  const { 'local-live-1': _gone, ...priceTable } = DEFAULT_WALLET_SETTINGS.priceTable;
  await settings.set({ ...DEFAULT_WALLET_SETTINGS, priceTable });
  try {
    await cost.settle('s-broken-price', 1);
  } finally {
    if (before) await settings.set(before);
    else await settings.delete();
  }
  const entries = await ledger('s-broken-price');
  assert.equal(
    entries.find((e) => e.type === 'debit')?.amount,
    0.12,
    'the reservation, the most it could have cost',
  );
  assert.equal(await hold('s-broken-price'), undefined);
  assert.equal((await museOf(h.app).wallet.get()).reserved, 0);
});

test('an abandoned session the wallet cannot settle yet (settings that do not parse) keeps its hold for the next sweep, and the sweep goes on', async () => {
  const cost = voiceCostOf(h.app);
  assert.deepEqual(await cost.reserve('s-refused', 5), { ok: true });
  const settings = h.app.db.doc('config/walletSettings');
  const before = (await settings.get()).data();
  await settings.set({ ...DEFAULT_WALLET_SETTINGS, reserveFloor: 'lots' });
  clock.advance(11 * 60_000);
  try {
    const first = await settleAbandonedVoiceSessions(h.app);
    assert.deepEqual(first, { settled: 0, dropped: 0, kept: 1 });
    assert.ok(await hold('s-refused'), 'the hold stays');
  } finally {
    if (before) await settings.set(before);
    else await settings.delete();
  }
  const second = await settleAbandonedVoiceSessions(h.app);
  assert.deepEqual(second, { settled: 1, dropped: 0, kept: 0 });
  assert.equal(await hold('s-refused'), undefined);
  assert.equal((await ledger('s-refused')).find((e) => e.type === 'debit')?.amount, 0.12);
});
