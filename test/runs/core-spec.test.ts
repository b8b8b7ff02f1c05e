import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  specToGraph,
  validateSpec,
  FAIL_EVALUATE_STEP,
  EVALUATE_STEP,
} from '../../functions/src/runs/core/spec.js';
import { validateGraph } from '../../functions/src/engine/core/graph.js';
import { validateSuite, holdoutStrings } from '../../functions/src/runs/core/suite.js';
import { gatedSpec, suiteFor } from './fixtures.js';

test('a valid spec has no problems and its graph is valid for the engine', () => {
  const spec = gatedSpec();
  assert.deepEqual(validateSpec(spec), []);
  const g = specToGraph(spec);
  assert.deepEqual(validateGraph(g), []);
  assert.equal(g.onFail, FAIL_EVALUATE_STEP);
  assert.deepEqual(g.steps.review!.next, { publish: ['polish'], discard: [EVALUATE_STEP] });
  assert.deepEqual(g.steps.polish!.next, [EVALUATE_STEP]);
});

test('validation names each problem: cycle, unreachable, gate without options, unknown kind, edge to nowhere', () => {
  const spec = gatedSpec('2', {
    stages: [
      { id: 'a', kind: 'model', prompt: 'p', next: ['b'] },
      { id: 'b', kind: 'model', prompt: 'p', next: ['a', 'ghost'] },
      { id: 'gate', kind: 'human', context: 'c', options: {} },
      { id: 'island', kind: 'teleport' },
    ],
    start: ['a'],
  });
  const problems = validateSpec(spec);
  const has = (re: RegExp) =>
    assert.ok(
      problems.some((p) => re.test(p)),
      `expected ${re} in ${JSON.stringify(problems)}`,
    );
  has(/cycle: a -> b -> a/);
  has(/stage "island" is unreachable/);
  has(/gate stage "gate" has no edge options/);
  has(/stage "island" has unknown kind "teleport"/);
  has(/stage "b" has an edge to "ghost", which does not exist/);
});

test('per-kind requirements and duplicate ids are named', () => {
  const problems = validateSpec(
    gatedSpec('3', {
      start: ['m'],
      stages: [
        { id: 'm', kind: 'model', next: ['h'] },
        { id: 'h', kind: 'http', next: ['p'] },
        { id: 'p', kind: 'muse.produce', next: ['m2'] },
        { id: 'm2', kind: 'model', prompt: 'x', options: { a: [] } },
        { id: 'm2', kind: 'model', prompt: 'x' },
      ],
      profiles: {},
    }),
  );
  for (const re of [
    /"m" \(model\) has no prompt/,
    /"h" \(http\) has no url/,
    /"p" \(muse.produce\) has no brief/,
    /only a human gate offers options/,
    /declared twice/,
    /no profile/,
  ])
    assert.ok(
      problems.some((p) => re.test(p)),
      `${re} in ${JSON.stringify(problems)}`,
    );
});

test('suite validation and holdout strings', () => {
  assert.deepEqual(validateSuite(suiteFor('x')), []);
  const bad = suiteFor('x', '1', {
    repeat: 0,
    scenarios: [
      {
        id: 's',
        title: 't',
        holdout: true,
        critical: false,
        checks: [{ kind: 'regex', stage: 'a', pattern: '(' }],
      },
      { id: 's', title: 't', holdout: false, critical: false, checks: [] },
    ],
  });
  const p = validateSuite(bad);
  assert.ok(p.some((x) => /repeat/.test(x)));
  assert.ok(p.some((x) => /invalid regex/.test(x)));
  assert.ok(p.some((x) => /declared twice/.test(x)));
  assert.ok(p.some((x) => /has no checks/.test(x)));
  assert.ok(holdoutStrings(suiteFor('x')).includes('the run succeeded'));
  assert.ok(!holdoutStrings(suiteFor('x')).includes('lighthouses'));
});
