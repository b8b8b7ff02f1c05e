import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { createGeminiMediaModel, type GeminiMediaOptions } from '../../functions/src/model/gemini-media.js';
import { scenePrompt, type Scene, type VideoRequest } from '../../functions/src/model/media-port.js';
import {
  errorReply,
  imagesReply,
  inlineImageReply,
  textReply,
  startVertexServer,
  TINY_CLIP,
  TINY_PNG,
  vertexTestAuth,
  rejectsWithModelError,
  type VertexServer,
} from '../helpers/vertex-server.js';

let vertex: VertexServer;
before(async () => {
  vertex = await startVertexServer();
});
after(() => vertex.stop());
beforeEach(() => vertex.reset());

const BASE = '/v1/projects/muse-test/locations/us-central1/publishers/google/models';

function media(extra: Partial<GeminiMediaOptions> = {}) {
  return createGeminiMediaModel({
    project: 'muse-test',
    location: 'us-central1',
    imageModel: 'imagen-4.0-generate-001',
    videoModel: 'veo-3.0-generate-001',
    baseUrl: vertex.url,
    auth: vertexTestAuth('muse-test'),
    baseDelayMs: 1,
    maxDelayMs: 5,
    maxAttempts: 3,
    timeoutMs: 2000,
    ...extra,
  });
}

const scene: Scene = {
  topic: 'solarpunk balconies',
  shot: 2,
  description: 'Close-up of hands potting basil',
  style: 'warm film grain',
  palette: ['#e07a5f', '#f2cc8f', '#3d405b'],
};

const clip = (over: Partial<VideoRequest> = {}): VideoRequest => ({
  prompt: 'Balconies wake up at golden hour',
  aspectRatio: '9:16',
  durationSec: 8,
  storyboard: [{ scene, durationSec: 8 }],
  ...over,
});

test('Imagen: the SDK sends :predict with the prompt and parameters, and the PNGs come back as bytes', async () => {
  const res = await media().generateImages({ scene, aspectRatio: '9:16', count: 2, negativePrompt: 'logos' });
  assert.equal(res.model, 'imagen-4.0-generate-001');
  assert.equal(res.images.length, 2);
  assert.equal(res.filtered, 0);
  assert.deepEqual(Buffer.from(res.images[0]!.bytes), TINY_PNG);
  assert.equal(res.images[0]!.mimeType, 'image/png');
  assert.equal((await sharp(res.images[0]!.bytes).metadata()).format, 'png');

  const [sent] = vertex.imageRequests;
  assert.equal(sent?.path, `${BASE}/imagen-4.0-generate-001:predict`);
  assert.equal(sent?.headers['x-goog-api-key'], 'test-api-key');
  assert.deepEqual(sent?.body.instances, [{ prompt: scenePrompt(scene) }]);
  assert.equal(sent?.body.parameters.sampleCount, 2);
  assert.equal(sent?.body.parameters.aspectRatio, '9:16');
  assert.equal(sent?.body.parameters.negativePrompt, 'logos');
  assert.deepEqual(sent?.body.parameters.outputOptions, { mimeType: 'image/png' });
  assert.equal(sent?.body.parameters.seed, undefined);
});

test('Imagen: a seed turns the watermark off, as Vertex requires', async () => {
  await media().generateImages({ scene, aspectRatio: '1:1', count: 1, seed: 42, prompt: 'custom prompt' });
  const params = vertex.imageRequests[0]?.body.parameters;
  assert.equal(params.seed, 42);
  assert.equal(params.addWatermark, false);
  assert.equal(vertex.imageRequests[0]?.body.instances[0].prompt, 'custom prompt');
});

test('Imagen: filtered images are counted, and all filtered is a terminal error naming the reason', async () => {
  vertex.enqueueImages(imagesReply([TINY_PNG, { filtered: 'person generation blocked' }]));
  const some = await media().generateImages({ scene, aspectRatio: '9:16', count: 2 });
  assert.equal(some.images.length, 1);
  assert.equal(some.filtered, 1);

  vertex.enqueueImages(imagesReply([{ filtered: 'violence' }]));
  const err = await rejectsWithModelError(media().generateImages({ scene, aspectRatio: '9:16', count: 1 }));
  assert.equal(err.retryable, false);
  assert.match(err.message, /filtered: violence/);
});

test('Imagen: a 429 is retried by the SDK; a 400 is terminal; a bad count never leaves', async () => {
  vertex.enqueueImages(errorReply(429, 'Quota exceeded'));
  const ok = await media().generateImages({ scene, aspectRatio: '9:16', count: 1 });
  assert.equal(ok.images.length, 1);
  assert.equal(vertex.imageRequests.length, 2);

  vertex.reset();
  vertex.enqueueImages(errorReply(400, 'Unsupported aspect ratio'));
  const bad = await rejectsWithModelError(media().generateImages({ scene, aspectRatio: '9:16', count: 1 }));
  assert.equal(bad.retryable, false);
  assert.equal(bad.status, 400);
  assert.equal(vertex.imageRequests.length, 1);

  vertex.reset();
  const none = await rejectsWithModelError(media().generateImages({ scene, aspectRatio: '9:16', count: 5 }));
  assert.match(none.message, /count must be 1-4/);
  assert.equal(vertex.imageRequests.length, 0);
});

