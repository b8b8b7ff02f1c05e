/**
 * Operator work without a database console: Slack channels and roles, the audit trail and API keys
 * through the API, and `/muse roles` and `/muse audit` in Slack, all through the real functions
 * framework on the emulators. Each change is admin-only and audited; bad input is a 400 naming it.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  answerOf,
  APPROVER,
  MANAGER,
  NOBODY,
  OPERATOR,
  startSlackHarness,
  type SlackHarness,
} from '../slack/helpers.js';

let h: SlackHarness;
before(async () => {
  h = await startSlackHarness();
});
after(async () => h.stop());

const say = (text: string, user = OPERATOR) => answerOf(h, text, { user });

const settingsBody = (approvers: string[]) => ({
  channels: { incidents: 'CINCIDENTS', default: 'CDEFAULT1' },
  roles: {
    approver: { users: approvers, groups: [] },
    finance: { users: [], groups: [] },
    operator: { users: [OPERATOR], groups: [] },
    manager: { users: [MANAGER], groups: [] },
  },
  rationale: 'new approver rota',
});

test('Slack settings: admin reads and writes them, audited; a role change applies to the next request', async () => {
  const read = await h.keyFor(['read'], 'reader');
  assert.equal((await h.api('GET', '/v1/settings/slack', undefined, { key: read })).status, 403);
  const before = await h.api('GET', '/v1/settings/slack');
  assert.equal(before.status, 200, before.text);
  assert.deepEqual(before.json.roles.operator.users, [OPERATOR]);

  // The approver can decide now; after the change removes them, the very next command is refused.
  assert.doesNotMatch(await say('gate run-x approve fine', APPROVER), /needs the \*approver\* role/);
  const put = await h.api('PUT', '/v1/settings/slack', settingsBody([NOBODY]));
  assert.equal(put.status, 200, put.text);
  assert.match(await say('gate run-x approve fine', APPROVER), /needs the \*approver\* role/);
  assert.doesNotMatch(await say('gate run-x approve fine', NOBODY), /needs the \*approver\* role/);

  const audit = await h.api('GET', '/v1/audit?action=settings.slack.update');
  assert.equal(audit.status, 200, audit.text);
  assert.equal(audit.json.items.length, 1);
  assert.equal(audit.json.items[0].rationale, 'new approver rota');
  assert.deepEqual(audit.json.items[0].details.after.roles.approver.users, [NOBODY]);

  for (const [bad, field] of [
    [{ ...settingsBody([]), rationale: '' }, /rationale/],
    [{ ...settingsBody(['not-a-user']) }, /roles\.approver\.users\.0/],
    [{ ...settingsBody([]), channels: { incidents: 'general' } }, /channels\.incidents/],
    [{ ...settingsBody([]), roles: { approver: { users: [], groups: [] } } }, /roles\.finance/],
    [{ ...settingsBody([]), extra: 1 }, /extra/],
  ] as const) {
    const r = await h.api('PUT', '/v1/settings/slack', bad);
    assert.equal(r.status, 400, r.text);
    assert.match(r.text, field);
  }
  await h.api('PUT', '/v1/settings/slack', settingsBody([APPROVER]));
});

test('API keys: create shows the key once, list never shows it, revoke stops it on its next request', async () => {
  const made = await h.api('POST', '/v1/api-keys', {
    name: 'ci',
    scopes: ['agent', 'read'],
    rationale: 'CI runner',
  });
  assert.equal(made.status, 201, made.text);
  const { key, id } = made.json as { key: string; id: string };
  assert.match(id, /^[0-9a-f]{12}$/);
  assert.equal((await h.api('GET', '/v1/tasks', undefined, { key })).status, 200);

  const list = await h.api('GET', '/v1/api-keys');
  assert.equal(list.status, 200);
  const row = list.json.items.find((k: { id: string }) => k.id === id);
  assert.deepEqual([row.name, row.scopes, row.disabled], ['ci', ['agent', 'read'], false]);
  assert.ok(!list.text.includes(key), 'the key itself is never listed');

  const agentOnly = await h.keyFor(['agent'], 'agent');
  assert.equal(
    (await h.api('POST', `/v1/api-keys/${id}/revoke`, { rationale: 'x' }, { key: agentOnly })).status,
    403,
  );
  assert.equal((await h.api('POST', `/v1/api-keys/${id}/revoke`, {})).status, 400);
  assert.equal((await h.api('POST', '/v1/api-keys/0123456789ab/revoke', { rationale: 'gone' })).status, 404);
  assert.equal((await h.api('POST', '/v1/api-keys/NOT-A-KEY-ID/revoke', { rationale: 'gone' })).status, 400);
  const revoked = await h.api('POST', `/v1/api-keys/${id}/revoke`, { rationale: 'runner retired' });
  assert.equal(revoked.status, 200, revoked.text);
  assert.equal(revoked.json.disabled, true);
  assert.equal(
    (await h.api('GET', '/v1/tasks', undefined, { key })).status,
    401,
    'refused on its next request',
  );
  assert.equal((await h.api('POST', `/v1/api-keys/${id}/revoke`, { rationale: 'again' })).status, 409);

  for (const bad of [
    { name: 'x', scopes: [], rationale: 'none' },
    { name: 'x', scopes: ['root'], rationale: 'bad scope' },
    { name: '', scopes: ['read'], rationale: 'no name' },
    { name: 'x', scopes: ['read'] },
  ])
    assert.equal((await h.api('POST', '/v1/api-keys', bad)).status, 400, JSON.stringify(bad));

  const trail = await h.api('GET', `/v1/audit?action=apikey.revoke`);
  assert.equal(trail.json.items[0].target, `apiKeys/${id}`);
  assert.equal(trail.json.items[0].rationale, 'runner retired');
});

test('the audit trail: admin sees all, a read key only its own, filters and pages', async () => {
  const reader = await h.keyFor(['read', 'operator'], 'reader2');
  for (let i = 0; i < 3; i++)
    await h.api('POST', '/v1/engine/pause', { reason: `maintenance ${i}` }, { key: reader });
  await h.api('POST', '/v1/engine/resume', { rationale: 'done' });
  const own = await h.api('GET', '/v1/audit?limit=2', undefined, { key: reader });
  assert.equal(own.status, 200, own.text);
  assert.equal(own.json.items.length, 2);
  assert.ok(own.json.items.every((r: { actor: { name: string } }) => r.actor.name === 'reader2'));
  const page2 = await h.api('GET', `/v1/audit?limit=2&after=${own.json.next}`, undefined, { key: reader });
  assert.equal(page2.json.items.length, 1);
  const ownIds = [...own.json.items, ...page2.json.items].map((r: { id: string }) => r.id);
  assert.equal(new Set(ownIds).size, 3);

  const all = await h.api('GET', '/v1/audit?limit=200');
  assert.ok(all.json.items.length > 3);
  const other = all.json.items.find((r: { actor: { name?: string } }) => r.actor.name !== 'reader2');
  const forbiddenRead = await h.api('GET', `/v1/audit?actor=${other.actor.id}`, undefined, { key: reader });
  assert.equal(forbiddenRead.status, 403);

  for (const q of ['limit=0', 'limit=abc', 'from=yesterday', 'action=Not%20An%20Action', 'colour=red'])
    assert.equal((await h.api('GET', `/v1/audit?${q}`)).status, 400, q);
  const window = await h.api(
    'GET',
    `/v1/audit?from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`,
  );
  assert.deepEqual(window.json.items, []);
});

test('/muse roles lists the roles and channels; /muse audit needs the operator role', async () => {
  const roles = await say('roles', NOBODY);
  assert.match(roles, /operator\*: <@UOPERATOR>/);
  assert.match(roles, /`incidents` → <#CINCIDENTS>/);

  await say('incident sev3 printer on fire', OPERATOR);
  const incidents = await h.api('GET', '/v1/incidents');
  const list = incidents.json.incidents as Array<{ id: string; summary: string }>;
  const inc = list.find((i) => i.summary === 'printer on fire')!;
  await say(`ack ${inc.id}`, OPERATOR);
  const trail = await say(`audit ${inc.id}`, OPERATOR);
  assert.match(trail, /slack\.ack/);
  assert.match(trail, new RegExp(`incidents/${inc.id}`));
  assert.match(await say(`audit <@${OPERATOR}|op>`, OPERATOR), /slack\.ack/);
  assert.match(await say('audit nothing-here', OPERATOR), /No audit records/);
  assert.match(await say(`audit ${inc.id}`, NOBODY), /needs the \*operator\* role/);
  assert.match(await say('audit', OPERATOR), /Usage: `\/muse audit/);
  assert.match(await say('roles everyone', OPERATOR), /takes no arguments/);
});

test('a settings document that does not parse names its field, in its route and /healthz, never the defaults', async () => {
  const reminders = h.app.db.doc('config/reminders');
  const slack = h.app.db.doc('config/slack');
  const slackBefore = (await slack.get()).data();
  await reminders.set({ gate: { remindAfterMinutes: 'soon' } });
  await slack.set({ ...slackBefore, channels: { incidents: 5 } });
  try {
    const r = await h.api('GET', '/v1/settings/reminders');
    assert.equal(r.status, 422, r.text);
    assert.match(r.json.error.message, /config\/reminders is invalid: gate\.remindAfterMinutes/);
    const s = await h.api('GET', '/v1/settings/slack');
    assert.equal(s.status, 400, s.text);
    assert.match(s.json.error.message, /config\/slack is invalid: channels\.incidents/);
    const health = await h.api('GET', '/healthz', undefined, { key: null });
    const bad = (health.json.invalidSettings as Array<{ path: string; error: string }>).map((b) => b.path);
    assert.deepEqual(bad.sort(), ['config/reminders', 'config/slack']);
    // A role check cannot be made on a broken document: refused, naming it, not taken as "no roles".
    assert.match(await say('audit run-x'), /config\/slack is invalid: channels\.incidents/);
  } finally {
    await reminders.delete();
    await slack.set(slackBefore!);
  }
  const fixed = await h.api('GET', '/v1/settings/reminders');
  assert.equal(fixed.status, 200, fixed.text);
  assert.equal(fixed.json.gate.remindAfterMinutes, 30);
});
