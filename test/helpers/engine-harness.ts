/**
 * The whole engine path for integration tests: the real functions framework serving every
 * registered function on a local port, the Pub/Sub emulator pushing to it through the catalog's
 * subscriptions, and Firestore on the emulator, all on a fresh project id. One harness per test
 * file (the container is process-wide, as it is in a function instance).
 */
import { loadConfig, type Config } from '../../functions/src/config.js';
import type { WorkflowRun } from '../../functions/src/engine/store.js';
import type { WorkflowDefinition } from '../../functions/src/engine/workflow.js';
import { startGateway, type Gateway, type GatewayOptions } from '../../scripts/lib/local/gateway.js';
import { ensureTopology, removeSubscriptions } from '../../scripts/lib/local/pubsub-topology.js';
import { createApiKey } from '../../functions/src/platform/api-keys.js';
import { setContainer, type Container } from '../../functions/src/platform/container.js';
import { createApp } from '../../functions/src/wiring/app.js';
import { engineOf } from '../../functions/src/wiring/engine.js';
import { createLogger } from '../../functions/src/platform/log.js';
import type { Scope } from '../../functions/src/platform/http/route.js';
import type { Clock } from '../../functions/src/shared/ports.js';
import { requireEmulator, uniqueProjectId } from './firestore.js';

export const TEST_PEPPER = 'test-pepper-0123456789abcdef';

export interface Harness {
  app: Container;
  config: Config;
  baseUrl: string;
  gateway: Gateway;
  /** An admin API key. */
  apiKey: string;
  keyFor(scopes: Scope[], name?: string): Promise<string>;
  /** Calls the API; `body` may be a string to send raw bytes. */
  api(
    method: string,
    path: string,
    body?: unknown,
    opts?: { key?: string | null; contentType?: string },
  ): Promise<{ status: number; json: any; text: string }>;
  waitForRun(runId: string, pred: (run: WorkflowRun) => boolean, timeoutMs?: number): Promise<WorkflowRun>;
  waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /** A test's workflows; a function is given the harness's container (handlers close over it). */
  workflows?: Array<WorkflowDefinition | ((app: Container) => WorkflowDefinition)>;
  clock?: Clock;
  env?: Record<string, string>;
  gateway?: GatewayOptions;
}

let registered = false;

/** The configuration an in-process test app runs with: project `projectId` on the emulators, plus `env`. */
export function testConfig(projectId: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    GOOGLE_CLOUD_PROJECT: projectId,
    MUSE_ENV: 'test',
    FIRESTORE_EMULATOR_HOST: requireEmulator('FIRESTORE_EMULATOR_HOST'),
    PUBSUB_EMULATOR_HOST: requireEmulator('PUBSUB_EMULATOR_HOST'),
    API_KEY_PEPPER: TEST_PEPPER,
    STREAM_TOKEN_SECRET: 'test-stream-secret-0123456789',
    LOG_LEVEL: 'error',
    ...env,
  });
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const projectId = uniqueProjectId('h');
  const config = testConfig(projectId, opts.env);
  const app = await createApp(config, {
    log: createLogger({ level: 'error', projectId }),
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  // A test's workflows register after the product's, through the same registry: one of the same
  // name replaces the product's.
  const { workflows } = engineOf(app);
  await workflows.ready();
  for (const w of opts.workflows ?? []) workflows.register(typeof w === 'function' ? w(app) : w);
  setContainer(app);
  if (!registered) {
    await import('../../functions/src/index.js');
    registered = true;
  }
  const gateway = await startGateway(opts.gateway);
  await ensureTopology(app.pubsub, {
    projectId,
    pushBase: gateway.url,
    ...(opts.gateway?.pushToken ? { pushToken: opts.gateway.pushToken } : {}),
  });
  const admin = await createApiKey(
    app.db,
    TEST_PEPPER,
    { name: 'test-admin', scopes: ['admin'] },
    new Date(),
  );

  const api: Harness['api'] = async (method, path, body, o = {}) => {
    const headers: Record<string, string> = {};
    const key = o.key === undefined ? admin.key : o.key;
    if (key) headers.authorization = `Bearer ${key}`;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      headers['content-type'] = o.contentType ?? 'application/json';
    }
    const res = await fetch(gateway.url + path, { method, headers, body: payload });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text };
  };

  const waitFor: Harness['waitFor'] = async (what, probe, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await probe();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  return {
    app,
    config,
    baseUrl: gateway.url,
    gateway,
    apiKey: admin.key,
    keyFor: async (scopes, name = `key-${scopes.join('-')}`) =>
      (await createApiKey(app.db, TEST_PEPPER, { name, scopes }, new Date())).key,
    api,
    waitFor,
    waitForRun: (runId, pred, timeoutMs) =>
      waitFor(
        `run ${runId}`,
        async () => {
          const run = (await app.db.collection('runs').doc(runId).get()).data() as WorkflowRun | undefined;
          return run && pred(run) ? run : undefined;
        },
        timeoutMs,
      ),
    stop: async () => {
      await removeSubscriptions(app.pubsub);
      await gateway.stop();
      await app.pubsub.close();
      await app.db.terminate();
    },
  };
}
