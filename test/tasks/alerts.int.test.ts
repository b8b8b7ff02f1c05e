/**
 * The Growth Engine's alerts reach people (issue 12 part 6), through the real /v1 router, the
 * Slack outbox and its delivery function on the emulators: a task completed with no evidence, a
 * failing CI guard result and a banned import found by a scan each write one `alert` entry (none
 * for the good cases, none twice), and the post reaches the local Slack Web API in the alerts
 * channel. The daily report, fired through its Pub/Sub trigger, lists idle agents.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CHANNELS, startSlackHarness, textOf, type SlackHarness } from '../slack/helpers.js';
import { SETTINGS_DOC, SLACK_OUTBOX, forgetSettings } from '../helpers/slack-state.js';

let h: SlackHarness;
let agentKey: string;
const ALERTS = 'CALERTS';

before(async () => {
  h = await startSlackHarness();
  await h.app.db
    .collection(SETTINGS_DOC.collection)
    .doc(SETTINGS_DOC.id)
    .set({ channels: { ...CHANNELS, alerts: ALERTS } }, { merge: true });
  forgetSettings(h.app);
  agentKey = await h.keyFor(['agent'], 'ci-agent');
  for (const id of ['a-busy', 'a-done', 'a-idle'])
    assert.equal((await h.api('POST', '/v1/agents', { id })).status, 201);
});
after(async () => {
  // Every alert kicked the outbox: wait for those deliveries before the harness stops under them.
  await h.waitFor('every alert delivered', async () => {
    const snap = await h.app.db.collection(SLACK_OUTBOX).where('kind', '==', 'alert').get();
    return snap.docs.every((d) => d.get('status') === 'delivered');
  });
  await h.stop();
});

const agentApi = (method: string, path: string, body?: unknown) =>
  h.api(method, path, body, { key: agentKey });

async function alerts(kind: string) {
  const snap = await h.app.db.collection(SLACK_OUTBOX).where('kind', '==', 'alert').get();
  return snap.docs.map((d) => ({ id: d.id, ...d.data() }) as any).filter((e) => e.data?.alert === kind);
}

async function runTask(id: string, agentId: string, evidence: boolean) {
  assert.equal(
    (await agentApi('POST', '/v1/tasks', { id, title: `Task ${id}`, agentId, estimateMinutes: 30 })).status,
    201,
  );
  assert.equal((await agentApi('POST', `/v1/tasks/${id}/start`)).status, 200);
  if (evidence) {
    const line = JSON.stringify({
      taskId: id,
      agentId,
      at: '2026-03-01T10:00:00Z',
      kind: 'test_run',
      summary: 'unit tests green',
      outcome: 'ok',
    });
    const r = await agentApi('POST', `/v1/tasks/${id}/evidence`, { agentId, jsonl: line });
    assert.equal(r.status, 201, r.text);
  }
  const done = await agentApi('POST', `/v1/tasks/${id}/complete`, { solution: 'shipped' });
  assert.equal(done.status, 200, done.text);
}

test('a task completed with no evidence is an alert, posted to the alerts channel; one with evidence is not', async () => {
  await runTask('T-bare', 'a-done', false);
  const [entry, ...rest] = await alerts('task-no-evidence');
  assert.equal(rest.length, 0);
  assert.equal(entry.channelKey, 'alerts');
  assert.deepEqual(entry.ref, { type: 'task', id: 'T-bare' });
  assert.match(entry.text, /T-bare .*completed with no evidence/);

  // The kick after the commit delivers it through the slackOutbox function to the local Slack API.
  const post = await h.waitFor('the alert post', async () =>
    h.slack.callsOf('chat.postMessage', ALERTS).find((c) => /T-bare/.test(textOf(c.body))),
  );
  assert.match(textOf(post.body), /completed with no evidence/);
  await h.waitFor(
    'delivered',
    async () => (await h.app.db.collection(SLACK_OUTBOX).doc(entry.id).get()).get('status') === 'delivered',
  );

  await runTask('T-proved', 'a-done', true);
  assert.deepEqual(
    (await alerts('task-no-evidence')).map((e) => e.ref.id),
    ['T-bare'],
  );
});

test('a failing CI guard result is an alert; a passing one is not; a bad one is a 400', async () => {
  const fail = await agentApi('POST', '/v1/guards/results', {
    guard: 'dev-mcp-ban',
    status: 'fail',
    details: 'functions/src/x.ts:3 imports @modelcontextprotocol/server',
    commit: 'abc1234',
  });
  assert.equal(fail.status, 201, fail.text);
  assert.equal(
    (await agentApi('POST', '/v1/guards/results', { guard: 'dev-mcp-ban', status: 'pass' })).status,
    201,
  );
  const bad = await agentApi('POST', '/v1/guards/results', { guard: 'Bad Name', status: 'maybe' });
  assert.equal(bad.status, 400);
  const entries = await alerts('guard-failure');
  assert.equal(entries.length, 1);
  assert.equal(entries[0].id, `alert~guard~${fail.json.id}`);
  assert.equal(entries[0].channelKey, 'alerts');
  assert.match(entries[0].text, /dev-mcp-ban reported fail \(abc1234\): functions\/src\/x\.ts:3/);
});

test('a banned import found by a scan is an alert, once for the same findings; a clean scan is not', async () => {
  const files = [
    { path: 'functions/src/a.ts', content: "import { Server } from '@modelcontextprotocol/sdk';\n" },
    { path: 'functions/src/b.ts', content: "import x from 'zod';\n" },
  ];
  const first = await agentApi('POST', '/v1/guards/scan', { files });
  assert.equal(first.status, 422, first.text);
  assert.equal(first.json.violations.length, 1);
  const again = await agentApi('POST', '/v1/guards/scan', { files });
  assert.equal(again.status, 422);
  assert.equal(again.json.alert, first.json.alert);
  const clean = await agentApi('POST', '/v1/guards/scan', { files: [files[1]] });
  assert.equal(clean.status, 200);
  assert.equal(clean.json.alert, undefined);
  const entries = await alerts('banned-imports');
  assert.equal(entries.length, 1);
  assert.match(entries[0].text, /functions\/src\/a\.ts:1 dev-mcp-ban \(@modelcontextprotocol\/sdk\)/);
  const noFiles = await agentApi('POST', '/v1/guards/scan', { files: 'nope' });
  assert.equal(noFiles.status, 400);
});

test('the daily report, fired through its trigger, lists idle agents (registered, no active task)', async () => {
  assert.equal(
    (
      await agentApi('POST', '/v1/tasks', {
        id: 'T-live',
        title: 'live',
        agentId: 'a-busy',
        estimateMinutes: 30,
      })
    ).status,
    201,
  );
  assert.equal((await agentApi('POST', '/v1/tasks/T-live/start')).status, 200);
  await h.app.bus.publish('daily-report', { job: 'daily-report' }, { scheduledTime: '2026-03-02T08:00:00Z' });
  const report = await h.waitFor('the daily report', async () => {
    const snap = await h.app.db.collection('reports').doc('daily-2026-03-02').get();
    return snap.exists ? snap.data() : undefined;
  });
  assert.deepEqual(report.agentsWithActiveTasks, ['a-busy']);
  // a-done finished its tasks and a-idle never had one: both idle.
  assert.deepEqual(report.idleAgents, ['a-done', 'a-idle']);
  assert.match(report.text, /idle agents \(registered, no active task\): a-done, a-idle/);
});
