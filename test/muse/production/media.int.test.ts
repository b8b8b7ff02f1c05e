/**
 * Production makes media, end to end: the real engine (functions framework, Pub/Sub push,
 * Firestore emulator), the local media model (storyboard frames, an animatic), and the media store
 * through @google-cloud/storage against the local Cloud Storage server. Also: the clip's durable
 * polls with a deadline and restarts, motion turned off, media prices reserved and settled
 * (withheld images not billed), an unpriced image model failing closed, rejected drafts copied
 * under drafts/rejected, and signed URLs in GET /v1/muse/assets/:id.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createLocalMediaModel } from '../../../functions/src/model/local-media.js';
import type { MediaModelPort } from '../../../functions/src/model/media-port.js';
import { ModelError } from '../../../functions/src/model/port.js';
import { createMuse } from '../../../functions/src/muse/system.js';
import type { ProductionMedia } from '../../../functions/src/muse/production/media.js';
import { DEFAULT_PRICE_TABLE } from '../../../functions/src/muse/wallet/core/pricing.js';
import { engineOf } from '../../../functions/src/wiring/engine.js';
import { mediaOf } from '../../../functions/src/wiring/media.js';
import { museDepsOf, museOf } from '../../../functions/src/wiring/muse.js';
import { startGcsServer, type GcsServer } from '../../../scripts/lib/gcs-server.js';
import { startHarness, type Harness } from '../../helpers/engine-harness.js';
import { addIntent, ended, fund, ledgerOf, operator, setPrices, topicModel } from './fixtures.js';

let h: Harness;
let gcs: GcsServer;

before(async () => {
  gcs = await startGcsServer();
  h = await startHarness({
    env: {
      MEDIA_BUCKET: gcs.bucket,
      MEDIA_STORAGE_OPTIONS: JSON.stringify(gcs.storageOptions()),
      MEDIA_VIDEO_POLL_SECONDS: '1',
    },
  });
  await fund(h.app, 100);
});
after(async () => {
  await h.stop();
  await gcs.stop();
});

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const media = () => mediaOf(h.app)!;

/** Registers the production workflow with this media (and the topic model), as the product would. */
function produceWithMedia(m: Partial<ProductionMedia> = {}): void {
  const deps = museDepsOf(h.app);
  engineOf(h.app).workflows.register(
    createMuse({ ...deps, model: topicModel(), media: { ...media(), ...m } }).production.workflow(),
  );
}

async function produce(intentId: string, topic: string) {
  await addIntent(h.app.db, intentId, topic);
  const { runId } = await museOf(h.app).production.produceIntent({ intentId, actor: operator });
  return { runId, run: await h.waitForRun(runId, ended, 40_000) };
}

const assetOf = async (id: string) => (await h.app.db.collection('stagedAssets').doc(id).get()).data();
const intentOf = async (id: string) => (await h.app.db.collection('intents').doc(id).get()).data()!;

test('a production draws a frame per shot and cuts an animatic, stored by hash, priced, checked and linked', async () => {
  produceWithMedia();
  await setPrices(h.app, {
    ...DEFAULT_PRICE_TABLE,
    'local-storyboard': { perImage: 0.01 },
    'local-animatic': { perSecond: 0.001 },
  });
  const { runId, run } = await produce('i-balcony', 'solarpunk balconies');
  assert.equal(run.status, 'succeeded', JSON.stringify(run.steps));
  assert.deepEqual(
    Object.keys(run.steps).filter((s) => run.steps[s]!.status === 'done'),
    ['gate', 'narrative', 'visual', 'frames', 'motion', 'clip', 'critic', 'publish'],
  );
  // The clip step parked in a durable wait and was woken to poll.
  assert.ok((run.steps.clip as { wake?: number }).wake! >= 1, JSON.stringify(run.steps.clip));

  const asset = (await assetOf(runId))!;
  const shots = Math.min(asset.visual.shots.length, 6);
  const frames = asset.media.filter((m: { kind: string }) => m.kind === 'frame');
  const clips = asset.media.filter((m: { kind: string }) => m.kind === 'animatic');
  assert.equal(frames.length, shots);
  assert.deepEqual(
    frames.map((f: { shot: number }) => f.shot),
    Array.from({ length: shots }, (_, i) => i + 1),
  );
  assert.equal(clips.length, 1);
  for (const m of asset.media) {
    const stored = gcs.objects.get(m.name);
    assert.ok(stored, m.name);
    assert.equal(sha(stored.bytes), m.sha256);
    assert.equal(stored.bytes.length, m.bytes);
    assert.match(m.name, new RegExp(`^media/assets/${m.sha256}\\.(png|webp)$`));
  }
  assert.equal(frames[0].contentType, 'image/png');
  assert.equal(clips[0].contentType, 'image/webp');

  // The critic computed what it could about the pictures, and every check passed.
  assert.deepEqual(
    asset.verdict.media.map((c: { check: string; ok: boolean }) => [c.check, c.ok]),
    [
      ['palette', true],
      ['shot-count', true],
      ['aspect-ratio', true],
      ['durations', true],
    ],
  );
  assert.equal(asset.cost.images, shots);
  assert.equal(asset.cost.videoSeconds, clips[0].durationSec);
  // Reserved: text + 6 images + 8 s; settled: text + the frames drawn + the animatic's seconds.
  const text = (u: { inputTokens: number; outputTokens: number }) =>
    (u.inputTokens / 1000) * 0.0003 + (u.outputTokens / 1000) * 0.0025;
  const expected = text(asset.cost) + shots * 0.01 + clips[0].durationSec * 0.001;
  assert.ok(Math.abs(asset.cost.actual - expected) < 1e-5, `${asset.cost.actual} vs ${expected}`);
  assert.ok(asset.cost.estimated >= 6 * 0.01 + 8 * 0.001);
  assert.deepEqual(await ledgerOf(h.app.db, runId), ['reserve', 'debit', 'release']);

  // The API lists the media with signed URLs that open them; the bucket alone refuses.
  const res = await h.api('GET', `/v1/muse/assets/${runId}`);
  assert.equal(res.status, 200);
  assert.equal(res.json.media.length, asset.media.length);
  const first = res.json.media[0];
  assert.ok(first.url && first.expiresAt);
  const opened = await fetch(first.url);
  assert.equal(opened.status, 200);
  assert.equal(sha(new Uint8Array(await opened.arrayBuffer())), first.sha256);
  assert.equal((await fetch(first.url.split('?')[0])).status, 403);
  const latest = await museOf(h.app).production.latestAsset();
  assert.equal(latest?.id, runId);

  // The same content again: the same bytes under the same names, nothing new written.
  const before = new Map([...gcs.objects].map(([k, v]) => [k, v.generation]));
  const again = await produce('i-balcony-2', 'solarpunk balconies');
  assert.equal(again.run.status, 'succeeded');
  const second = (await assetOf(again.runId))!;
  assert.deepEqual(
    second.media.map((m: { name: string }) => m.name),
    asset.media.map((m: { name: string }) => m.name),
  );
  assert.deepEqual(new Map([...gcs.objects].map(([k, v]) => [k, v.generation])), before);
});

