import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backlogToYaml, parseBacklogYaml } from '../../functions/src/missions/backlog-yaml.js';
import { eventsFromJsonl, eventsToJsonl } from '../../functions/src/missions/core/files.js';
import type { MissionEvent } from '../../functions/src/missions/core/events.js';
import { newMission, type Mission } from '../../functions/src/missions/core/mission.js';
import { diffParity } from '../../functions/src/missions/core/parity.js';

const at = new Date('2026-02-03T04:05:06.000Z');
const missions: Mission[] = [
  {
    ...newMission({ id: 'M1', title: 'One: with colon', objective: 'o', scope: 's' }, []),
    status: 'Completed',
    startedAt: at,
    completedAt: at,
    verification: { command: 'npm test', result: 'passed', at },
  },
  {
    ...newMission({ id: 'M2', title: 'Two', objective: 'o', rank: 2 }, []),
    status: 'Blocked',
    prerequisites: ['M1'],
    needs: ['x'],
    unblockCriteria: 'y',
    blockedFrom: 'Queued',
    waivers: [{ missionId: 'M1', reason: 'r', by: 'Ada', at }],
    notes: ['n'],
  },
];
const events: MissionEvent[] = [
  {
    id: 'e2',
    at: new Date(at.getTime() + 1),
    type: 'block',
    missionId: 'M2',
    actor: { kind: 'agent', id: 'a' },
    level: 'info',
    needs: ['x'],
  },
  {
    id: 'e1',
    at,
    type: 'start',
    missionId: 'M1',
    actor: { kind: 'user', id: 'U1', name: 'Ada' },
    level: 'info',
    summary: 's',
    nextHint: 'h',
    data: { k: 1 },
  },
];

test('backlog.yaml and SESSIONS.jsonl round-trip without loss', () => {
  const back = parseBacklogYaml(backlogToYaml(missions));
  assert.ok(back.ok);
  assert.deepEqual(back.value, missions);
  const jsonl = eventsToJsonl(events);
  assert.equal(jsonl.split('\n')[0]?.includes('"id":"e1"'), true, 'oldest first');
  const ev = eventsFromJsonl(jsonl);
  assert.ok(ev.ok);
  assert.deepEqual(ev.value, [events[1], events[0]]);
  assert.deepEqual(diffParity({ missions, events }, { missions: back.value, events: ev.value }), []);
});

test('backlog.yaml problems name their line', () => {
  const yaml = backlogToYaml(missions);
  const lines = yaml.split('\n');
  const i = lines.findIndex((l) => l.includes('rank: 2'));
  lines[i] = lines[i]!.replace('rank: 2', 'rank: two');
  const r = parseBacklogYaml(lines.join('\n'));
  assert.ok(!r.ok);
  assert.equal(r.issues[0]?.line, i + 1);
  assert.match(r.issues[0]?.message ?? '', /missions\.1\.rank/);

  const dup = parseBacklogYaml(yaml.replace('id: M2', 'id: M1'));
  assert.ok(!dup.ok);
  assert.match(dup.issues[0]?.message ?? '', /duplicate mission id M1/);
  assert.equal(dup.issues[0]?.line, yaml.split('\n').findIndex((l) => l.includes('id: M2')) + 1);

  const missingTitle = parseBacklogYaml(
    'version: 1\nmissions:\n  - id: A\n    objective: o\n    status: Queued\n    rank: 1\n',
  );
  assert.ok(!missingTitle.ok);
  assert.deepEqual(
    [missingTitle.issues[0]?.line, missingTitle.issues[0]?.message],
    [3, 'missions.0.title: Invalid input: expected string, received undefined'],
  );
  const syntax = parseBacklogYaml('version: 1\nmissions:\n  - id: "A\n');
  assert.ok(!syntax.ok);
  assert.match(syntax.issues[0]?.message ?? '', /YAML syntax/);
  const empty = parseBacklogYaml('');
  assert.ok(!empty.ok);
  assert.equal(empty.issues[0]?.line, 1);
});

test('SESSIONS.jsonl problems name their line; blank lines are fine', () => {
  const good = JSON.stringify({
    id: 'a',
    ts: at.toISOString(),
    type: 't',
    mission: null,
    actor: { kind: 'system', id: 's' },
  });
  const text = [
    good,
    '',
    '{bad',
    JSON.stringify({
      id: 'b',
      ts: 'yesterday',
      type: 't',
      mission: null,
      actor: { kind: 'system', id: 's' },
    }),
    good,
  ].join('\n');
  const r = eventsFromJsonl(text);
  assert.ok(!r.ok);
  assert.deepEqual(
    r.issues.map((i) => [i.line, i.message.split(' (')[0]]),
    [
      [3, 'not valid JSON'],
      [4, 'ts: Invalid ISO datetime'],
      [5, 'duplicate event id a'],
    ],
  );
});

test('parity lists each difference, both directions', () => {
  const file = [{ ...missions[0]!, title: 'Changed' }];
  const d = diffParity(
    { missions, events },
    { missions: file, events: [...events, { ...events[0]!, id: 'e3' }] },
  );
  assert.deepEqual(
    d.map((x) => x.message),
    [
      'mission M1 title: Firestore "One: with colon", backlog.yaml "Changed"',
      'mission M2 is in Firestore but not in backlog.yaml',
      'event e3 is in SESSIONS.jsonl but not in Firestore',
    ],
  );
});
