/**
 * The Slack Web API answering 500 and 429 (Retry-After 30 s) for two minutes (issue 13, fault
 * suite): every outbox entry written before and during the outage is delivered exactly once
 * afterwards, in the order written per channel, through `deliverOutbox`, the minute job's use
 * case, with two runs overlapping as the kick and the minute job can.
 *
 * Two minutes pass on a test clock that runs with real time plus an offset moved on 10 s between
 * delivery runs (as the every-minute job and kicks would find them), so the outage, the channels'
 * pacing and Retry-After all see two minutes while the test takes well under one.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { enqueueSlack } from '../../functions/src/notify/slack-outbox.js';
import type { Clock } from '../../functions/src/shared/ports.js';
import type { Slack } from '../../functions/src/slack/system.js';
import { slackOf } from '../../functions/src/wiring/slack.js';
import { startHarness, type Harness } from '../helpers/engine-harness.js';
import { startSlackServer, type LocalSlack } from '../../scripts/lib/slack-server.js';
import { CHANNELS, SECRET } from './helpers.js';
import { SETTINGS_DOC, SLACK_OUTBOX, forgetSettings } from '../helpers/slack-state.js';

let offset = 0;
const clock: Clock = { now: () => new Date(Date.now() + offset) };
const nowMs = () => clock.now().getTime();
let h: Harness;
let slack: LocalSlack;
let slackApp: Slack;

before(async () => {
  slack = await startSlackServer();
  h = await startHarness({
    clock,
    env: {
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_API_URL: slack.apiUrl,
      SLACK_BOT_ID: 'B0MUSEBOT',
      SLACK_BOT_USER_ID: 'U0MUSEBOT',
    },
  });
  await h.app.db.collection(SETTINGS_DOC.collection).doc(SETTINGS_DOC.id).set({ channels: CHANNELS });
  forgetSettings(h.app);
  slackApp = slackOf(h.app);
});
after(async () => {
  await h.stop();
  await slack.stop();
});

const KEYS = ['incidents', 'finance', 'operators'] as const;
let written = 0;
/** Writes `n` alerts to each channel; their text names the channel key and the order written. */
async function write(n: number): Promise<void> {
  for (let i = 0; i < n; i++)
    for (const key of KEYS) {
      const k = written++;
      await h.app.db.runTransaction(async (tx) =>
        enqueueSlack(
          h.app.db,
          tx,
          `outage-${String(k).padStart(3, '0')}`,
          { kind: 'alert', channelKey: key, text: `${key} #${k}`, ref: { type: 'test', id: `t${k}` } },
          clock.now(),
        ),
      );
    }
}
const pending = async () =>
  (await h.app.db.collection(SLACK_OUTBOX).where('status', '==', 'pending').get()).size;

test('after 2 minutes of 500 and 429, every entry is delivered once, in order per channel', async () => {
  // The outage lasts two minutes of the test's steps (12 runs 10 s apart), whatever real time the
  // runs themselves take; the app's clock moves by the same steps on top of real time.
  const start = nowMs();
  const stepped = () => start + offset;
  slack.outage({ untilMs: start + 120_000, now: stepped, statuses: [500, 429], retryAfter: 30 });
  await write(2); // waiting when the outage starts
  for (; offset < 120_000; offset += 10_000) {
    if (offset === 60_000) await write(2); // more arrive half way through
    await slackApp.deliverOutbox(20_000);
  }
  assert.equal(slack.callsOf('chat.postMessage').length, 0, 'nothing got through during the outage');
  assert.ok(slack.refused >= 6, `Slack was asked and refused (${slack.refused} times)`);
  assert.equal(await pending(), written);
  const failed = await h.app.db.collection(SLACK_OUTBOX).where('attempts', '>', 0).get();
  assert.ok(
    failed.docs.every((d) => typeof d.get('lastError') === 'string'),
    'each failure is recorded',
  );

  // Slack is back: the runs go on as the minute job and kicks would, two at a time.
  for (let run = 0; run < 30 && (await pending()) > 0; run++) {
    await Promise.all([slackApp.deliverOutbox(20_000), slackApp.deliverOutbox(20_000)]);
    offset += 10_000;
  }
  assert.equal(await pending(), 0, 'everything delivered');
  const posts = slack.callsOf('chat.postMessage');
  assert.equal(posts.length, written, 'each entry posted exactly once');
  assert.equal(new Set(posts.map((p) => p.body.text)).size, written);
  for (const key of KEYS) {
    const order = posts
      .filter((p) => p.body.channel === CHANNELS[key])
      .map((p) => Number(/#(\d+)/.exec(textOf(p.body))![1]));
    assert.equal(order.length, written / KEYS.length, `${key}: all of its entries`);
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b),
      `${key}: in the order written`,
    );
  }
});

const textOf = (b: Record<string, any>) => String(b.text ?? '');
