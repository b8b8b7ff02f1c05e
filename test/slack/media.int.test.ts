/**
 * Slack shows the muse's pictures: a staged asset's notice and a gate about an asset carry the
 * first frame as an image block whose signed URL opens the frame from the local Cloud Storage
 * server, and `/muse status` links the latest asset. The product's own production workflow runs
 * with media configured (the local media model), through the real engine and emulators.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { z } from 'zod';
import type { WorkflowDefinition } from '../../functions/src/engine/workflow.js';
import { museOf } from '../../functions/src/wiring/muse.js';
import { startGcsServer, type GcsServer } from '../../scripts/lib/gcs-server.js';
import { SETTINGS_DOC, forgetSettings } from '../helpers/slack-state.js';
import { addIntent, ended, fund, operator } from '../muse/production/fixtures.js';
import { CHANNELS, OPERATOR, startSlackHarness, textOf, type SlackHarness } from './helpers.js';

const GATES = 'CGATES';
const REMINDERS = 'decision-reminders';

/** A gate about an asset, as a Level 4 review of a production would raise. */
const review: WorkflowDefinition = {
  name: 'asset-review',
  autonomous: false,
  input: z.object({ assetId: z.string() }),
  graph: () => ({ start: ['review'], steps: { review: { type: 'review' } } }),
  handlers: {
    review: async (ctx) => ({
      type: 'gate',
      context: { assetId: (ctx.input as { assetId: string }).assetId },
      edges: ['ship', 'hold'],
    }),
  },
};

let h: SlackHarness;
let gcs: GcsServer;
before(async () => {
  gcs = await startGcsServer();
  h = await startSlackHarness({
    workflows: [review],
    env: {
      MEDIA_BUCKET: gcs.bucket,
      MEDIA_STORAGE_OPTIONS: JSON.stringify(gcs.storageOptions()),
      MEDIA_VIDEO_POLL_SECONDS: '1',
    },
  });
  await h.app.db
    .collection(SETTINGS_DOC.collection)
    .doc(SETTINGS_DOC.id)
    .set({ channels: { ...CHANNELS, gates: GATES } }, { merge: true });
  forgetSettings(h.app);
  await fund(h.app, 100);
});
after(async () => {
  await h.stop();
  await gcs.stop();
});

/**
 * A posted gate goes on after its post: it starts its decision reminders, whose timer step reads
 * Firestore. Waits for that timer to park, so nothing runs after the harness stops.
 */
async function gatePosted(runId: string) {
  const post = await h.waitFor('the gate post', async () =>
    h.slack.callsOf('chat.postMessage', GATES).find((c) => textOf(c.body).includes(runId)),
  );
  await h.waitFor('its reminders parked on their timer', async () => {
    const runs = await h.app.db.collection('runs').where('workflow', '==', REMINDERS).get();
    return runs.docs.some(
      (d) => JSON.stringify(d.get('input')).includes(runId) && d.get('steps.timer.status') === 'waiting',
    );
  });
  return post;
}

const sha = (b: ArrayBuffer) => createHash('sha256').update(new Uint8Array(b)).digest('hex');
const imageOf = (body: { blocks?: Array<{ type: string; image_url?: string }> }) =>
  (body.blocks ?? []).find((b) => b.type === 'image');

test('the staged asset is posted with its first frame; a gate about it shows the frame; /muse status links it', async () => {
  await addIntent(h.app.db, 'i-slack-media', 'rooftop beehives');
  const { runId } = await museOf(h.app).production.produceIntent({
    intentId: 'i-slack-media',
    actor: operator,
  });
  const run = await h.waitForRun(runId, ended, 40_000);
  assert.equal(run.status, 'succeeded', JSON.stringify(run.steps));
  const asset = await museOf(h.app).production.getAsset(runId);
  const frame = asset.media!.find((m) => m.kind === 'frame')!;

  const post = await h.waitFor('the staged asset notice', async () =>
    h.slack
      .callsOf('chat.postMessage', CHANNELS.reports)
      .find((c) => /Staged "rooftop beehives"/.test(textOf(c.body))),
  );
  const img = imageOf(post.body);
  assert.ok(img?.image_url, JSON.stringify(post.body.blocks));
  const opened = await fetch(img.image_url);
  assert.equal(opened.status, 200);
  assert.equal(sha(await opened.arrayBuffer()), frame.sha256);

  const r = await h.api('POST', '/v1/runs', { workflow: 'asset-review', input: { assetId: runId } });
  assert.equal(r.status, 201, r.text);
  const gate = await gatePosted(r.json.runId);
  assert.ok(imageOf(gate.body)?.image_url);
  assert.ok(
    (gate.body.blocks ?? []).some((b: { type: string }) => b.type === 'actions'),
    'the gate keeps its buttons',
  );

  const status = await h.command('status', { user: OPERATOR });
  assert.equal(status.status, 200);
  const text = status.text ? textOf(status.json) : textOf((await h.response(status.responseId)).body);
  assert.match(text, new RegExp(`Latest asset:.*/v1/muse/assets/${runId}\\|rooftop beehives.*first frame`));
});

test('a gate naming an asset that does not exist is still posted, without an image', async () => {
  const r = await h.api('POST', '/v1/runs', {
    workflow: 'asset-review',
    input: { assetId: 'no-such-asset' },
  });
  assert.equal(r.status, 201, r.text);
  const gate = await gatePosted(r.json.runId);
  assert.equal(imageOf(gate.body), undefined);
});
