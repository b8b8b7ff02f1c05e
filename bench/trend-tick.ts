/**
 * Benchmark: a trend tick over 10,000 candidates (scoring, de-duplication, intents persisted in
 * batches) on the Firestore emulator, beside writing the same intent documents one by one in the
 * same run. Goals: the tick in 2 s or less, and at least 8x faster than one by one.
 *
 *   npx tsx bench/trend-tick.ts     (starts its own Firestore emulator unless FIRESTORE_EMULATOR_HOST is set)
 *
 * The lead's bench runner imports `runTrendTickBench` with the emulators already up.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../functions/src/config.js';
import type { TrendItem } from '../functions/src/muse/trends/core/candidates.js';
import type { Container } from '../functions/src/platform/container.js';
import { manualClock } from '../test/helpers/manual-clock.js';
import { createApp } from '../functions/src/wiring/app.js';
import { museOf } from '../functions/src/wiring/muse.js';

const CANDIDATES = 10_000;

async function benchApp(tag: string): Promise<Container> {
  const projectId = `bench-${tag}-${Math.random().toString(16).slice(2, 10)}`;
  const config = loadConfig({
    GOOGLE_CLOUD_PROJECT: projectId,
    MUSE_ENV: 'test',
    LOG_LEVEL: 'error',
    FIRESTORE_EMULATOR_HOST: process.env.FIRESTORE_EMULATOR_HOST,
  });
  return createApp(config, { clock: manualClock('2026-03-01T12:00:00Z') });
}

/** Three fresh, well-engaged mentions per topic: every candidate clears the threshold (worst case). */
function items(nowMs: number): TrendItem[] {
  const out: TrendItem[] = [];
  for (let i = 0; i < CANDIDATES; i++)
    for (let k = 0; k < 3; k++)
      out.push({
        sourceId: 'bench',
        title: `post ${i}/${k}`,
        publishedAt: nowMs - k * 1_800_000,
        engagement: 800 + ((i * 7 + k) % 400),
        topics: [`trend topic ${i}`],
      });
  return out;
}

export async function runTrendTickBench(): Promise<{
  rows: Array<{ name: string; value: number; unit: string; limit?: number; ratio?: number }>;
}> {
  if (!process.env.FIRESTORE_EMULATOR_HOST) throw new Error('FIRESTORE_EMULATOR_HOST is not set');
  const app = await benchApp('tick');
  await museOf(app).wallet.credit({ key: 'seed', amount: 1000, actor: { kind: 'system', id: 'bench' } });
  const now = app.clock.now();
  const sources = [{ id: 'bench', kind: 'static' as const, items: items(now.getTime()) }];
  // Warm the connection and the batch path with a small tick in another database.
  const warm = await benchApp('warm');
  await museOf(warm).wallet.credit({ key: 'seed', amount: 1000, actor: { kind: 'system', id: 'bench' } });
  await museOf(warm).trends.runTick({
    tickId: 'warmup',
    sources: [{ id: 'w', kind: 'static', items: items(now.getTime()).slice(0, 3000) }],
  });
  await warm.db.terminate();

  const t0 = performance.now();
  const summary = await museOf(app).trends.runTick({ tickId: 'bench-1', sources });
  const tickMs = performance.now() - t0;
  if (summary.candidates !== CANDIDATES || summary.intents !== CANDIDATES)
    throw new Error(
      `expected ${CANDIDATES} candidates and intents, got ${summary.candidates}/${summary.intents}`,
    );

  // The same documents, one awaited set at a time, into a fresh database.
  const docs = (await app.db.collection('intents').get()).docs.map((d) => [d.id, d.data()] as const);
  const one = await benchApp('single');
  const t1 = performance.now();
  for (const [id, data] of docs) await one.db.collection('intents').doc(id).set(data);
  const singleMs = performance.now() - t1;
  const ratio = Math.round((singleMs / tickMs) * 10) / 10;
  await Promise.all([app.db.terminate(), one.db.terminate()]);
  return {
    rows: [
      {
        name: `trend tick, ${CANDIDATES} candidates (score, de-dupe, batched intents)`,
        value: Math.round(tickMs),
        unit: 'ms',
        limit: 2000,
        ratio,
      },
      { name: `same ${CANDIDATES} intents written one by one`, value: Math.round(singleMs), unit: 'ms' },
      { name: 'speed-up of the tick over one-by-one writes', value: ratio, unit: 'x', limit: 8 },
    ],
  };
}

async function main() {
  let stop: (() => Promise<void>) | undefined;
  if (!process.env.FIRESTORE_EMULATOR_HOST) {
    const { startFirestore } = await import('../scripts/lib/emulators.js');
    const fs = await startFirestore({ logDir: '.local/bench-logs' });
    process.env.FIRESTORE_EMULATOR_HOST = fs.host;
    stop = fs.stop;
  }
  try {
    const { rows } = await runTrendTickBench();
    console.table(rows);
  } finally {
    await stop?.();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
