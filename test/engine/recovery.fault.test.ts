/**
 * Fault suite, the engine side (issue 13 items 4, 5, 10): stranded steps re-published by the sweep,
 * bad and oversized workflow input refused at the door, outputs too large to store, and a step
 * dead-lettered by Pub/Sub ending its run `failed` with the reason.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldValue } from '@google-cloud/firestore';
import { z } from 'zod';
import { MAX_REPUBLISHES, STRANDED_AFTER_MS } from '../../functions/src/engine/stranded.js';
import { done, type WorkflowDefinition } from '../../functions/src/engine/workflow.js';
import { ensureTopology } from '../../scripts/lib/local/pubsub-topology.js';
import {
  DEAD_LETTER_TOPIC,
  TOPICS,
  stepTopic,
  subscriptionName,
} from '../../functions/src/platform/catalog.js';
import { startHarness, type Harness } from '../helpers/engine-harness.js';

/** The harness's clock, moved forward by the test to reach the sweep's deadline. */
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };

const twoSteps: WorkflowDefinition = {
  name: 'two-steps',
  input: z.looseObject({}),
  autonomous: false,
  graph: () => ({
    start: ['first'],
    onFail: 'cleanup',
    steps: {
      first: { type: 'count', next: ['second'] },
      second: { type: 'count' },
      cleanup: { type: 'count' },
    },
  }),
  handlers: {
    count: async (ctx) =>
      done(
        { step: ctx.stepId },
        {
          effect: async (tx, db) =>
            void tx.set(
              db.collection('counters').doc(`${ctx.runId}~${ctx.stepId}`),
              { n: FieldValue.increment(1) },
              { merge: true },
            ),
        },
      ),
  },
};

const bigOutput: WorkflowDefinition = {
  name: 'big-output',
  input: z.looseObject({}),
  autonomous: false,
  graph: () => ({ start: ['make'], steps: { make: { type: 'make' } } }),
  handlers: { make: async () => done({ blob: 'x'.repeat(600 * 1024) }) },
};

let h: Harness;
before(async () => {
  h = await startHarness({ workflows: [twoSteps, bigOutput], clock });
});
after(async () => h.stop());

const counter = async (id: string) =>
  ((await h.app.db.collection('counters').doc(id).get()).data()?.n as number | undefined) ?? 0;

/** Starts a run while its step shard has no subscription: the first message is lost in flight. */
async function runWithLostMessage(runId: string, keepDetached = false): Promise<void> {
  const spec = TOPICS.find((t) => t.name === stepTopic(runId))!;
  await h.app.pubsub.subscription(subscriptionName(spec)).delete();
  const r = await h.api('POST', '/v1/runs', { workflow: 'two-steps', runId });
  assert.equal(r.status, 201, r.text);
  if (!keepDetached)
    await ensureTopology(h.app.pubsub, { projectId: h.config.projectId, pushBase: h.baseUrl });
}

const sweep = async () => {
  const r = await h.api('POST', '/v1/engine/sweep');
  assert.equal(r.status, 200, r.text);
  return r.json.stranded as { republished: number; failed: number };
};

test('item 4: a queued step whose message was lost is re-published by the sweep past its deadline, once', async () => {
  const runId = `stranded-${Date.now()}`;
  await runWithLostMessage(runId);
  const stuck = (await h.app.db.collection('runs').doc(runId).get()).data()!;
  assert.equal(stuck.steps.first.status, 'queued');
  assert.equal(
    (await h.app.db.collection('outbox').where('runId', '==', runId).get()).size,
    0,
    'nothing in flight',
  );

  assert.deepEqual(await sweep(), { republished: 0, failed: 0, skipped: 0 }, 'not before the deadline');
  offsetMs += STRANDED_AFTER_MS + 1000;
  const first = await sweep();
  assert.equal(first.republished, 1);
  const run = await h.waitForRun(runId, (r) => r.status === 'succeeded');
  assert.equal(run.steps.first!.republished, 1);
  assert.equal(await counter(`${runId}~first`), 1, 'the effect once');
  assert.equal(await counter(`${runId}~second`), 1);

  offsetMs += STRANDED_AFTER_MS + 1000;
  assert.equal((await sweep()).republished, 0, 'a finished run is never re-published');
});

