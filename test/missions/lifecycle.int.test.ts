import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Firestore } from '@google-cloud/firestore';
import {
  blockMission,
  completeMission,
  createMission,
  listMissions,
  startMission,
  unblockMission,
  waivePrerequisite,
} from '../../functions/src/missions/lifecycle.js';
import { missionHealthView, recordTelemetry } from '../../functions/src/missions/telemetry.js';
import { appendContext, readContext } from '../../functions/src/missions/context.js';
import { readEvents } from '../../functions/src/missions/repo.js';
import type { AppError } from '../../functions/src/shared/errors.js';
import { type Actor } from '../../functions/src/shared/ports.js';
import { manualClock } from '../helpers/manual-clock.js';
import { testFirestore } from '../helpers/firestore.js';

const agent: Actor = { kind: 'agent', id: 'agent-1' };
const person: Actor = { kind: 'user', id: 'U1', name: 'Ada' };
const passed = { command: 'npm test', result: 'passed' as const };

async function seed(db: Firestore, clock = manualClock()) {
  const deps = { db, clock };
  await createMission(deps, { id: 'M1', title: 'one', objective: 'o', actor: agent });
  await createMission(deps, { id: 'M2', title: 'two', objective: 'o', prerequisites: ['M1'], actor: agent });
  await createMission(deps, { id: 'M3', title: 'three', objective: 'o', actor: agent });
  await createMission(deps, { id: 'M4', title: 'four', objective: 'o', actor: agent });
  return deps;
}

async function statuses(db: Firestore) {
  const { missions } = await listMissions({ db, clock: manualClock() });
  return Object.fromEntries(missions.map((m) => [m.id, m.status]));
}

async function docCount(db: Firestore, col: string) {
  return (await db.collection(col).count().get()).data().count;
}

test('start, block, unblock, complete and promote cycle follows the precedence', async () => {
  const db = testFirestore();
  const deps = await seed(db);
  assert.equal((await listMissions(deps)).next?.id, 'M1', 'first eligible Queued mission is selected');

  const started = await startMission(deps, { id: 'M1', actor: agent });
  assert.equal(started.mission.status, 'In Progress');
  assert.ok(started.mission.startedAt instanceof Date);
  assert.deepEqual(
    (await listMissions(deps)).missions.map((m) => m.id),
    ['M1', 'M2', 'M3', 'M4'],
  );

  const blocked = await blockMission(deps, {
    id: 'M1',
    needs: ['API key'],
    unblockCriteria: 'key issued',
    actor: agent,
  });
  assert.equal(blocked.mission.status, 'Blocked');
  assert.equal(blocked.promoted?.id, 'M3', 'M2 waits on M1, so M3 is the next eligible');
  assert.equal((await listMissions(deps)).next?.id, 'M3');

  const unblocked = await unblockMission(deps, { id: 'M1', note: 'key arrived', actor: agent });
  assert.equal(unblocked.mission.status, 'In Progress', 'back in the precedence order where it was');
  assert.deepEqual(unblocked.mission.needs, []);
  assert.equal((await listMissions(deps)).next?.id, 'M1');

  deps.clock.advance(60_000);
  const done = await completeMission(deps, { id: 'M1', verification: passed, summary: 's', actor: agent });
  assert.equal(done.mission.status, 'Completed');
  assert.equal(done.mission.completedAt?.toISOString(), '2026-01-01T00:01:00.000Z');
  assert.equal(done.mission.verification?.command, 'npm test');
  assert.equal(done.promoted, null, 'M3 already holds the Current slot');
  assert.deepEqual(await statuses(db), { M1: 'Completed', M3: 'Current', M2: 'Queued', M4: 'Queued' });

  await startMission(deps, { id: 'M3', actor: agent });
  const done3 = await completeMission(deps, { id: 'M3', verification: passed, actor: agent });
  assert.equal(done3.promoted?.id, 'M2', 'M2 is eligible now that M1 is completed');

  const types = (await readEvents(db)).map((e) => e.type);
  for (const t of ['create', 'start', 'block', 'unblock', 'complete', 'promote'])
    assert.ok(types.includes(t), t);
  const block = (await readEvents(db, 'M1')).find((e) => e.type === 'block');
  assert.deepEqual(block?.needs, ['API key']);
});

