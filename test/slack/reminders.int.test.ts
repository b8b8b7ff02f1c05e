/**
 * Reminders of a pushed decision left waiting, on durable engine timers with a manual clock: the
 * gate's message gets a reminder in its thread after the gate's period, then the manager role
 * mentioned after the second; a gate decided in time gets neither. The sweep publishes due timers
 * the way the every-minute job does.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { manualClock } from '../helpers/manual-clock.js';
import { CHANNELS, startSlackHarness, textOf, type SlackHarness } from './helpers.js';
import { SETTINGS_DOC, forgetSettings } from '../helpers/slack-state.js';

const GATES = 'CGATES';
const clock = manualClock(new Date());
let h: SlackHarness;
before(async () => {
  h = await startSlackHarness({ clock });
  await h.app.db
    .collection(SETTINGS_DOC.collection)
    .doc(SETTINGS_DOC.id)
    .set(
      {
        channels: { ...CHANNELS, gates: GATES },
        roles: { manager: { users: ['UMANAGER'], groups: ['SMANAGERS'] } },
      },
      { merge: true },
    );
  forgetSettings(h.app);
});
after(async () => h.stop());

async function parkedGate(topic: string, timerWaits = true): Promise<{ runId: string; ts: string }> {
  const r = await h.api('POST', '/v1/runs', { workflow: 'demo', input: { topic } });
  assert.equal(r.status, 201, r.text);
  const runId = r.json.runId as string;
  const ts = await h.waitFor(`the gate post of ${runId}`, async () => {
    const d = await h.app.db.collection('slackMessages').doc(`gate~${runId}~review`).get();
    return (d.get('posts') as Record<string, string> | undefined)?.[GATES];
  });
  // Its reminder run is waiting on its first deadline.
  if (timerWaits)
    await h.waitForRun(`remind-gate~${runId}~review`, (run) => run.steps.timer?.status === 'waiting');
  return { runId, ts };
}

const threadReplies = (ts: string) =>
  h.slack.callsOf('chat.postMessage', GATES).filter((c) => c.body.thread_ts === ts);

async function advance(minutes: number) {
  clock.advance(minutes * 60_000);
  const swept = await h.api('POST', '/v1/engine/sweep');
  assert.equal(swept.status, 200, swept.text);
}

test('an unanswered gate gets a reminder in its thread, then the manager role is mentioned', async () => {
  const { runId, ts } = await parkedGate('tide pools');
  const decidedInTime = await parkedGate('sea glass');

  await advance(29);
  assert.equal(threadReplies(ts).length, 0, 'nothing before the gate period (30 min)');

  const r = await h.api('POST', `/v1/runs/${decidedInTime.runId}/gate`, {
    edge: 'approve',
    rationale: 'good',
  });
  assert.equal(r.status, 200, r.text);

  await advance(2);
  const reminder = await h.waitFor('the reminder', async () => threadReplies(ts)[0]);
  assert.match(textOf(reminder.body), /Reminder: this decision has waited 3\d min/);
  assert.doesNotMatch(textOf(reminder.body), /UMANAGER/);

  await advance(60);
  const mention = await h.waitFor('the manager mention', async () => threadReplies(ts)[1]);
  assert.match(textOf(mention.body), /<@UMANAGER> <!subteam\^SMANAGERS>/);
  assert.match(textOf(mention.body), /waited 9\d min/);
  await h.waitForRun(`remind-gate~${runId}~review`, (run) => run.status === 'succeeded');

  // The gate decided in time: its reminder run stopped without a word in its thread.
  const stopped = await h.waitForRun(
    `remind-gate~${decidedInTime.runId}~review`,
    (run) => run.status === 'succeeded',
  );
  assert.equal(stopped.steps.timer?.status, 'done');
  assert.equal(threadReplies(decidedInTime.ts).length, 0);
  const out = await h.app.db.collection('runs').doc(stopped.id).collection('outputs').doc('timer').get();
  assert.deepEqual(out.get('output'), { stopped: 'decided' });

  // Nothing more after the last step, however long it waits.
  await advance(600);
  assert.equal(threadReplies(ts).length, 2);
});

test('reminder periods follow the settings document', async () => {
  const set = await h.api('PUT', '/v1/settings/reminders', {
    gate: { remindAfterMinutes: 5, managerAfterMinutes: 5 },
  });
  assert.equal(set.status, 200, set.text);
  const { ts } = await parkedGate('kelp forests');
  await advance(6);
  await h.waitFor('the 5-minute reminder', async () => threadReplies(ts)[0]);
  const off = await h.api('PUT', '/v1/settings/reminders', { gate: { enabled: false } });
  assert.equal(off.status, 200);
  const later = await parkedGate('salt marsh', false);
  await h.waitForRun(`remind-gate~${later.runId}~review`, (run) => run.status === 'succeeded');
  assert.equal(threadReplies(later.ts).length, 0, 'disabled: no reminders');
});
