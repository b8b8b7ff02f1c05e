/**
 * Incidents follow their causes, through the real triggers on the engine harness with a manual
 * clock and the local Slack Web API: the heartbeat sweep (a scheduler message) opens an incident
 * for a silent task, posted at once, and the task's next beat (the API) resolves it, after which
 * its escalation run ends with no later level posted; a breaker trip opens a finance incident and
 * the override resolves it; a person resolving or acknowledging through the API stops the
 * escalation too; and a phase past its window is alerted once by the heartbeat sweep.
 * No scheduler runs here, so a post reaching Slack was delivered by the producer's kick.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { getWorkflowRunOutputs } from '../../functions/src/engine/workflow-runs.js';
import { levelOutboxId } from '../../functions/src/incidents/core/incident.js';
import { overrunOutboxId } from '../../functions/src/incidents/overrun.js';
import { getIncident, type StoredIncident } from '../../functions/src/incidents/repo.js';
import { systemActor } from '../../functions/src/shared/ports.js';
import { manualClock } from '../helpers/manual-clock.js';
import { startHarness, type Harness } from '../helpers/engine-harness.js';
import { startSlackServer, type LocalSlack } from '../../scripts/lib/slack-server.js';
import { SETTINGS_DOC, SLACK_OUTBOX, forgetSettings } from '../helpers/slack-state.js';
import { museOf } from '../../functions/src/wiring/muse.js';

const MIN = 60_000;
const clock = manualClock('2026-03-01T10:00:00Z');
let h: Harness;
let slack: LocalSlack;

before(async () => {
  slack = await startSlackServer();
  h = await startHarness({
    clock,
    env: {
      SLACK_SIGNING_SECRET: 'test-signing-secret-0123456789',
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_API_URL: slack.apiUrl,
      SLACK_BOT_ID: 'B0MUSEBOT',
      SLACK_BOT_USER_ID: 'U0MUSEBOT',
    },
  });
  await h.app.db
    .collection(SETTINGS_DOC.collection)
    .doc(SETTINGS_DOC.id)
    .set({
      channels: {
        incidents: 'CINCIDENTS',
        'alerts-all': 'CALLHANDS',
        emergency: 'CEMERGENCY',
        finance: 'CFINANCE',
        default: 'CDEFAULT',
      },
    });
  forgetSettings(h.app);
});
after(async () => {
  await h.stop();
  await slack.stop();
});

const outbox = (id: string) => h.app.db.collection(SLACK_OUTBOX).doc(id).get();
const incident = (id: string) => getIncident(h.app, id);

/** Slack posts (chat.postMessage) to a channel that mention `about` anywhere in the message. */
const posts = (channel: string, about: string) =>
  slack.callsOf('chat.postMessage', channel).filter((c) => JSON.stringify(c.body).includes(about));
/** Waits for an outbox entry to be delivered (by the producer's kick: no scheduler runs here). */
const delivered = (entryId: string) =>
  h.waitFor(`${entryId} delivered`, async () => (await outbox(entryId)).get('status') === 'delivered');

/** Fires the heartbeat sweep the way Cloud Scheduler does, stamped with the (manual) clock's time. */
async function fireHeartbeatSweep(): Promise<void> {
  await h.app.bus.publish(
    'heartbeat-sweep',
    { job: 'heartbeat-sweep' },
    { scheduledTime: clock.now().toISOString() },
  );
}

/** Moves the clock past a deadline and lets the engine sweep publish the due timers. */
async function passTime(ms: number): Promise<void> {
  clock.advance(ms);
  const swept = await h.api('POST', '/v1/engine/sweep');
  assert.equal(swept.status, 200, swept.text);
}

/** The escalation run ended; says why, and checks that no level beyond `level` was ever posted. */
async function escalationEndedAt(incidentId: string, level: number): Promise<string> {
  const run = await h.waitForRun(`esc-${incidentId}`, (r) => r.status === 'succeeded');
  for (let l = level + 1; l <= 4; l++)
    assert.equal((await outbox(levelOutboxId(incidentId, l))).exists, false, `level ${l} was posted`);
  assert.equal((await incident(incidentId)).level, level);
  const outputs = await getWorkflowRunOutputs(h.app, run.id);
  return String((outputs.timer as { stopped?: string } | undefined)?.stopped);
}

function assertRecovered(inc: StoredIncident, cause: string, text: RegExp) {
  assert.equal(inc.status, 'resolved');
  assert.deepEqual(inc.resolvedBy, { kind: 'system', id: cause });
  const last = inc.timeline.at(-1)!;
  assert.deepEqual([last.type, last.recovery, last.actor.id], ['resolved', cause, cause]);
  assert.match(last.text, text);
}

