import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildHandoff, handoffMarkdown } from '../../functions/src/runs/core/handoff.js';
import type { PipelineRun } from '../../functions/src/runs/core/pipeline-run.js';
import { summarize, type ScenarioReport } from '../../functions/src/runs/core/evaluation.js';

const run: PipelineRun = {
  id: 'run-1',
  spec: 'p@2',
  suite: 's@1',
  specName: 'p',
  profile: 'staging',
  state: 'evaluating',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  createdBy: { kind: 'apikey', id: 'k1', name: 'ci' },
  group: { id: 'g', index: 0, size: 1 },
  eventSeq: 5,
  stages: {
    draft: { status: 'succeeded', attempts: 2 },
    send: { status: 'failed', attempts: 1, class: 'terminal', error: 'HTTP 400' },
  },
  stageFailures: [{ stageId: 'send', class: 'terminal', error: 'HTTP 400', at: '2026-01-01T00:00:00.000Z' }],
  gates: [],
  incidents: ['inc-1'],
};
const scenarios = [{ id: 'hold', title: 'h', holdout: true, critical: false, pass: false, checks: [] }];
const report: ScenarioReport = {
  runId: 'run-1',
  spec: 'p@2',
  suite: 's@1',
  execution: 'failed',
  scenarios,
  policyChecks: [],
  summary: summarize(scenarios, []),
  evaluatedAt: '2026-01-01T00:00:00.000Z',
};

test('handoff lists summary, report, decision, open risks and next actions, as JSON and Markdown', () => {
  const h = buildHandoff({ run, report, classifications: [], remediatedBy: [] });
  assert.equal(h.run.id, 'run-1');
  assert.equal(h.decision, null);
  assert.ok(h.openRisks.some((r) => r.includes('stage "send" failed (terminal)')));
  assert.ok(h.openRisks.some((r) => r.includes('scenario "hold" failed')));
  assert.ok(h.openRisks.some((r) => r.includes('incident inc-1')));
  assert.ok(h.nextActions.some((a) => a.includes('classify the failure of scenario "hold"')));
  assert.ok(h.nextActions.some((a) => a.startsWith('decide')));
  const md = handoffMarkdown(h);
  for (const heading of [
    '## Run summary',
    '## Scenario report',
    '## Decision record',
    '## Open risks',
    '## Next actions',
  ])
    assert.ok(md.includes(heading), heading);
  assert.match(md, /\| hold \| yes \| \*\*fail\*\* \|/);
});
