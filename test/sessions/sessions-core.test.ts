import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildClosureReport,
  renderClosureMarkdown,
  type TestsEvidence,
} from '../../functions/src/sessions/core/closure.js';
import { buildDashboard, renderDashboardMarkdown } from '../../functions/src/sessions/core/dashboard.js';
import { computeEconomics } from '../../functions/src/sessions/core/economics.js';
import { validateFailureLog } from '../../functions/src/sessions/core/failure-log.js';
import {
  promote,
  promotionCandidates,
  tokensSaved,
  type Memory,
} from '../../functions/src/sessions/core/memory.js';
import type { AppError } from '../../functions/src/shared/errors.js';

const t0 = new Date('2026-01-01T00:00:00Z');
const actor = { kind: 'user' as const, id: 'U1' };
const mem = (id: string, reuseCount: number, extra: Partial<Memory> = {}): Memory => ({
  id,
  kind: 'success',
  title: `title ${id}`,
  text: 't',
  tags: [],
  status: 'active',
  sessionId: null,
  baselineTokens: 0,
  captureTokens: 0,
  reuseCount,
  promotedRuleId: null,
  createdAt: t0,
  actor,
  ...extra,
});

test('failure log validation names every missing part', () => {
  assert.throws(
    () => validateFailureLog({ whys: ['a', ' ', 'b'], prevention: { kind: 'hope', text: 'tbd' } }),
    (e: AppError) => {
      assert.equal(e.code, 'invalid_input');
      assert.deepEqual(e.details, {
        missing: [
          'summary',
          'whatBroke (what broke)',
          'whys: 5 whys are required, got 2',
          'rootCause (root cause)',
          'prevention.kind: one of add_rule, add_test, add_guard, change_process',
          'prevention.text: "tbd" is not actionable; say what rule, test, guard or process changes',
        ],
      });
      return true;
    },
  );
  assert.throws(() => validateFailureLog(null), /summary/);
  const ok = validateFailureLog({
    summary: ' s ',
    whatBroke: 'w',
    whys: ['1', '2', '3', '4', '5', '6'],
    rootCause: 'r',
    prevention: { kind: 'add_test', text: 'add a regression test for it' },
  });
  assert.equal(ok.summary, 's');
  assert.equal(ok.whys.length, 6);
});

test('promotion needs two distinct sessions and a critical rule', () => {
  assert.deepEqual(
    promotionCandidates([mem('a', 1), mem('b', 3), mem('c', 2), mem('d', 5, { status: 'promoted' })]).map(
      (m) => m.id,
    ),
    ['b', 'c'],
  );
  const input = { ruleId: 'r1', criticalRules: ['rule'], actor, sessionId: null };
  assert.throws(() => promote(mem('a', 1), input, t0), /reused in 1 session\(s\)/);
  assert.throws(
    () => promote(mem('a', 2), { ...input, criticalRules: [' '] }, t0),
    /at least one verified critical rule/,
  );
  assert.throws(
    () => promote(mem('a', 2, { status: 'promoted', promotedRuleId: 'r0' }), input, t0),
    /already promoted to rule r0/,
  );
  assert.equal(promote(mem('a', 2), input, t0).memoryId, 'a');
});

test('economics formulas over a period', () => {
  assert.equal(tokensSaved(1000, 300), 700);
  assert.equal(tokensSaved(100, 300), 0);
  const period = { from: t0, to: new Date('2026-02-01T00:00:00Z') };
  const e = computeEconomics(
    {
      memories: [
        { id: 'a', title: 'A', captureTokens: 100, createdAt: t0 },
        { id: 'b', title: 'B', captureTokens: 900, createdAt: new Date('2025-12-01T00:00:00Z') },
      ],
      reuses: [
        { memoryId: 'a', sessionId: 's1', tokensUsed: 0, tokensSaved: 300, at: t0 },
        { memoryId: 'b', sessionId: 's1', tokensUsed: 0, tokensSaved: 50, at: t0 },
        {
          memoryId: 'a',
          sessionId: 'old',
          tokensUsed: 0,
          tokensSaved: 999,
          at: new Date('2025-01-01T00:00:00Z'),
        },
      ],
      sessions: [
        { id: 's1', startedAt: t0 },
        { id: 's2', startedAt: t0 },
        { id: 's3', startedAt: t0 },
      ],
    },
    period,
  );
  assert.equal(e.tokensSaved, 350);
  assert.equal(e.tokensInvested, 100, 'only memories captured in the period');
  assert.equal(e.roi, 2.5);
  assert.equal(e.reuseRate, 0.3333);
  assert.deepEqual(
    e.byMemory.map((b) => [b.memoryId, b.tokensSaved]),
    [
      ['a', 300],
      ['b', 50],
    ],
  );
  const none = computeEconomics({ memories: [], reuses: [], sessions: [] }, period);
  assert.deepEqual([none.reuseRate, none.roi], [0, null]);
});