test('two concurrent completions promote exactly one next mission', async () => {
  const db = testFirestore();
  const deps = { db, clock: manualClock() };
  for (const id of ['A', 'B', 'C', 'D'])
    await createMission(deps, { id, title: id, objective: 'o', actor: agent });
  await startMission(deps, { id: 'A', actor: agent });
  await startMission(deps, { id: 'B', actor: agent });
  const results = await Promise.all([
    completeMission(deps, { id: 'A', verification: passed, actor: agent }),
    completeMission(deps, { id: 'B', verification: passed, actor: agent }),
  ]);
  assert.equal(results.filter((r) => r.promoted).length, 1);
  assert.deepEqual(await statuses(db), { C: 'Current', D: 'Queued', A: 'Completed', B: 'Completed' });
  assert.equal((await readEvents(db)).filter((e) => e.type === 'promote').length, 1);
});

test('refusals name the problem and write nothing', async () => {
  const db = testFirestore();
  const deps = await seed(db);
  const before = await docCount(db, 'missionEvents');
  const snapshot = JSON.stringify(await statuses(db));

  await assert.rejects(startMission(deps, { id: 'nope', actor: agent }), (e: AppError) => {
    assert.equal(e.code, 'not_found');
    assert.match(e.message, /unknown mission nope/);
    return true;
  });
  await assert.rejects(startMission(deps, { id: 'M2', actor: agent }), (e: AppError) => {
    assert.equal(e.status, 422);
    assert.match(e.message, /prerequisites not completed and not waived: M1/);
    return true;
  });
  await assert.rejects(
    completeMission(deps, { id: 'M4', verification: passed, actor: agent }),
    (e: AppError) => {
      assert.equal(e.status, 409);
      assert.match(e.message, /only an In Progress mission can be completed/);
      return true;
    },
  );
  await startMission(deps, { id: 'M4', actor: agent });
  await assert.rejects(
    completeMission(deps, {
      id: 'M4',
      verification: { command: 'npm test', result: 'failed' },
      actor: agent,
    }),
    /verification `npm test` failed/,
  );
  assert.equal(await docCount(db, 'missionEvents'), before + 1, 'only the successful start left an event');
  assert.equal((await statuses(db)).M4, 'In Progress');
  assert.notEqual(JSON.stringify(await statuses(db)), snapshot);
  const refused = await db.collection('audit').where('outcome', '==', 'refused').get();
  assert.equal(refused.size, 4, 'each refusal is audited');
});

test('a waiver with a reason lets a mission start; it is audited', async () => {
  const db = testFirestore();
  const deps = await seed(db);
  await assert.rejects(
    waivePrerequisite(deps, { id: 'M2', prerequisite: 'M3', reason: 'r', actor: person }),
    /has no prerequisite M3/,
  );
  const w = await waivePrerequisite(deps, {
    id: 'M2',
    prerequisite: 'M1',
    reason: 'M1 is descoped',
    actor: person,
  });
  assert.equal(w.mission.waivers[0]?.reason, 'M1 is descoped');
  assert.equal((await startMission(deps, { id: 'M2', actor: agent })).mission.status, 'In Progress');
  const audits = await db
    .collection('audit')
    .where('action', '==', 'mission.waive')
    .where('outcome', '==', 'ok')
    .get();
  assert.equal(audits.docs[0]?.get('rationale'), 'M1 is descoped');
  assert.equal(audits.docs[0]?.get('via'), 'slack');
});

test('telemetry feeds the health view; context is appended with reasons', async () => {
  const db = testFirestore();
  const deps = await seed(db);
  assert.equal((await missionHealthView(deps)).healthy, true);
  await recordTelemetry(deps, {
    missionId: 'M1',
    type: 'db',
    level: 'warn',
    summary: 'slow query',
    actor: agent,
  });
  await assert.rejects(
    recordTelemetry(deps, { missionId: 'X', type: 'db', level: 'info', actor: agent }),
    /unknown mission X/,
  );
  const health = await missionHealthView(deps);
  assert.equal(health.healthy, false);
  assert.deepEqual(health.byKind, { event_warn: 1 });

  await appendContext(deps, { kind: 'constraint', text: 'no new deps', actor: agent });
  await appendContext(deps, { kind: 'decision', text: 'use Firestore', reason: 'serverless', actor: agent });
  const ctx = await readContext(deps);
  assert.equal(ctx.constraints.length, 1);
  assert.equal(ctx.decisions[0]?.reason, 'serverless');
  assert.ok(ctx.decisions[0]?.at instanceof Date);
});
