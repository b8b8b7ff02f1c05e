import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyFailure, shouldRetry, systemicReason } from '../../functions/src/runs/core/failure.js';

test('failure classes: timeouts, 429 and 5xx retryable; other 4xx and validation terminal; spec faults pipeline', () => {
  assert.equal(classifyFailure({ kind: 'timeout' }), 'retryable');
  assert.equal(classifyFailure({ kind: 'network' }), 'retryable');
  for (const status of [429, 500, 502, 503, 504])
    assert.equal(classifyFailure({ kind: 'http', status }), 'retryable');
  for (const status of [400, 401, 403, 404, 409, 422])
    assert.equal(classifyFailure({ kind: 'http', status }), 'terminal');
  assert.equal(classifyFailure({ kind: 'validation' }), 'terminal');
  assert.equal(classifyFailure({ kind: 'spec' }), 'pipeline');
});

test('only retryable failures are retried, within the policy', () => {
  assert.equal(shouldRetry('retryable', 1, 3), true);
  assert.equal(shouldRetry('retryable', 3, 3), false);
  assert.equal(shouldRetry('terminal', 1, 3), false);
  assert.equal(shouldRetry('pipeline', 1, 3), false);
});

test('systemic: any pipeline-class failure, or the same stage failing in N distinct runs', () => {
  assert.match(
    systemicReason({ failureClass: 'pipeline', failingRunIds: ['r1'], threshold: 3 })!,
    /spec itself/,
  );
  assert.equal(
    systemicReason({ failureClass: 'terminal', failingRunIds: ['r1', 'r2', 'r2'], threshold: 3 }),
    undefined,
  );
  assert.match(
    systemicReason({ failureClass: 'terminal', failingRunIds: ['r1', 'r2', 'r3'], threshold: 3 })!,
    /3 recent runs/,
  );
});
