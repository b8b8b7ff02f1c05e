import assert from 'node:assert/strict';
import { test } from 'node:test';
import { acknowledgeIncident, resolveIncident } from '../../functions/src/incidents/actions.js';
import { openIncident } from '../../functions/src/incidents/open-incident.js';
import { recordReview, reviewToFailureLog } from '../../functions/src/incidents/review.js';
import { getIncident } from '../../functions/src/incidents/repo.js';
import { AppError } from '../../functions/src/shared/errors.js';
import type { Actor } from '../../functions/src/shared/ports.js';
import { reportGuardResult } from '../../functions/src/tasks/guards.js';
import { tasksOf } from '../../functions/src/wiring/tasks.js';
import { testApp } from './test-app.js';

const MIN = 60_000;
const bob: Actor = { kind: 'user', id: 'U2', name: 'bob' };
const review = {
  whatBroke: 'wallet ledger double debit',
  whys: ['retry', 'no key', 'key optional', 'schema lax', 'no test'],
  rootCause: 'idempotency key optional',
  lessons: ['make keys mandatory'],
  prevention: { kind: 'add_test', text: 'test that a retried debit is applied once' },
};

test('review is refused before resolution, then becomes one failure log', async () => {
  const { app, clock } = await testApp();
  const { id } = await openIncident(app, {
    severity: 'sev2',
    source: 'person',
    summary: 'Double debit',
    actor: bob,
  });
  await assert.rejects(
    recordReview(app, { incidentId: id, review, actor: bob }),
    (e: unknown) => e instanceof AppError && e.code === 'conflict',
  );
  clock.advance(3 * MIN);
  await acknowledgeIncident(app, { incidentId: id, actor: bob });
  clock.advance(20 * MIN);
  await resolveIncident(app, { incidentId: id, summary: 'reverted debit', actor: bob });
  await assert.rejects(
    recordReview(app, { incidentId: id, review: { ...review, whys: [] }, actor: bob }),
    (e: unknown) => e instanceof AppError && e.code === 'invalid_input' && /whys/.test(e.message),
  );
  await recordReview(app, { incidentId: id, review, actor: bob });
  const calls: unknown[] = [];
  // The sessions system's use case is a dependency of the incidents system; a stand-in counts calls.
  const createFailureLog = async (input: unknown) => {
    calls.push(input);
    return { id: 'fl-1' };
  };
  assert.deepEqual(await reviewToFailureLog({ ...app, createFailureLog }, { incidentId: id, actor: bob }), {
    failureLogId: 'fl-1',
    created: true,
  });
  assert.deepEqual(await reviewToFailureLog({ ...app, createFailureLog }, { incidentId: id, actor: bob }), {
    failureLogId: 'fl-1',
    created: false,
  });
  assert.equal(calls.length, 1);
  const inc = await getIncident(app, id);
  assert.ok(inc.phases.postIncident && inc.phases.closed);

  const m = await tasksOf(app).computeMetrics({
    from: new Date(clock.now().getTime() - 60 * MIN),
    to: new Date(clock.now().getTime() + MIN),
  });
  assert.equal(m.alertResponseMinutes.median, 3);
  assert.equal(m.alertResolutionMinutes.median, 23);
});

test('daily and weekly reports are kept once per period and posted through the outbox', async () => {
  const { app, clock } = await testApp();
  await reportGuardResult(app, { guard: 'dev-mcp-ban', status: 'fail', details: 'src/x.ts:3' }, bob);
  await reportGuardResult(app, { guard: 'dev-mcp-ban', status: 'pass' }, bob);
  await openIncident(app, { severity: 'sev3', source: 'person', summary: 'Flaky CI', actor: bob });
  clock.advance(MIN);
  const d = await tasksOf(app).dailyReport({ firedAt: clock.now() });
  assert.equal(d.created, true);
  assert.equal(d.guardFailures.length, 1);
  assert.equal(d.openIncidents.length, 1);
  assert.equal(d.components.firestore, true);
  assert.equal((await tasksOf(app).dailyReport({ firedAt: clock.now() })).created, false);
  const w = await tasksOf(app).weeklyReport({ firedAt: clock.now() });
  assert.equal(w.metrics.guardCompliance.value, 0.5);
  const reports = await app.db.collection('slackOutbox').where('kind', '==', 'report').get();
  assert.equal(reports.size, 2);
  await assert.rejects(
    reportGuardResult(app, { guard: 'X Bad', status: 'ok' }, bob),
    (e: unknown) => e instanceof AppError && e.code === 'invalid_input',
  );
});