test('safe mode draws template frames with the local storyboard and reserves nothing', async () => {
  await setPrices(h.app, DEFAULT_PRICE_TABLE);
  produceWithMedia({ model: failingImages('the provider must not be called in safe mode') });
  await addIntent(h.app.db, 'i-safe', 'tide pools');
  const { runId } = await engineOf(h.app).startWorkflowRun({
    workflow: 'muse-production',
    input: { intentId: 'i-safe', topic: 'tide pools', mode: 'template' },
    actor: operator,
    runId: 'run-safe-1',
  });
  const run = await h.waitForRun(runId, ended, 40_000);
  assert.equal(run.status, 'succeeded', JSON.stringify(run.steps));
  const asset = (await assetOf(runId))!;
  assert.equal(asset.mode, 'template');
  assert.ok(asset.media.some((m: { kind: string }) => m.kind === 'frame'));
  assert.ok(asset.media.some((m: { kind: string }) => m.kind === 'animatic'));
  assert.deepEqual(await ledgerOf(h.app.db, runId), []);
});

test('motion turned off: frames only, no clip step, no video reserved', async () => {
  produceWithMedia({ motion: false });
  const { runId, run } = await produce('i-still', 'quiet libraries');
  assert.equal(run.status, 'succeeded');
  assert.equal(run.steps.clip, undefined);
  const asset = (await assetOf(runId))!;
  assert.ok(asset.media.length >= 1);
  assert.ok(asset.media.every((m: { kind: string }) => m.kind === 'frame'));
  assert.equal(asset.cost.videoSeconds, 0);
});

test('a clip that is not ready by the deadline fails the run clearly; the reservation is settled', async () => {
  const local = createLocalMediaModel();
  produceWithMedia({
    model: { ...withImages(local, (r) => local.generateImages(r)), pollVideo: async () => ({ done: false }) },
    videoDeadlineMs: 1500,
    videoPollMs: 500,
  });
  const { runId, run } = await produce('i-slow', 'slow rivers');
  assert.equal(run.status, 'failed');
  assert.ok((run.steps.clip as { wake?: number }).wake! >= 2);
  const intent = await intentOf('i-slow');
  assert.match(intent.reason, /clip: the video was not ready \d+ s after it started \(deadline 2 s\)/);
  assert.deepEqual(await ledgerOf(h.app.db, runId), ['reserve', 'debit', 'release']);
});

