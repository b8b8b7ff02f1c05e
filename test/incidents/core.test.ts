import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_ESCALATION_POLICY,
  escalationDecision,
} from '../../functions/src/incidents/core/escalation.js';
import { channelForLevel } from '../../functions/src/incidents/core/incident.js';
import { phasesToAlert, timelineView } from '../../functions/src/incidents/core/timeline.js';

const at = (m: number) => new Date(Date.parse('2026-01-01T00:00:00Z') + m * 60_000);

test('escalation: rises at the per-severity deadline, stops on ack, resolve and level 4', () => {
  const s = { severity: 'sev2' as const, status: 'open' as const, level: 1 as const, levelSince: at(0) };
  assert.deepEqual(escalationDecision(s, DEFAULT_ESCALATION_POLICY, at(14)), {
    action: 'wait',
    until: at(15),
  });
  assert.deepEqual(escalationDecision(s, DEFAULT_ESCALATION_POLICY, at(15)), { action: 'rise', to: 2 });
  assert.deepEqual(escalationDecision({ ...s, level: 3 }, DEFAULT_ESCALATION_POLICY, at(60)), {
    action: 'rise',
    to: 4,
  });
  assert.equal(escalationDecision({ ...s, level: 4 }, DEFAULT_ESCALATION_POLICY, at(999)).action, 'stop');
  assert.equal(
    escalationDecision({ ...s, status: 'acknowledged' }, DEFAULT_ESCALATION_POLICY, at(999)).action,
    'stop',
  );
  const fast = {
    deadlinesMinutes: {
      ...DEFAULT_ESCALATION_POLICY.deadlinesMinutes,
      sev2: [1, 1, 1] as [number, number, number],
    },
  };
  assert.equal(escalationDecision(s, fast, at(1)).action, 'rise');
  assert.equal(channelForLevel(3), 'alerts-all');
  assert.equal(channelForLevel(4), 'emergency');
  assert.equal(channelForLevel(2), 'incidents');
});

test('timeline: phases with windows; an overrun is visible', () => {
  const v = timelineView(at(0), { assess: at(0), contain: at(8), recover: at(12) }, at(70));
  assert.deepEqual(
    v.map((p) => [p.phase, p.state, p.overrun]),
    [
      ['assess', 'done', true],
      ['contain', 'done', false],
      ['recover', 'running', true],
      ['postIncident', 'pending', false],
    ],
  );
  assert.equal(v[0]!.overrunMinutes, 3);
  assert.equal(v[2]!.overrunMinutes, 10);
  const late = timelineView(at(0), { assess: at(0) }, at(30));
  assert.equal(late[1]!.overrun, true); // containment never started and its window has passed
});

test('phase overrun alerts: overdue phases not alerted yet; late phases that ended are not alerted', () => {
  const phasesOf = (views: ReturnType<typeof phasesToAlert>) => views.map((v) => v.phase);
  const open = { assess: at(0) };
  assert.deepEqual(phasesOf(phasesToAlert(at(0), open, undefined, at(5))), [], 'on time at the window end');
  assert.deepEqual(phasesOf(phasesToAlert(at(0), open, undefined, at(6))), ['assess']);
  assert.deepEqual(phasesOf(phasesToAlert(at(0), open, { assess: at(6) }, at(7))), []);
  assert.deepEqual(phasesOf(phasesToAlert(at(0), open, { assess: at(6) }, at(16))), ['contain']);
  // Resolved at 70 min by a recovery: the phases it skipped ended late, but only the running
  // post-incident review is alerted, once it passes 24 h.
  const resolved = { assess: at(0), postIncident: at(70) };
  assert.deepEqual(phasesOf(phasesToAlert(at(0), resolved, undefined, at(120))), []);
  assert.deepEqual(phasesOf(phasesToAlert(at(0), resolved, undefined, at(24 * 60 + 1))), ['postIncident']);
  assert.deepEqual(
    phasesOf(phasesToAlert(at(0), { ...resolved, closed: at(600) }, undefined, at(24 * 60 + 1))),
    [],
    'reviewed: closed',
  );
});