test('Veo: start sends :predictLongRunning; polls through :fetchPredictOperation until done', async () => {
  vertex.enqueueVideo({ pollsUntilDone: 3, outcome: { videos: [TINY_CLIP] } });
  const model = media();
  const { operation } = await model.startVideo(
    clip({ firstFrame: { bytes: TINY_PNG, mimeType: 'image/png' }, negativePrompt: 'text' }),
  );
  assert.equal(
    operation.name,
    'projects/muse-test/locations/us-central1/publishers/google/models/veo-3.0-generate-001/operations/op-1',
  );
  assert.equal(operation.model, 'veo-3.0-generate-001');
  assert.equal(operation.durationSec, 8);
  // The operation is plain JSON: the engine stores it in a wait state and hands it back later.
  const stored = JSON.parse(JSON.stringify(operation));

  const [start] = vertex.videoRequests;
  assert.equal(start?.path, `${BASE}/veo-3.0-generate-001:predictLongRunning`);
  assert.equal(start?.body.instances[0].prompt, 'Balconies wake up at golden hour');
  assert.deepEqual(start?.body.instances[0].image, {
    bytesBase64Encoded: TINY_PNG.toString('base64'),
    mimeType: 'image/png',
  });
  assert.deepEqual(
    { ...start?.body.parameters },
    { sampleCount: 1, aspectRatio: '9:16', durationSeconds: 8, generateAudio: false, negativePrompt: 'text' },
  );

  assert.deepEqual(await model.pollVideo(stored), { done: false });
  assert.deepEqual(
    await media().pollVideo(stored),
    { done: false },
    'another instance polls the same operation',
  );
  const done = await model.pollVideo(stored);
  assert.ok(done.done && 'videos' in done);
  assert.deepEqual(Buffer.from(done.videos[0]!.bytes), TINY_CLIP);
  assert.equal(done.videos[0]!.mimeType, 'video/mp4');
  assert.equal(done.videos[0]!.durationSec, 8);

  const polls = vertex.pollRequests;
  assert.equal(polls.length, 3);
  assert.equal(polls[0]?.path, `${BASE}/veo-3.0-generate-001:fetchPredictOperation`);
  assert.deepEqual(polls[0]?.body, { operationName: operation.name });
});

test('Veo: an operation that ends in error is reported, retryable by its code', async () => {
  vertex.enqueueVideo(
    { outcome: { error: { code: 8, message: 'Resource exhausted' } } },
    { outcome: { error: { code: 3, message: 'Prompt refused' } } },
    { outcome: { filtered: ['child safety'] } },
  );
  const model = media();
  const polls = [];
  for (let i = 0; i < 3; i++) polls.push(await model.pollVideo((await model.startVideo(clip())).operation));
  assert.deepEqual(
    polls.map((p) => (p.done && 'error' in p ? p.error.retryable : 'no error')),
    [true, false, false],
  );
  const [exhausted, refused, filtered] = polls.map((p) => (p.done && 'error' in p ? p.error.message : ''));
  assert.match(exhausted!, /code 8.*Resource exhausted/);
  assert.match(refused!, /Prompt refused/);
  assert.match(filtered!, /filtered: child safety/);
});

test('Veo: a poll that fails in transport throws a ModelError the step can retry; a 404 is terminal', async () => {
  const model = media({ maxAttempts: 2 });
  const { operation } = await model.startVideo(clip());
  vertex.enqueuePoll(errorReply(503), errorReply(503));
  const err = await rejectsWithModelError(model.pollVideo(operation));
  assert.equal(err.retryable, true);
  assert.equal(err.status, 503);

  const lost = await rejectsWithModelError(model.pollVideo({ ...operation, name: `${operation.name}-gone` }));
  assert.equal(lost.status, 404);
  assert.equal(lost.retryable, false);

  const garbage = await rejectsWithModelError(model.pollVideo({ ...operation, name: 'local-animatic/abc' }));
  assert.match(garbage.message, /not a Veo operation/);
});

test('Veo: a refused start is a terminal ModelError', async () => {
  vertex.enqueueVideo(errorReply(400, 'durationSeconds must be 4, 6 or 8'));
  const err = await rejectsWithModelError(media().startVideo(clip({ durationSec: 30 })));
  assert.equal(err.retryable, false);
  assert.match(err.message, /durationSeconds/);
});

test('a Gemini image model: generateContent with the IMAGE modality, one call per image', async () => {
  const other = Buffer.from(TINY_PNG);
  other[other.length - 1] = 0x83;
  vertex.enqueue(inlineImageReply(TINY_PNG), inlineImageReply(other, 'image/jpeg'));
  const model = media({ imageModel: 'gemini-2.5-flash-image' });
  const res = await model.generateImages({
    scene,
    aspectRatio: '3:4',
    count: 2,
    seed: 7,
    negativePrompt: 'logos',
  });
  assert.equal(res.model, 'gemini-2.5-flash-image');
  assert.deepEqual(
    res.images.map((i) => [Buffer.from(i.bytes), i.mimeType]),
    [
      [TINY_PNG, 'image/png'],
      [other, 'image/jpeg'],
    ],
  );
  const sent = vertex.generateRequests;
  assert.equal(sent.length, 2);
  assert.equal(sent[0]?.path, `${BASE}/gemini-2.5-flash-image:generateContent`);
  assert.deepEqual(sent[0]?.body.generationConfig.responseModalities, ['IMAGE']);
  assert.deepEqual(sent[0]?.body.generationConfig.imageConfig, { aspectRatio: '3:4' });
  assert.deepEqual([sent[0]?.body.generationConfig.seed, sent[1]?.body.generationConfig.seed], [7, 8]);
  assert.equal(sent[0]?.body.contents[0].parts[0].text, `${scenePrompt(scene)} Avoid: logos.`);
  assert.equal(vertex.imageRequests.length, 0, 'no Imagen call');

  vertex.enqueue(textReply('I would rather describe it.'));
  const err = await rejectsWithModelError(model.generateImages({ scene, aspectRatio: '1:1', count: 1 }));
  assert.equal(err.retryable, false);
  assert.match(err.message, /no image \(STOP\)/);
});
