/**
 * Slack's edges under repetition and bad input (issue 13, items 15-19), through the real functions
 * framework, the emulators and the local Slack Web API:
 *   15 the same block_actions payload, twice and 10 at once, opens one modal;
 *   16 two (and ten) Escalate submissions from level 1 raise the incident to 2, not 3 or 4;
 *   17 concurrent identical Acknowledge clicks: one acknowledgement, one reply, every try;
 *   18 signed but malformed bodies (`payload=null`, arrays, no type) get 400, touching nothing;
 *   19 a signature from 10 minutes in the future is refused like one 10 minutes old.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { openIncident } from '../../functions/src/incidents/open-incident.js';
import { interactionBody, signSlackRequest } from '../../scripts/lib/slack-sign.js';
import { MANAGER, OPERATOR, SECRET, startSlackHarness, type SlackHarness } from './helpers.js';

let h: SlackHarness;
before(async () => {
  h = await startSlackHarness();
});
after(async () => h.stop());

const now = () => Math.floor(Date.now() / 1000);
const signed = (raw: string, ts = now()) => signSlackRequest(raw, SECRET, ts);
const count = async (col: string) => (await h.app.db.collection(col).get()).size;

const incident = async (summary: string) =>
  (
    await openIncident(h.app, {
      severity: 'sev2',
      source: 'person',
      summary,
      actor: { kind: 'user', id: OPERATOR },
    })
  ).id;

/** One block_actions payload, byte for byte, as Slack would (re)send it. */
function clickPayload(actionId: string, value: unknown, user: string) {
  return interactionBody({
    type: 'block_actions',
    team: { id: 'T0LOCAL' },
    user: { id: user, username: user.toLowerCase() },
    channel: { id: 'CINCIDENTS' },
    container: { type: 'message', message_ts: '1700000000.000042', channel_id: 'CINCIDENTS' },
    trigger_id: `trig-${randomUUID()}`,
    response_url: h.slack.responseUrl(randomUUID()),
    actions: [
      { type: 'button', action_id: actionId, block_id: 'b', value: JSON.stringify(value), action_ts: '2' },
    ],
  });
}

test('15: one block_actions payload delivered twice, then 10 at once, opens one modal each', async () => {
  const id = await incident('modal dedupe');
  const opened = () =>
    h.slack.callsOf('views.open').filter((c) => c.body.view?.private_metadata?.includes(id));

  const once = clickPayload('incident.resolve', { i: id, l: 1 }, OPERATOR);
  for (let i = 0; i < 2; i++) assert.equal((await h.post(once, signed(once))).status, 200);
  assert.equal(opened().length, 1, 'the same payload twice: one views.open');

  const burst = clickPayload('incident.escalate', { i: id, l: 1 }, MANAGER);
  const statuses = await Promise.all(
    Array.from({ length: 10 }, () => h.post(burst, signed(burst)).then((r) => r.status)),
  );
  assert.deepEqual(statuses, Array(10).fill(200));
  assert.equal(opened().length, 2, '10 concurrent copies: one more views.open');

  // A new click (a new trigger id) is a new request and opens its modal.
  const again = clickPayload('incident.resolve', { i: id, l: 1 }, OPERATOR);
  assert.equal((await h.post(again, signed(again))).status, 200);
  assert.equal(opened().length, 3);
});

test('16: Escalate carries its level: 2 presses and then 10 from level 1 take the incident to 2', async () => {
  const id = await incident('stale escalate');
  const views: any[] = [];
  for (let i = 0; i < 2; i++) {
    await h.click('incident.escalate', { i: id, l: 1 }, { user: MANAGER, channel: 'CINCIDENTS' });
    views.push(h.lastView());
  }
  assert.match(views[0].private_metadata, /"l":"1"/);
  const first = await h.submit(views[0], { reason: 'customers are affected' }, { user: MANAGER });
  assert.deepEqual(first.json, { response_action: 'clear' });
  const second = await h.submit(views[1], { reason: 'customers are affected' }, { user: MANAGER });
  assert.equal(second.json.response_action, 'update', 'a note in place of the modal');
  assert.match(JSON.stringify(second.json.view), /already at level 2.*nothing changed/);
  const level = async () => (await h.app.db.collection('incidents').doc(id).get()).get('level');
  assert.equal(await level(), 2);

  const ten = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      h.submit({ ...views[0], id: `V-ten-${i}-${id}` }, { reason: 'again' }, { user: MANAGER }),
    ),
  );
  assert.ok(ten.every((r) => r.status === 200));
  assert.equal(await level(), 2, 'ten stale presses change nothing');

  // Pressed at level 2 (the message shows 2 now), it rises to 3, once.
  await h.click('incident.escalate', { i: id, l: 2 }, { user: MANAGER, channel: 'CINCIDENTS' });
  const fresh = h.lastView();
  await h.submit(fresh, { reason: 'still spreading' }, { user: MANAGER });
  assert.equal(await level(), 3);
  const escalations = await h.app.db
    .collection('audit')
    .where('action', '==', 'incident.escalate')
    .where('target', '==', `incidents/${id}`)
    .get();
  assert.equal(escalations.docs.filter((d) => d.get('outcome') === 'ok').length, 2);
});

