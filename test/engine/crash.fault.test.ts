/**
 * Fault suite: the functions process SIGKILLed mid-step and started again (issue 13). The
 * functions run in a child process, exactly as `npm start` serves them, with the emulators'
 * push subscriptions pointing at it; the test kills it while steps are inside their handlers,
 * starts it again on the same port, and runs the engine sweep (with a short stranded deadline,
 * the every-minute job's use case) until every run has ended. Every run must complete (or be
 * dead-lettered), and every step's effect must have committed exactly once.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { sweepOutbox } from '../../functions/src/engine/outbox.js';
import type { WorkflowRun } from '../../functions/src/engine/store.js';
import { recoverStranded } from '../../functions/src/engine/stranded.js';
import { removeSubscriptions } from '../../scripts/lib/local/pubsub-topology.js';
import { createApiKey } from '../../functions/src/platform/api-keys.js';
import { createContainer, type Container } from '../../functions/src/platform/container.js';
import { createLogger } from '../../functions/src/platform/log.js';
import { freePort } from '../../scripts/lib/emulators.js';
import { TEST_PEPPER, testConfig } from '../helpers/engine-harness.js';
import { CHAIN_STEPS, chainProgress, effectCounts, FAN_STEPS } from '../helpers/fault-workflows.js';
import { uniqueProjectId } from '../helpers/firestore.js';

const RUNS = 12;
const projectId = uniqueProjectId('crash');
let port: number;
let app: Container;
let child: ChildProcess | undefined;

function startFunctions(): Promise<ChildProcess> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, '../helpers/functions-process.ts')],
    {
      env: {
        ...process.env,
        GOOGLE_CLOUD_PROJECT: projectId,
        PORT: String(port),
        API_KEY_PEPPER: TEST_PEPPER,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('READY')) resolve(proc);
    });
    proc.once('exit', (code) => reject(new Error(`functions process exited (${code}) before READY: ${out}`)));
  });
}

const killed = (proc: ChildProcess, signal: NodeJS.Signals) =>
  new Promise<void>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill(signal);
  });

before(async () => {
  port = await freePort();
  const config = testConfig(projectId);
  app = await createContainer(config, { log: createLogger({ level: 'error', projectId }) });
});
after(async () => {
  if (child) await killed(child, 'SIGTERM');
  await removeSubscriptions(app.pubsub); // so the emulator stops pushing to a port that is gone
  await app.pubsub.close();
  await app.db.terminate();
});

async function startRuns(workflow: string, n: number): Promise<string[]> {
  const { key } = await createApiKey(app.db, TEST_PEPPER, { name: 'crash', scopes: ['admin'] }, new Date());
  const runIds: string[] = [];
  for (let k = 0; k < n; k++) {
    const res = await fetch(`http://127.0.0.1:${port}/v1/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ workflow, input: { stepMs: 300 } }),
    });
    const text = await res.text();
    assert.equal(res.status, 201, text);
    runIds.push((JSON.parse(text) as { runId: string }).runId);
  }
  return runIds;
}

/** Runs the every-minute sweep's use cases (a short stranded deadline for the test) until all end. */
async function sweepUntilEnded(runIds: string[]): Promise<WorkflowRun[]> {
  const ended = async () => {
    const snaps = await app.db.getAll(...runIds.map((id) => app.db.collection('runs').doc(id)));
    return snaps
      .map((s) => s.data() as WorkflowRun)
      .filter((r) => r.status === 'succeeded' || r.status === 'failed');
  };
  const deadline = Date.now() + 90_000;
  let finished: WorkflowRun[] = [];
  while ((finished = await ended()).length < runIds.length) {
    assert.ok(Date.now() < deadline, `runs still going after 90 s: ${runIds.length - finished.length}`);
    await sweepOutbox(app);
    await recoverStranded(app, { olderThanMs: 5_000 });
    await new Promise((r) => setTimeout(r, 1000));
  }
  return finished;
}

/**
 * Starts `runs` runs of `workflow`, SIGKILLs the functions once `minDone` of their steps committed
 * and some are inside their handlers (started, not committed), starts them again and sweeps until
 * every run ended; every run must complete (or be dead-lettered) with each of its `steps`' effects
 * committed exactly once. Returns the diagnostic line.
 */
async function killMidStepAndRecover(
  workflow: string,
  runs: number,
  steps: readonly string[],
  minDone: number,
): Promise<string> {
  if (!child || child.exitCode !== null || child.signalCode !== null) child = await startFunctions();
  const before = await chainProgress(app.db);
  const runIds = await startRuns(workflow, runs);

  let atKill = { started: 0, done: 0 };
  for (;;) {
    atKill = await chainProgress(app.db);
    const done = atKill.done - before.done;
    if (done >= minDone && atKill.started > atKill.done) break;
    assert.ok(done < runs * steps.length, 'the kill must land before the work is done');
    await new Promise((r) => setTimeout(r, 30));
  }
  await killed(child, 'SIGKILL');
  const midStep = atKill.started - atKill.done;
  assert.ok(midStep >= 1, `steps in their handlers at the kill: ${midStep}`);

  child = await startFunctions();
  const finished = await sweepUntilEnded(runIds);
  const succeeded = finished.filter((r) => r.status === 'succeeded');
  const deadLettered = finished.filter((r) => /dead-lettered|lost/.test(JSON.stringify(r.steps)));
  assert.equal(succeeded.length + deadLettered.length, runs, 'every run completed or was dead-lettered');
  const counts = await effectCounts(
    app.db,
    succeeded.map((r) => r.id),
    steps,
  );
  assert.deepEqual(
    counts,
    counts.map(() => 1),
    'every step of every completed run committed its effect exactly once',
  );
  assert.equal(counts.length, succeeded.length * steps.length);
  return `killed with ${midStep} steps mid-handler and ${atKill.done - before.done} committed; ${succeeded.length} runs succeeded`;
}

test('functions SIGKILLed mid-step and restarted: every run completes, every effect once', async (t) => {
  t.diagnostic(await killMidStepAndRecover('fault-chain', RUNS, CHAIN_STEPS, 8));
});

test('functions SIGKILLed while batch messages of fan-out branches are mid-handler: every branch commits once', async (t) => {
  // Each run's `a` releases its 20 branches in one commit: two batch messages (16 and 4 steps).
  t.diagnostic(await killMidStepAndRecover('fault-fan', 4, FAN_STEPS, 10));
});
