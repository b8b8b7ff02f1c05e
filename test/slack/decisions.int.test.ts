/**
 * Pushed decisions through the real triggers: an engine gate opens and its message reaches the
 * local Slack Web API with a button per edge (outbox written in the gate's commit, delivered by the
 * kick); a click and its modal decide it and the same message is rewritten; a decision through the
 * API rewrites it too; a Level 4 run's approve/reject and classification posts, decided from Slack
 * and the API; the App Home tab; the reminder settings route and its bad input.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { enqueueDecided, enqueueSlack, kickSlackOutbox } from '../../functions/src/notify/slack-outbox.js';
import { signSlackRequest } from '../../scripts/lib/slack-sign.js';
import type { SlackCall } from '../../scripts/lib/slack-server.js';
import { gatedSpec, suiteFor } from '../runs/fixtures.js';
import {
  APPROVER,
  CHANNELS,
  MANAGER,
  SECRET,
  startSlackHarness,
  textOf,
  type SlackHarness,
} from './helpers.js';
import { SETTINGS_DOC, forgetSettings } from '../helpers/slack-state.js';

const GATES = 'CGATES';
const RUNS = 'CRUNS';

let h: SlackHarness;
before(async () => {
  h = await startSlackHarness();
  await h.app.db
    .collection(SETTINGS_DOC.collection)
    .doc(SETTINGS_DOC.id)
    .set({ channels: { ...CHANNELS, gates: GATES, runs: RUNS } }, { merge: true });
  forgetSettings(h.app);
});
after(async () => h.stop());

const hasButtons = (c: SlackCall) =>
  (c.body.blocks ?? []).some((b: { type: string }) => b.type === 'actions');

/** The first post to `channel` whose text and blocks match. */
const postTo = (channel: string, match: RegExp) =>
  h.waitFor(`a post to ${channel} matching ${match}`, async () =>
    h.slack.callsOf('chat.postMessage', channel).find((c) => match.test(textOf(c.body))),
  );

/** The latest rewrite of one message. */
const rewriteOf = (channel: string, ts: string, match: RegExp) =>
  h.waitFor(`chat.update of ${channel}/${ts} matching ${match}`, async () =>
    h.slack
      .callsOf('chat.update', channel)
      .filter((c) => c.body.ts === ts && match.test(textOf(c.body)))
      .at(-1),
  );

async function demoRun(topic: string) {
  const r = await h.api('POST', '/v1/runs', { workflow: 'demo', input: { topic } });
  assert.equal(r.status, 201, r.text);
  return r.json.runId as string;
}

test('a demo run parked at its gate is posted with its buttons; a click decides it and the message changes', async () => {
  const runId = await demoRun('lighthouses at dusk');
  const post = await postTo(GATES, new RegExp(runId));
  const buttons = JSON.stringify(post.body.blocks);
  assert.ok(buttons.includes('"action_id":"gate.pick"'), 'gate buttons');
  for (const e of ['approve', 'reject'])
    assert.ok(buttons.includes(JSON.stringify(JSON.stringify({ r: runId, s: 'review', e })).slice(1, -1)));
  const msgTs = await h.waitFor('the remembered post', async () => {
    const d = await h.app.db.collection('slackMessages').doc(`gate~${runId}~review`).get();
    return (d.get('posts') as Record<string, string> | undefined)?.[GATES];
  });

  const click = await h.click(
    'gate.pick',
    { r: runId, s: 'review', e: 'approve' },
    { channel: GATES, messageTs: msgTs },
  );
  assert.equal(click.status, 200);
  const ok = await h.submit(h.lastView(), { reason: 'reads well, ship it' });
  assert.equal(ok.json.response_action, 'clear');
  await h.waitForRun(runId, (r) => r.status === 'succeeded');

  const updated = await rewriteOf(GATES, msgTs, /decided \*approve\*/);
  assert.match(
    textOf(updated.body),
    /<@UAPPROVER> decided \*approve\* at \d\d:\d\d UTC, \d{4}-\d\d-\d\d: reads well, ship it/,
  );
  assert.ok(!hasButtons(updated), 'buttons removed');
});

