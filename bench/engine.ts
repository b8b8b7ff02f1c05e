/**
 * Engine benchmarks on the emulators, each beside its limit measured in the same run:
 * - serial: a chain of N steps through the push path vs the raw chain (publish, push to a handler
 *   that only answers 204, publish the next);
 * - parallel: N independent steps released at once (by the outbox sweep, grouped per step topic;
 *   and one message per step, for reference) vs the slower of N raw publishes pushed to a 204
 *   handler and N concurrent Firestore transactions of the shape a step commits, each emulator
 *   warmed first.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Timestamp } from '@google-cloud/firestore';
import { loadConfig } from '../functions/src/config.js';
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
import { writeQueuedRun } from '../test/helpers/queued-run.js';

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

/** The documents rawTransactions updates (setup, not timed). */
async function prepareRawTransactions(app: Container, prefix: string, n: number): Promise<void> {
  const batch = app.db.batch();
  for (let i = 0; i < n; i++)
    batch.set(app.db.collection('benchTx').doc(`${prefix}${i}`), {
      status: 'running',
      steps: { only: { status: 'queued' } },
      nextSeq: 1,
    });
  await batch.commit();
}

/** n concurrent transactions shaped like a step commit: read the run, update it, create an event. */
async function rawTransactions(app: Container, prefix: string, n: number): Promise<number> {
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      app.db.runTransaction(async (tx) => {
        const ref = app.db.collection('benchTx').doc(`${prefix}${i}`);
        const snap = await tx.get(ref);
        tx.update(ref, {
          status: 'succeeded',
          steps: { only: { status: 'done' } },
          nextSeq: (snap.get('nextSeq') as number) + 1,
        });
        tx.create(app.db.collection('benchTxEvents').doc(`${prefix}${i}~1`), {
          runId: `${prefix}${i}`,
          seq: 1,
          type: 'step.succeeded',
          at: new Date(),
        });
      }),
    ),
  );
  return performance.now() - t0;
}

/**
 * Creates n single-step runs (ids `<prefix>-<i>`) with their step queued but unpublished, and its
 * outbox entry written, as startWorkflowRun writes them (setup, not timed).
 */
async function prepareRuns(app: Container, prefix: string, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  for (let b = 0; b < n; b += 100) {
    const batch = app.db.batch();
    for (const id of ids.slice(b, b + 100)) writeQueuedRun(app.db, batch, single, { id, outbox: true });
    await batch.commit();
  }
  return ids;
}

/**
 * Waits until every run of `prefix` succeeded; returns ms from `t0` (epoch ms) to the last run's
 * end as the engine stamped it, so the polling interval does not count.
 */
async function timeRuns(app: Container, prefix: string, n: number, t0: number): Promise<number> {
  const runs = app.db
    .collection(RUNS)
    .where('status', '==', 'succeeded')
    .where('id', '>=', `${prefix}-`)
    .where('id', '<', `${prefix}.`);
  await waitUntil(async () => (await runs.count().get()).data().count >= n, 600_000, `the runs ${prefix}`);
  const last = await runs.orderBy('id').get();
  return Math.max(...last.docs.map((d) => (d.get('endedAt') as Timestamp).toMillis())) - t0;
}

