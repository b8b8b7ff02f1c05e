import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
/** The incidents collection, read directly to check what was stored. */
const INCIDENTS = 'incidents';
import type { PipelineSpec } from '../../functions/src/runs/core/spec.js';
import type { ScenarioSuite } from '../../functions/src/runs/core/suite.js';
import type { PipelineRunEvent } from '../../functions/src/runs/core/pipeline-run.js';
import { startAgent, startRunsHarness, type Agent, type RunsHarness } from './helpers.js';

let h: RunsHarness;
let agent: Agent;
const produced: Array<{ brief: string }> = [];
/** Per-path behaviour of the agent endpoint; n counts requests on that path from 1. */
const replies: Record<string, (n: number) => { status: number; json?: unknown }> = {
  '/flaky': (n) =>
    n === 1
      ? { status: 503, json: { error: 'busy' } }
      : { status: 200, json: { topic: 'tides', tone: 'calm' } },
  '/bad': () => ({ status: 400, json: { error: 'malformed brief' } }),
  '/shouty': () => ({ status: 200, json: { topic: 'tides', tone: 'shouty' } }),
  '/alt': (n) => ({ status: 200, json: { topic: n % 2 ? 'tides' : 'storms', tone: 'calm' } }),
  '/cb': () => ({ status: 202, json: { accepted: true } }),
  '/systemic': () => ({ status: 404, json: { error: 'no such agent' } }),
};

before(async () => {
  agent = await startAgent((path, n) => (replies[path] ?? (() => ({ status: 500 })))(n));
  h = await startRunsHarness({
    produce: async ({ brief }) => {
      produced.push({ brief });
      return Promise.resolve({ assetId: `asset-${produced.length}`, brief });
    },
  });
});
after(async () => {
  await h.stop();
  await agent.stop();
});

function httpSpec(name: string, path: string, over: Partial<PipelineSpec> = {}): PipelineSpec {
  return {
    name,
    version: '1',
    start: ['fetch'],
    stages: [
      {
        id: 'fetch',
        kind: 'http',
        http: {
          url: `{{profile.baseUrl}}${path}`,
          mode: 'sync',
          timeoutMs: 5000,
          body: { topic: '{{input.topic}}' },
        },
        retry: { maxAttempts: 3, initialBackoffMs: 10, multiplier: 1, maxBackoffMs: 20 },
        next: ['write'],
      },
      { id: 'write', kind: 'model', prompt: 'Write a short post about {{outputs.fetch.topic}}.' },
    ],
    policyChecks: [],
    profiles: { local: { baseUrl: agent.url } },
    ...over,
  };
}

function suite(name: string, over: Partial<ScenarioSuite> = {}): ScenarioSuite {
  return {
    name: `${name}-suite`,
    version: '1',
    pipeline: name,
    repeat: 1,
    scenarios: [
      {
        id: 'topic',
        title: 'the topic is tides',
        holdout: false,
        critical: false,
        checks: [{ kind: 'exact', stage: 'fetch', path: '$.topic', equals: 'tides' }],
      },
      {
        id: 'calm',
        title: 'the tone is calm',
        holdout: true,
        critical: true,
        checks: [{ kind: 'jsonPath', stage: 'fetch', path: '$.tone', equals: 'calm' }],
      },
    ],
    ...over,
  };
}

async function publishAndRun(spec: PipelineSpec, s: ScenarioSuite = suite(spec.name)): Promise<string[]> {
  assert.equal((await h.call('POST', '/v1/pipelines', spec)).status, 201);
  assert.equal((await h.call('POST', '/v1/suites', s)).status, 201);
  const r = await h.call('POST', '/v1/pipeline-runs', {
    spec: `${spec.name}@1`,
    suite: `${s.name}@1`,
    profile: 'local',
    input: { topic: 'tides' },
  });
  assert.equal(r.status, 201, r.text);
  return r.json.runIds as string[];
}

const hits = (path: string) => agent.requests.filter((r) => r.path === path).length;
const events = async (runId: string) =>
  (await h.call('GET', `/v1/pipeline-runs/${runId}`)).json.events as PipelineRunEvent[];
const outcome = 'Readers get a calm post about tides.';

test('a retryable stage (503) succeeds on its second try', async () => {
  const [runId] = await publishAndRun(httpSpec('flaky', '/flaky'));
  const run = await h.waitForState(runId!, (r) => r.state === 'evaluating');
  assert.equal(hits('/flaky'), 2);
  assert.deepEqual(run.stages.fetch, { status: 'succeeded', attempts: 2 });
  const ev = await events(runId!);
  const failedTry = ev.find((e) => e.type === 'stage.attempt_failed');
  assert.equal(failedTry?.data.class, 'retryable');
  assert.match(String(failedTry?.data.error), /HTTP 503/);
  assert.equal(
    (
      await h.call('POST', `/v1/pipeline-runs/${runId}/decision`, {
        decision: 'approve',
        rationale: 'all passed',
        outcome,
      })
    ).status,
    201,
  );
});

