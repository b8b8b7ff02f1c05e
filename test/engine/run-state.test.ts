import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateGraph, type Graph } from '../../functions/src/engine/core/graph.js';
import { applyOutcome, start, type RunCore } from '../../functions/src/engine/core/run-state.js';

const demo: Graph = {
  start: ['fetch'],
  steps: {
    fetch: { type: 'fetch', next: ['a', 'b'] },
    a: { type: 'work', next: ['join'] },
    b: { type: 'work', next: ['join'] },
    join: { type: 'join', next: ['review'] },
    review: { type: 'gate', next: { approve: ['publish'], reject: ['discard'] } },
    publish: { type: 'publish' },
    discard: { type: 'discard' },
    report: { type: 'report' },
  },
  onFail: 'report',
};

function run(): RunCore {
  const t = start(demo);
  return { graph: demo, steps: t.steps, failing: false };
}

function step(r: RunCore, id: string, outcome: Parameters<typeof applyOutcome>[2], now = 0) {
  const t = applyOutcome(r, id, outcome, now);
  r.steps = t.steps;
  r.failing = t.failing;
  return t;
}

test('the demo graph is valid', () => {
  assert.deepEqual(validateGraph(demo), []);
});

test('fan-out, join, gate and the chosen edge', () => {
  const r = run();
  const t1 = step(r, 'fetch', { type: 'done' });
  assert.deepEqual(t1.dispatch.map((d) => d.stepId).sort(), ['a', 'b']);
  const t2 = step(r, 'a', { type: 'done' });
  assert.deepEqual(t2.dispatch, [], 'join waits for b');
  const t3 = step(r, 'b', { type: 'done' });
  assert.deepEqual(
    t3.dispatch.map((d) => d.stepId),
    ['join'],
  );
  step(r, 'join', { type: 'done' });
  const g = step(r, 'review', { type: 'gate', edges: ['approve', 'reject'] });
  assert.equal(g.status, 'awaiting_human');
  const d = step(r, 'review', { type: 'done', edge: 'approve' });
  assert.deepEqual(
    d.dispatch.map((x) => x.stepId),
    ['publish'],
  );
  assert.equal(r.steps.discard!.status, 'skipped');
  const end = step(r, 'publish', { type: 'done' });
  assert.equal(end.status, 'succeeded');
  assert.equal(r.steps.report!.status, 'skipped');
  assert.ok(end.events.some((e) => e.type === 'run.succeeded'));
});

test('retryable failures back off and then fail the run into its fail path', () => {
  const r = run();
  const t1 = step(r, 'fetch', { type: 'retry', error: 'timeout' }, 1000);
  assert.equal(r.steps.fetch!.status, 'waiting');
  assert.deepEqual(t1.dispatch, [{ stepId: 'fetch', attempt: 2, wake: 0, notBefore: 1500 }]);
  const t2 = step(r, 'fetch', { type: 'retry', error: 'timeout' }, 2000);
  assert.equal(t2.dispatch[0]!.notBefore, 3000, 'exponential backoff');
  const t3 = step(r, 'fetch', { type: 'retry', error: 'timeout' }, 3000);
  assert.equal(r.steps.fetch!.status, 'failed');
  assert.equal(r.steps.fetch!.failureClass, 'retries_exhausted');
  assert.deepEqual(
    t3.dispatch.map((d) => d.stepId),
    ['report'],
  );
  assert.equal(t3.status, 'running', 'the fail path still runs');
  assert.equal(r.steps.a!.status, 'skipped');
  const t4 = step(r, 'report', { type: 'done' });
  assert.equal(t4.status, 'failed');
  assert.ok(t4.events.some((e) => e.type === 'run.failed'));
});

test('a terminal failure cancels live branches and open gates', () => {
  const r = run();
  step(r, 'fetch', { type: 'done' });
  step(r, 'a', { type: 'fail', error: 'HTTP 400', class: 'terminal' });
  assert.equal(r.steps.b!.status, 'skipped', 'queued sibling cancelled');
  assert.equal(r.steps.report!.status, 'queued');
});

test('wait re-dispatches the same attempt with the next wake number', () => {
  const r = run();
  const t = step(r, 'fetch', { type: 'wait', until: 99_000, state: { level: 1 } });
  assert.deepEqual(t.dispatch, [{ stepId: 'fetch', attempt: 1, wake: 1, notBefore: 99_000 }]);
  assert.deepEqual(r.steps.fetch!.wakeState, { level: 1 });
});

test('validateGraph names every structural problem', () => {
  const problems = validateGraph({
    start: ['a'],
    steps: {
      a: { type: 'x', next: ['b', 'nowhere'] },
      b: { type: 'x', next: ['a'] },
      c: { type: 'x' },
      d: { type: 'x', next: {} },
    },
  });
  assert.ok(problems.some((p) => p.includes('"nowhere"')));
  assert.ok(problems.some((p) => p.startsWith('cycle: a -> b -> a')));
  assert.ok(problems.some((p) => p.includes('"c" is unreachable')));
  assert.ok(problems.some((p) => p.includes('"d" has an edge map with no edges')));
});