/** CPU ms used so far by each emulator's JVM (Linux /proc; empty where it cannot be read). */
function emulatorCpuMs(): { firestore?: number; pubsub?: number } {
  try {
    const out: { firestore?: number; pubsub?: number } = {};
    for (const line of execFileSync('pgrep', ['-a', 'java']).toString().trim().split('\n')) {
      const [pid, ...args] = line.split(' ');
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      const ms = (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in 10 ms ticks
      const cmd = args.join(' ');
      if (cmd.includes('firestore')) out.firestore = ms;
      else if (cmd.includes('pubsub')) out.pubsub = ms;
    }
    return out;
  } catch {
    return {};
  }
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

/** CPU of this process and of the emulators over one phase, per item, in ms. */
async function measured<T>(n: number, phase: () => Promise<T>) {
  const node = process.cpuUsage();
  const emu = emulatorCpuMs();
  const value = await phase();
  const after = emulatorCpuMs();
  const per = (a?: number, b?: number) => (a !== undefined && b !== undefined ? (b - a) / n : undefined);
  return {
    value,
    nodeMs: cpuMs(process.cpuUsage(node)) / n,
    firestoreMs: per(emu.firestore, after.firestore),
    pubsubMs: per(emu.pubsub, after.pubsub),
  };
}

async function parallelBench(p: number): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const q = await engineApp('parallel', [single]);
  const engine = engineOf(q.app);
  // Each JVM compiles its hot paths during its first few thousand requests: the first phase to
  // reach an emulator would run slower than the rest, so every kind of work is warmed first.
  await rawFanOut(q.app, q.projectId, 300);
  await prepareRawTransactions(q.app, 'warm', 300);
  await rawTransactions(q.app, 'warm', 300);
  await prepareRuns(q.app, 'warm', 300);
  await engine.sweep();
  await timeRuns(q.app, 'warm', 300, Date.now());

  const fan = await rawFanOut(q.app, q.projectId, p);
  await prepareRawTransactions(q.app, 'limit', p);
  const txs = await measured(p, () => rawTransactions(q.app, 'limit', p));
  const limit = Math.max(fan, txs.value);

  // As the engine releases steps due together (the sweep publishing due wakes, a fan-out's commit):
  // grouped per step topic, up to MAX_STEPS_PER_MESSAGE steps a message.
  await prepareRuns(q.app, 'batched', p);
  const batched = await measured(p, async () => {
    const t0 = Date.now();
    await engine.sweep();
    return timeRuns(q.app, 'batched', p, t0);
  });
  // The same steps one message each, as a publisher that does not group them would send them.
  const ids = await prepareRuns(q.app, 'single', p);
  const single1 = await measured(p, async () => {
    const t0 = Date.now();
    await Promise.all(
      ids.map((id) =>
        q.app.bus.publish(stepTopic(id), { v: 1, runId: id, stepId: 'only', attempt: 1, wake: 0 }),
      ),
    );
    return timeRuns(q.app, 'single', p, t0);
  });
  await q.stop();
  const s = (ms: number) => round(ms / 1000, 2);
  rows.push({ name: `parallel: ${p} raw publishes pushed to a 204 handler`, value: s(fan), unit: 's' });
  rows.push({ name: `parallel: ${p} concurrent step-shaped transactions`, value: s(txs.value), unit: 's' });
  rows.push({
    name: `parallel: ${p} independent engine steps released at once (the sweep; steps grouped per topic)`,
    value: s(batched.value),
    unit: 's',
    limit: s(limit),
    ratio: round(limit / batched.value, 2),
    goal: 'throughput >= 0.7x of the slower raw limit',
    pass: limit / batched.value >= 0.7,
  });
  rows.push({
    name: `parallel: the same, one message per step (reference)`,
    value: s(single1.value),
    unit: 's',
    limit: s(limit),
    ratio: round(limit / single1.value, 2),
  });
  // CPU per step of this process (push server, functions, SDK clients) and of each emulator, beside
  // a raw transaction's: on 2 cores shared by all three, this is what bounds the fan-out.
  const cpu = (label: string, pick: (m: typeof txs) => number | undefined) => {
    const base = pick(txs);
    for (const [what, m] of [
      ['grouped', batched],
      ['one message per step', single1],
    ] as const) {
      const v = pick(m);
      if (v === undefined || base === undefined) continue;
      rows.push({
        name: `parallel: ${label} CPU per engine step, ${what} (per step-shaped transaction, baseline)`,
        value: round(v, 2),
        unit: 'ms',
        limit: round(base, 2),
        ratio: round(v / Math.max(base, 0.01), 2),
      });
    }
  };
  cpu('this process', (m) => m.nodeMs);
  cpu('Firestore emulator', (m) => m.firestoreMs);
  const ps = batched.pubsubMs;
  if (ps !== undefined && single1.pubsubMs !== undefined)
    rows.push({
      name: `parallel: Pub/Sub emulator CPU per engine step, grouped (one message per step, reference)`,
      value: round(ps, 2),
      unit: 'ms',
      limit: round(single1.pubsubMs, 2),
      ratio: round(ps / Math.max(single1.pubsubMs, 0.01), 2),
    });
  return rows;
}