async function assertDecided(subject: string, by: string, what: RegExp) {
  const d = await outbox(`decided~${subject}`);
  assert.equal(d.get('kind'), 'decided', `no decided entry for ${subject}`);
  assert.equal(d.get('data.by'), by);
  assert.match(String(d.get('data.what')), what);
}

test('a stale heartbeat opens an incident; the next beat resolves it and no later level is posted', async () => {
  assert.equal((await h.api('POST', '/v1/agents', { id: 'a1' })).status, 201);
  const created = await h.api('POST', '/v1/tasks', {
    id: 'T1',
    title: 'Long migration',
    agentId: 'a1',
    estimateMinutes: 180,
  });
  assert.equal(created.status, 201, created.text);
  assert.equal((await h.api('POST', '/v1/tasks/T1/start')).status, 200);

  clock.advance(16 * MIN);
  await fireHeartbeatSweep();
  const incidentId = await h.waitFor('the stale flag', async () => {
    const t = (await h.app.db.collection('tasks').doc('T1').get()).data();
    return (t?.stale as { incidentId?: string } | null)?.incidentId;
  });
  await h.waitForRun(`esc-${incidentId}`, (r) => r.steps.timer?.status === 'waiting');
  assert.equal((await incident(incidentId)).status, 'open');
  await delivered(levelOutboxId(incidentId, 1));
  assert.equal(posts('CINCIDENTS', incidentId).length, 1);

  clock.advance(4 * MIN);
  const beat = await h.api('POST', '/v1/tasks/T1/heartbeat', { agentId: 'a1' });
  assert.equal(beat.status, 200, beat.text);
  assert.deepEqual([beat.json.cleared, beat.json.resolvedIncidentId], [true, incidentId]);
  assertRecovered(await incident(incidentId), 'heartbeat', /task T1 \(a1\) beat again after 20 min/);
  await assertDecided(`incident~${incidentId}`, 'system:heartbeat', /resolved/);

  // sev3 waits 30 min at level 1: past it, the timer wakes, sees the incident resolved and ends.
  await passTime(31 * MIN);
  assert.equal(await escalationEndedAt(incidentId, 1), 'resolved');
  assert.deepEqual(
    [...posts('CALLHANDS', incidentId), ...posts('CEMERGENCY', incidentId)],
    [],
    'no one is paged for a recovered cause',
  );

  // A second beat has nothing left to resolve.
  const again = await h.api('POST', '/v1/tasks/T1/heartbeat', { agentId: 'a1' });
  assert.deepEqual([again.json.cleared, again.json.resolvedIncidentId], [false, undefined]);
});

test('a breaker trip opens a sev2 finance incident linked to the trip; the override resolves it', async () => {
  const trip = await h.api('POST', '/v1/muse/breaker/trip', { reason: 'burn rate 4x the budget' });
  assert.equal(trip.status, 200, trip.text);
  const incidentId = trip.json.incidentId as string;
  const inc = await incident(incidentId);
  assert.deepEqual(
    [inc.severity, inc.source, inc.team, inc.status, inc.ref],
    ['sev2', 'breaker', 'finance', 'open', { type: 'breaker', id: '1' }],
  );
  assert.match(inc.summary, /burn rate 4x the budget/);
  const tripPost = await outbox('breaker-trip-1');
  assert.equal(tripPost.get('data.incidentId'), incidentId);
  await delivered('breaker-trip-1');
  await delivered(levelOutboxId(incidentId, 1));
  assert.equal(posts('CINCIDENTS', incidentId).length, 1);
  await h.waitForRun(`esc-${incidentId}`, (r) => r.steps.timer?.status === 'waiting');

  // Tripping a tripped breaker opens nothing more.
  const twice = await h.api('POST', '/v1/muse/breaker/trip', { reason: 'again' });
  assert.equal(twice.json.already, true);
  const breakerIncidents = await h.app.db.collection('incidents').where('source', '==', 'breaker').get();
  assert.equal(breakerIncidents.size, 1);

  const override = await h.api('POST', '/v1/muse/breaker/override', { rationale: 'budget topped up' });
  assert.equal(override.status, 200, override.text);
  assertRecovered(await incident(incidentId), 'breaker', /breaker overridden by .*: budget topped up/);
  await assertDecided(`incident~${incidentId}`, 'system:breaker', /resolved/);
  await assertDecided('breaker~1', override.json.override.by.id, /override/);

  await passTime(16 * MIN);
  assert.equal(await escalationEndedAt(incidentId, 1), 'resolved');
});

