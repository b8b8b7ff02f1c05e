/**
 * Gemini context caching as configuration turns it on (GEMINI_CONTEXT_CACHE, its TTL), through the
 * real @google/genai SDK against the local Vertex wire server: a production context is cached once
 * and referred to by every production call; a new context (a new Bible) gets a new cache and the old
 * one is deleted; a cache near its expiry or gone on Vertex's side is replaced, the call in flight
 * going inline; a refused cache leaves the calls uncached with a warning.
 */
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../functions/src/config.js';
import { createModel, type CreateModelOptions } from '../../functions/src/model/create-model.js';
import type { ModelError, ModelRequest } from '../../functions/src/model/port.js';
import {
  errorReply,
  startVertexServer,
  vertexTestAuth,
  type VertexServer,
} from '../helpers/vertex-server.js';

let vertex: VertexServer;
before(async () => {
  vertex = await startVertexServer();
});
after(() => vertex.stop());
beforeEach(() => vertex.reset());

const BIBLE_V1 = 'You are Lumen, a calm muse.\nPillars: light, craft.\nBanned terms: hype';
const BIBLE_V2 = 'You are Lumen, a calm muse.\nPillars: light, craft, rain.\nBanned terms: hype, viral';

function configWith(env: Record<string, string> = {}) {
  return loadConfig({
    GOOGLE_CLOUD_PROJECT: 'muse-test',
    MODEL_PROVIDER: 'gemini',
    GEMINI_BASE_URL: vertex.url,
    ...env,
  });
}

async function model(env: Record<string, string>, opts: CreateModelOptions = {}) {
  return createModel(configWith(env).model, {
    project: 'muse-test',
    auth: vertexTestAuth('muse-test'),
    baseDelayMs: 1,
    maxDelayMs: 5,
    maxAttempts: 2,
    ...opts,
  });
}

const production = (system: string, purpose: ModelRequest['purpose'] = 'narrative'): ModelRequest => ({
  purpose,
  system,
  prompt: 'Topic: rain gardens',
});

const creates = () => vertex.requests.filter((r) => r.rpc === 'cachedContents.create');
const cacheId = (name: unknown) => String(name).split('/').pop();

test('off unless configured: no cache, the system instruction travels with every call', async () => {
  const m = await model({});
  await m.generate(production(BIBLE_V1));
  assert.equal(creates().length, 0);
  assert.equal(vertex.generateRequests[0]?.body.cachedContent, undefined);
  assert.deepEqual(vertex.generateRequests[0]?.body.systemInstruction.parts, [{ text: BIBLE_V1 }]);
});

test('on: prepared once at warm start, then every production call refers to the cache', async () => {
  const m = await model({ GEMINI_CONTEXT_CACHE: 'on', GEMINI_CONTEXT_CACHE_TTL_SECONDS: '900' });
  const prepared = await m.prepare?.({ purpose: 'narrative', system: BIBLE_V1 });
  assert.equal(cacheId(prepared?.cachedContent), 'cache-1');
  assert.equal(prepared?.sdk, 'loaded');
  assert.equal(creates().length, 1);
  assert.equal(creates()[0]?.body.ttl, '900s');
  assert.deepEqual(creates()[0]?.body.systemInstruction.parts, [{ text: BIBLE_V1 }]);

  const results = [];
  for (const purpose of ['narrative', 'visual', 'motion'] as const)
    results.push(await m.generate(production(BIBLE_V1, purpose)));
  assert.equal(creates().length, 1);
  for (const r of vertex.generateRequests) {
    assert.equal(cacheId(r.body.cachedContent), 'cache-1');
    assert.equal(r.body.systemInstruction, undefined);
  }
  // What a call no longer sends: the Bible's tokens, reported as cached (billed at the cached rate).
  const bibleTokens = Math.ceil(BIBLE_V1.length / 4);
  for (const r of results) assert.equal(r.usage.cachedInputTokens, bibleTokens);

  // Calls outside production (a live chat, a call with tools) are not cached.
  await m.generate(production(BIBLE_V1, 'live'));
  assert.equal(vertex.generateRequests.at(-1)?.body.cachedContent, undefined);
});