test('a decision through the API rewrites the same message', async () => {
  const runId = await demoRun('night markets');
  await postTo(GATES, new RegExp(runId));
  const msgTs = await h.waitFor('the remembered post', async () => {
    const d = await h.app.db.collection('slackMessages').doc(`gate~${runId}~review`).get();
    return (d.get('posts') as Record<string, string> | undefined)?.[GATES];
  });
  const r = await h.api('POST', `/v1/runs/${runId}/gate`, { edge: 'reject', rationale: 'off brand' });
  assert.equal(r.status, 200, r.text);
  const updated = await rewriteOf(GATES, msgTs, /decided \*reject\*/);
  assert.match(textOf(updated.body), /test-admin decided \*reject\* .*: off brand/);
  assert.ok(!hasButtons(updated));
  assert.equal(
    h.slack.callsOf('chat.postMessage', GATES).filter((c) => textOf(c.body).includes(runId)).length,
    1,
    'one post per gate; the decision rewrites it',
  );
});

test('decided while Slack was down: the gate is posted already decided, never with live buttons', async () => {
  h.slack.down(true);
  const runId = await demoRun('storm warnings');
  await h.waitFor('a failed delivery attempt', async () => {
    const e = await h.app.db.collection('slackOutbox').doc(`gate~${runId}~review`).get();
    return (e.get('attempts') as number | undefined) ? e : undefined;
  });
  const r = await h.api('POST', `/v1/runs/${runId}/gate`, { edge: 'approve', rationale: 'decided offline' });
  assert.equal(r.status, 200, r.text);
  h.slack.down(false);
  await kickSlackOutbox(h.app); // what the next kick or the minute job does
  const post = await postTo(GATES, new RegExp(runId));
  assert.ok(!hasButtons(post), 'no live buttons on a decided gate');
  assert.match(textOf(post.body), /decided \*approve\* .*: decided offline/);
});

test('Level 4: a human stage, the run awaiting approve/reject and a failed scenario to classify are pushed and rewritten', async () => {
  const spec = gatedSpec('1');
  const suite = suiteFor('brief-writer', '1', {
    scenarios: [
      ...suiteFor('brief-writer').scenarios,
      {
        id: 'mentions-unicorns',
        title: 'the draft mentions unicorns',
        holdout: false,
        critical: false,
        checks: [{ kind: 'contains', stage: 'draft', path: '$.text', text: 'unicorns-never-said' }],
      },
    ],
  });
  assert.equal((await h.api('POST', '/v1/pipelines', spec)).status, 201);
  assert.equal((await h.api('POST', '/v1/suites', suite)).status, 201);
  const created = await h.api('POST', '/v1/pipeline-runs', {
    spec: 'brief-writer@1',
    suite: 'brief-writer-suite@1',
    profile: 'staging',
    input: { topic: 'lighthouses' },
  });
  assert.equal(created.status, 201, created.text);
  const runId = created.json.runIds[0] as string;

  // The human stage is an engine gate: pushed like the demo's.
  await postTo(GATES, new RegExp(`${runId}.*review|review.*${runId}`));
  assert.equal(
    (await h.api('POST', `/v1/pipeline-runs/${runId}/gate`, { edge: 'discard', rationale: 'evaluate now' }))
      .status,
    200,
  );

  const runPost = await postTo(RUNS, new RegExp(`Run ${runId}: evaluating`));
  assert.ok(JSON.stringify(runPost.body.blocks).includes('"action_id":"run.approve"'));
  const classify = await postTo(RUNS, /scenario mentions-unicorns failed/);
  const cls = JSON.stringify(classify.body.blocks);
  for (const c of ['spec_ambiguity', 'implementation_defect', 'environment_issue'])
    assert.ok(cls.includes(c));

  // Classified from Slack: button, modal, the message rewritten.
  const posts = async (type: string, id: string) =>
    h.waitFor(`posts of ${type} ${id}`, async () => {
      const d = await h.app.db.collection('slackMessages').doc(`${type}~${id}`).get();
      return (d.get('posts') as Record<string, string> | undefined)?.[RUNS];
    });
  const clsTs = await posts('classification', `${runId}~mentions-unicorns`);
  await h.click('run.classify', { r: runId, t: 'mentions-unicorns', c: 'spec_ambiguity' }, { channel: RUNS });
  const view = h.lastView();
  assert.equal(view.callback_id, 'run.classify');
  const noNote = await h.submit(view, { reason: '', impact: 'yes' });
  assert.equal(noNote.json.response_action, 'errors', 'a note is required');
  const ok = await h.submit(
    view,
    { reason: 'the spec never said which animal', impact: 'yes' },
    { viewId: 'V-cls-2' },
  );
  assert.equal(ok.json.response_action, 'clear', JSON.stringify(ok.json));
  const rewritten = await rewriteOf(RUNS, clsTs, /decided \*spec ambiguity\*/);
  assert.ok(!hasButtons(rewritten));

  // Decided through the API: the run's message shows the decision, no buttons.
  const runTs = await posts('pipelineRun', runId);
  const rejected = await h.api('POST', `/v1/pipeline-runs/${runId}/decision`, {
    decision: 'reject',
    rationale: 'a scenario failed',
  });
  assert.equal(rejected.status, 201, rejected.text);
  const runUpdated = await rewriteOf(RUNS, runTs, /decided \*reject\*/);
  assert.ok(!hasButtons(runUpdated));
  assert.match(textOf(runUpdated.body), /Decision:\* rejected/);
});

