import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getIncident } from '../../functions/src/incidents/repo.js';
import { AppError } from '../../functions/src/shared/errors.js';
import type { Actor } from '../../functions/src/shared/ports.js';
import { submitEvidence } from '../../functions/src/tasks/evidence.js';
import {
  completeTask,
  createTask,
  getTask,
  registerAgent,
  startTask,
} from '../../functions/src/tasks/tasks.js';
import { tasksOf } from '../../functions/src/wiring/tasks.js';
import { testApp } from '../incidents/test-app.js';

const MIN = 60_000;
const agent: Actor = { kind: 'agent', id: 'a1' };
const isCode = (code: string, re?: RegExp) => (e: unknown) =>
  e instanceof AppError && e.code === code && (!re || re.test(e.message));

async function setup() {
  const t = await testApp();
  await registerAgent(t.app, { id: 'a1', actor: agent });
  return t;
}

test('dependencies gate a task start; unknown task or agent is refused', async () => {
  const { app } = await setup();
  await createTask(app, { id: 'A', title: 'Schema', agentId: 'a1', estimateMinutes: 30 }, agent);
  await createTask(
    app,
    { id: 'B', title: 'API', agentId: 'a1', estimateMinutes: 30, dependsOn: ['A'] },
    agent,
  );
  await assert.rejects(
    startTask(app, { taskId: 'B', actor: agent }),
    isCode('policy_violation', /A \(todo\)/),
  );
  await startTask(app, { taskId: 'A', actor: agent });
  await completeTask(app, { taskId: 'A', solution: 'Added the schema', actor: agent });
  assert.equal((await startTask(app, { taskId: 'B', actor: agent })).status, 'in_progress');
  await assert.rejects(
    createTask(app, { title: 'x', agentId: 'ghost', estimateMinutes: 5 }, agent),
    isCode('not_found', /unknown agent "ghost"/),
  );
  await assert.rejects(
    createTask(app, { title: 'x', agentId: 'a1', estimateMinutes: 5, dependsOn: ['nope'] }, agent),
    isCode('not_found', /nope/),
  );
  await assert.rejects(startTask(app, { taskId: 'zzz', actor: agent }), isCode('not_found'));
});

test('evidence with one bad line in ten keeps nine and names the bad one', async () => {
  const { app } = await setup();
  await createTask(app, { id: 'E', title: 'Evidence', agentId: 'a1', estimateMinutes: 30 }, agent);
  const line = (i: number) =>
    JSON.stringify({
      taskId: 'E',
      agentId: 'a1',
      at: '2026-03-01T10:00:00Z',
      kind: 'tool_call',
      summary: `call ${i}`,
      outcome: 'ok',
    });
  const lines = Array.from({ length: 10 }, (_, i) =>
    i === 3 ? '{"taskId":"E","agentId":"a1","kind":"bogus"}' : line(i),
  );
  const r = await submitEvidence(app, { taskId: 'E', agentId: 'a1', jsonl: lines.join('\n'), actor: agent });
  assert.equal(r.accepted, 9);
  assert.deepEqual(
    r.rejected.map((x) => x.line),
    [4],
  );
  assert.ok(r.rejected[0]!.errors.some((e) => e.startsWith('kind')));
  assert.equal((await app.db.collection('evidence').get()).size, 9);
  assert.equal((await getTask(app, 'E')).evidenceCount, 9);
  const again = await submitEvidence(app, {
    taskId: 'E',
    agentId: 'a1',
    jsonl: lines.join('\n'),
    actor: agent,
  });
  assert.equal(again.accepted, 0);
  await assert.rejects(
    submitEvidence(app, { taskId: 'nope', agentId: 'a1', jsonl: line(1), actor: agent }),
    isCode('not_found'),
  );
});

