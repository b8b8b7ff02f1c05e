/**
 * Every `/muse` subcommand through the signed endpoint, with its malformed forms, and a Level 4 run
 * whose approval the decision policy blocks, with the reasons shown.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createMission } from '../../functions/src/missions/lifecycle.js';
import { gatedSpec, suiteFor } from '../runs/fixtures.js';
import { callRoute, pipelineWorkflowFor, recordingModel } from '../runs/helpers.js';
import { pipelineRunRef } from '../../functions/src/runs/repo.js';
import { engineOf } from '../../functions/src/wiring/engine.js';
import {
  answerOf,
  APPROVER,
  FINANCE,
  OPERATOR,
  startSlackHarness,
  textOf,
  type SlackHarness,
} from './helpers.js';

let h: SlackHarness;
before(async () => {
  h = await startSlackHarness();
  engineOf(h.app).workflows.register(pipelineWorkflowFor(h.app, { model: recordingModel() }));
});
after(async () => h.stop());

const say = (text: string, user = OPERATOR) => answerOf(h, text, { user });

test('malformed and unknown input gets an ephemeral usage line for that subcommand', async () => {
  const cases: Array<[string, RegExp]> = [
    ['frobnicate', /unknown subcommand[\s\S]*\/muse status/],
    ['gate', /Usage: `\/muse gate <run-id> <edge> <rationale\.\.\.>`/],
    ['gate run-1 ship', /needs a rationale/],
    ['approve run-1', /user-visible outcome/],
    ['reject', /run-id/],
    ['run', /\/muse run <run-id>/],
    ['mission', /mission start <id>/],
    ['mission complete m-1', /verification/],
    ['mission block m-1 needs-only', /unblock criteria/],
    ['session', /session start/],
    ['session close', /passed or failed/],
    ['incident sev9 fire', /sev1-sev4/],
    ['incident sev1', /summary/],
    ['ack', /\/muse ack <incident-id>/],
    ['resolve inc-1', /how it was resolved/],
    ['breaker', /override/],
    ['breaker override', /rationale/],
    ['safemode exit', /rationale/],
    ['status now', /takes no arguments/],
    ['wallet please', /takes no arguments/],
  ];
  for (const [text, re] of cases) {
    const r = await h.command(text, { user: FINANCE });
    assert.equal(r.status, 200, text);
    assert.equal(r.json?.response_type, 'ephemeral', text);
    assert.match(r.json.text, re, text);
  }
});

test('help, status, gates, wallet, missions and the mission lifecycle', async () => {
  assert.match(await say('help'), /\/muse breaker override/);
  const status = await say('status');
  for (const part of ['Loop', 'Wallet', 'Breaker', 'Safe mode', 'Open gates', 'Open incidents'])
    assert.match(status, new RegExp(part));
  assert.match(await say('gates'), /No run is waiting|gate\(s\) waiting/);
  assert.match(await say('wallet'), /Balance[\s\S]*Reserved[\s\S]*Burn rate/);

  const actor = { kind: 'user' as const, id: OPERATOR };
  await createMission(h.app, { id: 'm-slack-1', title: 'Slack app', actor } as never);
  await createMission(h.app, { id: 'm-slack-2', title: 'Slack docs', actor } as never);
  assert.match(await say('missions'), /m-slack-1/);
  assert.match(await say('mission start m-slack-1'), /m-slack-1/);
  assert.match(await say('mission block m-slack-2 review,docs waiting on the review'), /blocked/);
  assert.match(await say('mission complete m-slack-1 npm test -- test/slack'), /completed/);
  assert.match(await say('mission start m-unknown'), /Refused/);
});

test('sessions, incidents, safe mode and the breaker, including refusals', async () => {
  assert.match(await say('session start slack, docs'), /Session `S-/);
  assert.match(await say('session close passed wrapped up'), /Session|closure|L5/i);
  assert.match(await say('session close passed'), /no open session/);

  const opened = await say('incident sev2 search is slow');
  const id = /`(inc-[^`]+)`/.exec(opened)![1]!;
  assert.match(await say(`ack ${id}`), /acknowledged/);
  assert.match(await say(`resolve ${id} restarted the indexer`), /resolved/);
  assert.match(await say('ack inc-nope'), /Refused/);

  assert.match(await say('safemode exit all good', OPERATOR), /Refused/, 'not in safe mode');
  assert.match(await say('breaker override all good', FINANCE), /Refused/, 'breaker not tripped');
});

test('Level 4: gate, run summary with the policy, approve blocked with reasons, reject', async () => {
  const suite = suiteFor('brief-writer', '1');
  suite.scenarios.push({
    id: 'mentions-unicorns',
    title: 'the draft mentions unicorns',
    holdout: false,
    critical: true,
    checks: [{ kind: 'contains', stage: 'draft', path: '$.text', text: 'unicorns-never' }],
  });
  for (const [path, body] of [
    ['/v1/pipelines', gatedSpec('1')],
    ['/v1/suites', suite],
  ] as const)
    assert.equal((await callRoute(h.app, 'POST', path, body, ['admin'])).status, 201);
  const created = await callRoute(
    h.app,
    'POST',
    '/v1/pipeline-runs',
    {
      spec: 'brief-writer@1',
      suite: 'brief-writer-suite@1',
      profile: 'staging',
      input: { topic: 'lighthouses' },
    },
    ['admin'],
  );
  const runId = created.json.runIds[0] as string;
  await h.waitFor(
    'awaiting a person',
    async () => (await pipelineRunRef(h.app.db, runId).get()).get('state') === 'awaiting_human',
  );

  assert.match(await say(`gate ${runId} publish the draft reads well`, APPROVER), /resolved gate `review`/);
  await h.waitFor(
    'evaluating',
    async () => (await pipelineRunRef(h.app.db, runId).get()).get('state') === 'evaluating',
  );

  const summary = await h.command(`run ${runId}`, { user: OPERATOR });
  const post = await h.response(summary.responseId);
  assert.match(textOf(post.body), /approval blocked[\s\S]*mentions-unicorns/);
  assert.ok(JSON.stringify(post.body.blocks).includes('run.approve'), 'Approve and Reject buttons');

  const blocked = await say(`approve ${runId} Readers get a short post about lighthouses.`, APPROVER);
  assert.match(blocked, /Refused by the decision policy[\s\S]*scenario "mentions-unicorns" failed/);
  const refusal = await h.app.db.collection('audit').where('action', '==', 'slack.approve').get();
  assert.equal(refusal.docs[0]!.get('outcome'), 'refused');

  assert.match(
    await say(`approve ${runId} ok`, OPERATOR),
    /approver\* role/,
    'approving needs the approver role',
  );
  assert.match(await say(`reject ${runId} the unicorn scenario failed`, APPROVER), /rejected/);
  assert.equal((await pipelineRunRef(h.app.db, runId).get()).get('state'), 'rejected');
});
