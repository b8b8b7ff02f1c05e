/**
 * Fault suite: the emulators stopped and started mid-run, with `npm start`'s export and import
 * (issue 13). This file starts its own Firestore and Pub/Sub emulators (the shared ones must not
 * be stopped under other test files), runs the functions in-process through the real push path,
 * exports Firestore and stops both emulators while steps are in flight, starts them again on the
 * same ports importing the export, re-creates the topology as `npm start` does, and then fires
 * the `engine-sweep` job (with the clock moved past the stranded deadline) until every run ended.
 * Nothing may stay stuck, and every effect in the restored data must be there exactly once.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowRun } from '../../functions/src/engine/store.js';
import { STRANDED_AFTER_MS } from '../../functions/src/engine/stranded.js';
import { ensureTopology } from '../../scripts/lib/local/pubsub-topology.js';
import {
  exportFirestore,
  freePort,
  startFirestore,
  startPubSub,
  type EmulatorHandle,
} from '../../scripts/lib/emulators.js';
import { startHarness, type Harness } from '../helpers/engine-harness.js';
import { CHAIN_STEPS, chainProgress, chainWorkflow, effectCounts } from '../helpers/fault-workflows.js';

const RUNS = 8;
const dir = mkdtempSync(join(tmpdir(), 'muse-fault-'));
const logDir = join(dir, 'logs');
const dataDir = join(dir, 'firestore-data');
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
let ports: { firestorePort: number; pubsubPort: number };
let emulators: EmulatorHandle[] = [];
let h: Harness;

async function startEmulators(importFrom?: string) {
  emulators = await Promise.all([
    startFirestore({ logDir, ...ports, ...(importFrom ? { importFrom } : {}) }),
    startPubSub({ logDir, ...ports }),
  ]);
}

before(async () => {
  ports = { firestorePort: await freePort(), pubsubPort: await freePort() };
  await startEmulators();
  process.env.FIRESTORE_EMULATOR_HOST = emulators[0]!.host;
  process.env.PUBSUB_EMULATOR_HOST = emulators[1]!.host;
  h = await startHarness({ workflows: [chainWorkflow], clock });
});
after(async () => {
  await h?.stop();
  await Promise.all(emulators.map((e) => e.stop()));
  rmSync(dir, { recursive: true, force: true });
});

test('emulators stopped and started mid-run (export, import): the sweep recovers every run, effects once', async (t) => {
  const runIds: string[] = [];
  for (let k = 0; k < RUNS; k++) {
    const r = await h.api('POST', '/v1/runs', { workflow: 'fault-chain', input: { stepMs: 400 } });
    assert.equal(r.status, 201, r.text);
    runIds.push(r.json.runId);
  }
  let atStop = { started: 0, done: 0 };
  for (;;) {
    atStop = await chainProgress(h.app.db);
    if (atStop.done >= 4 && atStop.started > atStop.done) break;
    assert.ok(atStop.done < RUNS * CHAIN_STEPS.length, 'the restart must land before the work is done');
    await new Promise((r) => setTimeout(r, 30));
  }

  // What `npm start` does on Ctrl-C, then on the next start.
  await exportFirestore(emulators[0]!.host, h.config.projectId, dataDir);
  await Promise.all(emulators.map((e) => e.stop()));
  await startEmulators(dataDir);
  await ensureTopology(h.app.pubsub, { projectId: h.config.projectId, pushBase: h.baseUrl });

  const restored = await chainProgress(h.app.db);
  assert.ok(restored.done < RUNS * CHAIN_STEPS.length, `work left after the import: ${restored.done} done`);

  const ended = async () => {
    const snaps = await h.app.db.getAll(...runIds.map((id) => h.app.db.collection('runs').doc(id)));
    return snaps
      .map((s) => s.data() as WorkflowRun)
      .filter((r) => r.status === 'succeeded' || r.status === 'failed');
  };
  let sweeps = 0;
  const deadline = Date.now() + 90_000;
  let finished: WorkflowRun[] = [];
  while ((finished = await ended()).length < RUNS) {
    if (Date.now() > deadline) {
      // Say where each stuck run stands (its steps, and what the outbox still holds for it).
      const stuck = runIds.filter((id) => !finished.some((r) => r.id === id));
      const states = await Promise.all(
        stuck.map(async (id) => {
          const run = (await h.app.db.collection('runs').doc(id).get()).data() as WorkflowRun;
          const queued = await h.app.db.collection('outbox').where('runId', '==', id).get();
          return { id, updatedAt: run.updatedAt, steps: run.steps, outbox: queued.docs.map((d) => d.data()) };
        }),
      );
      assert.fail(`runs still stuck after 90 s: ${stuck.length}: ${JSON.stringify(states)}`);
    }
    // The every-minute job, fired as the scheduler fires it, once the stranded deadline has passed.
    offsetMs += STRANDED_AFTER_MS + 1000;
    await h.app.bus.publish('engine-sweep', { job: 'engine-sweep' });
    sweeps += 1;
    await new Promise((r) => setTimeout(r, 2000));
  }
  t.diagnostic(
    `${sweeps} sweeps after the restart; ${restored.done} of ${RUNS * CHAIN_STEPS.length} steps were in the export`,
  );
  assert.deepEqual(
    finished.map((r) => r.status),
    finished.map(() => 'succeeded'),
  );
  const counts = await effectCounts(h.app.db, runIds);
  assert.deepEqual(
    counts,
    counts.map(() => 1),
    'each of the restored effects exactly once',
  );
  assert.equal(counts.length, RUNS * CHAIN_STEPS.length);
});
