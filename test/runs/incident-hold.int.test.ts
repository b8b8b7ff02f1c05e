/**
 * Level 4 respects open incidents (issue 12 part 5), through the real /v1 router over HTTP: a spec
 * declares its shared dependencies; a run start is refused while an open incident names one,
 * unless an operator overrides with a rationale (audited); a systemic stage failure opens an
 * incident naming the stage's dependencies, which then holds other specs using them.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AUDIT_COLLECTION } from '../../functions/src/platform/audit.js';
import type { PipelineRun } from '../../functions/src/runs/core/pipeline-run.js';
import { pipelineRunRef } from '../../functions/src/runs/repo.js';
import { gatedSpec, suiteFor } from './fixtures.js';
import { startRunsHarness, type RunsHarness } from './helpers.js';

let h: RunsHarness;
let runsKey: string;
let operatorKey: string;

before(async () => {
  h = await startRunsHarness();
  runsKey = await h.keyFor(['runs'], 'ci-runner');
  operatorKey = await h.keyFor(['runs', 'operator'], 'oncall-operator');
  const specs = [
    gatedSpec('1', { name: 'uses-vertex', dependencies: ['vertex-ai', 'slack'] }),
    gatedSpec('1', { name: 'uses-agent' }),
    gatedSpec('1', { name: 'uses-nothing' }),
  ];
  specs[1]!.stages[0]!.dependencies = ['agent-api'];
  for (const spec of specs) {
    assert.equal((await h.api('POST', '/v1/pipelines', spec)).status, 201);
    assert.equal((await h.api('POST', '/v1/suites', suiteFor(spec.name))).status, 201);
  }
});
after(async () => h.stop());

const start = (spec: string, key: string, extra: Record<string, unknown> = {}) =>
  h.api(
    'POST',
    '/v1/pipeline-runs',
    { spec: `${spec}@1`, suite: `${spec}-suite@1`, profile: 'staging', input: { topic: 'tides' }, ...extra },
    { key },
  );

async function openIncident(summary: string, dependencies: string[]): Promise<string> {
  const r = await h.api('POST', '/v1/incidents', { severity: 'sev2', summary, dependencies });
  assert.equal(r.status, 201, r.text);
  return r.json.id as string;
}

async function audits(action: string) {
  const snap = await h.app.db.collection(AUDIT_COLLECTION).where('action', '==', action).get();
  return snap.docs.map((d) => d.data());
}

test('bad dependency names are refused with a 400 naming the field, for specs and incidents', async () => {
  const spec = gatedSpec('1', { name: 'bad-deps', dependencies: ['Vertex AI'] });
  const r = await h.api('POST', '/v1/pipelines', spec);
  assert.equal(r.status, 400, r.text);
  assert.match(r.json.error.message, /dependencies/);
  assert.match(r.json.error.message, /lowercase/);
  const stageLevel = gatedSpec('1', { name: 'bad-stage-deps' });
  stageLevel.stages[0]!.dependencies = ['ok', 'no/slash'];
  const s = await h.api('POST', '/v1/pipelines', stageLevel);
  assert.equal(s.status, 400, s.text);
  assert.match(s.json.error.message, /stages\.0\.dependencies\.1/);
  const inc = await h.api('POST', '/v1/incidents', {
    severity: 'sev3',
    summary: 'x',
    dependencies: ['UPPER'],
  });
  assert.equal(inc.status, 400, inc.text);
  assert.match(inc.text, /dependencies/);
});

test('an open incident on a dependency refuses the run, naming it; an operator override with a rationale starts it, audited', async () => {
  const id = await openIncident('Vertex AI quota exhausted in us-central1', ['vertex-ai']);

  const refused = await start('uses-vertex', runsKey);
  assert.equal(refused.status, 409, refused.text);
  assert.match(refused.json.error.message, new RegExp(id));
  assert.match(refused.json.error.message, /Vertex AI quota exhausted in us-central1/);
  assert.deepEqual(
    refused.json.error.details.incidents.map((i: { id: string; dependencies: string[] }) => [
      i.id,
      i.dependencies,
    ]),
    [[id, ['vertex-ai']]],
  );
  assert.ok(
    (await audits('pipeline_run.create')).some((a) => a.outcome === 'refused' && a.reason.includes(id)),
    'the refused start is audited',
  );

  // A spec that uses none of the named dependencies is not held.
  assert.equal((await start('uses-nothing', runsKey)).status, 201);

  // The override needs the operator scope: 403, audited, nothing created.
  const before = (await h.app.db.collection('pipelineRuns').get()).size;
  const noScope = await start('uses-vertex', runsKey, { override: { rationale: 'we need it' } });
  assert.equal(noScope.status, 403, noScope.text);
  assert.match(noScope.json.error.message, /operator/);
  assert.equal((await h.app.db.collection('pipelineRuns').get()).size, before);

  // An override needs a rationale.
  const empty = await start('uses-vertex', operatorKey, { override: { rationale: '  ' } });
  assert.equal(empty.status, 400, empty.text);
  assert.match(empty.json.error.message, /override\.rationale/);

  const ok = await start('uses-vertex', operatorKey, {
    override: { rationale: 'the incident is in another region; this run uses europe-west1' },
  });
  assert.equal(ok.status, 201, ok.text);
  const run = (await pipelineRunRef(h.app.db, ok.json.runIds[0]).get()).data() as PipelineRun;
  assert.deepEqual(run.incidentOverride?.incidents, [id]);
  assert.deepEqual(run.incidentOverride?.dependencies, ['vertex-ai']);
  assert.equal(run.incidentOverride?.by.name, 'oncall-operator');
  const [audit] = await audits('pipeline_run.incident_override');
  assert.equal(audit?.actor.name, 'oncall-operator');
  assert.equal(audit?.rationale, 'the incident is in another region; this run uses europe-west1');
  assert.deepEqual(audit?.details.incidents, [id]);

  // Once resolved, the incident no longer holds anything.
  const resolved = await h.api('POST', `/v1/incidents/${id}/resolve`, { summary: 'quota raised' });
  assert.equal(resolved.status, 200, resolved.text);
  assert.equal((await start('uses-vertex', runsKey)).status, 201);
});

test("a systemic stage failure opens an incident naming the stage's dependencies, which holds other specs using them", async () => {
  const broken = gatedSpec('1', {
    name: 'broken-agent',
    start: ['call'],
    dependencies: ['slack'],
    stages: [
      {
        id: 'call',
        kind: 'model',
        prompt: 'Ask the agent about {{input.audience}}.',
        dependencies: ['agent-api'],
      },
    ],
    policyChecks: [],
  });
  assert.equal((await h.api('POST', '/v1/pipelines', broken)).status, 201);
  const suite = suiteFor('broken-agent', '1', {
    scenarios: [
      {
        id: 'ran',
        title: 'ran',
        holdout: false,
        critical: false,
        checks: [{ kind: 'jsonPath', stage: '$run', path: '$.state', equals: 'succeeded' }],
      },
    ],
  });
  assert.equal((await h.api('POST', '/v1/suites', suite)).status, 201);
  const r = await start('broken-agent', runsKey);
  assert.equal(r.status, 201, r.text);
  const failed = await h.waitForState(r.json.runIds[0], (x) => x.state === 'evaluating');
  assert.equal(failed.incidents.length, 1);
  const incidentId = failed.incidents[0]!;
  const inc = await h.api('GET', `/v1/incidents/${incidentId}`);
  assert.deepEqual(inc.json.dependencies, ['agent-api', 'slack']);

  const held = await start('uses-agent', runsKey);
  assert.equal(held.status, 409, held.text);
  assert.match(held.json.error.message, new RegExp(incidentId));
  assert.deepEqual(held.json.error.details.incidents[0].dependencies, ['agent-api']);
});
