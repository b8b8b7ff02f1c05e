/** Pushed decisions' pure parts: reminder timing per kind, the decided rendering, the App Home view. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  applyReminderPatch,
  DEFAULT_REMINDER_SETTINGS,
  nextReminderStep,
  reminderSettingsPatchSchema,
} from '../../functions/src/notify/core/reminders.js';
import { actions, context, section } from '../../functions/src/slack/core/blocks.js';
import {
  classificationMessage,
  decidedLine,
  managerMentions,
  reminderText,
  withDecision,
} from '../../functions/src/slack/core/decisions.js';
import { homeView, type HomeView } from '../../functions/src/slack/core/home.js';
import { slackSettingsSchema } from '../../functions/src/slack/core/settings.js';

const MIN = 60_000;
const p = { enabled: true, remindAfterMinutes: 30, managerAfterMinutes: 60 };

test('reminder timing: wait, remind, wait, mention the manager, and nothing early', () => {
  const t0 = Date.UTC(2026, 0, 1);
  assert.deepEqual(nextReminderStep('start', t0, p, t0), {
    action: 'wait',
    until: t0 + 30 * MIN,
    stage: 'reminder',
  });
  // Woken early (a sweep ahead of time): waits again rather than reminding.
  assert.deepEqual(nextReminderStep('reminder', t0, p, t0 + 29 * MIN), {
    action: 'wait',
    until: t0 + 30 * MIN,
    stage: 'reminder',
  });
  assert.deepEqual(nextReminderStep('reminder', t0, p, t0 + 31 * MIN), {
    action: 'post',
    stage: 'reminder',
    waitedMinutes: 31,
    then: { until: t0 + 90 * MIN, stage: 'manager' },
  });
  assert.deepEqual(nextReminderStep('manager', t0, p, t0 + 60 * MIN), {
    action: 'wait',
    until: t0 + 90 * MIN,
    stage: 'manager',
  });
  assert.deepEqual(nextReminderStep('manager', t0, p, t0 + 95 * MIN), {
    action: 'post',
    stage: 'manager',
    waitedMinutes: 95,
  });
  // Started late (its start was retried): reminds at once, the manager step still in the future.
  const late = nextReminderStep('start', t0, p, t0 + 200 * MIN);
  assert.equal(late.action, 'post');
  assert.ok(late.action === 'post' && late.then!.until > t0 + 200 * MIN);
  assert.equal(nextReminderStep('start', t0, { ...p, enabled: false }, t0).action, 'stop');
});

test('reminder settings: a change merges per kind; unknown kinds, fields and bad numbers are refused', () => {
  const changed = applyReminderPatch(DEFAULT_REMINDER_SETTINGS, { run: { remindAfterMinutes: 5 } });
  assert.deepEqual(changed.run, { ...DEFAULT_REMINDER_SETTINGS.run, remindAfterMinutes: 5 });
  assert.deepEqual(changed.gate, DEFAULT_REMINDER_SETTINGS.gate);
  for (const bad of [
    {},
    { incident: {} },
    { gate: { every: 3 } },
    { gate: { remindAfterMinutes: 0 } },
    { gate: { managerAfterMinutes: 1e9 } },
  ])
    assert.equal(reminderSettingsPatchSchema.safeParse(bad).success, false, JSON.stringify(bad));
});

test('a decided message: buttons and role hints removed, who decided what, when and why', () => {
  const d = { by: 'UAPPROVER', what: 'approve', why: 'reads well', at: '2026-12-01T14:03:09.000Z' };
  assert.equal(
    decidedLine(d),
    ':white_check_mark: <@UAPPROVER> decided *approve* at 14:03 UTC, 2026-12-01: reads well',
  );
  assert.match(decidedLine({ ...d, by: 'ci-key' }), /^:white_check_mark: ci-key decided/);
  const m = withDecision(
    {
      text: 'Something to decide',
      blocks: [
        section('What it is'),
        ...actions([{ text: 'Go', actionId: 'x', value: '{}' }], 'b'),
        context('Override needs the *finance* role and a rationale.'),
      ],
    },
    d,
  );
  assert.deepEqual(
    m.blocks.map((b) => b.type),
    ['section', 'context'],
  );
  assert.match(JSON.stringify(m.blocks), /decided \*approve\*/);
  const cls = { runId: 'R1', spec: 's@1', scenarioId: 'sc', title: 't', critical: true, holdout: false };
  assert.ok(classificationMessage(cls, '').blocks.some((b) => b.type === 'actions'));
  assert.ok(!classificationMessage(cls, '', d).blocks.some((b) => b.type === 'actions'));
});

test('reminder texts and manager mentions', () => {
  const settings = slackSettingsSchema.parse({ roles: { manager: { users: ['U1'], groups: ['S9'] } } });
  assert.equal(managerMentions(settings), '<@U1> <!subteam^S9>');
  assert.match(
    reminderText('reminder', 31, '', ''),
    /^:hourglass_flowing_sand: Reminder: this decision has waited 31 min/,
  );
  assert.match(reminderText('manager', 150, 'x', '<@U1>'), /^<@U1> .*waited 3 h/);
  assert.match(reminderText('manager', 90, '', ''), /no manager role is set/);
});

test('App Home: what waits depends on the roles; the view stays within 100 blocks', () => {
  const base: HomeView = {
    userId: 'U1',
    roles: [],
    gates: Array.from({ length: 40 }, (_, i) => ({
      runId: `r${i}`,
      workflow: 'demo',
      stepId: 'review',
      edges: ['approve', 'reject'],
      context: {},
    })),
    runs: [{ id: 'p1', spec: 's@1', failedScenarios: 2 }],
    breaker: { tripped: true, reason: 'balance under the panic line' },
    safeMode: { active: true },
    incidents: [{ id: 'i1', severity: 'sev2', level: 1, status: 'open', summary: 'queue backlog' }],
    muse: { loop: 'paused' },
    updatedAt: new Date('2026-12-01T12:00:00Z'),
  };
  const nobody = JSON.stringify(homeView(base, '').blocks);
  assert.match(nobody, /Nothing waits on your roles/);
  assert.match(nobody, /queue backlog/);
  const all = homeView({ ...base, roles: ['approver', 'finance', 'operator', 'manager'] }, '');
  const text = JSON.stringify(all.blocks);
  for (const a of ['gate.pick', 'run.approve', 'breaker.override', 'safemode.exit'])
    assert.ok(text.includes(a), a);
  assert.match(text, /2 failed scenario\(s\) to classify/);
  assert.ok(all.blocks.length <= 100);
  const finance = JSON.stringify(homeView({ ...base, roles: ['finance'] }, '').blocks);
  assert.ok(finance.includes('breaker.override') && !finance.includes('gate.pick'));
});
