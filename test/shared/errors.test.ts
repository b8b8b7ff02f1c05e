import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError, describeIssues, invalidInput } from '../../functions/src/shared/errors.js';

test('AppError maps codes to HTTP status and transience', () => {
  assert.equal(invalidInput('bad').status, 400);
  assert.equal(invalidInput('bad').transient, false);
  assert.equal(new AppError('unavailable', 'down').status, 503);
  assert.equal(new AppError('unavailable', 'down').transient, true);
});

test('describeIssues names the path of each problem', () => {
  assert.deepEqual(
    describeIssues([
      { path: ['a', 0, 'b'], message: 'Required' },
      { path: [], message: 'x' },
    ]),
    ['a.0.b: Required', '(root): x'],
  );
});
