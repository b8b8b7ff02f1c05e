/**
 * The timeline's words: every event type the product writes to the global feed has a sentence
 * (found by reading the source, so a new event type without words fails here), each sentence is
 * the one expected for representative data, and malformed events still read as words.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  DESCRIBE,
  describeEvent,
  driftPercent,
  timelineContext,
} from '../../functions/src/stream/core/timeline.js';

const SRC = join(import.meta.dirname, '..', '..', 'functions', 'src');
/** The systems whose events go to the global feed (runs/ writes its own pipelineRunEvents). */
const FEED_WRITERS = ['engine', 'muse', 'incidents', 'tasks'];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
  );
}

/** Dotted string literals on `type:` lines, and the values of an `EVENT_TYPE` table (incidents/actions.ts). */
function emittedTypes(): Set<string> {
  const found = new Set<string>();
  for (const f of FEED_WRITERS.flatMap((d) => files(join(SRC, d)))) {
    const text = readFileSync(f, 'utf8');
    const table = /const EVENT_TYPE\b[^{]*\{([^}]*)\}/.exec(text)?.[1] ?? '';
    for (const line of [...text.split('\n').filter((l) => /\btype:/.test(l)), table]) {
      for (const m of line.matchAll(/'([a-z_]+(?:\.[a-z_]+)+)'/g)) found.add(m[1]!);
    }
  }
  // Types built from templates: `run.${status}` (engine/core/run-state.ts, WorkflowRunStatus) and
  // `${action}d` of the muse's settings writes (muse/settings-write.ts).
  for (const t of ['run.running', 'run.awaiting_human', 'run.succeeded', 'run.failed']) found.add(t);
  for (const t of ['muse.bible.updated', 'muse.sources.updated']) found.add(t);
  return found;
}

test('every event type the product writes has words', () => {
  const emitted = emittedTypes();
  assert.ok(emitted.size > 40, `found only ${emitted.size} event types: the scan is broken`);
  assert.ok(
    emitted.has('muse.tick.completed') &&
      emitted.has('engine.resumed') &&
      emitted.has('incident.acknowledged'),
  );
  const missing = [...emitted].filter((t) => !Object.hasOwn(DESCRIBE, t));
  assert.deepEqual(missing, [], `event types without words: ${missing.join(', ')}`);
});

const ctx = timelineContext({
  runs: [{ runId: 'R1', topic: 'micro dramas', step: 'critic', state: 'running' }],
  lastVerdict: { runId: 'R1', drift: 0.004, pass: true },
});