test('decided entries rewrite every kind: breaker, safe mode and a plain alert, wherever they were posted', async () => {
  const at = new Date();
  const kinds = [
    { kind: 'breaker', channelKey: 'finance', ref: { type: 'breaker', id: 'bench-7' }, data: {} },
    {
      kind: 'safemode',
      channelKey: 'operators',
      ref: { type: 'safemode', id: 'muse-t' },
      data: { entered: true },
    },
    { kind: 'alert', channelKey: 'incidents', ref: { type: 'task', id: 'task-9' }, data: {} },
  ] as const;
  await h.app.db.runTransaction(async (tx) => {
    for (const k of kinds)
      enqueueSlack(h.app.db, tx, `need-${k.ref.id}`, { ...k, text: `${k.kind} needs a person` }, at);
  });
  await kickSlackOutbox(h.app);
  const ts = new Map<string, string>();
  for (const k of kinds) {
    const channel = CHANNELS[k.channelKey];
    const post = await postTo(channel, new RegExp(`${k.kind} needs a person`));
    assert.ok(k.kind === 'alert' || hasButtons(post), `${k.kind} is posted with its button`);
    ts.set(
      k.kind,
      await h.waitFor(`${k.kind} remembered`, async () => {
        const d = await h.app.db.collection('slackMessages').doc(`${k.ref.type}~${k.ref.id}`).get();
        return (d.get('posts') as Record<string, string> | undefined)?.[channel];
      }),
    );
  }
  const later = new Date(at.getTime() + 1000);
  await h.app.db.runTransaction(async (tx) => {
    for (const k of kinds)
      enqueueDecided(h.app.db, tx, k.ref, {
        by: 'UFINANCE',
        what: 'handled',
        why: `${k.kind} done`,
        at: later,
      });
  });
  await kickSlackOutbox(h.app);
  for (const k of kinds) {
    const updated = await rewriteOf(CHANNELS[k.channelKey], ts.get(k.kind)!, new RegExp(`${k.kind} done`));
    assert.ok(!hasButtons(updated), `${k.kind}: buttons removed`);
    assert.match(textOf(updated.body), /<@UFINANCE>/);
  }
});

