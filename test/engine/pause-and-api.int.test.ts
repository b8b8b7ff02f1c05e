/** The pause switch on autonomous runs, and bad API input answered with a 4xx naming the problem. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { pauseEngine } from '../../functions/src/engine/pause.js';
import { z } from 'zod';
import { done, type WorkflowDefinition } from '../../functions/src/engine/workflow.js';
import { startHarness, type Harness } from '../helpers/engine-harness.js';
import type { Container } from '../../functions/src/platform/container.js';

const ran: string[] = [];
const auto = (app: Container): WorkflowDefinition => ({
  name: 'auto',
  input: z.looseObject({}),
  autonomous: true,
  graph: () => ({
    start: ['a'],
    steps: { a: { type: 'step', next: ['b'] }, b: { type: 'step', next: ['c'] }, c: { type: 'step' } },
  }),
  handlers: {
    step: async (ctx) => {
      ran.push(`${ctx.runId}:${ctx.stepId}`);
      // Step a trips the switch itself, like the CFO breaker tripping mid-run.
      if (ctx.stepId === 'a' && ctx.input.pauseAfterA)
        await pauseEngine(app, {
          holder: 'operator',
          reason: 'test trip',
          actor: { kind: 'system', id: 'test' },
        });
      return done({ step: ctx.stepId });
    },
  },
});

let h: Harness;
before(async () => {
  h = await startHarness({ workflows: [auto] });
});
after(async () => h.stop());

test('the pause switch parks an autonomous run mid-flight and resumes it without losing a step', async () => {
  const { json } = await h.api('POST', '/v1/runs', { workflow: 'auto', input: { pauseAfterA: true } });
  const parked = await h.waitForRun(json.runId, (r) => r.steps.b?.status === 'parked');
  assert.equal(parked.steps.a!.status, 'done');
  assert.equal(parked.steps.c!.status, 'pending');
  assert.deepEqual(
    ran.filter((r) => r.startsWith(json.runId)),
    [`${json.runId}:a`],
    'b did not run while paused',
  );

  const second = await h.api('POST', '/v1/runs', { workflow: 'auto' });
  await h.waitForRun(second.json.runId, (r) => r.steps.a?.status === 'parked');

  const noRationale = await h.api('POST', '/v1/engine/resume', { rationale: '' });
  assert.equal(noRationale.status, 400);
  const resumed = await h.api('POST', '/v1/engine/resume', { rationale: 'false alarm' });
  assert.equal(resumed.status, 200, resumed.text);
  assert.equal(resumed.json.paused, false);

  await h.waitForRun(json.runId, (r) => r.status === 'succeeded');
  await h.waitForRun(second.json.runId, (r) => r.status === 'succeeded');
  assert.deepEqual(
    ran.filter((r) => r.startsWith(json.runId)),
    ['a', 'b', 'c'].map((s) => `${json.runId}:${s}`),
    'every step ran exactly once',
  );
  const types = (await h.api('GET', `/v1/runs/${json.runId}/events`)).json.events.map(
    (e: { type: string }) => e.type,
  );
  assert.ok(types.includes('step.parked') && types.includes('step.resumed'), types.join(','));
  const feed = (await h.api('GET', '/v1/events?limit=500')).json.events.map((e: { type: string }) => e.type);
  assert.ok(feed.includes('engine.paused') && feed.includes('engine.resumed'));
});

test('non-autonomous runs keep going while paused', async () => {
  await h.api('POST', '/v1/engine/pause', { reason: 'maintenance' });
  const { json } = await h.api('POST', '/v1/runs', { workflow: 'demo' });
  await h.waitForRun(json.runId, (r) => r.status === 'awaiting_human');
  await h.api('POST', '/v1/engine/resume', { rationale: 'maintenance over' });
});

test('bad API input gets a 4xx that names the problem', async () => {
  const malformed = await h.api('POST', '/v1/runs', '{"workflow": "demo",', {
    contentType: 'application/json',
  });
  assert.equal(malformed.status, 400);
  assert.match(malformed.text, /JSON/);
  const malformedText = await h.api('POST', '/v1/runs', '{"workflow": "demo",', {
    contentType: 'text/plain',
  });
  assert.equal(malformedText.status, 400);
  assert.match(malformedText.json.error.message, /not valid JSON/);

  const wrongType = await h.api('POST', '/v1/runs', { workflow: 5 });
  assert.equal(wrongType.status, 400);
  assert.match(wrongType.json.error.message, /workflow: .*string/);

  const unknownWorkflow = await h.api('POST', '/v1/runs', { workflow: 'nope' });
  assert.equal(unknownWorkflow.status, 400);
  assert.match(unknownWorkflow.json.error.message, /unknown workflow "nope"; known: .*demo/);

  const unknownRun = await h.api('GET', '/v1/runs/does-not-exist');
  assert.equal(unknownRun.status, 404);
  assert.match(unknownRun.json.error.message, /run "does-not-exist" does not exist/);
  const gateUnknown = await h.api('POST', '/v1/runs/does-not-exist/gate', {
    edge: 'approve',
    rationale: 'x',
  });
  assert.equal(gateUnknown.status, 404);

  const noKey = await h.api('GET', '/v1/runs', undefined, { key: null });
  assert.equal(noKey.status, 401);
  assert.match(noKey.json.error.message, /missing API key/);
  const badKey = await h.api('GET', '/v1/runs', undefined, { key: 'mo_wrong' });
  assert.equal(badKey.status, 401);
  const reader = await h.keyFor(['read']);
  const forbidden = await h.api('POST', '/v1/runs', { workflow: 'demo' }, { key: reader });
  assert.equal(forbidden.status, 403);
  assert.match(forbidden.json.error.message, /lacks the "runs" scope/);

  assert.equal((await h.api('GET', '/v1/nowhere')).status, 404);
  assert.equal((await h.api('DELETE', '/v1/runs')).status, 405);
  const callback = await h.api('POST', '/v1/runs/does-not-exist/steps/x/callback', { ok: true });
  assert.equal(callback.status, 404);
});

test('health reports Firestore and Pub/Sub; livez needs nothing', async () => {
  const health = await h.api('GET', '/healthz', undefined, { key: null });
  assert.equal(health.status, 200, health.text);
  assert.equal(health.json.firestore.ok, true);
  assert.equal(health.json.pubsub.ok, true);
  assert.equal((await h.api('GET', '/livez', undefined, { key: null })).status, 200);
});
