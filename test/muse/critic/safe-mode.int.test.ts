/**
 * Identity collapse through the engine: five rejected generations put the muse in safe mode
 * (durable, in status, an event, a Slack outbox entry, an incident); production then fills the
 * strict template and calls no model; an operator's exit, with a rationale, restores free generation.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_BIBLE } from '../../../functions/src/muse/production/core/bible.js';
import { fillTemplate } from '../../../functions/src/muse/production/core/template.js';
import { AppError } from '../../../functions/src/shared/errors.js';
import { startHarness, type Harness } from '../../helpers/engine-harness.js';
import {
  addIntent,
  ended,
  fund,
  operator,
  topicModel,
  produceWith,
  type CallLog,
} from '../production/fixtures.js';
import { museOf } from '../../../functions/src/wiring/muse.js';

let h: Harness;
const calls: CallLog = [];

before(async () => {
  h = await startHarness();
  produceWith(h.app, topicModel(calls));
  await fund(h.app, 100);
});
after(async () => {
  await h.stop();
});

async function produce(id: string, topic: string) {
  await addIntent(h.app.db, id, topic);
  const started = await museOf(h.app).production.produceIntent({ intentId: id, actor: operator });
  const run = await h.waitForRun(started.runId, ended);
  const intent = (await h.app.db.collection('intents').doc(id).get()).data()!;
  return { ...started, run, intent };
}

const docs = async (collection: string) =>
  (await h.app.db.collection(collection).get()).docs.map((d) => d.data());

test('five consecutive rejections enter safe mode, durably and visibly', async () => {
  // Concurrent runs: the counter is transactional, so exactly one verdict crosses the limit.
  const results = await Promise.all(
    [1, 2, 3, 4, 5].map((n) => produce(`i-off-${n}`, `off-voice trend ${n}`)),
  );
  for (const r of results) {
    assert.equal(r.mode, 'free');
    assert.equal(r.run.status, 'succeeded');
    assert.equal(r.run.steps.critic!.edge, 'reject');
    assert.equal(r.run.steps.publish!.status, 'skipped');
    assert.equal(r.intent.status, 'failed');
    assert.match(r.intent.reason, /critic rejected: drift \d+\.\d+% >= 2\.00%.*banned-term \(guaranteed\)/);
  }
  const state = await museOf(h.app).critic.safeMode();
  assert.equal(state.active, true);
  assert.equal(state.consecutiveRejections, 5);

  const status = await museOf(h.app).status.get();
  assert.deepEqual(
    { ...(status.safeMode as object), since: undefined },
    { active: true, consecutiveRejections: 5, since: undefined, exitedBy: null },
  );
  assert.equal((status.lastVerdict as { pass: boolean }).pass, false);
  const events = (await docs('events')).filter((e) => e.type === 'muse.safemode.entered');
  assert.equal(events.length, 1);
  const outbox = (await docs('slackOutbox')).filter((e) => e.kind === 'safemode');
  assert.deepEqual(
    outbox.map((e) => e.channelKey),
    ['operators'],
  );
  const incidents = (await docs('incidents')).filter((i) => i.source === 'safemode');
  assert.equal(incidents.length, 1);
  assert.equal(incidents[0]!.status, 'open');
  assert.equal((await docs('stagedAssets')).length, 0);
});

test('in safe mode production fills the strict template and calls no model', async () => {
  const r = await produce('i-safe-1', 'off-voice trend 6');
  assert.equal(r.mode, 'template');
  assert.equal(r.run.status, 'succeeded');
  assert.deepEqual(Object.keys(r.run.steps).sort(), [
    'close',
    'critic',
    'gate',
    'publish',
    'rejected',
    'template',
  ]);
  assert.equal(calls.filter((c) => c.topic === 'off-voice trend 6').length, 0);
  const asset = (await h.app.db.collection('stagedAssets').doc(r.runId).get()).data()!;
  assert.equal(asset.mode, 'template');
  const template = fillTemplate(DEFAULT_BIBLE, 'off-voice trend 6');
  assert.deepEqual(asset.narrative, template.narrative);
  assert.deepEqual(asset.visual, template.visual);
  assert.equal(asset.verdict.pass, true);
  assert.equal(asset.cost.actual, 0);
  // A pass resets the counter; safe mode holds until a person exits it.
  const state = await museOf(h.app).critic.safeMode();
  assert.deepEqual([state.active, state.consecutiveRejections], [true, 0]);
});

test('exiting safe mode is refused without a rationale (audited), and with one restores free generation', async () => {
  await assert.rejects(
    museOf(h.app).critic.exitSafeMode({ actor: operator, rationale: '  ' }),
    (e) => e instanceof AppError && e.code === 'invalid_input' && /rationale/.test(e.message),
  );
  assert.equal((await museOf(h.app).critic.safeMode()).active, true);
  const exited = await museOf(h.app).critic.exitSafeMode({
    actor: operator,
    rationale: 'Bible reviewed; banned term came from a bad prompt',
  });
  assert.equal(exited.active, false);
  await assert.rejects(
    museOf(h.app).critic.exitSafeMode({ actor: operator, rationale: 'again' }),
    (e) => e instanceof AppError && e.code === 'conflict',
  );
  const audits = (await docs('audit')).filter((a) => a.action === 'muse.safemode.exit');
  assert.deepEqual(audits.map((a) => a.outcome).sort(), ['ok', 'refused', 'refused']);
  const status = await museOf(h.app).status.get();
  assert.equal((status.safeMode as { active: boolean }).active, false);
  assert.equal((await docs('events')).filter((e) => e.type === 'muse.safemode.exited').length, 1);
  // The exit resolves the incident safe mode opened, naming the recovery, and marks the posts decided.
  const [incident] = (await docs('incidents')).filter((i) => i.source === 'safemode');
  assert.equal(incident!.status, 'resolved');
  assert.deepEqual(incident!.resolvedBy, { kind: 'system', id: 'safemode' });
  const last = incident!.timeline.at(-1);
  assert.deepEqual([last.type, last.recovery], ['resolved', 'safemode']);
  assert.match(last.text, /safe mode exited by .*: Bible reviewed; banned term came from a bad prompt/);
  const decided = (await docs('slackOutbox')).filter((e) => e.kind === 'decided');
  assert.deepEqual(decided.map((e) => `${e.ref.type}:${e.data.by}:${e.data.what}`).sort(), [
    `incident:system:safemode:resolved: safemode recovered`,
    `safemode:${operator.id}:exited`,
  ]);

  const r = await produce('i-free-again', 'night markets');
  assert.equal(r.mode, 'free');
  assert.equal(r.run.status, 'succeeded');
  assert.ok(r.run.steps.narrative);
  assert.equal(calls.filter((c) => c.topic === 'night markets' && c.purpose === 'narrative').length, 1);
  assert.equal(r.intent.status, 'published');
});
