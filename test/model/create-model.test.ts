import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createMediaModel, createModel } from '../../functions/src/model/create-model.js';
import { startVertexServer, textReply, vertexTestAuth, type VertexServer } from '../helpers/vertex-server.js';

let vertex: VertexServer;
before(async () => {
  vertex = await startVertexServer();
});
after(() => vertex.stop());

test('provider local gives the deterministic local model', async () => {
  const model = await createModel({
    provider: 'local',
    geminiModel: 'gemini-2.5-flash',
    location: 'us-central1',
  });
  assert.equal(model.model, 'local-muse-1');
});

test('provider gemini gives the Gemini adapter, wired from config', async () => {
  vertex.enqueue(textReply('from gemini'));
  const model = await createModel(
    { provider: 'gemini', geminiModel: 'gemini-2.5-pro', location: 'europe-west4', baseUrl: vertex.url },
    { project: 'muse-prod', auth: vertexTestAuth('muse-prod') },
  );
  assert.equal(model.model, 'gemini-2.5-pro');
  const res = await model.generate({ purpose: 'plan', prompt: 'Topic: x' });
  assert.equal(res.text, 'from gemini');
  assert.equal(
    vertex.generateRequests[0]?.path,
    '/v1/projects/muse-prod/locations/europe-west4/publishers/google/models/gemini-2.5-pro:generateContent',
  );
});

test('provider gemini without a project is refused', async () => {
  await assert.rejects(
    createModel({ provider: 'gemini', geminiModel: 'gemini-2.5-flash', location: 'us-central1' }),
    /project/,
  );
});

const media = {
  imageModel: 'imagen-4.0-generate-001',
  videoModel: 'veo-3.0-generate-001',
  location: 'europe-west4',
};
const scene = { topic: 't', shot: 1, description: 'd', style: 's', palette: ['#112233'] };

test('media: provider local gives the storyboard renderer; gemini gives Imagen and Veo, wired from settings', async () => {
  const local = await createMediaModel({ provider: 'local', ...media });
  assert.deepEqual([local.imageModel, local.videoModel], ['local-storyboard', 'local-animatic']);

  const vertexMedia = await createMediaModel(
    { provider: 'gemini', ...media, baseUrl: vertex.url },
    { project: 'muse-prod', auth: vertexTestAuth('muse-prod') },
  );
  assert.deepEqual([vertexMedia.imageModel, vertexMedia.videoModel], [media.imageModel, media.videoModel]);
  await vertexMedia.generateImages({ scene, aspectRatio: '1:1', count: 1 });
  assert.equal(
    vertex.imageRequests.at(-1)?.path,
    '/v1/projects/muse-prod/locations/europe-west4/publishers/google/models/imagen-4.0-generate-001:predict',
  );
  await assert.rejects(createMediaModel({ provider: 'gemini', ...media }), /project/);
});
