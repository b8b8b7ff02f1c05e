/**
 * Transport: Slack's signature on the raw body (valid, stale, wrong, missing, empty), a Slack retry
 * and a double click causing one effect, and the escalation outbox surviving a Slack outage.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openIncident } from '../../functions/src/incidents/open-incident.js';
import { writeLevelChange } from '../../functions/src/incidents/escalation.js';
import { readIncidentTx } from '../../functions/src/incidents/repo.js';
import { slashCommandBody } from '../../scripts/lib/slack-sign.js';
import { CHANNELS, OPERATOR, SECRET, startSlackHarness, textOf, type SlackHarness } from './helpers.js';
import { SLACK_OUTBOX } from '../helpers/slack-state.js';

let h: SlackHarness;
before(async () => {
  h = await startSlackHarness();
});
after(async () => h.stop());

const count = async (col: string) => (await h.app.db.collection(col).get()).size;

test('valid, stale, wrong, missing and empty signatures: only the valid one is served', async () => {
  const ok = await h.command('help');
  assert.equal(ok.status, 200);
  assert.match(ok.json.text, /\/muse status/);
  assert.equal(ok.json.response_type, 'ephemeral');

  const before = { jobs: await count('slackJobs'), audit: await count('audit'), calls: h.slack.calls.length };
  const now = Math.floor(Date.now() / 1000);
  const stale = await h.command('incident sev2 stale request', { ts: now - 301 });
  assert.equal(stale.status, 401, 'a signature over 300 s old');
  const wrong = await h.command('incident sev2 wrong secret', { secret: 'not-the-signing-secret-000' });
  assert.equal(wrong.status, 401);
  const missing = await h.command('incident sev2 unsigned', { secret: null });
  assert.equal(missing.status, 401);
  const raw = slashCommandBody({
    text: 'status',
    userId: OPERATOR,
    responseUrl: h.slack.responseUrl('x'),
    triggerId: 't',
  });
  const empty = await h.post(raw, { 'x-slack-signature': '', 'x-slack-request-timestamp': String(now) });
  assert.equal(empty.status, 401);
  const tampered = await h.post(raw.replace('status', 'wallet'), {
    ...(await import('../../scripts/lib/slack-sign.js')).signSlackRequest(raw, SECRET, now),
  });
  assert.equal(tampered.status, 401, 'a body that is not the one signed');

  assert.deepEqual(
    { jobs: await count('slackJobs'), audit: await count('audit'), calls: h.slack.calls.length },
    before,
    'rejected requests touch nothing',
  );
  assert.equal(await count('incidents'), 0);
});

test('a Slack retry of a command (X-Slack-Retry-Num) opens one incident, answers once', async () => {
  const first = await h.command('incident sev3 disk filling up', { user: OPERATOR });
  assert.equal(first.status, 200);
  const retry = await h.command('incident sev3 disk filling up', {
    user: OPERATOR,
    retryNum: 1,
    triggerId: first.triggerId,
    body: undefined,
  });
  assert.equal(retry.status, 200);
  // Either delivery may win the job (they race on Pub/Sub); the winner answers on its own response_url.
  await h.waitFor(
    'one answer',
    async () =>
      h.slack.responses.some((r) => r.id === first.responseId || r.id === retry.responseId) || undefined,
  );
  await h.waitFor('the retry seen and dropped', async () => {
    const jobs = await h.app.db.collection('slackJobs').where('key', '==', `cmd:${first.triggerId}`).get();
    return jobs.docs.some((d) => d.get('state') === 'done' && d.get('repeats') >= 1);
  });
  const incidents = await h.app.db.collection('incidents').where('summary', '==', 'disk filling up').get();
  assert.equal(incidents.size, 1);
  assert.equal(
    h.slack.responses.filter((r) => r.id === first.responseId || r.id === retry.responseId).length,
    1,
  );
});

test('a double click on Acknowledge acknowledges once', async () => {
  const { id } = await openIncident(h.app, {
    severity: 'sev2',
    source: 'person',
    summary: 'queue stuck',
    actor: { kind: 'user', id: OPERATOR },
  });
  const value = { i: id, l: 1 };
  const [a, b] = await Promise.all([
    h.click('incident.ack', value, { user: OPERATOR, messageTs: '1700000000.000777', responseId: 'ack-a' }),
    h.click('incident.ack', value, { user: OPERATOR, messageTs: '1700000000.000777', responseId: 'ack-b' }),
  ]);
  assert.equal(a.status, 200);
  assert.equal(b.status, 200);
  await h.waitFor(
    'acknowledged',
    async () => (await h.app.db.collection('incidents').doc(id).get()).get('status') === 'acknowledged',
  );
  await h.waitFor('the ack reply', async () =>
    h.slack.responses.find((r) => r.id === 'ack-a' || r.id === 'ack-b'),
  );
  await h.waitFor('the second click seen and dropped', async () => {
    const s = await h.app.db.collection('slackJobs').where('state', '==', 'done').get();
    return s.docs.some((d) => String(d.get('key')).startsWith(`ack:${id}`) && d.get('repeats') >= 1);
  });
  const acks = await h.app.db
    .collection('audit')
    .where('action', '==', 'incident.acknowledge')
    .where('target', '==', `incidents/${id}`)
    .get();
  assert.equal(acks.docs.filter((d) => d.get('outcome') === 'ok').length, 1, 'one acknowledgement');
  assert.equal(h.slack.responses.filter((r) => r.id === 'ack-a' || r.id === 'ack-b').length, 1, 'one answer');
});

test('the escalation outbox is delivered after Slack comes back; the message updates in place as the level rises', async () => {
  const { id } = await openIncident(h.app, {
    severity: 'sev1',
    source: 'person',
    summary: 'payments down',
    actor: { kind: 'user', id: OPERATOR },
  });
  h.slack.down(true);
  await h.app.bus.publish('slack-outbox', { job: 'slack-outbox' });
  // The channel's oldest pending entry is tried first; later ones wait behind it, in order.
  await h.waitFor('a failed attempt recorded', async () => {
    const s = await h.app.db.collection(SLACK_OUTBOX).where('channelKey', '==', 'incidents').get();
    return s.docs.some((d) => d.get('attempts') >= 1 && /unreachable|503/.test(String(d.get('lastError'))));
  });
  const stillPending = await h.app.db.collection(SLACK_OUTBOX).where('ref.id', '==', id).get();
  assert.ok(
    stillPending.docs.every((d) => d.get('status') === 'pending'),
    'nothing lost while Slack is down',
  );

  // The level rises to 3 while Slack is down: a system-wide alert waits in the outbox too.
  await h.app.db.runTransaction(async (tx) => {
    const inc = await readIncidentTx(h.app.db, tx, id);
    writeLevelChange(h.app.db, tx, inc, 3, new Date(), { kind: 'system', id: 'test' }, 'no acknowledgement');
  });
  h.slack.down(false);
  await h.app.bus.publish('slack-outbox', { job: 'slack-outbox' });
  await h.waitFor('all delivered', async () => {
    const s = await h.app.db.collection(SLACK_OUTBOX).where('ref.id', '==', id).get();
    return s.size === 2 && s.docs.every((d) => d.get('status') === 'delivered');
  });
  const posts = h.slack.callsOf('chat.postMessage').filter((c) => textOf(c.body).includes('payments down'));
  const channels = posts.map((p) => p.body.channel).sort();
  assert.deepEqual(channels, [CHANNELS['alerts-all'], CHANNELS.incidents].sort());
  const allHands = posts.find((p) => p.body.channel === CHANNELS['alerts-all'])!;
  assert.match(textOf(allHands.body), /SYSTEM-WIDE ALERT/);
  assert.match(textOf(allHands.body), /<!channel>/);
  const buttons = JSON.stringify(allHands.body.blocks);
  for (const a of ['incident.ack', 'incident.escalate', 'incident.resolve'])
    assert.ok(buttons.includes(a), a);
  const incidentsCopies = [
    ...h.slack.callsOf('chat.postMessage', CHANNELS.incidents),
    ...h.slack.callsOf('chat.update', CHANNELS.incidents),
  ].filter((c) => textOf(c.body).includes('payments down'));
  assert.equal(
    h.slack
      .callsOf('chat.postMessage', CHANNELS.incidents)
      .filter((c) => textOf(c.body).includes('payments down')).length,
    1,
    'one message in #incidents',
  );
  assert.match(textOf(incidentsCopies.at(-1)!.body), /Level 3/, 'the #incidents message shows the level now');
});
