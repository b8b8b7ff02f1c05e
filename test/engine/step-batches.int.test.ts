/**
 * Steps due together travel as one message (outbox.ts) and a message of several steps is handled
 * step by step (step-handler.ts): each item meets its own fate (commit, duplicate, dead letter,
 * published again on its own), on the emulators and the real push path.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { FieldValue } from '@google-cloud/firestore';
import type { Message } from '@google-cloud/pubsub';
import { z } from 'zod';
import { MAX_STEPS_PER_MESSAGE } from '../../functions/src/engine/core/limits.js';
import { sweepOutbox } from '../../functions/src/engine/outbox.js';
import { done, type WorkflowDefinition } from '../../functions/src/engine/workflow.js';
import type { PushMessage } from '../../functions/src/platform/bus.js';
import { STEP_TOPICS, stepTopic } from '../../functions/src/platform/catalog.js';
import { engineOf } from '../../functions/src/wiring/engine.js';
import type { StepRef } from '../../functions/src/engine/step-handler.js';
import { startHarness, type Harness } from '../helpers/engine-harness.js';
import { writeQueuedRun } from '../helpers/queued-run.js';

const calls = new Map<string, number>();
const bump = (key: string) => {
  const n = (calls.get(key) ?? 0) + 1;
  calls.set(key, n);
  return n;
};
const counted = (key: string, output: unknown) =>
  done(output, {
    effect: async (tx, db) =>
      void tx.set(db.collection('counters').doc(key), { n: FieldValue.increment(1) }, { merge: true }),
  });

const BRANCHES = 20;
const fanOut: WorkflowDefinition = {
  name: 'batch-fan-out',
  input: z.looseObject({}),
  autonomous: false,
  graph: () => ({
    start: Array.from({ length: BRANCHES }, (_, i) => `b${i}`),
    steps: {
      ...Object.fromEntries(
        Array.from({ length: BRANCHES }, (_, i) => [`b${i}`, { type: 'branch', next: ['join'] }]),
      ),
      join: { type: 'join' },
    },
  }),
  handlers: {
    branch: async (ctx) => {
      bump(`${ctx.runId}:${ctx.stepId}`);
      return done({ branch: ctx.stepId });
    },
    join: async (ctx) => done({ joined: Object.keys(ctx.outputs).length }),
  },
};

/** One step; throws on its first call for runs whose input says so (an instance dying mid-step). */
const one: WorkflowDefinition = {
  name: 'batch-one',
  input: z.looseObject({ throwFirst: z.boolean().optional() }),
  autonomous: false,
  graph: () => ({ start: ['only'], steps: { only: { type: 'work' } } }),
  handlers: {
    work: async (ctx) => {
      const n = bump(`${ctx.runId}:only`);
      if (ctx.input.throwFirst && n === 1) throw new Error('instance crashed mid-step');
      return counted(ctx.runId, { n });
    },
  },
};

/** Three branches of one run that can all be queued at once, then a join. */
const three: WorkflowDefinition = {
  name: 'batch-three',
  input: z.looseObject({}),
  autonomous: false,
  graph: () => ({
    start: ['a', 'b', 'c'],
    steps: {
      a: { type: 'work', next: ['join'] },
      b: { type: 'work', next: ['join'] },
      c: { type: 'work', next: ['join'] },
      join: { type: 'work' },
    },
  }),
  handlers: { work: async (ctx) => counted(`${ctx.runId}:${ctx.stepId}`, { step: ctx.stepId }) },
};

/** The same shape as `three`, autonomous: its steps travel alone. */
const threeAutonomous: WorkflowDefinition = { ...three, name: 'batch-three-autonomous', autonomous: true };

let h: Harness;
before(async () => {
  h = await startHarness({ workflows: [fanOut, one, three, threeAutonomous] });
});
after(async () => h.stop());

const counter = async (key: string) =>
  ((await h.app.db.collection('counters').doc(key).get()).data()?.n as number | undefined) ?? 0;