test('a terminal stage (400) is not retried, takes the fail path and still reaches evaluation', async () => {
  const [runId] = await publishAndRun(httpSpec('bad', '/bad'));
  const run = await h.waitForState(runId!, (r) => r.state === 'evaluating');
  assert.equal(hits('/bad'), 1, 'terminal failures are not retried');
  assert.equal(run.stages.fetch!.class, 'terminal');
  assert.equal(run.stages.write, undefined, 'the rest of the graph was cancelled');
  const states = (await events(runId!)).filter((e) => e.type === 'state.changed').map((e) => e.data.to);
  assert.deepEqual(states, ['booting', 'running', 'failed', 'evaluating']);
  const got = await h.call('GET', `/v1/pipeline-runs/${runId}`);
  assert.equal(got.json.report.execution, 'failed');
  const approve = await h.call('POST', `/v1/pipeline-runs/${runId}/decision`, {
    decision: 'approve',
    rationale: 'ship it',
    outcome,
  });
  assert.equal(approve.status, 422);
  assert.match(approve.json.error.message, /unresolved critical failure: stage "fetch" failed \(terminal\)/);
  const md = await h.call('GET', `/v1/pipeline-runs/${runId}/handoff.md`);
  assert.match(md.text, /stage "fetch" failed \(terminal\)/);
});

test('a holdout failure blocks approval; a person classifies it; the run is rejected', async () => {
  const [runId] = await publishAndRun(httpSpec('shouty', '/shouty'));
  await h.waitForState(runId!, (r) => r.state === 'evaluating');
  const got = await h.call('GET', `/v1/pipeline-runs/${runId}`);
  assert.deepEqual(got.json.report.summary.failed, ['calm']);
  const approve = await h.call('POST', `/v1/pipeline-runs/${runId}/decision`, {
    decision: 'approve',
    rationale: 'the visible scenario passed',
    outcome,
  });
  assert.equal(approve.status, 422);
  assert.match(approve.json.error.message, /scenario "calm" failed/);
  assert.match(approve.json.error.message, /holdouts passed: 0 of 1/);
  assert.equal(
    (await h.call('GET', `/v1/pipeline-runs/${runId}`)).json.run.state,
    'evaluating',
    'a refused decision changes nothing',
  );

  const passing = await h.call('POST', `/v1/pipeline-runs/${runId}/classifications`, {
    target: { type: 'scenario', id: 'topic' },
    category: 'spec_ambiguity',
    userImpact: false,
    note: 'n/a',
  });
  assert.equal(passing.status, 400);
  assert.match(passing.json.error.message, /passed; only failures are classified/);
  const cls = await h.call(
    'POST',
    `/v1/pipeline-runs/${runId}/classifications`,
    {
      target: { type: 'scenario', id: 'calm' },
      category: 'spec_ambiguity',
      userImpact: true,
      note: 'the spec never says which tone',
    },
    ['decide'],
  );
  assert.equal(cls.status, 201, cls.text);
  const reject = await h.call(
    'POST',
    `/v1/pipeline-runs/${runId}/decision`,
    { decision: 'reject', rationale: 'the holdout tone scenario failed' },
    ['decide'],
  );
  assert.equal(reject.status, 201, reject.text);
  assert.ok(reject.json.reasons.some((r: string) => /unresolved spec ambiguity with user impact/.test(r)));
  const decided = (await h.call('GET', `/v1/pipeline-runs/${runId}`)).json.run;
  const later = await h.call('POST', `/v1/pipeline-runs/${runId}/classifications`, {
    target: { type: 'scenario', id: 'calm' },
    category: 'spec_ambiguity',
    userImpact: true,
    resolved: true,
    note: 'spec 2 names the tone',
  });
  assert.equal(later.status, 201);
  assert.deepEqual(
    (await h.call('GET', `/v1/pipeline-runs/${runId}`)).json.run,
    decided,
    'classifying later leaves the decided run as it was',
  );
  const handoff = (await h.call('GET', `/v1/pipeline-runs/${runId}/handoff`)).json;
  assert.equal(handoff.classifications.length, 2);
  assert.ok(handoff.nextActions.some((a: string) => /publish a new spec version/.test(a)));
});

test('repeated runs with differing outcomes are rejected', async () => {
  const runIds = await publishAndRun(httpSpec('alt', '/alt'), suite('alt', { repeat: 2 }));
  assert.equal(runIds.length, 2);
  for (const id of runIds) await h.waitForState(id, (r) => r.state === 'evaluating');
  const reports = await Promise.all(
    runIds.map(async (id) => ({ id, report: (await h.call('GET', `/v1/pipeline-runs/${id}`)).json.report })),
  );
  const good = reports.find((r) => r.report.summary.failed.length === 0)!;
  assert.ok(good, 'one of the two runs passed every scenario');
  const approve = await h.call('POST', `/v1/pipeline-runs/${good.id}/decision`, {
    decision: 'approve',
    rationale: 'this one passed',
    outcome,
  });
  assert.equal(approve.status, 422);
  assert.match(
    approve.json.error.message,
    /inconsistent outcome across repeated runs: scenario topic: (pass|fail) in run-/,
  );
  const reject = await h.call('POST', `/v1/pipeline-runs/${good.id}/decision`, {
    decision: 'reject',
    rationale: 'outcomes differ between repeats',
  });
  assert.equal(reject.status, 201);
});

