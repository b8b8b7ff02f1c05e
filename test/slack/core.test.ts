/** The Slack app's pure parts: the /muse command language, Block Kit limits and posting budgets. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cut, fitBlocks, LIMITS, message, section, sections } from '../../functions/src/slack/core/blocks.js';
import { parseCommand, USAGE } from '../../functions/src/slack/core/command.js';
import {
  afterRateLimit,
  clientBudget,
  reserveSlot,
  worstCaseMs,
} from '../../functions/src/slack/core/pacing.js';

test('every subcommand of the contract parses', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['status', { kind: 'status' }],
    ['gates', { kind: 'gates' }],
    ['wallet', { kind: 'wallet' }],
    ['missions', { kind: 'missions' }],
    [
      'gate run-1 approve  looks   right',
      { kind: 'gate', runId: 'run-1', edge: 'approve', rationale: 'looks right' },
    ],
    [
      'approve run-1 users see the brief in 2 s',
      { kind: 'approve', runId: 'run-1', outcome: 'users see the brief in 2 s' },
    ],
    ['reject run-1 holdout calm failed', { kind: 'reject', runId: 'run-1', reason: 'holdout calm failed' }],
    ['run run-1', { kind: 'run', runId: 'run-1' }],
    ['failure deploy broke checkout', { kind: 'failure', summary: 'deploy broke checkout' }],
    [
      'incident SEV2 queue backlog growing',
      { kind: 'incident', severity: 'sev2', summary: 'queue backlog growing' },
    ],
    ['ack inc-9', { kind: 'ack', incidentId: 'inc-9' }],
    ['resolve inc-9 rolled back', { kind: 'resolve', incidentId: 'inc-9', summary: 'rolled back' }],
    [
      'breaker override burn spike was a test',
      { kind: 'breaker.override', rationale: 'burn spike was a test' },
    ],
    ['safemode exit bible updated', { kind: 'safemode.exit', rationale: 'bible updated' }],
  ];
  for (const [text, want] of cases) {
    const p = parseCommand(text);
    assert.ok(p.ok, `"${text}" should parse: ${p.ok ? '' : p.problem}`);
    assert.deepEqual(p.command, want, text);
  }
  for (const text of ['mission start m-1', 'session start', 'session close passed all green'])
    assert.ok(parseCommand(text).ok, text);
});

test('malformed input gets the usage line of its subcommand and names the problem', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['status now', 'status', /takes no arguments/],
    ['gate', 'gate', /run-id/],
    ['gate run-1', 'gate', /edge/],
    ['gate run-1 approve', 'gate', /rationale/],
    ['approve run-1', 'approve', /user-visible outcome/],
    ['reject run-1', 'reject', /reason/],
    ['run', 'run', /run-id/],
    ['run a b', 'run', /too many/],
    ['incident sev9 fire', 'incident', /sev1-sev4/],
    ['incident sev1', 'incident', /summary/],
    ['ack', 'ack', /incident-id/],
    ['gate bad/id ship ok', 'gate', /run-id/],
    ['session close', 'session', /passed or failed/],
    ['session dance', 'session', /start or close/],
  ];
  for (const [text, sub, problem] of cases) {
    const p = parseCommand(text);
    assert.equal(p.ok, false, text);
    if (p.ok) continue;
    assert.equal(p.usage, USAGE[sub], text);
    assert.match(p.problem, problem, text);
  }
  const unknown = parseCommand('dance');
  assert.equal(unknown.ok, false);
});

test('Block Kit stays inside Slack limits, with a pointer to the rest', () => {
  assert.equal(cut('abc', 5), 'abc');
  assert.equal(cut('abcdef', 4), 'abc…');
  const long = section('x'.repeat(10_000), '/v1/runs/r1');
  const text = (long.text as { text: string }).text;
  assert.equal(text.length, LIMITS.sectionText);
  assert.match(text, /the rest is at \/v1\/runs\/r1/);

  const many = Array.from({ length: 80 }, (_, i) => section(`line ${i}`));
  const fitted = fitBlocks(many, '/v1/runs');
  assert.equal(fitted.length, LIMITS.blocksPerMessage);
  assert.match(JSON.stringify(fitted.at(-1)), /31 more blocks not shown: see \/v1\/runs/);

  const split = sections(
    Array.from({ length: 200 }, () => 'y'.repeat(500)),
    '/v1/x',
    10,
  );
  assert.ok(split.length <= 10);
  for (const b of split)
    if (b.type === 'section') assert.ok((b.text as { text: string }).text.length <= LIMITS.sectionText);
  const m = message('t'.repeat(50_000), many, '/v1/y');
  assert.equal(m.text.length, LIMITS.messageText);
  assert.equal(m.blocks.length, LIMITS.blocksPerMessage);
});

test('Web API retries fit inside the function timeout; posts are paced one a second per channel', () => {
  for (const timeout of [10, 60, 120, 540]) {
    const b = clientBudget(timeout);
    assert.ok(worstCaseMs(b) <= timeout * 1000, `timeout ${timeout}s: worst case ${worstCaseMs(b)} ms`);
  }
  const first = reserveSlot(undefined, 1000);
  assert.deepEqual(first, { slot: 1000, nextFree: 2000, waitMs: 0 });
  const second = reserveSlot(first.nextFree, 1200);
  assert.deepEqual(second, { slot: 2000, nextFree: 3000, waitMs: 800 });
  assert.equal(afterRateLimit(5000, 7), 12_000, 'Retry-After is honoured');
  assert.equal(afterRateLimit(5000, undefined), 6000, 'no header: wait a second');
});