/** A run whose start steps are queued but not published (test/helpers/queued-run.ts). */
async function queuedRun(
  wf: WorkflowDefinition,
  input: Record<string, unknown> = {},
  opts: { outbox?: boolean; id?: string } = {},
) {
  const id = opts.id ?? `q-${randomUUID()}`;
  const batch = h.app.db.batch();
  writeQueuedRun(h.app.db, batch, wf, { id, input, outbox: opts.outbox });
  await batch.commit();
  return id;
}

const ref = (runId: string, stepId = 'only') => ({ runId, stepId, attempt: 1, wake: 0 });
const batchMessage = (steps: unknown, extra: Record<string, unknown> = {}): PushMessage => ({
  topic: 'engine-steps-0',
  messageId: `m-${randomUUID()}`,
  data: Buffer.from(JSON.stringify({ v: 1, steps, ...extra })),
  attributes: {},
});
const handle = (m: PushMessage) => engineOf(h.app).handleStepMessage(m);
const deadLetterOf = async (messageId: string) =>
  (await h.app.db.collection('deadLetters').where('messageId', '==', messageId).get()).docs.map((d) =>
    d.data(),
  );

/** Copies of what is published on `topic` from now on, through a subscription of the test's own. */
async function listen(topic: string) {
  const [sub] = await h.app.pubsub.topic(topic).createSubscription(`listen-${randomUUID()}`);
  const got: Message[] = [];
  sub.on('message', (m: Message) => {
    got.push(m);
    m.ack();
  });
  return {
    got,
    stop: async () => {
      await sub.close();
      await sub.delete();
    },
  };
}

test('a fan-out of 20 branches travels as two messages (16 and 4 steps), each branch runs once and the join sees all', async () => {
  const id = `fan-${randomUUID()}`;
  const heard = await listen(stepTopic(id));
  try {
    await queuedRun(fanOut, {}, { outbox: true, id });
    assert.equal(await sweepOutbox(h.app), BRANCHES, 'the sweep published every due branch');
    const run = await h.waitForRun(id, (r) => r.status === 'succeeded');
    for (let i = 0; i < BRANCHES; i++) assert.equal(calls.get(`${id}:b${i}`), 1, `branch b${i} ran once`);
    const { outputs } = await engineOf(h.app).showWorkflowRun(id);
    assert.deepEqual(outputs.join, { joined: BRANCHES });
    assert.equal(run.steps.join!.status, 'done');
    await h.waitFor('the published messages', async () => heard.got.length >= 3 || undefined);
    const bodies = heard.got.map((m) => JSON.parse(m.data.toString()) as Record<string, unknown>);
    const sizes = bodies.filter((b) => Array.isArray(b.steps)).map((b) => (b.steps as unknown[]).length);
    assert.deepEqual(
      sizes.sort((a, b) => b - a),
      [MAX_STEPS_PER_MESSAGE, BRANCHES - MAX_STEPS_PER_MESSAGE],
      'the branches went out as two batch messages',
    );
    assert.ok(
      bodies.some((b) => b.stepId === 'join' && !('steps' in b)),
      'the join, due alone, went out as a single-step message',
    );
    const left = await h.app.db.collection('outbox').where('runId', '==', id).get();
    assert.equal(left.size, 0, 'every published entry was deleted');
  } finally {
    await heard.stop();
  }
});

/**
 * Starts `workflow` through the API and returns its run once it succeeded, with the bodies of the
 * step messages published for it (at least `atLeast`), heard on every step topic.
 */
async function runHeard(workflow: string, atLeast: number) {
  const heard = await Promise.all(STEP_TOPICS.map((t) => listen(t)));
  try {
    const { status, json } = await h.api('POST', '/v1/runs', { workflow });
    assert.equal(status, 201);
    const run = await h.waitForRun(json.runId, (r) => r.status === 'succeeded');
    const mine = () =>
      heard
        .flatMap((l) => l.got)
        .map((m) => JSON.parse(m.data.toString()) as { runId?: string; stepId?: string; steps?: StepRef[] })
        .filter((b) => b.runId === run.id || b.steps?.some((x) => x.runId === run.id));
    await h.waitFor('the published messages', async () => mine().length >= atLeast || undefined);
    return { run, bodies: mine() };
  } finally {
    await Promise.all(heard.map((l) => l.stop()));
  }
}

