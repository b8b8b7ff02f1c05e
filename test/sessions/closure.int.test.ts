/**
 * Session closure's "data in sync" and "tests passing" come from real checks (issue 12 part 7),
 * through the /v1 API on the engine harness: with nothing to check both are `unknown` (never a
 * pass, whatever the agent says); then from the parity check `npm run parity` records and the CI
 * guard results reported through the API; a drift that check recorded fails the item. The deployed
 * functions read no file: the check runs where the repository files are.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createMission } from '../../functions/src/missions/lifecycle.js';
import { exportParityFiles } from '../../functions/src/missions/parity-files.js';
import type { ClosureReport } from '../../functions/src/sessions/core/closure.js';
import { closeSession, startSession } from '../../functions/src/sessions/sessions.js';
import type { Actor } from '../../functions/src/shared/ports.js';
import { startHarness, type Harness } from '../helpers/engine-harness.js';

let h: Harness;
let dir: string;
const agent: Actor = { kind: 'agent', id: 'agent-1' };

before(async () => {
  h = await startHarness();
  for (const id of ['M1', 'M2'])
    await createMission(h.app, { id, title: `Mission ${id}`, objective: 'o', actor: agent });
  dir = await mkdtemp(join(tmpdir(), 'closure-parity-'));
  await exportParityFiles(h.app, dir);
});
after(async () => h.stop());

async function closeThroughApi(body: unknown = {}): Promise<{ report: ClosureReport; markdown: string }> {
  const started = await h.api('POST', '/v1/sessions', {});
  assert.equal(started.status, 201, started.text);
  const id = started.json.session.id as string;
  const closed = await h.api('POST', `/v1/sessions/${id}/close`, body);
  assert.equal(closed.status, 200, closed.text);
  const md = await h.api('GET', `/v1/sessions/${id}/report/markdown`);
  return { report: closed.json.report, markdown: md.text };
}

test('with nothing to check, data in sync and tests passing are unknown, even when the agent says passed', async () => {
  const { report, markdown } = await closeThroughApi({ tests: { passed: true, total: 9 } });
  const c = report.checklist;
  assert.equal(c.dataInSync.state, 'unknown');
  assert.equal(c.dataInSync.ok, false);
  assert.equal(c.dataInSync.source, 'none');
  assert.equal(c.testsPassing.state, 'unknown');
  assert.equal(c.testsPassing.ok, false);
  assert.equal(c.testsPassing.source, 'none');
  assert.deepEqual(c.testsPassing.reported, { passed: true, total: 9 });
  assert.equal(report.status, 'attention');
  assert.match(markdown, /- \[\?\] Dashboard sync/);
  assert.match(markdown, /- \[\?\] System health: tests unknown/);
});

test('from the check npm run parity recorded and the latest CI guard results reported through the API', async () => {
  // Session events are part of parity (SESSIONS.jsonl): bring the files up to date, then check.
  await exportParityFiles(h.app, dir);
  const cli = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/parity.ts', 'check', dir], {
    env: { ...process.env, GOOGLE_CLOUD_PROJECT: h.config.projectId, MUSE_ENV: 'test' },
    encoding: 'utf8',
  });
  assert.equal(cli.status, 0, cli.stderr);
  for (const guard of ['dev-mcp-ban', 'unit-tests'])
    assert.equal((await h.api('POST', '/v1/guards/results', { guard, status: 'pass' })).status, 201);

  const ok = (await closeThroughApi()).report.checklist;
  assert.equal(ok.dataInSync.state, 'pass');
  assert.match(ok.dataInSync.source, /^recorded-check:/);
  assert.equal(ok.dataInSync.parityDifferences, 0);
  assert.equal(ok.testsPassing.state, 'pass');
  assert.equal(ok.testsPassing.source, 'ci-guard-results');
  assert.deepEqual(
    ok.testsPassing.guards.map((g) => `${g.guard}:${g.status}`),
    ['dev-mcp-ban:pass', 'unit-tests:pass'],
  );

  // The latest result of a guard is what counts: a later failure fails the item, naming the guard.
  assert.equal(
    (await h.api('POST', '/v1/guards/results', { guard: 'unit-tests', status: 'fail', details: '3 failed' }))
      .status,
    201,
  );
  const failing = (await closeThroughApi()).report.checklist.testsPassing;
  assert.equal(failing.state, 'fail');
  assert.match(failing.detail, /unit-tests is fail/);
  assert.equal(failing.failed, 1);
});

test('a drift the parity check recorded fails the item, naming the difference count', async () => {
  const drift = await startSession(h.app, { actor: agent });
  await exportParityFiles(h.app, dir); // the files now hold this session's start event too
  await h.app.db.collection('missions').doc('M2').update({ title: 'Renamed in Firestore only' });
  const cli = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/parity.ts', 'check', dir], {
    env: { ...process.env, GOOGLE_CLOUD_PROJECT: h.config.projectId, MUSE_ENV: 'test' },
    encoding: 'utf8',
  });
  assert.equal(cli.status, 1, `the check exits 1 on drift: ${cli.stdout}${cli.stderr}`);
  const b = await closeSession(h.app, { id: drift.session.id, actor: agent });
  assert.equal(b.checklist.dataInSync.state, 'fail');
  assert.equal(b.checklist.dataInSync.parityDifferences, 1);
  assert.match(b.checklist.dataInSync.source, /^recorded-check:/);
});
