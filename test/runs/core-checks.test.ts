import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  evaluateCheck,
  jsonPath,
  rubricRequest,
  rubricResult,
} from '../../functions/src/runs/core/checks.js';
import { compareRepeats, summarize } from '../../functions/src/runs/core/evaluation.js';
import { SpecFault, renderDeep, renderTemplate } from '../../functions/src/runs/core/template.js';

const outputs = {
  draft: { text: 'Lighthouses guide ships home.', meta: { words: 4, tags: ['sea', 'light'] } },
  plain: 'hello world',
};

test('jsonPath resolves dotted, bracketed and $-rooted paths', () => {
  assert.deepEqual(jsonPath(outputs, '$.draft.meta.tags[1]'), { found: true, value: 'light' });
  assert.deepEqual(jsonPath(outputs, 'draft.meta.words'), { found: true, value: 4 });
  assert.deepEqual(jsonPath(outputs, '$.draft.nope'), { found: false });
});

test('exact, contains, regex and JSON-path checks pass and fail with evidence', () => {
  assert.equal(evaluateCheck({ kind: 'exact', stage: 'plain', equals: 'hello world' }, outputs).pass, true);
  assert.equal(
    evaluateCheck(
      { kind: 'exact', stage: 'draft', path: '$.meta', equals: { tags: ['sea', 'light'], words: 4 } },
      outputs,
    ).pass,
    true,
  );
  const miss = evaluateCheck({ kind: 'exact', stage: 'plain', equals: 'bye' }, outputs);
  assert.equal(miss.pass, false);
  assert.deepEqual(miss.evidence, { actual: 'hello world', expected: 'bye' });
  assert.equal(
    evaluateCheck({ kind: 'contains', stage: 'draft', path: '$.text', text: 'ships' }, outputs).pass,
    true,
  );
  assert.equal(
    evaluateCheck(
      { kind: 'regex', stage: 'draft', path: '$.text', pattern: '^lighthouses', flags: 'i' },
      outputs,
    ).pass,
    true,
  );
  assert.equal(evaluateCheck({ kind: 'regex', stage: 'plain', pattern: '(' }, outputs).pass, false);
  assert.equal(
    evaluateCheck({ kind: 'jsonPath', stage: 'draft', path: '$.meta.words', equals: 4 }, outputs).pass,
    true,
  );
  assert.equal(
    evaluateCheck({ kind: 'jsonPath', stage: 'draft', path: '$.meta.missing' }, outputs).pass,
    false,
  );
  assert.equal(
    evaluateCheck({ kind: 'jsonPath', stage: 'draft', path: '$.meta.missing', exists: false }, outputs).pass,
    true,
  );
  const absent = evaluateCheck({ kind: 'contains', stage: 'ghost', text: 'x' }, outputs);
  assert.equal(absent.pass, false);
  assert.match(absent.evidence.note!, /no output at ghost/);
});

test('rubric: the request holds only the rubric and the output; the verdict is read with a threshold', () => {
  const check = { kind: 'rubric' as const, stage: 'plain', rubric: 'greets the world warmly', minScore: 0.5 };
  const req = rubricRequest(check, 'hello world');
  assert.equal(req.purpose, 'rubric');
  assert.match(req.prompt, /Rubric:\ngreets the world warmly\n\nOutput:\nhello world/);
  assert.equal(rubricResult(check, 'x', { score: 0.6, pass: true, reason: 'ok' }).pass, true);
  assert.equal(rubricResult(check, 'x', { score: 0.4, pass: false, reason: 'no' }).pass, false);
  assert.equal(rubricResult(check, 'x', 'garbage').pass, false);
});

test('repeated runs: differing outcomes are named, equal ones are not', () => {
  const sc = (pass: boolean) => [{ id: 'a', title: 'a', holdout: false, critical: false, pass, checks: [] }];
  assert.deepEqual(
    compareRepeats([
      { runId: 'r1', report: { execution: 'succeeded', scenarios: sc(true) } },
      { runId: 'r2', report: { execution: 'succeeded', scenarios: sc(true) } },
    ]),
    [],
  );
  const diffs = compareRepeats([
    { runId: 'r1', report: { execution: 'succeeded', scenarios: sc(true) } },
    { runId: 'r2', report: { execution: 'failed', scenarios: sc(false) } },
  ]);
  assert.deepEqual(diffs, ['execution: succeeded in r1, failed in r2', 'scenario a: pass in r1, fail in r2']);
  const s = summarize(
    [...sc(false), { id: 'h', title: 'h', holdout: true, critical: false, pass: true, checks: [] }],
    [],
  );
  assert.deepEqual([s.failed, s.holdouts, s.holdoutsPassed, s.policyChecksPassed], [['a'], 1, 1, true]);
});

test('templates render inputs and outputs; a missing reference is a spec fault', () => {
  const scope = { input: { topic: 'tides' }, outputs, profile: { baseUrl: 'http://x' }, run: { id: 'r1' } };
  assert.equal(
    renderTemplate('{{profile.baseUrl}}/a?t={{input.topic}}&w={{outputs.draft.meta.words}}', scope),
    'http://x/a?t=tides&w=4',
  );
  assert.deepEqual(renderDeep({ a: ['{{run.id}}', 3] }, scope), { a: ['r1', 3] });
  assert.throws(() => renderTemplate('{{input.missing}}', scope), SpecFault);
});
