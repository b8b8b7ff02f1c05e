import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { getTask, registerAgent } from '../../functions/src/tasks/tasks.js';
import { holdoutStrings } from '../../functions/src/runs/core/suite.js';
import type { PipelineRunEvent } from '../../functions/src/runs/core/pipeline-run.js';
import { pipelineRunRef } from '../../functions/src/runs/repo.js';
import { gatedSpec, suiteFor } from './fixtures.js';
import { startRunsHarness, type RunsHarness } from './helpers.js';

// The stored collections, read as they are (the test checks what is kept, not through the use cases).
const SPECS = 'pipelineSpecs';
const REPORTS = 'scenarioReports';
const ARTIFACTS = 'pipelineArtifacts';

let h: RunsHarness;
const outcome = 'Readers get a short, polished post about lighthouses.';
before(async () => {
  h = await startRunsHarness();
  const suite = suiteFor('brief-writer', '1');
  suite.scenarios.push({
    id: 'holdout-rubric',
    title: 'HOLDOUT-SECRET-7f3: a person would call it about lighthouses',
    holdout: true,
    critical: true,
    checks: [
      {
        kind: 'rubric',
        stage: 'draft',
        path: '$.text',
        rubric: 'mentions lighthouses HOLDOUT-SECRET-7f3',
        minScore: 0.5,
      },
    ],
  });
  for (const [path, body] of [
    ['/v1/pipelines', gatedSpec('1')],
    ['/v1/suites', suite],
  ] as const) {
    const r = await h.call('POST', path, body);
    assert.equal(r.status, 201, r.text);
  }
});
after(async () => h.stop());

async function startRun(spec = 'brief-writer@1', suite = 'brief-writer-suite@1'): Promise<string> {
  const r = await h.call('POST', '/v1/pipeline-runs', {
    spec,
    suite,
    profile: 'staging',
    input: { topic: 'lighthouses' },
  });
  assert.equal(r.status, 201, r.text);
  return r.json.runIds[0] as string;
}

test('one run through every state, with a gate; events readable; holdouts never reach a stage; handoff', async () => {
  const runId = await startRun();
  const parked = await h.waitForState(runId, (r) => r.state === 'awaiting_human');
  assert.equal(parked.stages.draft!.status, 'succeeded');

  const notOffered = await h.call('POST', `/v1/pipeline-runs/${runId}/gate`, {
    edge: 'ship-it',
    rationale: 'why not',
  });
  assert.equal(notOffered.status, 400);
  assert.match(notOffered.json.error.message, /"ship-it" is not offered.*publish, discard/);
  const noWhy = await h.call('POST', `/v1/pipeline-runs/${runId}/gate`, { edge: 'publish', rationale: '  ' });
  assert.equal(noWhy.status, 400);
  assert.match(noWhy.text, /rationale/);
  const early = await h.call('POST', `/v1/pipeline-runs/${runId}/decision`, {
    decision: 'approve',
    rationale: 'fine',
    outcome,
  });
  assert.equal(early.status, 409);
  assert.match(early.json.error.message, /awaiting_human, not evaluating/);

  const gate = await h.call(
    'POST',
    `/v1/pipeline-runs/${runId}/gate`,
    { edge: 'publish', rationale: 'the draft reads well' },
    ['decide'],
  );
  assert.equal(gate.status, 200, gate.text);
  const second = await h.call('POST', `/v1/pipeline-runs/${runId}/gate`, {
    edge: 'discard',
    rationale: 'second thoughts',
  });
  assert.equal(second.status, 409);
  assert.match(second.json.error.message, /already decided: "publish"/);

  await h.waitForState(runId, (r) => r.state === 'evaluating');
  const approve = await h.call(
    'POST',
    `/v1/pipeline-runs/${runId}/decision`,
    { decision: 'approve', rationale: 'holdouts and scenarios passed', outcome },
    ['decide'],
  );
  assert.equal(approve.status, 201, approve.text);
  assert.equal(approve.json.decision, 'approved');
  assert.equal(approve.json.decidedBy.id, 'k-test');

  const got = await h.call('GET', `/v1/pipeline-runs/${runId}`, undefined, ['read']);
  assert.equal(got.status, 200);
  assert.equal(got.json.run.state, 'approved');
  const events = got.json.events as PipelineRunEvent[];
  assert.deepEqual(
    events.map((e) => e.seq),
    events.map((_, i) => i + 1),
  );
  const states = events.filter((e) => e.type === 'state.changed').map((e) => e.data.to);
  assert.deepEqual(states, [
    'booting',
    'running',
    'awaiting_human',
    'running',
    'succeeded',
    'evaluating',
    'approved',
  ]);
  for (const t of [
    'run.queued',
    'stage.succeeded',
    'gate.opened',
    'gate.decided',
    'evaluation.completed',
    'decision.recorded',
  ])
    assert.ok(
      events.some((e) => e.type === t),
      t,
    );
  assert.equal(got.json.report.summary.holdoutsPassed, 2);

  // Holdouts are never visible to the stages: no stage prompt carries any of their text.
  const secrets = holdoutStrings(suiteFor('brief-writer')).concat(['HOLDOUT-SECRET-7f3']);
  const stagePrompts = h.model.requests.filter((r) => r.purpose === 'stage');
  assert.ok(stagePrompts.length >= 2);
  for (const r of stagePrompts)
    for (const s of secrets)
      assert.ok(!`${r.system ?? ''}${r.prompt}`.includes(s), `stage prompt leaked "${s}"`);
  assert.ok(
    h.model.requests.some((r) => r.purpose === 'rubric' && r.prompt.includes('HOLDOUT-SECRET-7f3')),
    'the rubric was graded by the model',
  );
  const engineRun = (await h.app.db.collection('runs').doc(runId).get()).data()!;
  assert.ok(
    !JSON.stringify(engineRun.input).includes('HOLDOUT-SECRET-7f3'),
    'the suite is not in the run input',
  );

  assert.deepEqual(Object.keys(got.json.run.stages).sort(), ['draft', 'polish', 'review']);
  const listed = await h.call('GET', '/v1/pipeline-runs?state=approved&spec=brief-writer', undefined, [
    'read',
  ]);
  assert.ok(listed.json.runs.some((r: { id: string }) => r.id === runId));
  assert.equal((await h.call('GET', '/v1/pipeline-runs?state=done')).status, 400);
  assert.equal(
    (
      await h.call('POST', `/v1/pipeline-runs/${runId}/decision`, { decision: 'reject', rationale: 'x' }, [
        'read',
      ])
    ).status,
    403,
  );

  const json = await h.call('GET', `/v1/pipeline-runs/${runId}/handoff`, undefined, ['read']);
  assert.equal(json.json.decision.decision, 'approved');
  assert.ok(Array.isArray(json.json.openRisks) && Array.isArray(json.json.nextActions));
  const md = await h.call('GET', `/v1/pipeline-runs/${runId}/handoff?format=md`, undefined, ['read']);
  assert.match(
    md.text,
    /## Run summary[\s\S]*## Scenario report[\s\S]*## Decision record[\s\S]*\*\*approved\*\*[\s\S]*## Open risks[\s\S]*## Next actions/,
  );
});