test('App Home: opening it publishes what waits on the viewer; a new decision re-publishes it', async () => {
  const event = (user: string) =>
    JSON.stringify({
      type: 'event_callback',
      team_id: 'T0LOCAL',
      api_app_id: 'A0LOCAL',
      event_id: `Ev${Date.now()}`,
      event_time: Math.floor(Date.now() / 1000),
      event: {
        type: 'app_home_opened',
        user,
        channel: 'D0HOME',
        tab: 'home',
        event_ts: `${Date.now() / 1000}`,
      },
    });
  const raw = event(APPROVER);
  const res = await h.post(raw, {
    'content-type': 'application/json',
    ...signSlackRequest(raw, SECRET, Math.floor(Date.now() / 1000)),
  });
  assert.equal(res.status, 200, res.text);
  const published = await h.waitFor('views.publish for the approver', async () =>
    h.slack.callsOf('views.publish').find((c) => c.body.user_id === APPROVER),
  );
  const text = textOf({ blocks: published.body.view.blocks });
  assert.match(text, /Waiting on you/);
  assert.match(text, /Your roles: approver/);
  assert.match(text, /The muse/);

  const before = h.slack.callsOf('views.publish').filter((c) => c.body.user_id === APPROVER).length;
  const runId = await demoRun('harbour lights');
  const fresh = await h.waitFor('a re-published home listing the new gate', async () =>
    h.slack
      .callsOf('views.publish')
      .filter((c) => c.body.user_id === APPROVER)
      .slice(before)
      .find((c) => JSON.stringify(c.body.view.blocks).includes(runId)),
  );
  assert.ok(JSON.stringify(fresh.body.view.blocks).includes('"action_id":"gate.pick"'));

  const manager = event(MANAGER);
  await h.post(manager, {
    'content-type': 'application/json',
    ...signSlackRequest(manager, SECRET, Math.floor(Date.now() / 1000)),
  });
  const mgr = await h.waitFor('views.publish for the manager', async () =>
    h.slack.callsOf('views.publish').find((c) => c.body.user_id === MANAGER),
  );
  assert.doesNotMatch(JSON.stringify(mgr.body.view.blocks), /gate\.pick/, 'gates wait on approvers only');
});

test('reminder settings: defaults, a change (operator, audited), and bad input named field by field', async () => {
  const got = await h.api('GET', '/v1/settings/reminders');
  assert.equal(got.status, 200);
  assert.deepEqual(got.json.gate, { enabled: true, remindAfterMinutes: 30, managerAfterMinutes: 60 });

  const bad = [
    [{ gate: { remindAfterMinutes: -5 } }, /gate\.remindAfterMinutes/],
    [{ gate: { remindAfterMinutes: 2.5 } }, /gate\.remindAfterMinutes/],
    [{ incident: { enabled: false } }, /incident/],
    [{ gate: { snooze: 3 } }, /snooze/],
    [{ run: { enabled: 'yes' } }, /run\.enabled/],
    [{}, /at least one kind/],
    ['[1,2', /JSON|json/],
  ] as const;
  for (const [body, named] of bad) {
    const r = await h.api('PUT', '/v1/settings/reminders', body);
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
    assert.match(r.text, named);
  }
  const reader = await h.keyFor(['read']);
  const forbidden = await h.api(
    'PUT',
    '/v1/settings/reminders',
    { gate: { enabled: false } },
    { key: reader },
  );
  assert.equal(forbidden.status, 403);

  const operator = await h.keyFor(['operator'], 'ops-key');
  const changed = await h.api(
    'PUT',
    '/v1/settings/reminders',
    { run: { remindAfterMinutes: 15 } },
    { key: operator },
  );
  assert.equal(changed.status, 200, changed.text);
  assert.deepEqual(changed.json.run, { enabled: true, remindAfterMinutes: 15, managerAfterMinutes: 240 });
  assert.equal((await h.api('GET', '/v1/settings/reminders')).json.run.remindAfterMinutes, 15);
  const audit = await h.app.db.collection('audit').where('action', '==', 'settings.reminders').get();
  assert.equal(audit.size, 1);
  assert.equal(audit.docs[0]!.get('actor.name'), 'ops-key');
});