test('item 4: a step whose message is lost every time fails after the limit, and its run ends failed', async () => {
  const runId = `lost-${Date.now()}`;
  await runWithLostMessage(runId, true);
  try {
    for (let k = 1; k <= MAX_REPUBLISHES; k++) {
      offsetMs += STRANDED_AFTER_MS + 1000;
      const r = await sweep();
      assert.ok(r.republished >= 1, `sweep ${k} re-published`);
    }
  } finally {
    await ensureTopology(h.app.pubsub, { projectId: h.config.projectId, pushBase: h.baseUrl });
  }
  // The last re-published message was lost too (no subscription then); the next sweep gives up.
  offsetMs += STRANDED_AFTER_MS + 1000;
  const last = await sweep();
  assert.ok(last.failed >= 1);
  const run = await h.waitForRun(runId, (r) => r.status === 'failed');
  assert.match(run.steps.first!.error!, /lost or dead-lettered 4 times/);
  assert.equal(run.steps.second!.status, 'skipped');
  assert.equal(await counter(`${runId}~cleanup`), 1, 'the fail path ran');
});

test('item 5: bad workflow input is a 400 naming the field, for each product workflow', async () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['muse-production', { topic: 'x' }, /input\.intentId/],
    ['muse-production', { intentId: 'i1', topic: 'x', mode: 'loud' }, /input\.mode/],
    ['demo', { topic: 42 }, /input\.topic/],
    ['demo', { topic: 'ok', extra: true }, /extra/],
    ['incident-escalation', {}, /input\.incidentId/],
    ['pipeline', { pipelineRunId: 'p1', profile: 'default' }, /input\.spec/],
  ];
  const before = (await h.app.db.collection('runs').get()).size;
  for (const [workflow, input, names] of cases) {
    const r = await h.api('POST', '/v1/runs', { workflow, input });
    assert.equal(r.status, 400, `${workflow} ${JSON.stringify(input)}: ${r.text}`);
    assert.equal(r.json.error.code, 'invalid_input');
    assert.match(r.json.error.message, names);
  }
  assert.equal((await h.app.db.collection('runs').get()).size, before, 'no run was created');
  const ok = await h.api('POST', '/v1/runs', { workflow: 'demo', input: { topic: 'fine' } });
  assert.equal(ok.status, 201, ok.text);
});

test('item 10: a ~900 KB input is refused at the door; an output too large to store fails the step, not its commit', async () => {
  const before = (await h.app.db.collection('runs').get()).size;
  const r = await h.api('POST', '/v1/runs', { workflow: 'demo', input: { topic: 'y'.repeat(900 * 1024) } });
  assert.ok(r.status === 400 || r.status === 413, `${r.status} ${r.text.slice(0, 200)}`);
  assert.match(r.json.error.message, /bytes|too large/);
  assert.equal((await h.app.db.collection('runs').get()).size, before, 'no run was created');

  const big = await h.api('POST', '/v1/runs', { workflow: 'big-output' });
  const run = await h.waitForRun(big.json.runId, (x) => x.status === 'failed');
  assert.match(run.steps.make!.error!, /step output is \d+ bytes as JSON; the limit is \d+/);
});

test('item 10: a step message Pub/Sub dead-lettered ends its run failed with the reason; the fail path runs', async () => {
  const runId = `dead-${Date.now()}`;
  await runWithLostMessage(runId);
  const spec = TOPICS.find((t) => t.name === stepTopic(runId))!;
  // What Pub/Sub forwards after the subscription's max delivery attempts.
  await h.app.bus.publish(
    DEAD_LETTER_TOPIC,
    { v: 1, runId, stepId: 'first', attempt: 1, wake: 0 },
    {
      CloudPubSubDeadLetterSourceSubscription: `projects/${h.config.projectId}/subscriptions/${subscriptionName(spec)}`,
      CloudPubSubDeadLetterSourceDeliveryCount: '10',
    },
  );
  const run = await h.waitForRun(runId, (r) => r.status === 'failed');
  assert.match(run.steps.first!.error!, /^dead-lettered: delivery failed 10 times on subscription/);
  assert.equal(await counter(`${runId}~first`), 0, 'the step never ran');
  assert.equal(await counter(`${runId}~cleanup`), 1, 'the fail path ran');
  const dls = await h.app.db.collection('deadLetters').where('topic', '==', spec.name).get();
  const dl = dls.docs.map((d) => d.data()).find((d) => JSON.parse(d.text ?? '{}').runId === runId);
  assert.ok(dl, 'recorded under the step topic it came from');
  assert.match(dl.subscription, new RegExp(subscriptionName(spec)));
  const replay = await h.api('POST', `/v1/dead-letters/${encodeURIComponent(dl.id)}/replay`);
  assert.equal(replay.status, 409, replay.text);
  assert.match(
    replay.json.error.message,
    /no longer waits for this message \(step "first" is failed, the run is failed\)/,
  );
});
