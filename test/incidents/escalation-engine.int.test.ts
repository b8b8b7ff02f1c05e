/**
 * Escalation timers through the real engine path: the incident's `incident-escalation` run waits on
 * a durable timer (an outbox entry due at the deadline), the engine sweep publishes it when the
 * (manual) clock passes the deadline, and the timer step raises the level.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../helpers/manual-clock.js';
import { startHarness, type Harness } from '../helpers/engine-harness.js';

const clock = manualClock(new Date());
let h: Harness;
before(async () => {
  h = await startHarness({ clock });
});
after(async () => h.stop());

const incident = async (id: string) => (await h.api('GET', `/v1/incidents/${id}`)).json;
const level = async (id: string) => {
  const j = await incident(id);
  return (j.incident ?? j).level as number;
};

test('an unacknowledged sev1 rises 1 -> 2 -> 3 -> 4 on its deadlines through the engine; ack stops another', async () => {
  const opened = await h.api('POST', '/v1/incidents', { severity: 'sev1', summary: 'checkout API down' });
  assert.equal(opened.status, 201, opened.text);
  const id = opened.json.id as string;
  const runId = `esc-${id}`;
  await h.waitForRun(runId, (r) => r.steps.timer?.status === 'waiting');
  assert.equal(await level(id), 1);

  // sev1 defaults: 5 minutes at level 1, 10 at level 2, 15 at level 3.
  for (const [minutes, expected] of [
    [5, 2],
    [10, 3],
    [15, 4],
  ] as const) {
    clock.advance(minutes * 60_000 + 1000);
    const swept = await h.api('POST', '/v1/engine/sweep');
    assert.equal(swept.status, 200, swept.text);
    await h.waitFor(`level ${expected}`, async () => (await level(id)) === expected || undefined);
  }
  await h.waitForRun(runId, (r) => r.status === 'succeeded'); // level 4 is the last
  const outbox = await h.app.db.collection('slackOutbox').where('ref.id', '==', id).get();
  const channels = outbox.docs.map((d) => `${d.get('level')}:${d.get('channelKey')}`).sort();
  assert.deepEqual(channels, ['1:incidents', '2:incidents', '3:alerts-all', '4:emergency']);

  // A duplicate sweep after the end changes nothing.
  await h.api('POST', '/v1/engine/sweep');
  assert.equal(await level(id), 4);

  const other = await h.api('POST', '/v1/incidents', { severity: 'sev1', summary: 'queue backlog' });
  const otherId = other.json.id as string;
  await h.waitForRun(`esc-${otherId}`, (r) => r.steps.timer?.status === 'waiting');
  const ack = await h.api('POST', `/v1/incidents/${otherId}/ack`, {});
  assert.equal(ack.status, 200, ack.text);
  clock.advance(5 * 60_000 + 1000);
  await h.api('POST', '/v1/engine/sweep');
  await h.waitForRun(`esc-${otherId}`, (r) => r.status === 'succeeded');
  assert.equal(await level(otherId), 1, 'acknowledged: it stays at level 1');
});
