import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decisionPolicy, type DecisionEvidence } from '../../functions/src/runs/core/decision.js';

const good = (): DecisionEvidence => ({
  summary: {
    total: 2,
    passed: 2,
    failed: [],
    holdouts: 1,
    holdoutsPassed: 1,
    policyChecksPassed: true,
    failedPolicyChecks: [],
  },
  stageFailures: [],
  criticalScenarios: ['a'],
  classifications: [],
  repeats: { required: 1, evaluated: 1, inconsistencies: [] },
  auditTrail: { gaps: [] },
});
const approve = {
  decision: 'approve' as const,
  rationale: 'all scenarios and holdouts passed',
  outcome: 'Readers get a polished post about their topic.',
};

test('approve when every condition holds; the answer lists the reasons', () => {
  const a = decisionPolicy(good(), approve);
  assert.equal(a.allowed, true);
  assert.equal(a.reasons.length, 4);
  assert.ok(a.reasons.some((r) => r.includes('user-visible outcome: Readers get')));
});

test('each approval condition blocks on its own', () => {
  const cases: Array<[string, (e: DecisionEvidence) => void, Partial<typeof approve>?]> = [
    ['holdouts passed: 0 of 1', (e) => (e.summary!.holdoutsPassed = 0)],
    ['no holdout scenarios', (e) => ((e.summary!.holdouts = 0), (e.summary!.holdoutsPassed = 0))],
    [
      'unresolved critical failure: stage "x" failed (terminal)',
      (e) => e.stageFailures.push({ stageId: 'x', class: 'terminal' }),
    ],
    [
      'policy checks failed: p1',
      (e) => ((e.summary!.policyChecksPassed = false), (e.summary!.failedPolicyChecks = ['p1'])),
    ],
    ['did not state the user-visible outcome', () => {}, { outcome: ' ' }],
    ['only 1 of 3 repeated runs', (e) => (e.repeats = { required: 3, evaluated: 1, inconsistencies: [] })],
  ];
  for (const [reason, mutate, over] of cases) {
    const e = good();
    mutate(e);
    const a = decisionPolicy(e, { ...approve, ...over });
    assert.equal(a.allowed, false, reason);
    assert.ok(
      a.reasons.some((r) => r.includes(reason)),
      `${reason} in ${JSON.stringify(a.reasons)}`,
    );
  }
});

test('a resolved stage failure no longer blocks', () => {
  const e = good();
  e.stageFailures.push({ stageId: 'x', class: 'terminal' });
  e.classifications.push({
    target: { type: 'stage', id: 'x' },
    category: 'environment_issue',
    userImpact: false,
    resolved: true,
  });
  assert.equal(decisionPolicy(e, approve).allowed, true);
});

test('reject reasons: scenario failure, ambiguity with user impact, inconsistent repeats, audit gaps, no rationale', () => {
  const e = good();
  e.summary!.failed = ['a'];
  e.classifications.push({
    target: { type: 'scenario', id: 'a' },
    category: 'spec_ambiguity',
    userImpact: true,
    resolved: false,
  });
  e.repeats.inconsistencies = ['scenario a: pass in r1, fail in r2'];
  e.auditTrail.gaps = ['events missing (seq 4)'];
  const a = decisionPolicy(e, { ...approve, rationale: ' ' });
  assert.equal(a.allowed, false);
  for (const r of [
    'scenario "a" failed',
    'unresolved spec ambiguity with user impact',
    'inconsistent outcome across repeated runs',
    'audit trail incomplete',
    'no rationale',
  ])
    assert.ok(
      a.rejectReasons.some((x) => x.includes(r)),
      r,
    );
  const rej = decisionPolicy(e, { decision: 'reject', rationale: 'holdout failed' });
  assert.equal(rej.allowed, true);
  assert.deepEqual(
    rej.reasons,
    a.rejectReasons.filter((r) => !r.includes('no rationale')),
  );
});

test('a reject needs a rationale; without policy reasons the rationale is the reason', () => {
  assert.equal(decisionPolicy(good(), { decision: 'reject', rationale: '' }).allowed, false);
  assert.deepEqual(decisionPolicy(good(), { decision: 'reject', rationale: 'tone is off' }).reasons, [
    "rejected on the approver's judgement: tone is off",
  ]);
});