test('resolving or acknowledging through the API stops the escalation: no later level is posted', async () => {
  const open = async (summary: string) => {
    const r = await h.api('POST', '/v1/incidents', { severity: 'sev1', summary });
    assert.equal(r.status, 201, r.text);
    await h.waitForRun(`esc-${r.json.id}`, (run) => run.steps.timer?.status === 'waiting');
    return r.json.id as string;
  };
  const resolved = await open('checkout API down');
  const acked = await open('queue backlog');
  const res = await h.api('POST', `/v1/incidents/${resolved}/resolve`, { summary: 'rolled back' });
  assert.equal(res.status, 200, res.text);
  const ack = await h.api('POST', `/v1/incidents/${acked}/ack`, { note: 'looking' });
  assert.equal(ack.status, 200, ack.text);
  const decided = await outbox(`decided~incident~${resolved}`);
  assert.deepEqual([decided.get('data.what'), decided.get('data.why')], ['resolved', 'rolled back']);
  await assertDecided(`incident~${acked}`, decided.get('data.by'), /acknowledged/);

  // sev1 waits 5 min at level 1.
  await passTime(6 * MIN);
  assert.equal(await escalationEndedAt(resolved, 1), 'resolved');
  assert.equal(await escalationEndedAt(acked, 1), 'acknowledged');
  assert.deepEqual([...posts('CALLHANDS', resolved), ...posts('CALLHANDS', acked)], []);
});

test('a phase past its window is alerted once per phase by the heartbeat sweep', async () => {
  const r = await h.api('POST', '/v1/incidents', { severity: 'sev4', summary: 'slow report job' });
  const id = r.json.id as string;
  const alerts = async () =>
    (await h.app.db.collection(SLACK_OUTBOX).where('ref.id', '==', id).where('kind', '==', 'alert').get())
      .docs;

  clock.advance(6 * MIN); // assess (0-5 min) is still running
  await fireHeartbeatSweep();
  await h.waitFor(
    'the assess overrun alert',
    async () => (await outbox(overrunOutboxId(id, 'assess'))).exists,
  );
  const first = await outbox(overrunOutboxId(id, 'assess'));
  assert.equal(first.get('channelKey'), 'incidents');
  assert.match(first.get('text'), /assess phase is still running 1 min past its window/);
  await delivered(overrunOutboxId(id, 'assess'));

  await fireHeartbeatSweep(); // the same firing again: a redelivery
  clock.advance(10 * MIN); // 16 min: containment (due at 15) has not started
  await fireHeartbeatSweep();
  await h.waitFor(
    'the contain overrun alert',
    async () => (await outbox(overrunOutboxId(id, 'contain'))).exists,
  );
  assert.match((await outbox(overrunOutboxId(id, 'contain'))).get('text'), /contain phase has not started/);
  const all = await alerts();
  assert.deepEqual(all.map((d) => d.get('data.phase')).sort(), ['assess', 'contain']);
  const inc = await incident(id);
  assert.deepEqual(Object.keys(inc.overrunAlerts ?? {}).sort(), ['assess', 'contain']);
  assert.equal(
    first.get('createdAt').toMillis(),
    (await outbox(overrunOutboxId(id, 'assess'))).get('createdAt').toMillis(),
  );
});

test('bad links never crash a recovery: a stale flag naming no incident, an overlong trip reason', async () => {
  // A stale flag whose incident is gone (deleted by hand): the beat clears it and resolves nothing.
  await h.app.db
    .collection('tasks')
    .doc('T1')
    .update({
      stale: { since: clock.now(), flaggedAt: clock.now(), incidentId: 'inc-does-not-exist' },
    });
  const beat = await h.api('POST', '/v1/tasks/T1/heartbeat', { agentId: 'a1' });
  assert.equal(beat.status, 200, beat.text);
  assert.deepEqual([beat.json.cleared, beat.json.resolvedIncidentId], [true, undefined]);

  // The policy's reason is not bounded like the API's: the trip still happens, the summary is cut.
  const trip = await museOf(h.app).wallet.trip({
    reason: 'x'.repeat(3000),
    actor: systemActor('cfo'),
    via: 'system',
  });
  assert.equal(trip.already, false);
  const inc = await incident(trip.incidentId!);
  assert.equal(inc.ref?.id, '2');
  assert.ok(inc.summary.length < 2000);
  const override = await h.api('POST', '/v1/muse/breaker/override', { rationale: 'reviewed' });
  assert.equal(override.status, 200, override.text);
  assert.equal((await incident(trip.incidentId!)).status, 'resolved');
});
