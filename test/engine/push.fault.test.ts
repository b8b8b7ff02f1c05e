/**
 * Fault suite, the push side (issue 13 items 1, 2, 3, 9): concurrent duplicates, garbage on every
 * push endpoint, scheduled jobs fed something other than their firing, and pushes too large to
 * record, on the real gateway, functions framework and emulators.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { FieldValue } from '@google-cloud/firestore';
import { z } from 'zod';
import { MAX_DEAD_LETTER_RAW_BYTES } from '../../functions/src/engine/core/limits.js';
import type { DeadLetterDoc } from '../../functions/src/engine/dead-letters.js';
import { done, type WorkflowDefinition } from '../../functions/src/engine/workflow.js';
import { ensureTopology } from '../../scripts/lib/local/pubsub-topology.js';
import { SCHEDULER_JOBS, TOPICS, stepTopic, subscriptionName } from '../../functions/src/platform/catalog.js';
import { startHarness, type Harness } from '../helpers/engine-harness.js';
import { push, pushBody } from '../helpers/push.js';

const bump = (id: string) => async (tx: FirebaseFirestore.Transaction, db: FirebaseFirestore.Firestore) =>
  void tx.set(db.collection('counters').doc(id), { n: FieldValue.increment(1) }, { merge: true });

/** One step; `withEffect` commits through a transaction, without it through the batch fast path. */
const once = (name: string, withEffect: boolean): WorkflowDefinition => ({
  name,
  input: z.looseObject({}),
  autonomous: false,
  graph: () => ({ start: ['only'], steps: { only: { type: 'only' } } }),
  handlers: { only: async (ctx) => done({ ok: true }, withEffect ? { effect: bump(ctx.runId) } : {}) },
});

let h: Harness;
before(async () => {
  h = await startHarness({ workflows: [once('once-batch', false), once('once-tx', true)] });
});
after(async () => h.stop());

const project = () => h.config.projectId;
const deadLetter = async (id: string) =>
  (await h.app.db.collection('deadLetters').doc(id).get()).data() as DeadLetterDoc | undefined;
const deadLettersOf = async (topic: string) =>
  (await h.app.db.collection('deadLetters').where('topic', '==', topic).get()).docs.map(
    (d) => d.data() as DeadLetterDoc,
  );

/** A run whose first step is committed `queued` and whose message was never sent. */
async function undeliveredRun(workflow: string): Promise<{ runId: string; topic: string }> {
  const runId = `${workflow}-${Math.random().toString(36).slice(2, 10)}`;
  // Detach the run's shard subscription so its own first message goes nowhere.
  const spec = TOPICS.find((t) => t.name === stepTopic(runId))!;
  await h.app.pubsub.subscription(subscriptionName(spec)).delete();
  try {
    const r = await h.api('POST', '/v1/runs', { workflow, runId });
    assert.equal(r.status, 201, r.text);
  } finally {
    await ensureTopology(h.app.pubsub, { projectId: project(), pushBase: h.baseUrl });
  }
  return { runId, topic: spec.name };
}

test('item 1: five concurrent pushes of one step message: all 2xx, one effect, one event', async () => {
  let rounds = 0;
  for (const workflow of ['once-batch', 'once-tx', 'once-batch', 'once-tx']) {
    const { runId, topic } = await undeliveredRun(workflow);
    const envelope = { v: 1, runId, stepId: 'only', attempt: 1, wake: 0 };
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, k) =>
        push(h.baseUrl, project(), topic, pushBody(envelope, { messageId: `${runId}-${k}` })),
      ),
    );
    assert.deepEqual(
      answers.map((a) => a.status),
      [204, 204, 204, 204, 204],
      `every duplicate is a 2xx no-op: ${answers.map((a) => a.text).join(' | ')}`,
    );
    const run = await h.waitForRun(runId, (r) => r.status === 'succeeded');
    assert.equal(run.steps.only!.status, 'done');
    const succeeded = await h.app.db
      .collection('events')
      .where('runId', '==', runId)
      .where('type', '==', 'step.succeeded')
      .get();
    assert.equal(succeeded.size, 1, 'one step.succeeded event');
    if (workflow === 'once-tx') {
      const n = (await h.app.db.collection('counters').doc(runId).get()).data()?.n;
      assert.equal(n, 1, 'the effect committed once');
    }
    assert.equal((await deadLettersOf(topic)).filter((d) => d.reason.includes(runId)).length, 0);
    rounds += 1;
  }
  assert.equal(rounds, 4);
});

const JOB_FUNCTIONS = SCHEDULER_JOBS.map((j) => j.topic);

