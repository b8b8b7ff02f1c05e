import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  blockMission,
  byPrecedence,
  completeMission,
  newMission,
  openPrerequisites,
  selectNext,
  startMission,
  unblockMission,
  waivePrerequisite,
  type Mission,
  type MissionStatus,
} from '../../functions/src/missions/core/mission.js';
import { missionHealth } from '../../functions/src/missions/core/events.js';

const now = new Date('2026-01-01T00:00:00Z');
const m = (id: string, status: MissionStatus, rank: number, extra: Partial<Mission> = {}): Mission => ({
  ...newMission({ id, title: id, objective: 'o', rank }, []),
  status,
  ...extra,
});
const passed = { command: 'npm test', result: 'passed' as const };

test('precedence: In Progress > Current > Queued, then Blocked and Completed; rank breaks ties', () => {
  const backlog = [
    m('done', 'Completed', 0),
    m('q2', 'Queued', 2),
    m('blocked', 'Blocked', 0),
    m('q1', 'Queued', 1),
    m('cur', 'Current', 9),
    m('ip', 'In Progress', 5),
  ];
  assert.deepEqual(
    [...backlog].sort(byPrecedence).map((x) => x.id),
    ['ip', 'cur', 'q1', 'q2', 'blocked', 'done'],
  );
  assert.equal(selectNext(backlog)?.id, 'ip');
  assert.equal(selectNext(backlog.filter((x) => x.id !== 'ip'))?.id, 'cur');
  const queued = [m('a', 'Queued', 1, { prerequisites: ['b'] }), m('b', 'Queued', 2)];
  assert.equal(selectNext(queued)?.id, 'b', 'a Queued mission with open prerequisites is skipped');
  assert.equal(selectNext([m('x', 'Completed', 1)]), undefined);
});

test('start needs prerequisites completed or waived, and a startable status', () => {
  const backlog = [m('a', 'Queued', 1), m('b', 'Queued', 2, { prerequisites: ['a'] })];
  assert.throws(() => startMission(backlog[1]!, backlog, now), /not completed and not waived: a/);
  const waived = waivePrerequisite(backlog[1]!, 'a', 'out of scope', 'Ada', now);
  assert.deepEqual(openPrerequisites(waived, backlog), []);
  assert.equal(startMission(waived, backlog, now).status, 'In Progress');
  assert.throws(() => waivePrerequisite(backlog[1]!, 'a', '  ', 'Ada', now), /needs a reason/);
  assert.throws(() => waivePrerequisite(waived, 'a', 'again', 'Ada', now), /already waived/);
  assert.throws(
    () => startMission(m('c', 'Blocked', 1), [], now),
    /only a Queued or Current mission can start/,
  );
});

test('completion needs In Progress and a passing verification, and promotes the next eligible', () => {
  const backlog = [
    m('a', 'In Progress', 1),
    m('b', 'Queued', 2, { prerequisites: ['a'] }),
    m('c', 'Queued', 3),
  ];
  const t = completeMission(backlog[0]!, backlog, passed, now);
  assert.equal(t.mission.status, 'Completed');
  assert.equal(t.mission.completedAt, now);
  assert.deepEqual(t.mission.verification, { ...passed, at: now });
  assert.equal(t.promoted?.id, 'b', 'b became eligible by this very completion');
  assert.equal(t.promoted?.status, 'Current');
  assert.throws(() => completeMission(backlog[1]!, backlog, passed, now), /only an In Progress mission/);
  assert.throws(
    () => completeMission(backlog[0]!, backlog, { command: 'npm test', result: 'failed' }, now),
    /verification `npm test` failed/,
  );
  const withCurrent = [...backlog, m('d', 'Current', 4)];
  assert.equal(completeMission(backlog[0]!, withCurrent, passed, now).promoted, undefined);
});

test('block records needs and criteria; unblock restores the precedence place', () => {
  const backlog = [m('a', 'Current', 1), m('b', 'Queued', 2)];
  assert.throws(() => blockMission(backlog[0]!, backlog, [], 'x'), /at least one need/);
  const t = blockMission(backlog[0]!, backlog, ['a key'], 'key issued');
  assert.deepEqual(
    [t.mission.status, t.mission.needs, t.mission.blockedFrom],
    ['Blocked', ['a key'], 'Current'],
  );
  assert.equal(t.promoted?.id, 'b', 'the Current slot goes to the next mission');
  const later = [t.mission, { ...backlog[1]!, status: 'Current' as const }];
  assert.equal(unblockMission(t.mission, later).status, 'Queued', 'the slot is taken, so it queues again');
  assert.equal(unblockMission(t.mission, [t.mission, backlog[1]!]).status, 'Current');
  assert.throws(() => unblockMission(backlog[1]!, backlog), /only a Blocked mission/);
});

test('new missions: unknown prerequisites, duplicates and a second Current are refused', () => {
  const backlog = [m('a', 'Current', 1)];
  assert.equal(newMission({ id: 'b', title: 't', objective: 'o' }, backlog).rank, 2);
  assert.throws(() => newMission({ id: 'a', title: 't', objective: 'o' }, backlog), /already exists/);
  assert.throws(
    () => newMission({ id: 'b', title: 't', objective: 'o', prerequisites: ['zz'] }, backlog),
    /unknown prerequisites.*zz/,
  );
  assert.throws(
    () => newMission({ id: 'b', title: 't', objective: 'o', status: 'Current' }, backlog),
    /already Current/,
  );
});

test('health lists anomalies in the backlog and warn/error events', () => {
  const backlog = [
    m('a', 'Current', 1),
    m('b', 'Current', 2, { prerequisites: ['ghost'] }),
    m('c', 'Completed', 3),
    m('d', 'Blocked', 4),
  ];
  const events = [
    {
      id: 'e1',
      at: now,
      type: 'db',
      missionId: 'a',
      actor: { kind: 'agent' as const, id: 'x' },
      level: 'error' as const,
    },
  ];
  assert.deepEqual(
    missionHealth(backlog, events)
      .map((x) => x.kind)
      .sort(),
    [
      'blocked_without_needs',
      'completed_unverified',
      'event_error',
      'several_current',
      'unknown_prerequisite',
    ],
  );
  assert.deepEqual(missionHealth([m('a', 'Queued', 1)], []), []);
});
