import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bm25Rank, termFrequencies, tokenize } from '../../functions/src/tasks/core/bm25.js';
import { parseEvidenceJsonl } from '../../functions/src/tasks/core/evidence.js';
import {
  DEFAULT_RULE_SET,
  globToRegExp,
  importsByLine,
  parseRuleSet,
  scanFiles,
} from '../../functions/src/tasks/core/guard-rules.js';
import {
  DEFAULT_HEARTBEAT_POLICY,
  mustBeat,
  staleVerdict,
} from '../../functions/src/tasks/core/heartbeat.js';
import { guardCompliance, successMetrics } from '../../functions/src/tasks/core/metrics.js';
import { completedOnTime, startVerdict } from '../../functions/src/tasks/core/task.js';

test('startVerdict gates on dependencies and names them', () => {
  const t = { id: 'c', status: 'todo' as const, dependsOn: ['a', 'b'] };
  assert.deepEqual(startVerdict(t, { a: 'done', b: 'done' }), { ok: true });
  const v = startVerdict(t, { a: 'done', b: 'in_progress' });
  assert.equal(v.ok, false);
  assert.deepEqual(!v.ok && v.waitingOn, ['b']);
  const u = startVerdict(t, { a: 'done' });
  assert.match(!u.ok ? u.reason : '', /unknown dependencies: b/);
  assert.equal(startVerdict({ ...t, status: 'done' }, { a: 'done', b: 'done' }).ok, false);
});

test('completedOnTime uses the due date, else the estimate from the start', () => {
  const startedAt = new Date('2026-01-01T00:00:00Z');
  assert.equal(
    completedOnTime({ startedAt, estimateMinutes: 60, completedAt: new Date('2026-01-01T00:59:00Z') }),
    true,
  );
  assert.equal(
    completedOnTime({ startedAt, estimateMinutes: 60, completedAt: new Date('2026-01-01T01:01:00Z') }),
    false,
  );
  assert.equal(completedOnTime({ startedAt, estimateMinutes: 60 }), false);
});

test('BM25 ranks the document sharing rare terms first and says why', () => {
  const docs = [
    'Firestore transaction contention timeout on the wallet ledger',
    'Slack modal rendering broken after bolt upgrade',
    'Pub/Sub push endpoint returned 500; retry storm',
    'Wallet reservation double-spent; ledger idempotency key missing',
  ].map((text, i) => {
    const tokens = tokenize(text);
    return { id: `d${i}`, tf: termFrequencies(tokens), length: tokens.length };
  });
  const avg = docs.reduce((s, d) => s + d.length, 0) / docs.length;
  const r = bm25Rank('wallet ledger idempotency', docs, docs.length, avg);
  assert.equal(r[0]!.id, 'd3');
  assert.deepEqual([...r[0]!.matched].sort(), ['idempotency', 'ledger', 'wallet']);
  assert.equal(r.length, 2);
  assert.deepEqual(bm25Rank('kubernetes', docs, docs.length, avg), []);
});

test('evidence JSONL: one bad line in ten keeps nine and names line 7', () => {
  const good = (i: number) =>
    JSON.stringify({
      taskId: 'T1',
      agentId: 'a1',
      at: '2026-01-01T00:00:00Z',
      kind: 'tool_call',
      summary: `step ${i}`,
      outcome: 'ok',
    });
  const lines = Array.from({ length: 10 }, (_, i) => (i === 6 ? '{"taskId":"T1","agentId":"a1"}' : good(i)));
  const r = parseEvidenceJsonl(lines.join('\n'), { taskId: 'T1' });
  assert.equal(r.good.length, 9);
  assert.equal(r.bad.length, 1);
  assert.equal(r.bad[0]!.line, 7);
  assert.ok(r.bad[0]!.errors.some((e) => e.startsWith('summary')));
  const notJson = parseEvidenceJsonl('{oops\n' + good(1));
  assert.equal(notJson.bad[0]!.line, 1);
  assert.match(notJson.bad[0]!.errors[0]!, /not JSON/);
  assert.equal(parseEvidenceJsonl(good(1), { taskId: 'T2' }).bad.length, 1);
});