test('item 2: every scheduled job refuses a push that is not its firing: dead letter, job not run', async () => {
  const garbage = ['"x"', '{}', '{"job":"some-other-job"}', 'not json'];
  for (const topic of JOB_FUNCTIONS) {
    for (const [k, data] of garbage.entries()) {
      const messageId = `garbage-${k}`;
      const r = await push(h.baseUrl, project(), topic, pushBody(Buffer.from(data), { messageId }));
      assert.equal(r.status, 204, `${topic} ${data}: ${r.text}`);
      const dl = await deadLetter(`${topic}~${messageId}`);
      assert.ok(dl, `${topic} ${data}: dead letter recorded`);
      assert.match(dl.reason, new RegExp(`not a firing of job "${topic}"`));
      assert.equal(Buffer.from(dl.raw, 'base64').toString(), data, 'the bytes as received');
      assert.equal(dl.subscription, subscriptionName(TOPICS.find((t) => t.name === topic)!));
    }
  }
  assert.equal((await h.app.db.collection('trendTicks').get()).size, 0, 'no trend tick ran');
  assert.equal((await h.app.db.collection('reports').get()).size, 0, 'no report was made');

  // The same endpoint runs the job for its real firing (so the checks above can fail).
  const ok = await push(h.baseUrl, project(), 'daily-report', pushBody({ job: 'daily-report' }));
  assert.equal(ok.status, 204, ok.text);
  assert.equal((await h.app.db.collection('reports').get()).size, 1, 'the real firing made the report');
  assert.equal(JOB_FUNCTIONS.length, 7);
});

test('item 3: any body on each of the 17 push endpoints: 2xx, dead letter with the exact bytes, topic and subscription', async () => {
  assert.equal(TOPICS.length, 17);
  const bodies: Array<[string, string]> = [
    ['text/plain', 'hello, this is not JSON'],
    ['application/json', '{"hello":"world"}'],
    ['application/json', '{"message": '],
    ['application/x-www-form-urlencoded', 'a=1&b=2'],
  ];
  let checked = 0;
  for (const t of TOPICS) {
    for (const [type, body] of bodies) {
      const r = await push(h.baseUrl, project(), t.name, body, type);
      assert.equal(r.status, 204, `${t.name} ${type} ${body}: ${r.status} ${r.text}`);
      const hash = createHash('sha256').update(body).digest('hex');
      const dl = (await deadLettersOf(t.name)).find((d) => d.sha256 === hash);
      assert.ok(dl, `${t.name}: dead letter for ${body}`);
      assert.equal(Buffer.from(dl.raw, 'base64').toString(), body);
      assert.equal(dl.payload, 'push-body');
      assert.equal(dl.subscription, subscriptionName(t));
      assert.match(dl.reason, /^undecodable Pub\/Sub push body: /);
      checked += 1;
    }
  }
  assert.equal(checked, 17 * 4);

  const [sample] = (await deadLettersOf(TOPICS[0]!.name)).filter((d) => d.payload === 'push-body');
  const replay = await h.api('POST', `/v1/dead-letters/${encodeURIComponent(sample!.id)}/replay`);
  assert.equal(replay.status, 409, replay.text);
  assert.match(replay.json.error.message, /not a Pub\/Sub message/);
});

test('items 3 and 9: a 10 MB push on each endpoint is answered and recorded truncated with size and hash', async () => {
  const big = Buffer.alloc(10 * 1024 * 1024, 'a');
  const hash = createHash('sha256').update(big).digest('hex');
  for (const t of TOPICS) {
    const messageId = `big-${t.name}`;
    const r = await push(h.baseUrl, project(), t.name, pushBody(big, { messageId }));
    assert.equal(r.status, 204, `${t.name}: ${r.text}`);
    const dl = await deadLetter(`${t.name === 'dead-letter' ? 'unknown' : t.name}~${messageId}`);
    assert.ok(dl, `${t.name}: recorded`);
    assert.equal(dl.truncated, true);
    assert.equal(dl.size, big.length);
    assert.equal(dl.sha256, hash);
    assert.equal(Buffer.from(dl.raw, 'base64').length, MAX_DEAD_LETTER_RAW_BYTES);
  }
  const replay = await h.api(
    'POST',
    `/v1/dead-letters/${encodeURIComponent(`${TOPICS[0]!.name}~big-${TOPICS[0]!.name}`)}/replay`,
  );
  assert.equal(replay.status, 409, replay.text);
  assert.match(replay.json.error.message, /only the first \d+ of its 10485760 bytes were kept/);
});
