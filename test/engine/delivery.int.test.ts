/** At-least-once delivery: duplicates, crashes mid-step, poison messages and replay, on the real push path. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldValue } from '@google-cloud/firestore';
import { z } from 'zod';
import { done, type WorkflowDefinition } from '../../functions/src/engine/workflow.js';
import { STEP_TOPICS, stepTopic } from '../../functions/src/platform/catalog.js';
import { engineOf } from '../../functions/src/wiring/engine.js';
import { startHarness, type Harness } from '../helpers/engine-harness.js';

const calls = new Map<string, number>();
const bump = (key: string) => calls.set(key, (calls.get(key) ?? 0) + 1);
const counted = (id: string) =>
  done(
    { ok: true },
    {
      effect: async (tx, db) =>
        void tx.set(db.collection('counters').doc(id), { n: FieldValue.increment(1) }, { merge: true }),
    },
  );

const slow: WorkflowDefinition = {
  name: 'slow-count',
  input: z.looseObject({}),
  autonomous: false,
  graph: () => ({ start: ['count'], steps: { count: { type: 'count' } } }),
  handlers: {
    count: async (ctx) => {
      bump(`slow:${ctx.runId}`);
      await new Promise((r) => setTimeout(r, 400));
      return counted(ctx.runId);
    },
  },
};

const flaky: WorkflowDefinition = {
  name: 'flaky',
  input: z.looseObject({}),
  autonomous: false,
  graph: () => ({ start: ['work'], steps: { work: { type: 'work' } } }),
  handlers: {
    work: async (ctx) => {
      bump(`flaky:${ctx.runId}`);
      if (calls.get(`flaky:${ctx.runId}`) === 1) throw new Error('instance crashed mid-step');
      return counted(ctx.runId);
    },
  },
};

const needsFix: WorkflowDefinition = {
  name: 'needs-fix',
  input: z.looseObject({}),
  autonomous: false,
  graph: () => ({ start: ['enrich'], steps: { enrich: { type: 'enrich' } } }),
  handlers: {},
};

let h: Harness;
before(async () => {
  h = await startHarness({ workflows: [slow, flaky, needsFix] });
});
after(async () => h.stop());

const counter = async (id: string) =>
  ((await h.app.db.collection('counters').doc(id).get()).data()?.n as number | undefined) ?? 0;

test('one step message delivered three times changes state once', async () => {
  const { json } = await h.api('POST', '/v1/runs', { workflow: 'slow-count' });
  const envelope = { v: 1, runId: json.runId, stepId: 'count', attempt: 1, wake: 0 };
  const topic = stepTopic(json.runId);
  await Promise.all([h.app.bus.publish(topic, envelope), h.app.bus.publish(topic, envelope)]);
  const run = await h.waitForRun(json.runId, (r) => r.status === 'succeeded');
  await h
    .waitFor(
      'all three deliveries handled',
      async () => (calls.get(`slow:${json.runId}`) ?? 0) >= 3 || undefined,
      10_000,
    )
    .catch(() => undefined);
  assert.equal(await counter(json.runId), 1, 'the effect committed once');
  assert.equal(run.steps.count!.status, 'done');
  const events = await h.app.db
    .collection('events')
    .where('runId', '==', json.runId)
    .where('type', '==', 'step.succeeded')
    .get();
  assert.equal(events.size, 1);
});

test('a handler that throws mid-step is redelivered and completes once', async () => {
  const { json } = await h.api('POST', '/v1/runs', { workflow: 'flaky' });
  await h.waitForRun(json.runId, (r) => r.status === 'succeeded', 30_000);
  assert.equal(calls.get(`flaky:${json.runId}`), 2, 'Pub/Sub redelivered after the 500');
  assert.equal(await counter(json.runId), 1);
});

test('a poison message lands in the dead letters with its payload, and is replayed after a fix', async () => {
  const garbage = Buffer.from('{"v":1,"runId":42}');
  await h.app.bus.publishRaw(STEP_TOPICS[0]!, garbage, { source: 'test' });
  const dl = await h.waitFor('garbage dead letter', async () => {
    const s = await h.app.db.collection('deadLetters').where('attributes.source', '==', 'test').get();
    return s.docs[0]?.data();
  });
  assert.equal(Buffer.from(dl.raw, 'base64').toString(), garbage.toString());
  assert.match(dl.reason, /invalid step envelope: runId: .*string/);

  const { json } = await h.api('POST', '/v1/runs', { workflow: 'needs-fix' });
  const listed = await h.waitFor('unknown step type dead letter', async () => {
    const r = await h.api('GET', '/v1/dead-letters?status=open');
    return (r.json.deadLetters as any[]).find((d) => d.reason.includes('unknown step type "enrich"'));
  });
  assert.equal(JSON.parse(Buffer.from(listed.raw, 'base64').toString()).runId, json.runId);
  const stuck = (await h.app.db.collection('runs').doc(json.runId).get()).data()!;
  assert.equal(stuck.steps.enrich.status, 'queued', 'the run waits; nothing was lost');

  engineOf(h.app).workflows.register({
    ...needsFix,
    handlers: { enrich: async () => done({ enriched: true }) },
  }); // the fix is deployed
  const replay = await h.api('POST', `/v1/dead-letters/${encodeURIComponent(listed.id)}/replay`);
  assert.equal(replay.status, 200, replay.text);
  await h.waitForRun(json.runId, (r) => r.status === 'succeeded');
  const after = (await h.app.db.collection('deadLetters').doc(listed.id).get()).data()!;
  assert.equal(after.status, 'replayed');
  assert.equal(after.replays.length, 1);
});

test('a message for a run that does not exist is a dead letter, acknowledged once', async () => {
  await h.app.bus.publish(stepTopic('no-such-run'), {
    v: 1,
    runId: 'no-such-run',
    stepId: 'x',
    attempt: 1,
    wake: 0,
  });
  const dl = await h.waitFor('dead letter', async () => {
    const s = await h.app.db
      .collection('deadLetters')
      .where('reason', '==', 'run "no-such-run" does not exist')
      .get();
    return s.docs[0]?.data();
  });
  assert.equal(dl.topic, stepTopic('no-such-run'), 'recorded with the shard it came from, for replay');
});
