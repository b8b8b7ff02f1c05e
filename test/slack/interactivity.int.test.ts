/**
 * Interactivity: a gate button, then its modal, then the decision and the message updated; the
 * failure modal with four whys; a role refusal and its audit record; the breaker alert's Override.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { z } from 'zod';
import { done, type WorkflowDefinition } from '../../functions/src/engine/workflow.js';
import { APPROVER, FINANCE, NOBODY, startSlackHarness, textOf, type SlackHarness } from './helpers.js';
import { museOf } from '../../functions/src/wiring/muse.js';

const review: WorkflowDefinition = {
  name: 'slack-review',
  input: z.looseObject({}),
  autonomous: false,
  graph: () => ({
    start: ['review'],
    steps: { review: { type: 'gate', next: { ship: ['ship'], hold: [] } }, ship: { type: 'step' } },
  }),
  handlers: {
    gate: async () => ({ type: 'gate', context: { draft: 'lighthouses at dusk' }, edges: ['ship', 'hold'] }),
    step: async () => done({ shipped: true }),
  },
};

let h: SlackHarness;
before(async () => {
  h = await startSlackHarness({ workflows: [review] });
});
after(async () => h.stop());

test('gate: /muse gates lists it, a button opens the modal, the submission decides, the message updates', async () => {
  const { json } = await h.api('POST', '/v1/runs', { workflow: 'slack-review' });
  const runId = json.runId as string;
  await h.waitForRun(runId, (r) => r.status === 'awaiting_human');

  const list = await h.command('gates', { user: APPROVER });
  const posted = await h.response(list.responseId);
  const buttons = JSON.stringify(posted.body.blocks);
  assert.ok(buttons.includes('"action_id":"gate.pick"'));
  const ship = JSON.stringify({ r: runId, s: 'review', e: 'ship' });
  assert.ok(buttons.includes(JSON.stringify(ship).slice(1, -1)), 'a button per edge');

  const click = await h.click('gate.pick', ship, { user: APPROVER, responseId: 'gate-msg' });
  assert.equal(click.status, 200);
  const view = h.lastView();
  assert.equal(view.callback_id, 'gate.decide');

  const empty = await h.submit(view, { reason: '' });
  assert.equal(empty.json.response_action, 'errors');
  assert.ok(empty.json.errors.reason, 'rationale is required, inline');

  const ok = await h.submit(view, { reason: 'reads well, ship it' });
  assert.equal(ok.json.response_action, 'clear');
  const run = await h.waitForRun(runId, (r) => r.status === 'succeeded');
  assert.equal(run.gates.review!.decision!.edge, 'ship');
  assert.equal(run.gates.review!.decision!.decider.id, APPROVER);

  const updated = await h.response('gate-msg', (r) => r.body.replace_original === true);
  assert.match(textOf(updated.body), /<@UAPPROVER> chose \*ship\*: reads well, ship it/);
  const audit = await h.app.db.collection('audit').where('action', '==', 'slack.modal.gate.decide').get();
  const entry = audit.docs.find((d) => d.get('outcome') === 'ok')!.data();
  assert.equal(entry.rationale, 'reads well, ship it');
  assert.deepEqual(entry.slack, { teamId: 'T0LOCAL', channelId: 'CCOMMANDS' });

  const again = await h.submit(view, { reason: 'second try' }, { viewId: 'V-another' });
  assert.equal(again.json.response_action, 'errors', 'a second decision is refused inline');
  assert.match(again.json.errors.reason, /already decided/);
});

test('the failure modal with four whys answers with an inline error on the fifth', async () => {
  const r = await h.command('failure deploy broke prod', { user: NOBODY });
  assert.equal(r.status, 200);
  const view = h.lastView();
  assert.equal(view.callback_id, 'failure.log');
  const values = {
    summary: 'deploy broke prod',
    whatBroke: 'the API returned 500s',
    why1: 'a migration failed',
    why2: 'the column was missing',
    why3: 'the migration was not run',
    why4: 'the runbook skipped it',
    why5: '',
    rootCause: 'no migration step in CI',
    preventionKind: 'add_guard',
    preventionText: 'CI refuses deploys with pending migrations',
  };
  const four = await h.submit(view, values, { user: NOBODY });
  assert.equal(four.json.response_action, 'errors');
  assert.match(four.json.errors.why5, /5 whys are required, got 4/);
  assert.equal((await h.app.db.collection('failureLogs').get()).size, 0);

  const five = await h.submit(view, { ...values, why5: 'nobody owned the runbook' }, { user: NOBODY });
  assert.equal(five.json.response_action, 'update');
  assert.equal((await h.app.db.collection('failureLogs').get()).size, 1);
});

test('a role refusal is ephemeral, names the role, and is audited with team and channel', async () => {
  const r = await h.command('breaker override looks fine to me', { user: NOBODY });
  assert.equal(r.status, 200);
  assert.equal(r.json.response_type, 'ephemeral');
  assert.match(r.json.text, /needs the \*finance\* role/);
  const audit = await h.app.db.collection('audit').where('outcome', '==', 'refused').get();
  const refusal = audit.docs.map((d) => d.data()).find((a) => a.action === 'slack.breaker.override');
  assert.ok(refusal, 'the refusal is audited');
  assert.equal(refusal.actor.id, NOBODY);
  assert.match(refusal.reason, /finance/);
  assert.deepEqual(refusal.slack, { teamId: 'T0LOCAL', channelId: 'CCOMMANDS' });
});

test('a user group grants a role: a member of the approvers group may decide', async () => {
  h.slack.usergroups.set('SAPPROVERS', ['UGROUPIE']);
  const r = await h.command('gate no-such-run ship fine', { user: 'UGROUPIE' });
  assert.equal(r.status, 200);
  assert.equal(r.text, '', 'accepted for work, not refused');
  const answer = await h.response(r.responseId);
  assert.match(textOf(answer.body), /does not exist/);
});

test('breaker alert: Override by finance with a rationale resumes the loops and updates the alert', async () => {
  await museOf(h.app).wallet.trip({
    reason: 'balance under the panic line',
    actor: { kind: 'system', id: 'test' },
  });
  await h.app.bus.publish('slack-outbox', { job: 'slack-outbox' });
  const alert = await h.waitFor('the breaker alert', async () =>
    h.slack
      .callsOf('chat.postMessage', 'CFINANCE')
      .find((c) => JSON.stringify(c.body.blocks).includes('breaker.override')),
  );
  const refused = await h.click('breaker.override', { t: '1' }, { user: APPROVER, responseId: 'ovr-no' });
  assert.equal(refused.status, 200);
  assert.match(textOf((await h.response('ovr-no')).body), /finance/);

  await h.click(
    'breaker.override',
    { t: '1' },
    { user: FINANCE, channel: 'CFINANCE', messageTs: alert.body.ts, responseId: 'ovr' },
  );
  const view = h.lastView();
  assert.equal(view.callback_id, 'breaker.override');
  const ok = await h.submit(view, { reason: 'top-up arrived this morning' }, { user: FINANCE });
  assert.equal(ok.json.response_action, 'clear');
  const breaker = (await h.app.db.collection('wallet').doc('breaker').get()).data()!;
  assert.equal(breaker.tripped, false);
  const replaced = await h.response('ovr', (r) => r.body.replace_original === true);
  assert.match(textOf(replaced.body), /Overridden by <@UFINANCE>: top-up arrived this morning/);
});