test('heartbeat staleness: must-beat above 2 h, stale after 15 min, configurable', () => {
  const p = DEFAULT_HEARTBEAT_POLICY;
  assert.equal(mustBeat(121, p), true);
  assert.equal(mustBeat(120, p), false);
  const startedAt = new Date('2026-01-01T00:00:00Z');
  const t = { status: 'in_progress', mustBeat: true, startedAt };
  assert.equal(staleVerdict(t, p, new Date('2026-01-01T00:14:59Z')).stale, false);
  assert.equal(staleVerdict(t, p, new Date('2026-01-01T00:15:00Z')).stale, true);
  assert.equal(
    staleVerdict({ ...t, stale: { since: startedAt } }, p, new Date('2026-01-01T01:00:00Z')).stale,
    false,
  );
  assert.equal(
    staleVerdict(t, { ...p, staleAfterMinutes: 30 }, new Date('2026-01-01T00:20:00Z')).stale,
    false,
  );
  assert.equal(staleVerdict({ ...t, status: 'done' }, p, new Date('2026-01-01T05:00:00Z')).stale, false);
});

test('guard: imports by line, globs, default rules skip test paths', () => {
  const src = [
    "import { z } from 'zod';",
    "// import x from '@modelcontextprotocol/sdk';",
    "import { Server } from '@modelcontextprotocol/sdk/server';",
    '/* require("mock-fs") */',
    "const m = await import('./__mocks__/db.js');",
  ].join('\n');
  assert.deepEqual(
    importsByLine(src).map((i) => i.line),
    [1, 3, 5],
  );
  const v = scanFiles(
    [
      { path: 'src/app.ts', content: src },
      { path: 'test/app.test.ts', content: src },
    ],
    DEFAULT_RULE_SET,
  );
  assert.deepEqual(
    v.map((x) => `${x.file}:${x.line} ${x.rule}`),
    ['src/app.ts:3 dev-mcp-ban', 'src/app.ts:5 no-mocks'],
  );
  assert.ok(globToRegExp('**/test/**').test('test/a.ts'));
  assert.ok(!globToRegExp('**/test/**').test('footest/a.ts'));
});

test('rule sets that do not parse are refused with the reason', () => {
  assert.equal(parseRuleSet('{').ok, false);
  const r = parseRuleSet('{"rules":[{"pattern":"x"}]}');
  assert.ok(!r.ok && r.errors.some((e) => e.startsWith('rules.0.id')));
  assert.equal(parseRuleSet('{"rules":[{"id":"a","pattern":"lodash"}]}').ok, true);
});

test('compliance rates and success metrics', () => {
  const g = guardCompliance([
    { guard: 'dev-mcp-ban', status: 'pass' },
    { guard: 'dev-mcp-ban', status: 'fail' },
    { guard: 'idle-guard', status: 'pass' },
  ]);
  assert.equal(g.byGuard['dev-mcp-ban']!.value, 0.5);
  assert.equal(g.overall.value, 0.6667);
  const m = successMetrics({
    finished: [{ onTime: true }, { onTime: false }],
    tasksInScope: [
      { hasEvidence: true, mustBeat: true, everStale: false },
      { hasEvidence: false, mustBeat: true, everStale: true },
      { hasEvidence: true, mustBeat: false, everStale: false },
    ],
    guardResults: [],
    incidents: [{ ackMinutes: 4 }, { ackMinutes: 10, resolveMinutes: 30 }, {}],
    steps: { total: 0, failed: 0 },
  });
  assert.equal(m.taskCompletionOnTime.value, 0.5);
  assert.equal(m.evidenceCoverage.value, 0.6667);
  assert.equal(m.heartbeatCompliance.value, 0.5);
  assert.equal(m.guardCompliance.value, null);
  assert.equal(m.alertResponseMinutes.median, 7);
  assert.equal(m.errorRate.value, null);
});