test('17: concurrent identical Acknowledge clicks: one acknowledgement and one reply, 6 tries of 6', async () => {
  for (let t = 0; t < 6; t++) {
    const id = await incident(`double ack ${t}`);
    const ids = [`ack-${t}-a-${id}`, `ack-${t}-b-${id}`];
    const value = { i: id, l: 1 };
    const clicks = await Promise.all(
      ids.map((responseId) =>
        h.click('incident.ack', value, { user: OPERATOR, messageTs: `1700000000.1${t}`, responseId }),
      ),
    );
    assert.deepEqual(
      clicks.map((c) => c.status),
      [200, 200],
    );
    await h.waitFor('both jobs settled', async () => {
      const jobs = await h.app.db.collection('slackJobs').where('state', '==', 'done').get();
      return jobs.docs.some((d) => String(d.get('key')).startsWith(`ack:${id}`) && d.get('repeats') >= 1);
    });
    const replies = h.slack.responses.filter((r) => ids.includes(r.id));
    assert.equal(replies.length, 1, `try ${t}: one reply`);
    const acks = await h.app.db
      .collection('audit')
      .where('action', '==', 'incident.acknowledge')
      .where('target', '==', `incidents/${id}`)
      .get();
    assert.equal(acks.docs.filter((d) => d.get('outcome') === 'ok').length, 1, `try ${t}: one effect`);
  }
});

/**
 * Waits until the local Slack Web API has seen no new call for 2.5 s (at most 20 s), so work an
 * earlier case kicked (an outbox delivery, a response_url post) is not counted against the next.
 * Longer than the outbox's pace of one message a second per channel: a quiet second could fall
 * between two paced deliveries of the same queue (it did, once in CI).
 */
async function slackQuiet(): Promise<void> {
  const deadline = Date.now() + 20_000;
  let seen = h.slack.calls.length;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 2500));
    if (h.slack.calls.length === seen) return;
    seen = h.slack.calls.length;
  }
}

test('18: signed but malformed bodies get a 400 naming the problem and touch nothing', async () => {
  await slackQuiet();
  const before = { jobs: await count('slackJobs'), audit: await count('audit'), calls: h.slack.calls.length };
  const form = 'application/x-www-form-urlencoded';
  const cases: Array<[string, string, string, RegExp | undefined]> = [
    ['payload=null', 'payload=null', form, /payload: not a JSON object/],
    ['payload=[]', 'payload=%5B%5D', form, /not a JSON object/],
    ['payload=7', 'payload=7', form, /not a JSON object/],
    ['payload={}', 'payload=%7B%7D', form, /payload.type: missing/],
    ['payload=not json', 'payload=not%20json', form, /not JSON/],
    ['a form that is no command', 'text=status&user_id=U1', form, /neither a payload nor a slash command/],
    ['JSON null', 'null', 'application/json', undefined],
    ['JSON without type', '{"token":"x"}', 'application/json', /type: missing/],
    ['not JSON', '{"type":', 'application/json', undefined],
    ['empty JSON body', '', 'application/json', /not JSON/],
  ];
  for (const [what, raw, contentType, reason] of cases) {
    const res = await fetch(`${h.baseUrl}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...signed(raw) },
      body: raw,
    });
    const text = await res.text();
    assert.equal(res.status, 400, `${what}: ${res.status} ${text}`);
    // Malformed JSON sent as application/json is refused by the framework's body parser first.
    if (reason) assert.match(JSON.parse(text).error.message, reason, what);
  }
  assert.deepEqual(
    { jobs: await count('slackJobs'), audit: await count('audit'), calls: h.slack.calls.length },
    before,
  );
});

test('19: the 300 s window applies both ways: 10 minutes ahead is refused, 4 minutes ahead served', async () => {
  const ahead = await h.command('help', { ts: now() + 600 });
  assert.equal(ahead.status, 401);
  const past = await h.command('help', { ts: now() - 600 });
  assert.equal(past.status, 401);
  const near = await h.command('help', { ts: now() + 240 });
  assert.equal(near.status, 200);
  assert.match(near.json.text, /\/muse status/);
});