test('20 concurrent decisions give exactly one; the others are refused naming it', async () => {
  const runId = await startRun();
  await h.waitForState(runId, (r) => r.state === 'awaiting_human');
  assert.equal(
    (await h.call('POST', `/v1/pipeline-runs/${runId}/gate`, { edge: 'publish', rationale: 'ok' })).status,
    200,
  );
  await h.waitForState(runId, (r) => r.state === 'evaluating');
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      h.call(
        'POST',
        `/v1/pipeline-runs/${runId}/decision`,
        i % 2
          ? { decision: 'approve', rationale: `approver ${i}`, outcome }
          : { decision: 'reject', rationale: `rejecter ${i}` },
      ),
    ),
  );
  const ok = results.filter((r) => r.status === 201);
  assert.equal(ok.length, 1, results.map((r) => r.status).join(','));
  for (const r of results.filter((x) => x.status !== 201)) {
    assert.equal(r.status, 409, r.text);
    assert.match(r.json.error.message, /already (approved|rejected) by k-test/);
  }
  const run = (await pipelineRunRef(h.app.db, runId).get()).data()!;
  assert.equal(run.decision?.rationale, ok[0]!.json.rationale);
  assert.equal(run.state, ok[0]!.json.decision);
});

test('published specs and finished runs do not change: republish, remediation and bad requests are refused', async () => {
  const again = await h.call('POST', '/v1/pipelines', { ...gatedSpec('1'), description: 'sneaky edit' });
  assert.equal(again.status, 409);
  assert.match(again.json.error.message, /"brief-writer@1" is already published.*never change/);
  assert.equal((await h.app.db.collection(SPECS).doc('brief-writer@1').get()).get('description'), undefined);

  const invalid = await h.call(
    'POST',
    '/v1/pipelines',
    gatedSpec('bad', { stages: [{ id: 'a', kind: 'model', prompt: 'p', next: ['a'] }], start: ['a'] }),
  );
  assert.equal(invalid.status, 400);
  assert.match(invalid.json.error.message, /cycle: a -> a/);

  for (const [body, re, status] of [
    [{ spec: 'brief-writer', suite: 'brief-writer-suite@1', profile: 'staging' }, /name@version/, 400],
    [{ spec: 'brief-writer@latest', suite: 'brief-writer-suite@1', profile: 'staging' }, /latest/, 400],
    [
      { spec: 'brief-writer@9', suite: 'brief-writer-suite@1', profile: 'staging' },
      /"brief-writer@9" is not published/,
      404,
    ],
    [
      { spec: 'brief-writer@1', suite: 'brief-writer-suite@1', profile: 'prod-eu' },
      /profile "prod-eu" is not declared/,
      400,
    ],
  ] as const) {
    const r = await h.call('POST', '/v1/pipeline-runs', body);
    assert.equal(r.status, status, r.text);
    assert.match(r.json.error.message, re);
  }

  const oldId = await startRun();
  await h.waitForState(oldId, (r) => r.state === 'awaiting_human');
  await h.call('POST', `/v1/pipeline-runs/${oldId}/gate`, { edge: 'discard', rationale: 'tone is wrong' });
  await h.waitForState(oldId, (r) => r.state === 'evaluating');
  assert.equal(
    (
      await h.call('POST', `/v1/pipeline-runs/${oldId}/decision`, {
        decision: 'reject',
        rationale: 'discarded at the gate',
      })
    ).status,
    201,
  );
  const snapshot = async () => ({
    run: (await pipelineRunRef(h.app.db, oldId).get()).data(),
    report: (await h.app.db.collection(REPORTS).doc(oldId).get()).data(),
    artifacts: (await h.app.db.collection(ARTIFACTS).where('runId', '==', oldId).get()).docs.map((d) =>
      d.data(),
    ),
  });
  const before = await snapshot();
  const redecide = await h.call('POST', `/v1/pipeline-runs/${oldId}/decision`, {
    decision: 'approve',
    rationale: 'actually fine',
    outcome,
  });
  assert.equal(redecide.status, 409);

  assert.equal((await h.call('POST', '/v1/pipelines', gatedSpec('2'))).status, 201);
  const once = {
    requestId: 'req-000001',
    spec: 'brief-writer@1',
    suite: 'brief-writer-suite@1',
    profile: 'staging',
    input: { topic: 'lighthouses' },
  };
  const [a, b] = [
    await h.call('POST', '/v1/pipeline-runs', once),
    await h.call('POST', '/v1/pipeline-runs', once),
  ];
  assert.deepEqual(b.json, a.json, 'a retried request returns the same runs');
  const reused = await h.call('POST', '/v1/pipeline-runs', { ...once, spec: 'brief-writer@2' });
  assert.equal(reused.status, 409);
  assert.match(reused.json.error.message, /requestId "req-000001" was used for brief-writer@1/);

  const same = await h.call('POST', `/v1/pipeline-runs/${oldId}/remediate`, {
    spec: 'brief-writer@1',
    rationale: 'retry',
  });
  assert.equal(same.status, 400);
  const rem = await h.call('POST', `/v1/pipeline-runs/${oldId}/remediate`, {
    spec: 'brief-writer@2',
    rationale: 'clarify the tone',
    input: { topic: 'lighthouses' },
  });
  assert.equal(rem.status, 201, rem.text);
  const newId = rem.json.runIds[0] as string;
  const fresh = await h.waitForState(newId, (r) => r.state === 'awaiting_human');
  assert.deepEqual(fresh.remediates, { runId: oldId, rationale: 'clarify the tone' });
  assert.equal(fresh.spec, 'brief-writer@2');
  assert.deepEqual(await snapshot(), before, 'the old run and its artifacts are exactly as they were');

  // A rejected run opens remediation tasks (Growth Engine tasks) that link back to it.
  await registerAgent(h.app, { id: 'fixer', actor: { kind: 'system', id: 'test' } });
  const notRejected = await h.call('POST', `/v1/pipeline-runs/${newId}/remediation-tasks`, {
    tasks: [{ title: 'x', agentId: 'fixer', estimateMinutes: 30 }],
  });
  assert.equal(notRejected.status, 409);
  const tasks = await h.call(
    'POST',
    `/v1/pipeline-runs/${oldId}/remediation-tasks`,
    {
      tasks: [
        {
          title: 'Say which tone the post takes',
          agentId: 'fixer',
          estimateMinutes: 60,
          failure: 'gate:review',
        },
      ],
    },
    ['decide'],
  );
  assert.equal(tasks.status, 201, tasks.text);
  const taskId = tasks.json.tasks[0].taskId as string;
  const task = await getTask(h.app, taskId);
  assert.match(task.description, new RegExp(`Remediation of Level 4 run ${oldId}`));
  assert.deepEqual(await snapshot(), before, 'opening tasks does not touch the old run either');

  const handoff = await h.call('GET', `/v1/pipeline-runs/${oldId}/handoff`);
  assert.deepEqual(handoff.json.run.remediatedBy, [newId]);
  assert.deepEqual(handoff.json.run.remediationTasks, [taskId]);
  assert.ok(handoff.json.nextActions.includes(`complete remediation task ${taskId}`));
});
