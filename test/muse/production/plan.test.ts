import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateGraph } from '../../../functions/src/engine/core/graph.js';
import { expectedUsage, productionGraph } from '../../../functions/src/muse/production/core/plan.js';
import { parseMotionSpec, answerJson } from '../../../functions/src/muse/production/core/specs.js';

test('the production graphs are valid: free generation and the safe-mode template', () => {
  assert.deepEqual(validateGraph(productionGraph({ mode: 'free' })), []);
  assert.deepEqual(validateGraph(productionGraph({ mode: 'template' })), []);
  assert.deepEqual(Object.keys(productionGraph({ mode: 'free' }).steps), [
    'gate',
    'narrative',
    'visual',
    'motion',
    'critic',
    'publish',
    'rejected',
    'close',
  ]);
  assert.equal(productionGraph({ mode: 'template' }).steps.narrative, undefined);
});

test('template runs expect no model usage; free runs count the model critic only when used', () => {
  assert.deepEqual(expectedUsage('template', true), { inputTokens: 0, outputTokens: 0 });
  assert.ok(expectedUsage('free', true).inputTokens > expectedUsage('free', false).inputTokens);
});

test('model answers: fenced JSON is read, prose is not JSON, inconsistent timing is garbage', () => {
  assert.deepEqual(answerJson({ text: '```json\n{"a":1}\n```' }), { a: 1 });
  assert.equal(answerJson({ text: 'Sure! Here is your story.' }), undefined);
  const overlap = parseMotionSpec({
    totalDurationSec: 9,
    timing: {
      bpm: 90,
      cuts: [
        { shot: 1, startSec: 0, durationSec: 6 },
        { shot: 2, startSec: 4, durationSec: 6 },
      ],
    },
    cameraMoves: [{ shot: 3, move: 'orbit', easing: 'linear' }],
    transitions: [],
  });
  assert.equal(overlap.ok, false);
  assert.deepEqual(!overlap.ok && overlap.problems, [
    'timing.cuts: shot 2 overlaps shot 1',
    'timing.cuts: shot 2 ends after totalDurationSec',
    'cameraMoves: shot 3 has no cut',
  ]);
});
