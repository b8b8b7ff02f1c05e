import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../helpers/engine-harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => h.stop());

test('the demo workflow runs fetch -> fan-out -> join -> gate -> publish through the emulator push path', async () => {
  const started = await h.api('POST', '/v1/runs', {
    workflow: 'demo',
    input: { topic: 'lo-fi study streams' },
  });
  assert.equal(started.status, 201, started.text);
  const runId = started.json.runId as string;
  const parked = await h.waitForRun(runId, (r) => r.status === 'awaiting_human');
  assert.deepEqual(parked.gates.review!.edges, ['approve', 'reject']);
  assert.equal(parked.steps.draft!.status, 'done');
  assert.equal(parked.steps.score!.status, 'done');

  const decided = await h.api('POST', `/v1/runs/${runId}/gate`, { edge: 'approve', rationale: 'reads well' });
  assert.equal(decided.status, 200, decided.text);
  const done = await h.waitForRun(runId, (r) => r.status === 'succeeded');
  assert.equal(done.steps.publish!.status, 'done');
  assert.equal(done.steps.discard!.status, 'skipped');

  const got = await h.api('GET', `/v1/runs/${runId}`);
  const types = (got.json.events as Array<{ type: string; seq: number }>).map((e) => e.type);
  assert.deepEqual(types.slice(0, 2), ['run.created', 'run.started']);
  assert.ok(
    types.includes('gate.opened') && types.includes('gate.decided') && types.at(-1) === 'run.succeeded',
    types.join(','),
  );
  const seqs = (got.json.events as Array<{ seq: number }>).map((e) => e.seq);
  assert.deepEqual(
    seqs,
    seqs.map((_, i) => i + 1),
    'events are numbered 1..n in order',
  );
  assert.equal(got.json.outputs.publish.published, true);
});

test('a second decision is refused and reports the first', async () => {
  const { json } = await h.api('POST', '/v1/runs', { workflow: 'demo' });
  await h.waitForRun(json.runId, (r) => r.status === 'awaiting_human');
  const first = await h.api('POST', `/v1/runs/${json.runId}/gate`, {
    edge: 'reject',
    rationale: 'off-brand',
  });
  assert.equal(first.status, 200);
  const second = await h.api('POST', `/v1/runs/${json.runId}/gate`, {
    edge: 'approve',
    rationale: 'changed my mind',
  });
  assert.equal(second.status, 409);
  assert.match(second.json.error.message, /already decided: "reject" by test-admin \("off-brand"\)/);
});

test('20 concurrent decisions on one gate produce exactly one', async () => {
  const { json } = await h.api('POST', '/v1/runs', { workflow: 'demo' });
  await h.waitForRun(json.runId, (r) => r.status === 'awaiting_human');
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      h.api('POST', `/v1/runs/${json.runId}/gate`, {
        edge: i % 2 ? 'approve' : 'reject',
        rationale: `decider ${i}`,
      }),
    ),
  );
  const ok = results.filter((r) => r.status === 200);
  assert.equal(ok.length, 1, results.map((r) => r.status).join(','));
  assert.ok(
    results.filter((r) => r.status !== 200).every((r) => r.status === 409),
    results.map((r) => r.status).join(','),
  );
  const run = await h.waitForRun(json.runId, (r) => r.status === 'succeeded');
  assert.equal(run.gates.review!.decision!.rationale, ok[0]!.json.decision.rationale);
  const audits = await h.app.db
    .collection('audit')
    .where('action', '==', 'gate.decide')
    .where('target', '==', `runs/${json.runId}#review`)
    .get();
  assert.equal(audits.size, 1);
});

test('gate input errors name the problem', async () => {
  const { json } = await h.api('POST', '/v1/runs', { workflow: 'demo' });
  await h.waitForRun(json.runId, (r) => r.status === 'awaiting_human');
  const bad = await h.api('POST', `/v1/runs/${json.runId}/gate`, { edge: 'maybe', rationale: 'hmm' });
  assert.equal(bad.status, 400);
  assert.match(bad.json.error.message, /edge "maybe" is not offered .* approve, reject/);
  const empty = await h.api('POST', `/v1/runs/${json.runId}/gate`, { edge: 'approve', rationale: '   ' });
  assert.equal(empty.status, 400);
  assert.match(empty.json.error.message, /rationale/);
});
