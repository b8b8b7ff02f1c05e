/**
 * Warm start on the Firestore emulator, with Gemini through the real SDK against the local Vertex
 * wire server: `/readyz` (served by the real functions framework) answers 503 naming what is still
 * loading, then 200; the first production step uses the Bible and the context cache the warm-up
 * loaded (no Bible read, no cache creation of its own); a Bible edit by another instance reaches the
 * steps by version, with a new context cache; a warm-up that fails says where.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { loadConfig } from '../../../functions/src/config.js';
import { createModel } from '../../../functions/src/model/create-model.js';
import { createLocalModel } from '../../../functions/src/model/local.js';
import { bibleCacheStats, saveBible } from '../../../functions/src/muse/production/bible-store.js';
import { DEFAULT_BIBLE, type Bible } from '../../../functions/src/muse/production/core/bible.js';
import { narrativeRequest, systemOf } from '../../../functions/src/muse/production/core/prompts.js';
import type { StepContext } from '../../../functions/src/muse/production/step.js';
import { auditInTransaction, recordAudit } from '../../../functions/src/platform/audit.js';
import { setContainer, type Container } from '../../../functions/src/platform/container.js';
import { createLogger } from '../../../functions/src/platform/log.js';
import { createApp } from '../../../functions/src/wiring/app.js';
import { museOf } from '../../../functions/src/wiring/muse.js';
import { createWarmUp, instanceWarmUp, warmAtLoad } from '../../../functions/src/wiring/warm.js';
import { testFirestore, uniqueProjectId } from '../../helpers/firestore.js';
import {
  jsonReply,
  startVertexServer,
  vertexTestAuth,
  type VertexServer,
} from '../../helpers/vertex-server.js';
import { operator } from './fixtures.js';

let vertex: VertexServer;
const apps: Container[] = [];
before(async () => {
  vertex = await startVertexServer();
});
after(async () => {
  await vertex.stop();
  await Promise.all(apps.map((a) => a.db.terminate()));
});

const t0 = new Date('2026-03-01T12:00:00Z');

/** A production instance: Gemini (context cache on) against the wire server, a settable clock. */
async function instance(projectId = uniqueProjectId('warm'), env: Record<string, string> = {}) {
  let now = t0;
  const config = loadConfig({
    GOOGLE_CLOUD_PROJECT: projectId,
    MUSE_ENV: 'test',
    FIRESTORE_EMULATOR_HOST: process.env.FIRESTORE_EMULATOR_HOST!,
    MODEL_PROVIDER: 'gemini',
    GEMINI_BASE_URL: vertex.url,
    GEMINI_CONTEXT_CACHE: 'on',
    LOG_LEVEL: 'error',
    ...env,
  });
  const model = await createModel(config.model, {
    project: projectId,
    auth: vertexTestAuth(projectId),
    baseDelayMs: 1,
    maxAttempts: 2,
  });
  const app = await createApp(config, {
    model,
    clock: { now: () => now },
    log: createLogger({ level: 'error', projectId }),
  });
  apps.push(app);
  return { app, advance: (ms: number) => (now = new Date(now.getTime() + ms)), now: () => now };
}

/** The narrative step of a production, as the engine calls it. */
async function narrativeStep(app: Container, now: Date, bible: Bible, runId: string) {
  const input = { intentId: `intent-${runId}`, topic: 'rain gardens', mode: 'free' as const };
  // A valid narrative answer: the local model's, for the same request.
  const local = await createLocalModel().generate(narrativeRequest(bible, input.topic));
  vertex.enqueue(jsonReply(local.json));
  const ctx: StepContext = {
    runId,
    stepId: 'narrative',
    attempt: 1,
    input,
    outputs: {},
    params: { maxAttempts: 3 },
    now,
  };
  const handler = museOf(app).production.workflow().handlers.narrative!;
  return handler(ctx);
}

const creates = () => vertex.requests.filter((r) => r.rpc === 'cachedContents.create');
const cacheId = (name: unknown) => String(name).split('/').pop();

test('/readyz answers 503 naming what is loading, then 200 once the Bible and the model context are loaded', async () => {
  vertex.reset();
  const { app } = await instance();
  let provide!: (app: Container) => void;
  setContainer(new Promise<Container>((resolve) => (provide = resolve)));
  await import('../../../functions/src/index.js');
  const server: Server = getTestServer('api').listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    // At module load only the functions that run productions start it (the runtime's FUNCTION_TARGET,
    // or the framework CLI's --target), unless MUSE_WARM_START=off.
    warmAtLoad({ FUNCTION_TARGET: 'api' }, []);
    warmAtLoad({ MUSE_WARM_START: 'off' }, ['node', 'main.js', '--target=engineStep']);
    assert.equal(instanceWarmUp().readiness().state, 'not-started');
    warmAtLoad({}, ['node', 'main.js', '--target=engineStep']);
    assert.equal(instanceWarmUp().readiness().state, 'loading');

    const before = await fetch(`${url}/readyz`);
    assert.equal(before.status, 503);
    const b = (await before.json()) as { ready: boolean; state: string; loading: string[] };
    assert.equal(b.ready, false);
    assert.equal(b.state, 'loading');
    assert.deepEqual(b.loading, ['container', 'workflows', 'bible', 'modelContext']);
    assert.equal((await fetch(`${url}/livez`)).status, 200); // liveness does not wait for it

    provide(app);
    await instanceWarmUp().start();
    const ready = await fetch(`${url}/readyz`);
    assert.equal(ready.status, 200);
    const r = (await ready.json()) as {
      ready: boolean;
      loading: string[];
      loaded: Record<string, number>;
      bibleVersion: number;
      modelContext: Record<string, { sdk: string; cachedContent: string }>;
    };
    assert.equal(r.ready, true);
    assert.deepEqual(r.loading, []);
    assert.deepEqual(Object.keys(r.loaded), ['container', 'workflows', 'bible', 'modelContext']);
    assert.equal(r.bibleVersion, 1);
    // One context cache for the producing steps, one for the critic (its own line, then the Bible).
    assert.deepEqual(Object.keys(r.modelContext).sort(), ['critic', 'narrative']);
    assert.equal(r.modelContext.narrative?.sdk, 'loaded');
    assert.equal(
      vertex.caches.get(r.modelContext.narrative!.cachedContent)?.systemInstruction,
      systemOf(DEFAULT_BIBLE),
    );
    const critic = vertex.caches.get(r.modelContext.critic!.cachedContent)?.systemInstruction ?? '';
    assert.match(critic, /^You are the critic of the muse/);
    assert.ok(critic.endsWith(systemOf(DEFAULT_BIBLE)));
  } finally {
    server.close();
  }
});

