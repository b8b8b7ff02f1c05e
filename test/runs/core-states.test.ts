import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  RUN_STATES,
  TRANSITIONS,
  canTransition,
  pathTo,
  transition,
} from '../../functions/src/runs/core/states.js';
import { AppError } from '../../functions/src/shared/errors.js';

test('the happy path and the fail path are legal', () => {
  const happy = [
    'queued',
    'booting',
    'running',
    'awaiting_human',
    'running',
    'succeeded',
    'evaluating',
    'approved',
  ] as const;
  for (let i = 1; i < happy.length; i++) assert.equal(transition(happy[i - 1]!, happy[i]!), happy[i]);
  assert.ok(canTransition('running', 'failed'));
  assert.ok(canTransition('failed', 'evaluating'));
  assert.ok(canTransition('evaluating', 'rejected'));
});

test('illegal moves are refused with a conflict naming both states', () => {
  for (const [from, to] of [
    ['running', 'approved'],
    ['queued', 'running'],
    ['succeeded', 'approved'],
    ['approved', 'rejected'],
    ['rejected', 'evaluating'],
    ['failed', 'running'],
  ] as const) {
    assert.throws(
      () => transition(from, to),
      (e: unknown) =>
        e instanceof AppError && e.code === 'conflict' && e.message.includes(from) && e.message.includes(to),
    );
  }
  assert.deepEqual(TRANSITIONS.approved, []);
  assert.deepEqual(TRANSITIONS.rejected, []);
});

test('pathTo passes through every intermediate state and refuses the impossible', () => {
  assert.deepEqual(pathTo('booting', 'succeeded'), ['running', 'succeeded']);
  // Shortest path: callers that mean success name it as a waypoint (changePipelineRun's to: ['succeeded', 'evaluating']).
  assert.deepEqual(pathTo('awaiting_human', 'evaluating'), ['failed', 'evaluating']);
  assert.deepEqual(pathTo('awaiting_human', 'succeeded'), ['running', 'succeeded']);
  assert.deepEqual(pathTo('running', 'running'), []);
  assert.throws(() => pathTo('approved', 'running'), AppError);
  for (const s of RUN_STATES) for (const n of TRANSITIONS[s]) assert.ok(RUN_STATES.includes(n));
});