test('closure report checklist and Markdown', () => {
  const ci = (status: string): TestsEvidence => ({
    source: 'ci-guard-results',
    results: [{ guard: 'unit-tests', status, at: t0 }],
  });
  const base = {
    session: { id: 'S-1', startedAt: t0 },
    closedAt: new Date(t0.getTime() + 60_000),
    failures: [],
    approved: [],
    pending: [{ memoryId: 'm1', title: 'T', sessions: 2 }],
    anomalies: 0,
    parity: { source: 'none' } as const,
    tests: { source: 'none' } as const,
    reportedTests: { passed: true },
    captured: [],
    reused: [{ memoryId: 'm1', title: 'T', tokensSaved: 10 }],
  };
  const r = buildClosureReport(base);
  assert.equal(r.status, 'attention');
  assert.equal(r.checklist.promotionsHandled.ok, false);
  // Nothing to check: unknown, never a pass, whatever the agent reported.
  assert.equal(r.checklist.dataInSync.state, 'unknown');
  assert.equal(r.checklist.dataInSync.ok, false);
  assert.match(
    r.checklist.dataInSync.detail,
    /^no parity check: `npm run parity -- check <dir>` has recorded none/,
  );
  assert.equal(r.checklist.testsPassing.state, 'unknown');
  assert.equal(r.checklist.testsPassing.ok, false);
  assert.deepEqual(r.checklist.testsPassing.reported, { passed: true });
  assert.equal(r.tokensSaved, 10);
  const md = renderClosureMarkdown(r);
  assert.match(md, /^# Session closure report \(L5\): S-1/);
  assert.match(
    md,
    /- \[ \] Pipeline update: promotions handled \(0 approved, 1 candidate\(s\) awaiting a decision\)/,
  );
  assert.match(md, /pending m1 "T" \(2 sessions\)/);
  assert.match(md, /- \[\?\] Dashboard sync: data matches reality \(no parity check/);
  assert.match(md, /- \[\?\] System health: tests unknown/);
  const inSync = { source: 'files', dir: '/repo', differences: 0, at: t0 } as const;
  const clean = buildClosureReport({ ...base, pending: [], parity: inSync, tests: ci('pass') });
  assert.equal(clean.status, 'clean');
  assert.equal(clean.checklist.dataInSync.source, 'files:/repo');
  assert.equal(clean.checklist.testsPassing.source, 'ci-guard-results');
  assert.equal(
    buildClosureReport({ ...base, pending: [], parity: { ...inSync, differences: 3 }, tests: ci('pass') })
      .checklist.dataInSync.state,
    'fail',
  );
  assert.equal(
    buildClosureReport({ ...base, pending: [], parity: inSync, tests: ci('error') }).checklist.testsPassing
      .state,
    'fail',
  );
  // Store anomalies fail the item even with no parity check to run.
  assert.equal(buildClosureReport({ ...base, pending: [], anomalies: 1 }).checklist.dataInSync.state, 'fail');
});

test('dashboard lists candidates, promoted rules and recent failures', () => {
  const economics = computeEconomics(
    { memories: [], reuses: [], sessions: [] },
    { from: t0, to: new Date(t0.getTime() + 1) },
  );
  const d = buildDashboard({
    now: t0,
    openSession: null,
    focusAreas: [],
    memories: [mem('a', 2), mem('b', 0), mem('c', 4, { status: 'promoted' })],
    rules: [
      {
        id: 'r1',
        title: 'Rule',
        text: 't',
        criticalRules: ['always x'],
        source: 'promotion',
        memoryId: 'c',
        approvedBy: actor,
        rationale: null,
        sessionId: null,
        createdAt: t0,
      },
    ],
    failures: [],
    failureTotal: 0,
    economics,
  });
  assert.deepEqual(
    d.activePatterns.map((p) => p.id),
    ['a', 'b'],
  );
  assert.deepEqual(
    d.promotions.candidates.map((p) => p.id),
    ['a'],
  );
  const md = renderDashboardMarkdown(d);
  assert.match(md, /- Rule \(r1\): always x/);
  assert.match(md, /## Focus areas\n\n- none set/);
  assert.match(md, /\| ROI \| n\/a \|/);
});