test('the first production step uses the preloaded Bible and context cache; a Bible edit elsewhere reaches it by version', async () => {
  vertex.reset();
  const projectId = uniqueProjectId('warm');
  const { app, advance, now } = await instance(projectId);
  const warm = createWarmUp(async () => app);
  const ready = await warm.start();
  assert.equal(ready.ready, true);
  assert.deepEqual(bibleCacheStats(app.db), { fullLoads: 1, freshnessChecks: 0, hits: 0 });
  assert.equal(creates().length, 2); // the steps' context and the critic's
  const preloaded = ready.modelContext?.narrative?.cachedContent;
  const criticCache = ready.modelContext?.critic?.cachedContent;

  advance(1000);
  const first = await narrativeStep(app, now(), DEFAULT_BIBLE, 'run-1');
  assert.equal(first.type, 'done', JSON.stringify(first));
  // No Bible read and no cache creation of its own: the warm-up's.
  assert.deepEqual(bibleCacheStats(app.db), { fullLoads: 1, freshnessChecks: 0, hits: 1 });
  assert.equal(creates().length, 2);
  const call = vertex.generateRequests[0];
  assert.equal(call?.body.cachedContent, preloaded);
  assert.equal(call?.body.systemInstruction, undefined);

  // Another instance edits the Bible.
  const other = testFirestore(projectId);
  const edited = await saveBible(
    {
      db: other,
      now: now(),
      audit: {
        inTx: (tx, e, at) => void auditInTransaction(other, tx, e, at),
        record: async (e, at) => void (await recordAudit(other, e, at)),
      },
    },
    {
      actor: operator,
      bible: { ...DEFAULT_BIBLE, version: undefined, bannedTerms: ['hype', 'viral'] },
      via: 'api',
    },
  );
  await other.terminate();
  assert.equal(edited.version, 2);

  advance(31_000); // past the Bible cache's freshness window
  const second = await narrativeStep(app, now(), edited, 'run-2');
  assert.equal(second.type, 'done', JSON.stringify(second));
  assert.deepEqual(bibleCacheStats(app.db), { fullLoads: 2, freshnessChecks: 1, hits: 1 });
  assert.deepEqual(creates()[2]?.body.systemInstruction.parts, [{ text: systemOf(edited) }]);
  const renewed = vertex.generateRequests[1]?.body.cachedContent;
  assert.equal(cacheId(renewed), 'cache-3');
  for (let i = 0; i < 200 && vertex.caches.has(preloaded!); i++) await new Promise((r) => setTimeout(r, 5));
  // The old Bible's step context is deleted; the critic's is replaced on the critic's next call.
  assert.deepEqual([...vertex.caches.keys()].sort(), [criticCache, renewed].sort());
});

test('a warm-up that fails says which part and why, answers not ready, and succeeds when started again', async () => {
  vertex.reset();
  const { app } = await instance();
  await app.db.doc('muse/bible').set({ version: 'one', name: 42 }); // not a Bible
  const warm = createWarmUp(async () => app);
  const failed = await warm.start();
  assert.equal(failed.ready, false);
  assert.equal(failed.state, 'failed');
  assert.equal(failed.error?.part, 'bible');
  assert.match(failed.error?.message ?? '', /muse\/bible is malformed/);
  assert.deepEqual(failed.loading, ['bible', 'modelContext']);
  assert.equal(creates().length, 0);

  await app.db.doc('muse/bible').delete(); // seeded with the default on the next load
  const ready = await warm.start();
  assert.equal(ready.ready, true);
  assert.equal(ready.bibleVersion, 1);
});

test('MUSE_WARM_START=off: nothing is preloaded and the instance is ready at once', async () => {
  vertex.reset();
  const { app } = await instance(uniqueProjectId('warm'), { MUSE_WARM_START: 'off' });
  const r = await createWarmUp(async () => app).start();
  assert.equal(r.ready, true);
  assert.equal(r.state, 'off');
  assert.deepEqual(bibleCacheStats(app.db), { fullLoads: 0, freshnessChecks: 0, hits: 0 });
  assert.equal(vertex.requests.length, 0);
});