test('a callback stage waits for the agent; a callback for a stage that is not waiting is refused', async () => {
  const spec = httpSpec('cb', '/cb');
  spec.stages[0]!.http!.mode = 'callback';
  const [runId] = await publishAndRun(spec);
  await h.waitForState(runId!, (r) => r.stages.fetch?.status === 'awaiting_callback');
  const sent = agent.requests.find((r) => r.path === '/cb')!.body;
  assert.match(sent.callbackUrl, new RegExp(`/v1/pipeline-runs/${runId}/stages/fetch/callback$`));
  assert.deepEqual(sent.input, { topic: 'tides' });
  const early = await h.call('POST', `/v1/pipeline-runs/${runId}/stages/write/callback`, {
    ok: true,
    output: {},
  });
  assert.equal(early.status, 409);
  assert.match(early.json.error.message, /"write" is not waiting for a callback/);
  const done = await h.call(
    'POST',
    `/v1/pipeline-runs/${runId}/stages/fetch/callback`,
    { ok: true, output: { topic: 'tides', tone: 'calm' } },
    ['runs'],
  );
  assert.equal(done.status, 202, done.text);
  await h.waitForState(runId!, (r) => r.state === 'evaluating');
  const again = await h.call('POST', `/v1/pipeline-runs/${runId}/stages/fetch/callback`, {
    ok: true,
    output: {},
  });
  assert.equal(again.status, 409);
  assert.equal((await h.call('GET', `/v1/pipeline-runs/${runId}`)).json.report.summary.passed, 2);
});

test('a pipeline-class failure (a missing input) opens an incident at once', async () => {
  const spec = httpSpec('broken', '/flaky', {
    start: ['write'],
    stages: [{ id: 'write', kind: 'model', prompt: 'Write about {{input.audience}}.' }],
  });
  const [runId] = await publishAndRun(
    spec,
    suite('broken', {
      scenarios: [
        {
          id: 'ran',
          title: 'ran',
          holdout: true,
          critical: false,
          checks: [{ kind: 'jsonPath', stage: '$run', path: '$.state', equals: 'succeeded' }],
        },
      ],
    }),
  );
  const run = await h.waitForState(runId!, (r) => r.state === 'evaluating');
  assert.equal(run.stages.write!.class, 'pipeline');
  assert.equal(run.incidents.length, 1);
  const inc = (await h.app.db.collection(INCIDENTS).doc(run.incidents[0]!).get()).data()!;
  assert.equal(inc.source, 'run');
  assert.deepEqual(inc.ref, { type: 'pipelineRun', id: runId });
  assert.match(inc.summary, /"input.audience", which is missing/);
});

test('the same stage failing in N recent runs opens an incident on the Nth', async () => {
  const spec = httpSpec('flaky-agent', '/systemic', { systemic: { threshold: 2, windowMs: 3_600_000 } });
  const [first] = await publishAndRun(spec);
  const one = await h.waitForState(first!, (r) => r.state === 'evaluating');
  assert.deepEqual(one.incidents, []);
  const r = await h.call('POST', '/v1/pipeline-runs', {
    spec: 'flaky-agent@1',
    suite: 'flaky-agent-suite@1',
    profile: 'local',
    input: { topic: 'tides' },
  });
  const two = await h.waitForState(r.json.runIds[0], (x) => x.state === 'evaluating');
  assert.equal(two.incidents.length, 1);
  const inc = (await h.app.db.collection(INCIDENTS).doc(two.incidents[0]!).get()).data()!;
  assert.match(inc.summary, /stage "fetch": the same stage failed in 2 recent runs/);
});

test('a muse.produce stage calls the injected production hook with the rendered brief', async () => {
  const spec = httpSpec('produce', '/flaky', {
    start: ['make'],
    stages: [{ id: 'make', kind: 'muse.produce', brief: 'A calm post about {{input.topic}}' }],
  });
  const [runId] = await publishAndRun(
    spec,
    suite('produce', {
      scenarios: [
        {
          id: 'asset',
          title: 'an asset',
          holdout: true,
          critical: false,
          checks: [{ kind: 'regex', stage: 'make', path: '$.assetId', pattern: '^asset-\\d+$' }],
        },
      ],
    }),
  );
  await h.waitForState(runId!, (r) => r.state === 'evaluating');
  assert.ok(produced.some((p) => p.brief === 'A calm post about tides'));
  assert.equal((await h.call('GET', `/v1/pipeline-runs/${runId}`)).json.report.summary.holdoutsPassed, 1);
});
