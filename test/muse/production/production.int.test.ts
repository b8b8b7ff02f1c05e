/**
 * Intent -> staged asset through the real engine: functions framework, Pub/Sub emulator push,
 * Firestore emulator. Also: unfunded intents, duplicated step messages, garbage model answers.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { WorkflowRun } from '../../../functions/src/engine/store.js';
import { getWorkflowRunOutputs } from '../../../functions/src/engine/workflow-runs.js';
import { bibleCacheStats } from '../../../functions/src/muse/production/bible-store.js';
import { startHarness, type Harness } from '../../helpers/engine-harness.js';
import { engineOf } from '../../../functions/src/wiring/engine.js';
import {
  addIntent,
  ended,
  fund,
  ledgerOf,
  operator,
  topicModel,
  produceWith,
  type CallLog,
} from './fixtures.js';
import { museOf } from '../../../functions/src/wiring/muse.js';

let h: Harness;
const calls: CallLog = [];

before(async () => {
  h = await startHarness();
  produceWith(h.app, topicModel(calls));
});
after(async () => {
  await h.stop();
});

const intent = async (id: string) => (await h.app.db.collection('intents').doc(id).get()).data()!;
const envelope = (runId: string, stepId: string, attempt = 1) => ({
  topic: 'engine-step-0',
  messageId: `dup-${runId}-${stepId}-${attempt}`,
  data: Buffer.from(JSON.stringify({ v: 1, runId, stepId, attempt, wake: 0 })),
  attributes: {},
});

/**
 * One delivery as Pub/Sub makes it: a handler that throws is delivered again. Concurrent duplicate
 * commits on one run can make the emulator close a transaction under contention ("Transaction is
 * invalid or closed"); the push path answers that with a redelivery, and so does this.
 */
async function deliver(m: ReturnType<typeof envelope>): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await engineOf(h.app).handleStepMessage(m);
    } catch (err) {
      if (attempt >= 5 || !/Transaction is invalid or closed/.test(String(err))) throw err;
    }
  }
}

test('an intent the wallet cannot cover is parked unfunded and nothing is produced; funded later, it publishes', async () => {
  await addIntent(h.app.db, 'i-bread', 'sourdough starters');
  const first = await museOf(h.app).production.produceIntent({ intentId: 'i-bread', actor: operator });
  assert.equal(first.mode, 'free');
  const run = await h.waitForRun(first.runId, ended);
  assert.equal(run.status, 'succeeded');
  assert.equal(run.steps.gate!.edge, 'unfunded');
  assert.equal(run.steps.narrative!.status, 'skipped');
  const parked = await intent('i-bread');
  assert.equal(parked.status, 'unfunded');
  assert.match(parked.reason, /insufficient funds/);
  assert.deepEqual(await ledgerOf(h.app.db, first.runId), []);

  await fund(h.app, 100);
  const second = await museOf(h.app).production.produceIntent({ intentId: 'i-bread', actor: operator });
  assert.notEqual(second.runId, first.runId);
  const done = await h.waitForRun(second.runId, ended);
  assert.equal(done.status, 'succeeded', JSON.stringify(done.steps));

  const asset = (await h.app.db.collection('stagedAssets').doc(second.runId).get()).data()!;
  assert.equal(asset.intentId, 'i-bread');
  assert.equal(asset.runId, second.runId);
  assert.equal(asset.mode, 'free');
  assert.ok(asset.narrative.hook && asset.visual.shots.length >= 1 && asset.motion.timing.cuts.length >= 1);
  assert.equal(asset.verdict.pass, true);
  assert.ok(asset.verdict.drift < 0.02);
  assert.ok(asset.cost.actual > 0 && asset.cost.estimated > 0);

  const published = await intent('i-bread');
  assert.equal(published.status, 'published');
  assert.equal(published.assetId, second.runId);
  assert.deepEqual(await ledgerOf(h.app.db, second.runId), ['reserve', 'debit', 'release']);
  const wallet = await museOf(h.app).wallet.get();
  assert.equal(wallet.reserved, 0);
  assert.equal(Math.round((100 - wallet.balance) * 1e6) / 1e6, asset.cost.actual);

  const status = await museOf(h.app).status.get();
  const runs = status.runs as Array<{ runId: string; state: string }>;
  assert.deepEqual(runs.find((r) => r.runId === second.runId)?.state, 'published');
  assert.deepEqual(runs.find((r) => r.runId === first.runId)?.state, 'unfunded');
  assert.equal((status.lastVerdict as { runId: string }).runId, second.runId);
  // Warm start: five steps needed the Bible; this instance read the document once.
  assert.equal(bibleCacheStats(h.app.db).fullLoads, 1);
});

test('duplicated step messages create no second reservation, settlement or asset', async () => {
  await addIntent(h.app.db, 'i-roof', 'city rooftop gardens');
  const { runId } = await museOf(h.app).production.produceIntent({ intentId: 'i-roof', actor: operator });
  // Deliver the gate message three more times, concurrently with Pub/Sub's own delivery.
  await Promise.all([1, 2, 3].map((n) => deliver({ ...envelope(runId, 'gate'), messageId: `d${n}` })));
  const run = await h.waitForRun(runId, ended);
  assert.equal(run.status, 'succeeded');
  // Every step message again, after the fact: each is a duplicate.
  for (const stepId of Object.keys(run.steps).filter((s) => run.steps[s]!.status === 'done'))
    assert.equal(await deliver(envelope(runId, stepId, run.steps[stepId]!.attempt)), 'duplicate');
  const resend = await museOf(h.app)
    .production.produceIntent({ intentId: 'i-roof', actor: operator })
    .catch((e: Error) => e);
  assert.match(String(resend), /already published/);
  assert.deepEqual(await ledgerOf(h.app.db, runId), ['reserve', 'debit', 'release']);
  const assets = await h.app.db.collection('stagedAssets').where('intentId', '==', 'i-roof').get();
  assert.equal(assets.size, 1);
});

test('garbage from the model is retried, then the run fails with the raw answer kept and the reservation settled', async () => {
  await addIntent(h.app.db, 'i-junk', 'garbage-visual film cameras');
  const { runId } = await museOf(h.app).production.produceIntent({ intentId: 'i-junk', actor: operator });
  const run: WorkflowRun = await h.waitForRun(runId, ended);
  assert.equal(run.status, 'failed');
  assert.equal(run.steps.visual!.attempt, 3);
  assert.equal(calls.filter((c) => c.topic.startsWith('garbage-visual') && c.purpose === 'visual').length, 3);
  const outputs = await getWorkflowRunOutputs(h.app, runId);
  assert.equal((outputs.visual as { raw: string }).raw, 'I cannot comply with that request.');
  const failed = await intent('i-junk');
  assert.equal(failed.status, 'failed');
  assert.match(failed.reason, /visual: unusable visual answer: the answer is not JSON/);
  assert.equal(failed.failure.raw, 'I cannot comply with that request.');
  assert.deepEqual(await ledgerOf(h.app.db, runId), ['reserve', 'debit', 'release']);
  assert.equal((await h.app.db.collection('stagedAssets').doc(runId).get()).exists, false);
  const runs = (await museOf(h.app).status.get()).runs as Array<{
    runId: string;
    state: string;
    step: string;
  }>;
  assert.deepEqual(
    runs.filter((r) => r.runId === runId).map((r) => [r.state, r.step]),
    [['failed', 'close']],
  );
});