test('the steps of an autonomous run travel alone: its three branches are three single-step messages', async () => {
  const { run, bodies } = await runHeard(threeAutonomous.name, 4);
  assert.equal(run.steps.join!.status, 'done');
  assert.equal(bodies.filter((b) => 'steps' in b).length, 0, 'no batch message');
  assert.deepEqual(bodies.map((b) => b.stepId).sort(), ['a', 'b', 'c', 'join']);
});

test('the same fan-out, not autonomous, started through the API: its three branches travel as one message', async () => {
  const { bodies } = await runHeard(three.name, 2);
  const batch = bodies.find((b) => 'steps' in b);
  assert.deepEqual(
    batch?.steps?.map((x) => x.stepId),
    ['a', 'b', 'c'],
  );
});

test('a batch whose items are fine, unknown, already done and crashing: each meets its own fate, and the batch is acknowledged', async () => {
  const fine1 = await queuedRun(one);
  const fine2 = await queuedRun(one);
  const crashing = await queuedRun(one, { throwFirst: true });
  const finished = await queuedRun(one);
  assert.deepEqual(await handle(batchMessage([ref(finished)])), { steps: ['completed'] });
  const m = batchMessage([ref(fine1), ref('no-such-run'), ref(finished), ref(crashing), ref(fine2)]);
  const result = await handle(m);
  assert.deepEqual(result, {
    steps: ['completed', 'dead-lettered', 'duplicate', 'republished', 'completed'],
  });
  for (const id of [fine1, fine2, finished]) {
    assert.equal((await engineOf(h.app).showWorkflowRun(id)).run.status, 'succeeded');
    assert.equal(await counter(id), 1, `${id}: its effect committed once`);
  }
  // The poison item is a dead letter of its own: its envelope, the reason, the batch's message id.
  const [dl] = await deadLetterOf(`${m.messageId}~1`);
  assert.ok(dl, 'the unknown run is dead-lettered');
  assert.match(dl.reason as string, /run "no-such-run" does not exist/);
  assert.deepEqual(JSON.parse(dl.text as string), { v: 1, ...ref('no-such-run') });
  // The crashing item went back to Pub/Sub on its own; the push path runs it again and it commits.
  const run = await h.waitForRun(crashing, (r) => r.status === 'succeeded');
  assert.equal(run.steps.only!.status, 'done');
  assert.equal(
    calls.get(`${crashing}:only`),
    2,
    'the crashing step ran twice: the crash, then its own message',
  );
  assert.equal(await counter(crashing), 1);
});

test('the same batch delivered twice changes state once: the second delivery is all duplicates', async () => {
  const ids = await Promise.all([queuedRun(one), queuedRun(one), queuedRun(one)]);
  const m = batchMessage(ids.map((id) => ref(id)));
  const [first, second] = await Promise.all([handle(m), handle(m)]);
  const all = [...(first as { steps: string[] }).steps, ...(second as { steps: string[] }).steps];
  assert.equal(all.filter((r) => r === 'completed').length, 3, `each step committed once: ${all}`);
  assert.equal(all.filter((r) => r === 'duplicate').length, 3);
  assert.deepEqual(await handle(m), { steps: ['duplicate', 'duplicate', 'duplicate'] });
  for (const id of ids) assert.equal(await counter(id), 1, `${id}: its effect committed once`);
});

test('steps of one run in one batch all commit: the first in the batch write, the others through the transaction, one after another', async () => {
  const id = await queuedRun(three);
  const result = await handle(batchMessage([ref(id, 'a'), ref(id, 'b'), ref(id, 'c')]));
  assert.deepEqual(result, { steps: ['completed', 'completed', 'completed'] });
  const run = await h.waitForRun(id, (r) => r.status === 'succeeded');
  for (const s of ['a', 'b', 'c', 'join']) {
    assert.equal(run.steps[s]!.status, 'done', `step ${s}`);
    assert.equal(await counter(`${id}:${s}`), 1, `step ${s}'s effect committed once`);
  }
  const events = await engineOf(h.app).workflowRunEvents(id);
  const seqs = events.map((e) => e.seq);
  assert.deepEqual(
    seqs,
    [...new Set(seqs)].sort((a, b) => a - b),
    'event numbers are unique and in order',
  );
});

