import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createGeminiModel, type GeminiOptions } from '../../functions/src/model/gemini.js';
import type { ModelError, ModelRequest } from '../../functions/src/model/port.js';
import {
  errorReply,
  functionCallReply,
  jsonReply,
  startVertexServer,
  textReply,
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

function gemini(extra: Partial<GeminiOptions> = {}) {
  return createGeminiModel({
    project: 'muse-test',
    location: 'us-central1',
    model: 'gemini-2.5-flash',
    baseUrl: vertex.url,
    auth: vertexTestAuth('muse-test'),
    baseDelayMs: 1,
    maxDelayMs: 5,
    maxAttempts: 3,
    timeoutMs: 2000,
    ...extra,
  });
}

const ask = (over: Partial<ModelRequest> = {}): ModelRequest => ({
  purpose: 'narrative',
  system: 'You are the muse.',
  prompt: 'Topic: solarpunk balconies',
  ...over,
});

test('text round-trips through the SDK, with usage and the request the SDK sent', async () => {
  vertex.enqueue(
    textReply('Golden light on every balcony.', { promptTokenCount: 21, candidatesTokenCount: 7 }),
  );
  const res = await gemini().generate(ask({ temperature: 0.4, maxOutputTokens: 256 }));
  assert.equal(res.text, 'Golden light on every balcony.');
  assert.deepEqual(res.toolCalls, []);
  assert.deepEqual(res.usage, { inputTokens: 21, outputTokens: 7 });
  assert.equal(res.finishReason, 'STOP');
  assert.equal(res.json, undefined);
  assert.equal(res.model, 'gemini-2.5-flash', 'the configured name, which the price table knows');

  const [sent] = vertex.generateRequests;
  assert.ok(sent);
  assert.equal(
    sent.path,
    '/v1/projects/muse-test/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent',
  );
  assert.equal(sent.headers['x-goog-api-key'], 'test-api-key');
  assert.deepEqual(sent.body.contents, [{ role: 'user', parts: [{ text: 'Topic: solarpunk balconies' }] }]);
  assert.deepEqual(sent.body.systemInstruction.parts, [{ text: 'You are the muse.' }]);
  assert.equal(sent.body.generationConfig.temperature, 0.4);
  assert.equal(sent.body.generationConfig.maxOutputTokens, 256);
  assert.equal(sent.body.tools, undefined);
});

test('a responseSchema is sent as JSON mode and the answer is parsed', async () => {
  const schema = {
    type: 'object',
    properties: { drift: { type: 'number' }, notes: { type: 'array', items: { type: 'string' } } },
    required: ['drift', 'notes'],
  };
  vertex.enqueue(jsonReply({ drift: 0.01, notes: ['on voice'] }));
  const res = await gemini().generate(ask({ purpose: 'critic', responseSchema: schema }));
  assert.deepEqual(res.json, { drift: 0.01, notes: ['on voice'] });

  const cfg = vertex.generateRequests[0]?.body.generationConfig;
  assert.equal(cfg.responseMimeType, 'application/json');
  assert.equal(cfg.responseSchema.type.toLowerCase(), 'object');
  assert.deepEqual(Object.keys(cfg.responseSchema.properties), ['drift', 'notes']);
  assert.deepEqual(cfg.responseSchema.required, ['drift', 'notes']);
});

test('a function call comes back as a tool call, and tools are declared on the wire', async () => {
  vertex.enqueue(functionCallReply('show_asset', { assetId: 'asset-42' }, 'Here it is.'));
  const tools = [
    {
      name: 'show_asset',
      description: 'Shows a staged asset',
      parameters: { type: 'object', properties: { assetId: { type: 'string' } }, required: ['assetId'] },
    },
  ];
  const res = await gemini().generate(ask({ purpose: 'live', prompt: 'show me asset-42', tools }));
  assert.deepEqual(res.toolCalls, [{ name: 'show_asset', args: { assetId: 'asset-42' } }]);
  assert.equal(res.text, 'Here it is.');
  const decl = vertex.generateRequests[0]?.body.tools[0].functionDeclarations[0];
  assert.equal(decl.name, 'show_asset');
  assert.equal(decl.description, 'Shows a staged asset');
  assert.deepEqual(decl.parameters.required, ['assetId']);
});

test('usage counts thinking tokens as output and reports cached input', async () => {
  vertex.enqueue(
    textReply('ok', {
      promptTokenCount: 100,
      candidatesTokenCount: 10,
      thoughtsTokenCount: 30,
      cachedContentTokenCount: 80,
    }),
  );
  const res = await gemini().generate(ask());
  assert.deepEqual(res.usage, { inputTokens: 100, outputTokens: 40, cachedInputTokens: 80 });
});

test('a 429 is retried and then succeeds', async () => {
  vertex.enqueue(errorReply(429, 'Quota exceeded'), textReply('second time lucky'));
  const res = await gemini().generate(ask());
  assert.equal(res.text, 'second time lucky');
  assert.equal(vertex.generateRequests.length, 2);
});

test('a 400 is terminal and not retried', async () => {
  vertex.enqueue(errorReply(400, 'Invalid schema'));
  const err = await rejectsWithModelError(gemini().generate(ask()));
  assert.equal(err.retryable, false);
  assert.equal(err.status, 400);
  assert.match(err.message, /Invalid schema/);
  assert.equal(vertex.generateRequests.length, 1);
});

test('503s until attempts run out: retryable, after maxAttempts tries', async () => {
  vertex.enqueue(errorReply(503), errorReply(503), errorReply(503), textReply('too late'));
  const err = await rejectsWithModelError(gemini({ maxAttempts: 3 }).generate(ask()));
  assert.equal(err.retryable, true);
  assert.equal(err.status, 503);
  assert.match(err.message, /after 3 attempts/);
  assert.equal(vertex.generateRequests.length, 3);
});

test('garbage JSON under a responseSchema is a retryable error that keeps the raw text', async () => {
  vertex.enqueue(textReply('{"drift": 0.01, "notes": [oops'));
  const err = await rejectsWithModelError(gemini().generate(ask({ responseSchema: { type: 'object' } })));
  assert.equal(err.retryable, true);
  assert.equal(err.raw, '{"drift": 0.01, "notes": [oops');
  // Left to the caller's policy: the adapter does not resample on its own.
  assert.equal(vertex.generateRequests.length, 1);
});

test('a timeout is retried and, when it persists, retryable', async () => {
  vertex.enqueue({ ...textReply('slow'), delayMs: 400 }, { ...textReply('slow'), delayMs: 400 });
  const err = await rejectsWithModelError(gemini({ timeoutMs: 100, maxAttempts: 2 }).generate(ask()));
  assert.equal(err.retryable, true);
  assert.match(err.message, /timed out/);
  assert.equal(vertex.generateRequests.length, 2);
});

test('a dropped connection is retried like a 503, within the same attempts', async () => {
  vertex.enqueue({ drop: true }, textReply('reconnected'));
  const res = await gemini().generate(ask());
  assert.equal(res.text, 'reconnected');
  assert.equal(vertex.generateRequests.length, 2);

  vertex.reset();
  vertex.enqueue({ drop: true }, { drop: true }, { drop: true }, textReply('too late'));
  const err = await rejectsWithModelError(gemini({ maxAttempts: 3 }).generate(ask()));
  assert.equal(err.retryable, true);
  assert.match(err.message, /unreachable.*after 3 attempts/);
  assert.equal(vertex.generateRequests.length, 3);
});

test('cache creation is not retried: a transient failure falls back inline and tries again next call', async () => {
  const seen: ModelError[] = [];
  vertex.enqueueCache(errorReply(503, 'busy'));
  const model = gemini({ cache: { systemInstruction: 'bible', onError: (e) => seen.push(e) } });
  await model.generate(ask({ system: 'bible' }));
  assert.equal(seen.length, 1);
  assert.equal(seen[0]?.retryable, true);
  assert.equal(vertex.requests.filter((r) => r.rpc === 'cachedContents.create').length, 1);
  assert.equal(vertex.generateRequests[0]?.body.cachedContent, undefined);
  await model.generate(ask({ system: 'bible' }));
  assert.equal(vertex.requests.filter((r) => r.rpc === 'cachedContents.create').length, 2);
  assert.equal(String(vertex.generateRequests[1]?.body.cachedContent).split('/').pop(), 'cache-1');
});

test('a blocked answer is terminal', async () => {
  vertex.enqueue({
    body: { candidates: [{ content: { role: 'model', parts: [] }, finishReason: 'SAFETY' }] },
  });
  const err = await rejectsWithModelError(gemini().generate(ask()));
  assert.equal(err.retryable, false);
});

test('context caching: the Bible is cached once and referenced instead of resent', async () => {
  const bible = 'IDENTITY BIBLE\nVoice: warm, curious.\nBanned: cheap, viral hack';
  const model = gemini({
    cache: { systemInstruction: bible, ttlSeconds: 600 },
    now: () => Date.UTC(2030, 0, 1),
  });
  await model.generate(ask({ system: `${bible}\nYou write narratives.` }));
  await model.generate(ask({ system: bible }));

  const creates = vertex.requests.filter((r) => r.rpc === 'cachedContents.create');
  assert.equal(creates.length, 1);
  assert.equal(creates[0]?.path, '/v1/projects/muse-test/locations/us-central1/cachedContents');
  assert.equal(creates[0]?.body.ttl, '600s');
  assert.deepEqual(creates[0]?.body.systemInstruction.parts, [{ text: bible }]);

  const [first, second] = vertex.generateRequests;
  assert.equal(first?.body.cachedContent, 'projects/muse-test/locations/us-central1/cachedContents/cache-1');
  assert.equal(first?.body.systemInstruction, undefined);
  // The purpose-specific rest of the system prompt travels ahead of the prompt.
  assert.equal(first?.body.contents[0].parts[0].text, 'You write narratives.\n\nTopic: solarpunk balconies');
  assert.equal(second?.body.cachedContent, first?.body.cachedContent);
});

test('context caching: the cache is re-created when it nears expiry', async () => {
  let now = Date.UTC(2030, 0, 1);
  const model = gemini({ cache: { systemInstruction: 'bible', ttlSeconds: 600 }, now: () => now });
  await model.generate(ask({ system: 'bible' }));
  now += 550_000; // inside the refresh margin before the 600 s expiry
  await model.generate(ask({ system: 'bible' }));
  assert.equal(vertex.requests.filter((r) => r.rpc === 'cachedContents.create').length, 2);
  assert.deepEqual(
    vertex.generateRequests.map((r) => String(r.body.cachedContent).split('/').pop()),
    ['cache-1', 'cache-2'],
  );
});

test('context caching: calls with tools send the system prompt inline', async () => {
  const model = gemini({ cache: { systemInstruction: 'bible' } });
  const tools = [
    { name: 'get_status', description: 'status', parameters: { type: 'object', properties: {} } },
  ];
  await model.generate(ask({ system: 'bible', tools }));
  assert.equal(vertex.generateRequests[0]?.body.cachedContent, undefined);
  assert.deepEqual(vertex.generateRequests[0]?.body.systemInstruction.parts, [{ text: 'bible' }]);
});

test('context caching: a refused cache falls back to the inline system prompt', async () => {
  const seen: ModelError[] = [];
  vertex.enqueueCache(errorReply(400, 'Cached content is too small'));
  const model = gemini({ cache: { systemInstruction: 'short bible', onError: (e) => seen.push(e) } });
  const res = await model.generate(ask({ system: 'short bible' }));
  assert.equal(res.text, 'ok');
  await model.generate(ask({ system: 'short bible' }));
  assert.equal(seen.length, 1);
  assert.equal(seen[0]?.retryable, false);
  assert.equal(vertex.requests.filter((r) => r.rpc === 'cachedContents.create').length, 1);
  for (const r of vertex.generateRequests) {
    assert.equal(r.body.cachedContent, undefined);
    assert.deepEqual(r.body.systemInstruction.parts, [{ text: 'short bible' }]);
  }
});

test('the model name is the configured one, for pricing', () => {
  assert.equal(gemini().model, 'gemini-2.5-flash');
});

test('pictures go with the prompt as inline image parts (the critic sees the frames)', async () => {
  vertex.enqueue(jsonReply({ drift: 0, violations: [], notes: 'on palette' }));
  const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
  await gemini().generate(
    ask({
      purpose: 'critic',
      images: [{ mimeType: 'image/png', bytes: png }],
      responseSchema: { type: 'object' },
    }),
  );
  const parts = vertex.requests.at(-1)!.body.contents[0].parts;
  assert.equal(parts[0].text, 'Topic: solarpunk balconies');
  assert.deepEqual(parts[1], {
    inlineData: { mimeType: 'image/png', data: Buffer.from(png).toString('base64') },
  });
});