/** [type, runId, data, the sentence]: one per event type, the production's with its topic. */
const CASES: Array<[string, string | null, Record<string, unknown>, string]> = [
  ['run.created', 'R9', { workflow: 'demo' }, 'run R9 created (demo)'],
  ['run.started', 'R1', { start: ['gate'] }, "production of 'micro dramas' started"],
  ['run.running', 'R9', {}, 'run R9 running'],
  ['run.awaiting_human', 'R9', {}, 'run R9 waits for a person'],
  ['run.succeeded', 'R1', {}, "production of 'micro dramas' finished"],
  [
    'run.failed',
    'R1',
    { failedStep: 'visual', error: 'boom' },
    "production of 'micro dramas' failed at visual: boom",
  ],
  ['run.fail_path', 'R1', { stepId: 'close' }, "production of 'micro dramas' takes its fail path (close)"],
  ['step.succeeded', 'R1', { stepId: 'gate', edge: 'funded' }, "funds reserved for 'micro dramas'"],
  ['step.succeeded', 'R1', { stepId: 'narrative', edge: null }, "narrative for 'micro dramas' written"],
  ['step.succeeded', 'R1', { stepId: 'visual' }, "visual spec for 'micro dramas' drawn up"],
  ['step.succeeded', 'R1', { stepId: 'motion' }, "motion timing for 'micro dramas' set"],
  [
    'step.succeeded',
    'R1',
    { stepId: 'critic', edge: 'pass' },
    "critic: on voice, drift 0.4 % ('micro dramas')",
  ],
  ['step.succeeded', 'R1', { stepId: 'publish' }, "'micro dramas' staged"],
  ['step.succeeded', 'R9', { stepId: 'draft', edge: 'ok' }, 'draft done in run R9 (ok)'],
  [
    'step.retrying',
    'R1',
    { stepId: 'visual', attempt: 2, error: 'garbage' },
    "visual of production of 'micro dramas' retries (attempt 2): garbage",
  ],
  ['step.failed', 'R9', { stepId: 'fetch', error: 'HTTP 500' }, 'fetch of run R9 failed: HTTP 500'],
  [
    'step.waiting',
    'R9',
    { stepId: 'timer', until: '2026-12-01T10:00:00.000Z' },
    'timer of run R9 waits until 2026-12-01T10:00:00.000Z',
  ],
  ['step.awaiting_callback', 'R9', { stepId: 'render' }, 'render of run R9 waits for an answer'],
  ['step.callback', 'R9', { stepId: 'render', ok: false }, 'render of run R9 got its answer (failed)'],
  [
    'step.parked',
    'R1',
    { stepId: 'visual', reason: 'engine paused' },
    "paused: visual of production of 'micro dramas' parked",
  ],
  ['step.resumed', 'R1', { stepId: 'visual' }, "visual of production of 'micro dramas' resumed"],
  ['step.republished', 'R9', { stepId: 'draft' }, 'draft of run R9 sent again'],
  ['steps.cancelled', 'R9', { stepIds: ['a', 'b'] }, '2 steps of run R9 cancelled'],
  ['steps.skipped', 'R9', { stepIds: ['a'] }, '1 step of run R9 skipped'],
  [
    'gate.opened',
    'R9',
    { stepId: 'review', edges: ['approve', 'reject'] },
    'run R9 waits for a decision (review)',
  ],
  [
    'gate.decided',
    'R9',
    { stepId: 'review', edge: 'approve', rationale: 'reads well' },
    'decision on run R9: approve (reads well)',
  ],
  ['engine.paused', null, { holder: 'cfo-breaker', reason: 'burn' }, 'paused: the breaker tripped'],
  ['engine.paused', null, { holder: 'ops', reason: 'maintenance' }, 'paused: maintenance'],
  ['engine.hold_released', null, { holder: 'ops' }, 'one hold released (ops); still paused'],
  ['engine.resumed', null, { holder: 'ops' }, 'resumed: nothing holds the loop'],
  [
    'muse.tick.completed',
    null,
    { sourcesOk: 3, sourcesFailed: 1, candidates: 12, intents: 2 },
    'scanned 4 sources (1 failing): 12 candidates, 2 new intents',
  ],
  [
    'muse.tick.failed',
    null,
    { reason: 'every enabled source failed' },
    'trend scan failed: every enabled source failed',
  ],
  [
    'muse.tick.skipped',
    null,
    { reason: 'paused by cfo-breaker (burn)' },
    'trend scan skipped: paused by cfo-breaker (burn)',
  ],
  ['muse.intent.requested', null, { topic: 'cozy mysteries' }, "asked to make 'cozy mysteries'"],
  [
    'muse.asset.staged',
    null,
    { runId: 'R1', drift: 0.004, cost: 0.12 },
    "new piece staged for 'micro dramas', drift 0.4 %, cost 0.12",
  ],
  [
    'muse.breaker.tripped',
    null,
    { reason: 'burn over limit', trip: 1 },
    'paused: the breaker tripped (burn over limit)',
  ],
  ['muse.breaker.overridden', null, { rationale: 'budget raised' }, 'breaker overridden: budget raised'],
  [
    'muse.safemode.entered',
    null,
    { consecutiveRejections: 5, limit: 5 },
    'safe mode on after 5 rejections: templates only',
  ],
  ['muse.safemode.exited', null, { rationale: 'fixed' }, 'safe mode off: free generation again'],
  ['muse.bible.updated', null, { target: 'muse/bible' }, 'identity Bible updated'],
  ['muse.sources.updated', null, { target: 'config/trendSources' }, 'trend sources updated'],
  [
    'incident.opened',
    null,
    { incidentId: 'I1', severity: 'high', source: 'cfo-breaker' },
    'incident opened (high): cfo-breaker',
  ],
  ['incident.acknowledged', null, { incidentId: 'I1' }, 'incident acknowledged'],
  ['incident.recovering', null, { incidentId: 'I1' }, 'incident recovering'],
  ['incident.escalated', null, { incidentId: 'I1', from: 1, to: 2 }, 'incident escalated to level 2'],
  ['incident.resolved', null, { incidentId: 'I1' }, 'incident resolved'],
  ['incident.reviewed', null, { incidentId: 'I1' }, 'incident reviewed'],
  ['task.started', null, { taskId: 'T1' }, 'task T1 started'],
  ['task.blocked', null, { taskId: 'T1' }, 'task T1 blocked'],
  ['task.unblocked', null, { taskId: 'T1' }, 'task T1 unblocked'],
  ['task.completed', null, { taskId: 'T1' }, 'task T1 done'],
  ['task.heartbeat.stale', null, { taskId: 'T1' }, 'task T1 went silent'],
  ['task.heartbeat.cleared', null, { taskId: 'T1' }, 'task T1 beats again'],
];

test('each event reads as its sentence', () => {
  for (const [type, runId, data, want] of CASES)
    assert.equal(describeEvent({ type, runId, data }, ctx), want, type);
  const covered = new Set(CASES.map((c) => c[0]));
  const untested = Object.keys(DESCRIBE).filter((t) => !covered.has(t));
  assert.deepEqual(untested, [], `types with words but no case here: ${untested.join(', ')}`);
});

test('without the run in the status, a step reads by run id; a rejected critic reads off voice', () => {
  assert.equal(
    describeEvent({ type: 'step.succeeded', runId: 'R7', data: { stepId: 'narrative' } }),
    'narrative done in run R7',
  );
  const off = timelineContext({
    runs: [{ runId: 'R2', topic: 'x' }],
    lastVerdict: { runId: 'R2', drift: 3.1, pass: false },
  });
  assert.equal(
    describeEvent({ type: 'step.succeeded', runId: 'R2', data: { stepId: 'critic', edge: 'reject' } }, off),
    "critic: off voice, drift 3.1 % ('x')",
  );
});

test('malformed or unknown events still read as words, never JSON, never a throw', () => {
  assert.equal(describeEvent({ type: 'some.new_thing', data: { a: 1 } }), 'some new thing');
  assert.equal(describeEvent({}), 'event');
  assert.equal(
    describeEvent({ type: 'muse.tick.completed', data: 'nope' }),
    'scanned 0 sources: 0 candidates, 0 new intents',
  );
  assert.equal(describeEvent({ type: 'steps.skipped', data: { stepIds: 'x' } }), '0 steps of a run skipped');
  assert.equal(describeEvent({ type: 'toString', data: {} }), 'toString');
  assert.equal(timelineContext({ runs: 'x', lastVerdict: 5 }).topicOf('R1'), undefined);
});

test('drift reads as a percentage whether stored as a fraction or a percentage', () => {
  assert.equal(driftPercent(0), '0 %');
  assert.equal(driftPercent(0.013), '1.3 %');
  assert.equal(driftPercent(1.3), '1.3 %');
});