test('stale after 15 min opens a level-1 incident once; a beat clears it; finished tasks refuse beats', async () => {
  const { app, clock } = await setup();
  await createTask(app, { id: 'L', title: 'Long job', agentId: 'a1', estimateMinutes: 180 }, agent);
  await startTask(app, { taskId: 'L', actor: agent });
  clock.advance(14 * MIN);
  assert.deepEqual((await tasksOf(app).heartbeatSweep({ firedAt: clock.now() })).flagged, []);
  clock.advance(1 * MIN);
  const first = await tasksOf(app).heartbeatSweep({ firedAt: clock.now() });
  assert.equal(first.flagged.length, 1);
  const inc = await getIncident(app, first.flagged[0]!.incidentId);
  assert.equal(inc.level, 1);
  assert.equal(inc.source, 'heartbeat');
  assert.equal(inc.escalationRunId, `esc-${inc.id}`);
  // A duplicate sweep message (same firing) changes nothing.
  assert.deepEqual((await tasksOf(app).heartbeatSweep({ firedAt: clock.now() })).flagged, []);
  assert.equal((await app.db.collection('incidents').get()).size, 1);
  assert.equal((await app.db.collection('slackOutbox').get()).size, 1);
  const beat = await tasksOf(app).recordHeartbeat({ taskId: 'L', agentId: 'a1', actor: agent });
  assert.equal(beat.cleared, true);
  const cleared = await app.db.collection('events').where('type', '==', 'task.heartbeat.cleared').get();
  assert.equal(cleared.size, 1);
  await completeTask(app, { taskId: 'L', solution: 'done', actor: agent });
  await assert.rejects(
    tasksOf(app).recordHeartbeat({ taskId: 'L', agentId: 'a1', actor: agent }),
    isCode('conflict', /done/),
  );
  await assert.rejects(
    tasksOf(app).recordHeartbeat({ taskId: 'X', agentId: 'a1', actor: agent }),
    isCode('not_found'),
  );
});

test('KB search ranks the obviously relevant failure first and says why', async () => {
  const { app } = await setup();
  const at = (m: number) => new Date(Date.parse('2026-02-01T00:00:00Z') + m * MIN);
  const logs = [
    {
      summary: 'Slack modal did not open',
      whatBroke: 'trigger_id expired',
      whys: ['ack too slow'],
      rootCause: 'slow ack',
      prevention: { kind: 'add_test', text: 'test ack time' },
    },
    {
      summary: 'Wallet double debit',
      whatBroke: 'ledger wrote a debit twice',
      whys: ['no idempotency key on retry'],
      rootCause: 'missing idempotency key in the wallet ledger',
      prevention: { kind: 'add_rule', text: 'every ledger write carries an idempotency key' },
    },
    {
      summary: 'Trend scan timed out',
      whatBroke: 'reddit fetch hung',
      whys: ['no timeout'],
      rootCause: 'fetch without timeout',
      prevention: { kind: 'add_guard', text: 'lint for fetch without signal' },
    },
  ];
  for (const [i, l] of logs.entries())
    await app.db
      .collection('failureLogs')
      .doc(`f${i}`)
      .set({ ...l, createdAt: at(i) });
  await app.db
    .collection('memories')
    .doc('m1')
    .set({
      kind: 'pattern',
      title: 'Ledger entries',
      text: 'Ledger entries are append-only',
      createdAt: at(5),
    });
  await createTask(app, { id: 'K', title: 'Fix Slack retries', agentId: 'a1', estimateMinutes: 30 }, agent);
  await startTask(app, { taskId: 'K', actor: agent });
  await completeTask(app, {
    taskId: 'K',
    solution: 'Acked Slack within 3 s and moved work to Pub/Sub',
    actor: agent,
  });
  const r = await tasksOf(app).kbSearch({ query: 'wallet debit applied twice, idempotency' });
  assert.equal(r.results[0]!.source, 'failure');
  assert.equal(r.results[0]!.refId, 'f1');
  assert.ok(r.results[0]!.why.includes('idempotency'));
  const slack = await tasksOf(app).kbSearch({ query: 'slack ack' });
  assert.deepEqual(
    slack.results
      .slice(0, 2)
      .map((x) => x.refId)
      .sort(),
    ['K', 'f0'],
  );
  await assert.rejects(tasksOf(app).kbSearch({ query: 'the of and' }), isCode('invalid_input'));
});
