import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StepContext } from '../../functions/src/engine/workflow.js';
import { acknowledgeIncident, resolveIncident } from '../../functions/src/incidents/actions.js';
import { advanceEscalation, incidentEscalationWorkflow } from '../../functions/src/incidents/escalation.js';
import { openIncident } from '../../functions/src/incidents/open-incident.js';
import { getIncident } from '../../functions/src/incidents/repo.js';
import { AppError } from '../../functions/src/shared/errors.js';
import { systemActor, type Actor } from '../../functions/src/shared/ports.js';
import { testApp } from './test-app.js';
import { SLACK_OUTBOX } from '../helpers/slack-state.js';

const MIN = 60_000;
const alice: Actor = { kind: 'user', id: 'U1', name: 'alice' };

/** Runs the workflow's timer step the way the engine does on a wake, and applies its effect. */
async function wake(app: Awaited<ReturnType<typeof testApp>>['app'], incidentId: string, count: number) {
  const ctx: StepContext = {
    runId: `esc-${incidentId}`,
    stepId: 'timer',
    type: 'timer',
    attempt: 1,
    input: { incidentId },
    outputs: {},
    params: {},
    wake: { count, state: null },
    now: app.clock.now(),
  };
  const out = await incidentEscalationWorkflow(app).handlers.timer!(ctx);
  if ('effect' in out && out.effect) await app.db.runTransaction((tx) => out.effect!(tx, app.db));
  return out;
}

async function outboxLevels(app: Awaited<ReturnType<typeof testApp>>['app']) {
  const snap = await app.db.collection(SLACK_OUTBOX).where('kind', '==', 'incident').get();
  return snap.docs.map((d) => `${d.get('level')}:${d.get('channelKey')}`).sort();
}

test('unacknowledged sev2 rises to levels 2, 3 and 4 on schedule, each posted once', async () => {
  const { app, clock } = await testApp();
  const { id } = await openIncident(app, {
    severity: 'sev2',
    source: 'person',
    summary: 'Wallet ledger drift',
    actor: alice,
  });
  // sev2 defaults: 15 min at level 1, 30 at level 2, 60 at level 3.
  let out = await wake(app, id, 0);
  assert.deepEqual(out.type === 'wait' && out.until, new Date(clock.now().getTime() + 15 * MIN));
  clock.advance(14 * MIN);
  out = await wake(app, id, 1);
  assert.equal((await getIncident(app, id)).level, 1);
  clock.advance(1 * MIN);
  out = await wake(app, id, 2);
  assert.equal((await getIncident(app, id)).level, 2);
  assert.equal(out.type, 'wait');
  // A duplicate delivery of the same wake does not escalate twice.
  await wake(app, id, 2);
  assert.equal((await advanceEscalation(app, id, clock.now())).rose, undefined);
  assert.equal((await getIncident(app, id)).level, 2);
  clock.advance(30 * MIN);
  await wake(app, id, 3);
  assert.equal((await getIncident(app, id)).level, 3);
  clock.advance(59 * MIN);
  await wake(app, id, 4);
  assert.equal((await getIncident(app, id)).level, 3);
  clock.advance(1 * MIN);
  out = await wake(app, id, 5);
  assert.equal(out.type, 'done');
  const inc = await getIncident(app, id);
  assert.equal(inc.level, 4);
  assert.deepEqual(await outboxLevels(app), ['1:incidents', '2:incidents', '3:alerts-all', '4:emergency']);
  assert.equal(inc.timeline.filter((e) => e.type === 'escalated').length, 3);
  out = await wake(app, id, 6);
  assert.equal(out.type, 'done');
});

test('acknowledging stops the rise; acknowledging a resolved incident is refused', async () => {
  const { app, clock } = await testApp();
  const { id } = await openIncident(app, {
    severity: 'sev1',
    source: 'breaker',
    summary: 'Breaker tripped',
    actor: systemActor('cfo'),
  });
  clock.advance(5 * MIN);
  await wake(app, id, 1);
  assert.equal((await getIncident(app, id)).level, 2);
  clock.advance(2 * MIN);
  await acknowledgeIncident(app, { incidentId: id, actor: alice, note: 'on it' });
  clock.advance(120 * MIN);
  const out = await wake(app, id, 2);
  assert.equal(out.type, 'done');
  const inc = await getIncident(app, id);
  assert.equal(inc.level, 2);
  assert.equal(inc.status, 'acknowledged');
  assert.ok(inc.phases.contain);
  await resolveIncident(app, { incidentId: id, summary: 'Reset breaker after refill', actor: alice });
  await assert.rejects(
    acknowledgeIncident(app, { incidentId: id, actor: alice }),
    (e: unknown) => e instanceof AppError && e.code === 'conflict' && /resolved/.test(e.message),
  );
  const refused = await app.db.collection('audit').where('outcome', '==', 'refused').get();
  assert.equal(refused.size, 1);
  await assert.rejects(
    acknowledgeIncident(app, { incidentId: 'nope', actor: alice }),
    (e: unknown) => e instanceof AppError && e.code === 'not_found',
  );
});
