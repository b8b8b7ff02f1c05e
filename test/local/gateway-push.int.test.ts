/**
 * The local gateway (issue 13, item 23): it listens on 127.0.0.1 by default, and with a push token
 * (npm start makes one per start) a push to `/pubsub/*` without it, or with a wrong one, is refused
 * with 403 and runs nothing, while the emulator's subscriptions, which carry the token, deliver.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { pushEndpoint } from '../../scripts/lib/local/pubsub-topology.js';
import { TOPICS } from '../../functions/src/platform/catalog.js';
import { startHarness, type Harness } from '../helpers/engine-harness.js';

const pushToken = randomBytes(24).toString('base64url');
let h: Harness;
before(async () => {
  h = await startHarness({ gateway: { pushToken } });
});
after(async () => h.stop());

const topic = (name: string) => TOPICS.find((t) => t.name === name)!;
const body = (data: unknown) =>
  JSON.stringify({
    message: {
      data: Buffer.from(JSON.stringify(data)).toString('base64'),
      messageId: `m-${randomBytes(4).toString('hex')}`,
      publishTime: new Date().toISOString(),
    },
  });
const push = async (url: string, data: unknown) => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body(data),
  });
  return { status: res.status, text: await res.text() };
};

test('the gateway listens on 127.0.0.1 unless told otherwise', () => {
  assert.equal((h.gateway.server.address() as AddressInfo).address, '127.0.0.1');
});

test('a push without the token, or with a wrong one, is refused with 403 and runs nothing', async () => {
  const project = h.config.projectId;
  const report = topic('daily-report');
  const firing = { job: 'daily-report' };
  const attempts = [
    pushEndpoint(h.baseUrl, project, report),
    pushEndpoint(h.baseUrl, project, report, 'not-the-token'),
    pushEndpoint(h.baseUrl, project, report, pushToken.slice(1)),
    `${pushEndpoint(h.baseUrl, project, report)}?token=`,
    pushEndpoint(h.baseUrl, project, topic('slack-work')),
  ];
  for (const url of attempts) {
    const r = await push(url, firing);
    assert.equal(r.status, 403, `${url}: ${r.status} ${r.text}`);
    assert.equal(JSON.parse(r.text).error.code, 'forbidden');
  }
  assert.equal((await h.app.db.collection('reports').get()).size, 0, 'no report was made');
  assert.equal((await h.app.db.collection('deadLetters').get()).size, 0, 'nothing was even recorded');
});

test("the emulator's subscriptions carry the token: a run goes through every step", async () => {
  const { status, json } = await h.api('POST', '/v1/runs', { workflow: 'demo', input: { topic: 'pushes' } });
  assert.equal(status, 201);
  const run = await h.waitForRun(json.runId, (r) => r.status === 'awaiting_human', 60_000);
  assert.equal(run.status, 'awaiting_human');
});
