/**
 * A Level 4 systemic failure that no longer recurs resolves its incident: the same stage failing in
 * two runs opens the incident at evaluation; the same stage of the same spec succeeding in a later
 * run resolves it (recovery `system:pipeline-stage`) in the stage's own commit; failing again pages
 * again with a new incident. Through the real pipeline workflow on the engine harness.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
/** The incidents collection, read directly to check what was stored. */
const INCIDENTS = 'incidents';
import { getIncident } from '../../functions/src/incidents/repo.js';
import type { PipelineSpec } from '../../functions/src/runs/core/spec.js';
import type { ScenarioSuite } from '../../functions/src/runs/core/suite.js';
import { startAgent, startRunsHarness, type Agent, type RunsHarness } from '../runs/helpers.js';
import { SLACK_OUTBOX } from '../helpers/slack-state.js';

let h: RunsHarness;
let agent: Agent;
/** The agent fails (404, terminal) on its 1st, 2nd and 4th request, and answers on the 3rd. */
const FAILS = new Set([1, 2, 4]);

before(async () => {
  agent = await startAgent((_path, n) =>
    FAILS.has(n)
      ? { status: 404, json: { error: 'no such agent' } }
      : { status: 200, json: { topic: 'tides', tone: 'calm' } },
  );
  h = await startRunsHarness();
});
after(async () => {
  await h.stop();
  await agent.stop();
});

const spec = (): PipelineSpec => ({
  name: 'wobbly',
  version: '1',
  start: ['fetch'],
  stages: [
    {
      id: 'fetch',
      kind: 'http',
      http: { url: `${agent.url}/agent`, mode: 'sync', timeoutMs: 5000, body: { topic: '{{input.topic}}' } },
      next: ['write'],
    },
    { id: 'write', kind: 'model', prompt: 'Write a short post about {{outputs.fetch.topic}}.' },
  ],
  policyChecks: [],
  profiles: { local: {} },
  systemic: { threshold: 2, windowMs: 3_600_000 },
});

const suite: ScenarioSuite = {
  name: 'wobbly-suite',
  version: '1',
  pipeline: 'wobbly',
  repeat: 1,
  scenarios: [
    {
      id: 'topic',
      title: 'the topic is tides',
      holdout: false,
      critical: false,
      checks: [{ kind: 'exact', stage: 'fetch', path: '$.topic', equals: 'tides' }],
    },
  ],
};

async function runOnce(): Promise<{ runId: string; incidents: string[]; fetch: string | undefined }> {
  const r = await h.call('POST', '/v1/pipeline-runs', {
    spec: 'wobbly@1',
    suite: 'wobbly-suite@1',
    profile: 'local',
    input: { topic: 'tides' },
  });
  assert.equal(r.status, 201, r.text);
  const runId = r.json.runIds[0] as string;
  const run = await h.waitForState(runId, (x) => x.state === 'evaluating');
  return { runId, incidents: run.incidents, fetch: run.stages.fetch?.status };
}

test('a systemic stage failure is resolved when the same stage succeeds later, and opens anew if it recurs', async () => {
  assert.equal((await h.call('POST', '/v1/pipelines', spec())).status, 201);
  assert.equal((await h.call('POST', '/v1/suites', suite)).status, 201);

  const first = await runOnce();
  assert.deepEqual([first.fetch, first.incidents], ['failed', []]);
  const second = await runOnce();
  assert.equal(second.incidents.length, 1, 'the second failure within the window is systemic');
  const incidentId = second.incidents[0]!;
  assert.equal((await getIncident(h.app, incidentId)).status, 'open');

  const third = await runOnce();
  assert.equal(third.fetch, 'succeeded');
  const inc = await getIncident(h.app, incidentId);
  assert.equal(inc.status, 'resolved');
  assert.deepEqual(inc.resolvedBy, { kind: 'system', id: 'pipeline-stage' });
  const last = inc.timeline.at(-1)!;
  assert.equal(last.type, 'resolved');
  assert.equal(last.recovery, 'pipeline-stage');
  assert.match(last.text, new RegExp(`stage "fetch" of "wobbly" succeeded in run ${third.runId}`));
  const decided = await h.app.db.collection(SLACK_OUTBOX).doc(`decided~incident~${incidentId}`).get();
  assert.equal(decided.get('kind'), 'decided');
  assert.equal(decided.get('data.by'), 'system:pipeline-stage');

  // The failures still in the window make the next failure systemic again: a new incident, paged anew.
  const fourth = await runOnce();
  assert.equal(fourth.incidents.length, 1);
  assert.notEqual(fourth.incidents[0], incidentId);
  assert.equal((await getIncident(h.app, fourth.incidents[0]!)).status, 'open');
  const live = await h.app.db.collection(INCIDENTS).where('status', '==', 'open').get();
  assert.equal(live.size, 1);
});
