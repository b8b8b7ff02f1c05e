/**
 * Engine benchmarks on the emulators, each beside its limit measured in the same run:
 * - serial: a chain of N steps through the push path vs the raw chain (publish, push to a handler
 *   that only answers 204, publish the next);
 * - parallel: N independent steps released at once vs the slower of N raw publishes pushed to a
 *   204 handler and N concurrent Firestore transactions of the shape a step commits.
 */
import { createServer } from 'node:http';
import { loadConfig } from '../functions/src/config.js';
import { start } from '../functions/src/engine/core/run-state.js';
import { EVENTS, runEventId } from '../functions/src/engine/events.js';
import { RUNS } from '../functions/src/engine/store.js';
import { z } from 'zod';
import { done, type WorkflowDefinition } from '../functions/src/engine/workflow.js';
import { startGateway } from '../scripts/lib/local/gateway.js';
import { stepTopic } from '../functions/src/platform/catalog.js';
import { ensureTopology, removeSubscriptions } from '../scripts/lib/local/pubsub-topology.js';
import { setContainer, type Container } from '../functions/src/platform/container.js';
import { createApp } from '../functions/src/wiring/app.js';
import { engineOf } from '../functions/src/wiring/engine.js';
import { createLogger } from '../functions/src/platform/log.js';
import { round, type BenchRow } from './rows.js';

const chain = (n: number): WorkflowDefinition => ({
  name: 'bench-chain',
  input: z.looseObject({}),
  autonomous: false,
  graph: () => ({
    start: ['s0'],
    steps: Object.fromEntries(
      Array.from({ length: n }, (_, i) => [
        `s${i}`,
        { type: 'noop', ...(i + 1 < n ? { next: [`s${i + 1}`] } : {}) },
      ]),
    ),
  }),
  handlers: { noop: async () => done() },
});
const single: WorkflowDefinition = {
  name: 'bench-one',
  input: z.looseObject({}),
  autonomous: false,
  graph: () => ({ start: ['only'], steps: { only: { type: 'noop' } } }),
  handlers: { noop: async () => done() },
};

async function engineApp(tag: string, workflows: WorkflowDefinition[]) {
  const projectId = `bench-${tag}-${Math.random().toString(16).slice(2, 8)}`;
  const config = loadConfig({
    GOOGLE_CLOUD_PROJECT: projectId,
    MUSE_ENV: 'test',
    LOG_LEVEL: 'error',
    API_KEY_PEPPER: 'bench-pepper-0123456789',
    FIRESTORE_EMULATOR_HOST: process.env.FIRESTORE_EMULATOR_HOST,
    PUBSUB_EMULATOR_HOST: process.env.PUBSUB_EMULATOR_HOST,
  });
  const app = await createApp(config, { log: createLogger({ level: 'error', projectId }) });
  await engineOf(app).workflows.ready();
  for (const w of workflows) engineOf(app).workflows.register(w);
  setContainer(app);
  await import('../functions/src/index.js');
  const gateway = await startGateway();
  await ensureTopology(app.pubsub, { projectId, pushBase: gateway.url });
  return {
    app,
    projectId,
    stop: async () => {
      await removeSubscriptions(app.pubsub);
      await gateway.stop();
      await app.pubsub.close();
      await app.db.terminate();
    },
  };
}

async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A 204 push target on a fresh topic: `onPush` runs after each answer with the number of pushes so
 * far, `start` publishes the first message(s), and the result is the time until `n` pushes arrived.
 */
async function timePushes(
  app: Container,
  projectId: string,
  kind: string,
  n: number,
  start: (topic: string) => Promise<unknown>,
  onPush: (count: number, topic: string) => void = () => undefined,
): Promise<number> {
  const topic = `raw-${kind}-${Date.now()}`;
  let count = 0;
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(204).end();
      count += 1;
      if (count >= n) finish();
      else onPush(count, topic);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const [t] = await app.pubsub.createTopic(topic);
  const [sub] = await t.createSubscription(`${topic}-push`, {
    pushConfig: { pushEndpoint: `http://127.0.0.1:${port}/projects/${projectId}/topics/${topic}` },
  });
  const t0 = performance.now();
  await start(topic);
  await finished;
  const ms = performance.now() - t0;
  await sub.delete();
  server.close();
  return ms;
}

/** A raw push chain: each push to a 204 handler publishes the next message, n hops. */
const rawChain = (app: Container, projectId: string, n: number) =>
  timePushes(
    app,
    projectId,
    'chain',
    n,
    (topic) => app.bus.publish(topic, { hop: 0 }),
    (hop, topic) => void app.bus.publish(topic, { hop }),
  );

/** n raw publishes at once, each pushed to a 204 handler. */
const rawFanOut = (app: Container, projectId: string, n: number) =>
  timePushes(app, projectId, 'fan', n, (topic) =>
    Promise.all(Array.from({ length: n }, (_, i) => app.bus.publish(topic, { i }))),
  );

/** n concurrent transactions shaped like a step commit: read the run, update it, create an event. */
async function rawTransactions(app: Container, n: number): Promise<number> {
  const batch = app.db.batch();
  for (let i = 0; i < n; i++)
    batch.set(app.db.collection('benchTx').doc(`r${i}`), {
      status: 'running',
      steps: { only: { status: 'queued' } },
      nextSeq: 1,
    });
  await batch.commit();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      app.db.runTransaction(async (tx) => {
        const ref = app.db.collection('benchTx').doc(`r${i}`);
        const snap = await tx.get(ref);
        tx.update(ref, {
          status: 'succeeded',
          steps: { only: { status: 'done' } },
          nextSeq: (snap.get('nextSeq') as number) + 1,
        });
        tx.create(app.db.collection('benchTxEvents').doc(`r${i}~1`), {
          runId: `r${i}`,
          seq: 1,
          type: 'step.succeeded',
          at: new Date(),
        });
      }),
    ),
  );
  return performance.now() - t0;
}