test('a retryable video failure starts the clip again; a terminal one fails with the provider message', async () => {
  const local = createLocalMediaModel();
  let polls = 0;
  produceWithMedia({
    model: {
      ...withImages(local, (r) => local.generateImages(r)),
      pollVideo: async (op) =>
        ++polls === 1
          ? { done: true, model: op.model, error: { message: 'quota exhausted', retryable: true } }
          : local.pollVideo(op),
    },
  });
  const { runId, run } = await produce('i-retry', 'night markets');
  assert.equal(run.status, 'succeeded', JSON.stringify(run.steps));
  const { getWorkflowRunOutputs } = await import('../../../functions/src/engine/workflow-runs.js');
  assert.equal(((await getWorkflowRunOutputs(h.app, runId)).clip as { starts: number }).starts, 2);

  produceWithMedia({
    model: {
      ...withImages(local, (r) => local.generateImages(r)),
      pollVideo: async (op) => ({
        done: true,
        model: op.model,
        error: { message: 'prompt refused', retryable: false },
      }),
    },
  });
  const refused = await produce('i-refused', 'harbour fog');
  assert.equal(refused.run.status, 'failed');
  assert.match(
    (await intentOf('i-refused')).reason,
    /clip: video generation failed after 1 start\(s\): prompt refused/,
  );
});

test('withheld images are not billed', async () => {
  const local = createLocalMediaModel();
  produceWithMedia({
    model: {
      ...withImages(local, async (req) =>
        req.scene.shot === 2
          ? { model: local.imageModel, images: [], filtered: 1 }
          : local.generateImages(req),
      ),
    },
  });
  const { runId, run } = await produce('i-filter', 'paper lanterns');
  assert.equal(run.status, 'succeeded', JSON.stringify(run.steps));
  const asset = (await assetOf(runId))!;
  const frames = asset.media.filter((m: { kind: string }) => m.kind === 'frame');
  assert.ok(!frames.some((f: { shot: number }) => f.shot === 2));
  assert.equal(asset.cost.images, frames.length);
  // The critic accounts for the withheld frame: the provider's filter, not drift.
  const count = asset.verdict.media.find((c: { check: string }) => c.check === 'shot-count');
  assert.equal(count.ok, true);
  assert.match(count.detail, /1 withheld/);
});

test('an image model with no price fails closed at the gate', async () => {
  produceWithMedia();
  const { 'local-storyboard': _dropped, ...table } = DEFAULT_PRICE_TABLE;
  await setPrices(h.app, table);
  const { runId, run } = await produce('i-unpriced', 'kite festivals');
  assert.equal(run.status, 'failed');
  assert.match(run.steps.gate!.error ?? '', /fail closed: no price for model "local-storyboard"/);
  assert.deepEqual(await ledgerOf(h.app.db, runId), []);
  await setPrices(h.app, DEFAULT_PRICE_TABLE);
});

test('a rejected draft has its media copied under drafts/rejected for the lifecycle rule', async () => {
  produceWithMedia();
  const { runId, run } = await produce('i-loud', 'off-voice street food');
  assert.equal(run.status, 'succeeded');
  assert.equal(run.steps.critic!.edge, 'reject');
  assert.equal(await assetOf(runId), undefined);
  const rejected = await media().store.list('drafts/rejected');
  assert.ok(rejected.length >= 2);
  for (const r of rejected) assert.match(r.name, /^media\/drafts\/rejected\/[0-9a-f]{64}\.(png|webp)$/);
});

function withImages(local: MediaModelPort, generateImages: MediaModelPort['generateImages']): MediaModelPort {
  return {
    imageModel: local.imageModel,
    videoModel: local.videoModel,
    generateImages,
    startVideo: (r) => local.startVideo(r),
    pollVideo: (op) => local.pollVideo(op),
  };
}

function failingImages(message: string): MediaModelPort {
  return withImages(createLocalMediaModel(), async () => {
    throw new ModelError(message, false);
  });
}

test('a stored asset with odd media reads as a 200: entries without a name or that cannot be signed are listed unlinked, a non-list links nothing', async () => {
  const at = new Date('2026-01-01T00:00:00Z');
  const stored = await h.app.db.collection('stagedAssets').limit(1).get();
  const good = stored.docs[0]!.get('media')[0];
  const unsignable = { kind: 'frame', name: 'frames/not-a-hash.png', contentType: 'image/png' };
  const odd = [
    good,
    { kind: 'frame', contentType: 'image/png' },
    { kind: 'video', name: '' },
    null,
    unsignable,
  ];
  await h.app.db
    .collection('stagedAssets')
    .doc('odd-media')
    .set({ id: 'odd-media', topic: 'odd', createdAt: at, media: odd });
  await h.app.db
    .collection('stagedAssets')
    .doc('odd-map')
    .set({ id: 'odd-map', topic: 'odd', createdAt: at, media: { a: good } });
  await h.app.db
    .collection('stagedAssets')
    .doc('no-media')
    .set({ id: 'no-media', topic: 'odd', createdAt: at });

  const res = await h.api('GET', '/v1/muse/assets/odd-media');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.media.length, 5);
  assert.ok(res.json.media[0].url, 'the well-formed entry is linked');
  assert.deepEqual(
    res.json.media.slice(1).map((m: { url?: string } | null) => m?.url),
    [undefined, undefined, undefined, undefined],
  );
  for (const id of ['odd-map', 'no-media']) {
    const r = await h.api('GET', `/v1/muse/assets/${id}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.media, []);
  }
  const preview = await museOf(h.app).production.preview('odd-map');
  assert.deepEqual([preview?.frames, preview?.firstFrameUrl], [0, undefined]);
});
