/**
 * Talking to the muse with the deterministic local model: a reply and a tool result, the same
 * every time, and nothing written.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { testFirestore } from '../helpers/firestore.js';
import { connect, startStream, type Frame, type RunningStream } from './helpers.js';

const db = testFirestore();
let s: RunningStream;

before(async () => {
  await db
    .collection('muse')
    .doc('status')
    .set({
      loop: 'running',
      lastVerdict: { runId: 'run-7', drift: 0.031, pass: false, notes: 'palette drifted', at: new Date() },
    });
  await db
    .collection('stagedAssets')
    .doc('asset-1')
    .set({
      runId: 'run-6',
      narrative: 'A quiet morning market',
      visual: { prompt: 'soft light' },
      cost: 0.42,
      stagedAt: new Date('2026-01-01T00:00:00Z'),
      createdAt: new Date('2026-01-01T00:00:00Z'), // every staged asset has it; the read orders by it
    });
  await db
    .collection('stagedAssets')
    .doc('asset-2')
    .set({
      runId: 'run-7',
      narrative: 'Neon night',
      stagedAt: new Date('2026-01-02T00:00:00Z'),
      createdAt: new Date('2026-01-02T00:00:00Z'),
    });
  s = await startStream(db);
});
after(async () => {
  await s.stop();
  await db.terminate();
});

async function say(text: string): Promise<Frame[]> {
  const c = await connect(s.url());
  await c.next();
  c.ws.send(JSON.stringify({ type: 'say', text, id: 'q1' }));
  const reply = await c.next((f) => f.type === 'reply');
  const tool = await c.next((f) => f.type === 'tool_result');
  await c.close();
  return [reply, tool];
}

test('"show me the latest image" gets a reply and the staged asset, deterministically', async () => {
  const [reply, tool] = await say('show me the latest image');
  assert.equal(reply!.replyTo, 'q1');
  assert.ok(typeof reply!.text === 'string' && reply!.text.length > 0);
  assert.equal(tool!.tool, 'show_asset');
  assert.equal(tool!.ok, true);
  assert.equal((tool!.result as { id: string }).id, 'asset-2');
  const again = await say('show me the latest image');
  assert.deepEqual(again, [reply, tool]);
});

test('the last verdict is explained from the status document', async () => {
  const [, tool] = await say('why was the last one rejected by the critic?');
  assert.equal(tool!.tool, 'explain_last_verdict');
  const result = tool!.result as { explanation: string };
  assert.match(result.explanation, /Rejected: drift 3\.10%.*palette drifted/);
});

test('talk changes nothing', async () => {
  const before = await Promise.all(['muse', 'stagedAssets', 'events'].map((c) => db.collection(c).get()));
  await say('what is your status?');
  await say('what intents are you working on?');
  const afterTalk = await Promise.all(['muse', 'stagedAssets', 'events'].map((c) => db.collection(c).get()));
  assert.deepEqual(
    afterTalk.map((q) => q.docs.map((d) => d.updateTime.toMillis())),
    before.map((q) => q.docs.map((d) => d.updateTime.toMillis())),
  );
});