test('a batch envelope that is malformed is dead-lettered whole with the reason, and nothing runs', async () => {
  const id = await queuedRun(one);
  const cases: Array<[string, PushMessage]> = [
    ['no steps', batchMessage([])],
    ['too many steps', batchMessage(Array.from({ length: MAX_STEPS_PER_MESSAGE + 1 }, () => ref(id)))],
    ['steps not a list', batchMessage({ runId: id })],
    ['a step without its run', batchMessage([{ stepId: 'only', attempt: 1, wake: 0 }])],
    ['a negative attempt', batchMessage([{ ...ref(id), attempt: -1 }])],
    ['steps of null', batchMessage(null)],
    ['a run id Firestore cannot address', batchMessage([ref(id), ref('runs/../x')])],
    ['a reserved run id', batchMessage([ref('__x__')])],
    [
      'the wrong version',
      { ...batchMessage([ref(id)]), data: Buffer.from(JSON.stringify({ v: 2, steps: [ref(id)] })) },
    ],
  ];
  for (const [what, m] of cases) {
    assert.equal(await handle(m), 'dead-lettered', what);
    const [dl] = await deadLetterOf(m.messageId);
    assert.ok(dl, `${what}: recorded`);
    assert.match(dl.reason as string, /invalid step batch envelope/, what);
    assert.equal(
      Buffer.from(dl.raw as string, 'base64').toString(),
      m.data.toString(),
      `${what}: the raw bytes kept`,
    );
  }
  assert.equal((await engineOf(h.app).showWorkflowRun(id)).run.steps.only!.status, 'queued', 'nothing ran');
});

test('a batch Pub/Sub gave up on fails each step it carries that still waits, and records the message once', async () => {
  const waiting = [await queuedRun(one), await queuedRun(one)];
  const finished = await queuedRun(one);
  await handle(batchMessage([ref(finished)]));
  const m = batchMessage([...waiting.map((id) => ref(id)), ref(finished)]);
  await engineOf(h.app).acceptDeadLetter(m, 'max delivery attempts', true);
  for (const id of waiting) {
    const { run } = await engineOf(h.app).showWorkflowRun(id);
    assert.equal(run.status, 'failed', id);
    assert.match(run.steps.only!.error ?? '', /dead-lettered: max delivery attempts/);
  }
  assert.equal(
    (await engineOf(h.app).showWorkflowRun(finished)).run.status,
    'succeeded',
    'a finished step stays finished',
  );
  assert.equal((await deadLetterOf(m.messageId)).length, 1);
});

test('the sweep drains more than one page of due entries, grouping the steps of each topic', async () => {
  const ids = await Promise.all(Array.from({ length: 12 }, () => queuedRun(one, {}, { outbox: true })));
  const published = await sweepOutbox(h.app, 5);
  assert.ok(published >= 12, `published ${published}`);
  for (const id of ids) await h.waitForRun(id, (r) => r.status === 'succeeded');
  const left = await h.app.db.collection('outbox').where('notBefore', '<=', new Date()).get();
  assert.equal(left.docs.filter((d) => ids.includes(d.get('runId') as string)).length, 0);
});

test('a single-step envelope whose run id Firestore cannot address is one dead letter at once, not a failure on every delivery', async () => {
  for (const runId of ['a/b', '..', '__x__', 'x'.repeat(300)]) {
    const m: PushMessage = {
      topic: 'engine-steps-0',
      messageId: `m-${randomUUID()}`,
      data: Buffer.from(JSON.stringify({ v: 1, ...ref(runId) })),
      attributes: {},
    };
    assert.equal(await handle(m), 'dead-lettered', runId);
    const [dl] = await deadLetterOf(m.messageId);
    assert.match(dl?.reason as string, /invalid step envelope: runId: not a valid id/, runId);
  }
});