test('a new Bible is a new cache; the superseded one is deleted', async () => {
  const m = await model({ GEMINI_CONTEXT_CACHE: 'on' });
  await m.generate(production(BIBLE_V1));
  await m.generate(production(BIBLE_V2));
  assert.deepEqual(
    creates().map((r) => r.body.systemInstruction.parts[0].text),
    [BIBLE_V1, BIBLE_V2],
  );
  assert.deepEqual(
    vertex.generateRequests.map((r) => cacheId(r.body.cachedContent)),
    ['cache-1', 'cache-2'],
  );
  // The delete is best effort, after the call: wait for it to arrive.
  for (let i = 0; i < 200 && vertex.caches.size > 1; i++) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual([...vertex.caches.keys()].map(cacheId), ['cache-2']);
  assert.equal(cacheId(vertex.requests.find((r) => r.rpc === 'cachedContents.delete')?.path), 'cache-1');
});

test('expiry: a cache near its TTL is re-created before use', async () => {
  let now = Date.UTC(2030, 0, 1); // the wire server's cache epoch
  const m = await model(
    { GEMINI_CONTEXT_CACHE: 'on', GEMINI_CONTEXT_CACHE_TTL_SECONDS: '600' },
    { now: () => now },
  );
  await m.generate(production(BIBLE_V1));
  now += 300_000;
  await m.generate(production(BIBLE_V1));
  now += 260_000; // 40 s before expiry: inside the refresh margin
  await m.generate(production(BIBLE_V1));
  assert.deepEqual(
    vertex.generateRequests.map((r) => cacheId(r.body.cachedContent)),
    ['cache-1', 'cache-1', 'cache-2'],
  );
});

test('a cache gone on Vertex (expired early, deleted) is answered 404: the call goes inline, the next re-creates', async () => {
  const warnings: ModelError[] = [];
  const m = await model({ GEMINI_CONTEXT_CACHE: 'on' }, { onCacheError: (e) => warnings.push(e) });
  await m.generate(production(BIBLE_V1));
  const [name] = [...vertex.caches.keys()];
  vertex.expireCache(name!);

  const res = await m.generate(production(BIBLE_V1));
  assert.equal(res.text, 'ok');
  const [, lost, inline] = vertex.generateRequests;
  assert.equal(lost?.body.cachedContent, name);
  assert.equal(inline?.body.cachedContent, undefined);
  assert.deepEqual(inline?.body.systemInstruction.parts, [{ text: BIBLE_V1 }]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!.message, /cache-1 is gone/);

  await m.generate(production(BIBLE_V1));
  assert.equal(cacheId(vertex.generateRequests.at(-1)?.body.cachedContent), 'cache-2');
  assert.equal(creates().length, 2);
});

test('fallback: a refused cache leaves every call uncached, with one warning, and the calls succeed', async () => {
  const warnings: ModelError[] = [];
  vertex.enqueueCache(
    errorReply(400, 'The cached content is of 40 tokens. The minimum token count to start caching is 1024.'),
  );
  const m = await model({ GEMINI_CONTEXT_CACHE: 'on' }, { onCacheError: (e) => warnings.push(e) });
  const prepared = await m.prepare?.({ purpose: 'narrative', system: BIBLE_V1 });
  assert.equal(prepared?.cachedContent, undefined);
  for (let i = 0; i < 3; i++) assert.equal((await m.generate(production(BIBLE_V1))).text, 'ok');
  assert.equal(creates().length, 1);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!.message, /minimum token count/);
  for (const r of vertex.generateRequests) {
    assert.equal(r.body.cachedContent, undefined);
    assert.deepEqual(r.body.systemInstruction.parts, [{ text: BIBLE_V1 }]);
  }
});

test('bad configuration is refused naming the variable', () => {
  for (const [env, name] of [
    [{ GEMINI_CONTEXT_CACHE: 'yes' }, 'GEMINI_CONTEXT_CACHE'],
    [{ GEMINI_CONTEXT_CACHE_TTL_SECONDS: '5' }, 'GEMINI_CONTEXT_CACHE_TTL_SECONDS'],
    [{ GEMINI_CONTEXT_CACHE_TTL_SECONDS: 'an hour' }, 'GEMINI_CONTEXT_CACHE_TTL_SECONDS'],
    [{ MUSE_WARM_START: 'sometimes' }, 'MUSE_WARM_START'],
  ] as const)
    assert.throws(
      () => configWith(env),
      (e) => e instanceof ConfigError && e.problems.some((p) => p.startsWith(name)),
    );
  assert.deepEqual(configWith({}).model.contextCache, { enabled: false, ttlSeconds: 3600 });
  assert.equal(configWith({}).warmStart, true);
});
