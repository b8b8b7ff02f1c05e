/**
 * Benchmark: the CFO wallet under a burst, on the Firestore emulator, beside the raw rate of one
 * document's transactions measured in the same run.
 *
 * - baseline: sequential read-modify-write transactions on one document (the most one document
 *   takes without contention), and the same 100 transactions sent at once with the client's own
 *   retries (the wallet's old design: most abort).
 * - wallet: 300 concurrent credits into one instance (queued, grouped, one head write per group, the
 *   breaker checked after them), and 100 concurrent credits split over two instances (two Firestore
 *   clients whose groups race on the head, so the jittered retries do the work).
 *
 *   npx tsx bench/wallet.ts     (needs FIRESTORE_EMULATOR_HOST; `npm run bench -- wallet` starts one)
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../functions/src/config.js';
import type { Container } from '../functions/src/platform/container.js';
import { createLogger } from '../functions/src/platform/log.js';
import { round, type BenchRow } from './rows.js';
import { createApp } from '../functions/src/wiring/app.js';
import { museOf } from '../functions/src/wiring/muse.js';

async function benchApp(projectId = `bench-wallet-${Math.random().toString(16).slice(2, 10)}`) {
  const config = loadConfig({
    GOOGLE_CLOUD_PROJECT: projectId,
    MUSE_ENV: 'test',
    LOG_LEVEL: 'error',
    FIRESTORE_EMULATOR_HOST: process.env.FIRESTORE_EMULATOR_HOST,
  });
  return createApp(config, { log: createLogger({ level: 'error', projectId }) });
}

const actor = { kind: 'system' as const, id: 'bench' };

/** Sequential transactions on one document: the raw single-document rate (per second). */
async function rawRate(app: Container, n: number): Promise<number> {
  const ref = app.db.collection('bench').doc('counter');
  const t0 = performance.now();
  for (let i = 0; i < n; i++)
    await app.db.runTransaction(async (tx) => {
      const v = ((await tx.get(ref)).get('n') as number | undefined) ?? 0;
      tx.set(ref, { n: v + 1 });
    });
  return (n * 1000) / (performance.now() - t0);
}

/** The same transactions all at once, with the client's default retries: how many commit. */
async function naiveBurst(app: Container, n: number): Promise<number> {
  const ref = app.db.collection('bench').doc('naive');
  const rs = await Promise.allSettled(
    Array.from({ length: n }, () =>
      app.db.runTransaction(async (tx) => {
        const v = ((await tx.get(ref)).get('n') as number | undefined) ?? 0;
        tx.set(ref, { n: v + 1 });
      }),
    ),
  );
  return rs.filter((r) => r.status === 'fulfilled').length;
}

/** Concurrent credits spread over instances; committed count and rate (per second). */
async function burst(instances: Container[], n: number) {
  const t0 = performance.now();
  const rs = await Promise.allSettled(
    Array.from({ length: n }, (_, i) =>
      museOf(instances[i % instances.length]!).wallet.credit({ key: `c-${i}`, amount: 1, actor }),
    ),
  );
  const ms = performance.now() - t0;
  const committed = rs.filter((r) => r.status === 'fulfilled').length;
  const exact = (await museOf(instances[0]!).wallet.verify()).ok;
  return { committed, rate: (committed * 1000) / ms, exact };
}

export async function runWalletBench(): Promise<BenchRow[]> {
  if (!process.env.FIRESTORE_EMULATOR_HOST) throw new Error('FIRESTORE_EMULATOR_HOST is not set');
  const base = await benchApp();
  await rawRate(base, 20); // warm the connection
  const raw = await rawRate(base, 200);
  const naive = await naiveBurst(base, 100);

  const one = await benchApp();
  await museOf(one).wallet.credit({ key: 'warm', amount: 1, actor });
  const single = await burst([one], 300);

  const a = await benchApp();
  const b = await benchApp(a.config.projectId);
  const two = await burst([a, b], 100);
  await Promise.all([base, one, a, b].map((c) => c.db.terminate()));

  return [
    { name: 'raw transactions on one document, sequential', value: round(raw), unit: 'tx/s' },
    {
      name: 'raw transactions, 100 at once (old design)',
      value: naive,
      unit: 'committed',
      limit: 100,
      goal: 'baseline only',
    },
    {
      name: 'wallet: 300 concurrent credits, one instance',
      value: round(single.rate),
      unit: 'entries/s',
      limit: round(raw),
      ratio: round(single.rate / raw, 2),
      goal: 'all 300 committed, ledger exact, >= 2x raw (group commit)',
      pass: single.committed === 300 && single.exact && single.rate >= 2 * raw,
    },
    {
      name: 'wallet: 100 concurrent credits, two instances',
      value: round(two.rate),
      unit: 'entries/s',
      limit: round(raw),
      ratio: round(two.rate / raw, 2),
      goal: 'all 100 committed, ledger exact',
      pass: two.committed === 100 && two.exact,
    },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runWalletBench()
    .then((rows) => {
      console.table(rows);
      process.exit(0);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
