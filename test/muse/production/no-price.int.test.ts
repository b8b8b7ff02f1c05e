/** A model with no price fails closed: nothing reserved, nothing produced, the reason recorded. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../helpers/engine-harness.js';
import {
  addIntent,
  ended,
  fund,
  ledgerOf,
  operator,
  topicModel,
  produceWith,
  setPrices,
  type CallLog,
} from './fixtures.js';
import { museOf } from '../../../functions/src/wiring/muse.js';

let h: Harness;
const calls: CallLog = [];

before(async () => {
  h = await startHarness();
  produceWith(h.app, topicModel(calls));
  // The wallet settings document prices another model only.
  await setPrices(h.app, { 'gemini-2.5-flash': { inputPer1k: 1, outputPer1k: 1 } });
  await fund(h.app, 100);
});
after(async () => {
  await h.stop();
});

test('a model with no price fails closed', async () => {
  await addIntent(h.app.db, 'i-1', 'sourdough starters');
  const { runId } = await museOf(h.app).production.produceIntent({ intentId: 'i-1', actor: operator });
  const run = await h.waitForRun(runId, ended);
  assert.equal(run.status, 'failed');
  assert.match(run.steps.gate!.error ?? '', /fail closed: no price for model "local-muse-1"/);
  assert.equal(run.steps.narrative!.status, 'skipped');
  assert.equal(calls.length, 0);
  const intent = (await h.app.db.collection('intents').doc('i-1').get()).data()!;
  assert.equal(intent.status, 'unfunded');
  assert.match(intent.reason, /fail closed: no price for model "local-muse-1" in the price table/);
  assert.deepEqual(await ledgerOf(h.app.db, runId), []);
  const runs = (await museOf(h.app).status.get()).runs as Array<{ runId: string; state: string }>;
  assert.equal(runs.find((r) => r.runId === runId)?.state, 'unfunded');
});