/** Creates n single-step runs with their step queued but unpublished (setup, not timed). */
async function prepareRuns(app: Container, n: number): Promise<string[]> {
  const ids: string[] = [];
  const now = new Date();
  const graph = single.graph({});
  const t = start(graph);
  for (let b = 0; b < n; b += 400) {
    const batch = app.db.batch();
    for (let i = b; i < Math.min(n, b + 400); i++) {
      const id = `par-${i}`;
      ids.push(id);
      batch.set(app.db.collection(RUNS).doc(id), {
        id,
        workflow: single.name,
        autonomous: false,
        status: 'running',
        failing: false,
        input: {},
        graph,
        steps: t.steps,
        gates: {},
        externals: {},
        nextSeq: 2,
        outputSteps: [],
        startedBy: { kind: 'system', id: 'bench' },
        createdAt: now,
        updatedAt: now,
      });
      batch.set(app.db.collection(EVENTS).doc(runEventId(id, 1)), {
        id: runEventId(id, 1),
        runId: id,
        seq: 1,
        type: 'run.started',
        at: now,
        actor: { kind: 'system', id: 'bench' },
        data: {},
      });
    }
    await batch.commit();
  }
  return ids;
}

export async function runEngineBench(
  opts: { chainLength?: number; parallel?: number; parts?: Array<'serial' | 'parallel'> } = {},
): Promise<BenchRow[]> {
  const parts = opts.parts ?? ['serial', 'parallel'];
  const n = opts.chainLength ?? 300;
  const p = opts.parallel ?? 1000;
  const rows: BenchRow[] = [];

  if (parts.includes('serial')) rows.push(...(await serialBench(n)));
  if (parts.includes('parallel')) rows.push(...(await parallelBench(p)));
  return rows;
}

async function serialBench(n: number): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const s = await engineApp('serial', [chain(n)]);
  const raw = await rawChain(s.app, s.projectId, n);
  const t0 = performance.now();
  const { runId } = await engineOf(s.app).startWorkflowRun({
    workflow: 'bench-chain',
    actor: { kind: 'system', id: 'bench' },
  });
  await waitUntil(
    async () => (await s.app.db.collection(RUNS).doc(runId).get()).get('status') === 'succeeded',
    600_000,
    'the chain',
  );
  const engine = performance.now() - t0;
  await s.stop();
  rows.push({ name: `serial: raw push chain of ${n} hops (limit)`, value: round(raw / 1000, 2), unit: 's' });
  rows.push({
    name: `serial: engine chain of ${n} steps`,
    value: round(engine / 1000, 2),
    unit: 's',
    limit: round(raw / 1000, 2),
    ratio: round(raw / engine, 2),
    goal: 'throughput >= 0.7x of the raw chain',
    pass: raw / engine >= 0.7,
  });

  return rows;
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

async function parallelBench(p: number): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const q = await engineApp('parallel', [single]);
  const fan = await rawFanOut(q.app, q.projectId, p);
  const cpuTx = process.cpuUsage();
  const txs = await rawTransactions(q.app, p);
  const txCpuMs = cpuMs(process.cpuUsage(cpuTx));
  const limit = Math.max(fan, txs);
  const ids = await prepareRuns(q.app, p);
  const t1 = performance.now();
  const cpuSteps = process.cpuUsage();
  await Promise.all(
    ids.map((id) =>
      q.app.bus.publish(stepTopic(id), { v: 1, runId: id, stepId: 'only', attempt: 1, wake: 0 }),
    ),
  );
  await waitUntil(
    async () =>
      (await q.app.db.collection(RUNS).where('status', '==', 'succeeded').count().get()).data().count >= p,
    600_000,
    'the fan-out',
  );
  const par = performance.now() - t1;
  const stepCpuMs = cpuMs(process.cpuUsage(cpuSteps));
  await q.stop();
  rows.push({
    name: `parallel: ${p} raw publishes pushed to a 204 handler`,
    value: round(fan / 1000, 2),
    unit: 's',
  });
  rows.push({
    name: `parallel: ${p} concurrent step-shaped transactions`,
    value: round(txs / 1000, 2),
    unit: 's',
  });
  // Each engine step is a push AND a step-shaped transaction, in the same process: the two raw
  // figures back to back bound what the engine could reach here with no work of its own.
  rows.push({
    name: `parallel: the two raw figures back to back (push + transaction per step, reference)`,
    value: round((fan + txs) / 1000, 2),
    unit: 's',
    limit: round(limit / 1000, 2),
    ratio: round(limit / (fan + txs), 2),
  });
  rows.push({
    name: `parallel: ${p} independent engine steps at once`,
    value: round(par / 1000, 2),
    unit: 's',
    limit: round(limit / 1000, 2),
    ratio: round(limit / par, 2),
    goal: 'throughput >= 0.7x of the slower raw limit',
    pass: limit / par >= 0.7,
  });
  // The whole local stack (push server, functions, SDK clients) is this one process, so its CPU per
  // step bounds the fan-out far more steadily than wall time on a shared machine.
  rows.push({
    name: `parallel: CPU of this process per engine step (per step-shaped transaction, baseline)`,
    value: round(stepCpuMs / p, 2),
    unit: 'ms',
    limit: round(txCpuMs / p, 2),
    ratio: round(stepCpuMs / txCpuMs, 2),
  });
  return rows;
}
