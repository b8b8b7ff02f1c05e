/**
 * Settings documents of the operations systems that do not parse: every reader refuses with an
 * error naming the field (never the code's defaults), `/healthz`'s check reports them, and a valid
 * document written again through the use case is in force at once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StepContext } from '../../functions/src/engine/workflow.js';
import type { EscalationPolicy } from '../../functions/src/incidents/core/escalation.js';
import { openIncident } from '../../functions/src/incidents/open-incident.js';
import { getIncident } from '../../functions/src/incidents/repo.js';
import { checkSettings } from '../../functions/src/platform/settings.js';
import { SETTINGS_CATALOG } from '../../functions/src/settings-catalog.js';
import { AppError } from '../../functions/src/shared/errors.js';
import type { Actor } from '../../functions/src/shared/ports.js';
import { incidentsOf } from '../../functions/src/wiring/incidents.js';
import { sessionsOf } from '../../functions/src/wiring/sessions.js';
import { tasksOf } from '../../functions/src/wiring/tasks.js';
import { testApp } from './test-app.js';

const MIN = 60_000;
const ops: Actor = { kind: 'apikey', id: 'k1', name: 'ops' };

const namesField = (field: RegExp) => (e: unknown) =>
  e instanceof AppError && e.code === 'policy_violation' && field.test(e.message);

test('an invalid escalation document is refused naming the field; the timer waits instead of rising', async () => {
  const { app, clock } = await testApp();
  const { id } = await openIncident(app, { severity: 'sev1', source: 'person', summary: 'Down', actor: ops });
  await app.db.doc('incidentSettings/escalation').set({ deadlinesMinutes: { sev1: [5, 'ten', 15] } });
  await assert.rejects(incidentsOf(app).escalationPolicy(), namesField(/incidentSettings\/escalation.*sev1/));
  await assert.rejects(incidentsOf(app).advanceEscalation(id, clock.now()), namesField(/sev1/));

  clock.advance(60 * MIN); // far past every default deadline: defaults would raise it
  const ctx: StepContext = {
    runId: `esc-${id}`,
    stepId: 'timer',
    type: 'timer',
    attempt: 1,
    input: { incidentId: id },
    outputs: {},
    params: {},
    now: clock.now(),
  };
  const out = await incidentsOf(app).escalationWorkflow().handlers.timer!(ctx);
  assert.equal(out.type, 'wait');
  assert.equal((await getIncident(app, id)).level, 1);

  const health = await checkSettings(app.db, SETTINGS_CATALOG);
  const bad = health.find((h) => h.path === 'incidentSettings/escalation')!;
  assert.equal(bad.ok, false);
  assert.match(bad.error!, /sev1/);

  const policy: EscalationPolicy = {
    deadlinesMinutes: { sev1: [5, 10, 15], sev2: [15, 30, 60], sev3: [30, 60, 240], sev4: [60, 240, 1440] },
  };
  await incidentsOf(app).setEscalationPolicy({ policy, actor: ops });
  assert.deepEqual(await incidentsOf(app).escalationPolicy(), policy);
  assert.equal((await incidentsOf(app).advanceEscalation(id, clock.now())).rose, 2);
});

test('an invalid heartbeat document is refused naming the field, by the API read and by task creation', async () => {
  const { app } = await testApp();
  await tasksOf(app).registerAgent({ id: 'a1', actor: ops });
  await app.db.doc('taskSettings/heartbeat').set({ mustBeatAboveMinutes: -5, staleAfterMinutes: 15 });
  await assert.rejects(
    tasksOf(app).heartbeatPolicy(),
    namesField(/taskSettings\/heartbeat.*mustBeatAboveMinutes/),
  );
  await assert.rejects(
    tasksOf(app).createTask({ title: 'Long job', agentId: 'a1', estimateMinutes: 600 }, ops),
    namesField(/mustBeatAboveMinutes/),
  );
  await assert.rejects(
    tasksOf(app).heartbeatSweep({ firedAt: app.clock.now() }),
    namesField(/mustBeatAboveMinutes/),
  );
  const health = await checkSettings(app.db, SETTINGS_CATALOG);
  assert.equal(health.find((h) => h.path === 'taskSettings/heartbeat')!.ok, false);
  await tasksOf(app).setHeartbeatPolicy({
    policy: { mustBeatAboveMinutes: 60, staleAfterMinutes: 10 },
    actor: ops,
  });
  const task = await tasksOf(app).createTask({ title: 'Long job', agentId: 'a1', estimateMinutes: 90 }, ops);
  assert.equal(task.mustBeat, true); // 90 min is above the stored 60, not the default 120
});

test('an invalid focus-areas document is refused naming the field when a session starts', async () => {
  const { app } = await testApp();
  await app.db.doc('scmsSettings/focusAreas').set({ areas: 'billing' });
  await assert.rejects(
    sessionsOf(app).startSession({ actor: ops }),
    namesField(/scmsSettings\/focusAreas.*areas/),
  );
  await assert.rejects(sessionsOf(app).getFocusAreas(), namesField(/areas/));
  await assert.rejects(sessionsOf(app).dashboard({}), namesField(/areas/));
  // Naming the areas at the start replaces the document, so the session starts and the areas are fixed.
  const started = await sessionsOf(app).startSession({ focusAreas: ['billing'], actor: ops });
  assert.deepEqual(started.focusAreas, ['billing']);
  assert.deepEqual(await sessionsOf(app).getFocusAreas(), ['billing']);
  const health = await checkSettings(app.db, SETTINGS_CATALOG);
  assert.ok(health.every((h) => h.ok));
});
