/**
 * `npm run bench`: every benchmark on the emulators, each figure beside the baseline or limit it is
 * judged against, measured in the same run. Prints a table and writes bench/results/latest.json.
 *
 *   npm run bench                 all of them
 *   npm run bench -- engine       only the named ones (engine, cold-start, trend-tick, stream, slack,
 *                                 wallet, decision-slack, voice; engine-parallel runs only the fan-out)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchRow } from '../bench/rows.js';
import { isUp, startFirestore, startPubSub, type EmulatorHandle } from './lib/emulators.js';
import { requireToolchain } from './lib/toolchain.js';

const root = join(import.meta.dirname, '..');

const BENCHES: Record<string, () => Promise<BenchRow[]>> = {
  'cold-start': async () => (await import('../bench/cold-start.js')).runColdStartBench(),
  engine: async () => (await import('../bench/engine.js')).runEngineBench(),
  'engine-parallel': async () => (await import('../bench/engine.js')).runEngineBench({ parts: ['parallel'] }),
  'trend-tick': async () => {
    const r = await (await import('../bench/trend-tick.js')).runTrendTickBench();
    return r.rows as BenchRow[];
  },
  stream: async () => (await import('../bench/stream.js')).runStreamBench() as Promise<BenchRow[]>,
  slack: async () => (await import('../bench/slack-ack.js')).runSlackAckBench() as Promise<BenchRow[]>,
  wallet: async () => (await import('../bench/wallet.js')).runWalletBench(),
  'decision-slack': async () => (await import('../bench/decision-slack.js')).runDecisionSlackBench(),
  voice: async () => (await import('../bench/voice.js')).runVoiceBench(),
  'warm-start': async () => (await import('../bench/warm-start.js')).runWarmStartBench(),
};

const fmt = (x: number) => (Number.isFinite(x) ? String(Math.round(x * 100) / 100) : '-');

function table(rows: Array<BenchRow & { bench: string }>): string {
  const head = ['bench', 'figure', 'value', 'baseline/limit', 'ratio', 'goal', 'ok'];
  const body = rows.map((r) => [
    r.bench,
    r.name,
    `${fmt(r.value)} ${r.unit}`,
    r.limit !== undefined ? `${fmt(r.limit)} ${r.unit}` : '',
    r.ratio !== undefined ? `${fmt(r.ratio)}x` : '',
    r.goal ?? '',
    r.pass === undefined ? '' : r.pass ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  return [line(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...body.map(line)].join(
    '\n',
  );
}

async function main() {
  const wanted = process.argv.slice(2);
  const names = wanted.length ? wanted : Object.keys(BENCHES);
  for (const n of names)
    if (!BENCHES[n]) throw new Error(`unknown benchmark "${n}"; known: ${Object.keys(BENCHES).join(', ')}`);
  requireToolchain();
  if (names.includes('cold-start')) {
    console.log('> npm run build (cold start measures the deployed bundle and the compiled functions)');
    execFileSync(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      { cwd: root, stdio: 'inherit' },
    );
    await (await import('./lib/bundle.js')).bundleFunctions();
  }
  delete process.env.NODE_EXTRA_CA_CERTS;
  process.env.METADATA_SERVER_DETECTION = 'none';
  const started: EmulatorHandle[] = [];
  const reuse =
    process.env.FIRESTORE_EMULATOR_HOST &&
    process.env.PUBSUB_EMULATOR_HOST &&
    (await isUp(process.env.FIRESTORE_EMULATOR_HOST)) &&
    (await isUp(process.env.PUBSUB_EMULATOR_HOST));
  if (!reuse) {
    console.log('> starting the emulators');
    const logDir = join(root, '.local', 'bench-logs');
    const [fs, ps] = await Promise.all([startFirestore({ logDir }), startPubSub({ logDir })]);
    started.push(fs, ps);
    process.env.FIRESTORE_EMULATOR_HOST = fs.host;
    process.env.PUBSUB_EMULATOR_HOST = ps.host;
  }
  const rows: Array<BenchRow & { bench: string }> = [];
  try {
    for (const n of names) {
      console.log(`> ${n}`);
      const t0 = Date.now();
      for (const r of await BENCHES[n]!()) rows.push({ bench: n, ...r });
      console.log(`  done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  } finally {
    await Promise.all(started.map((e) => e.stop()));
  }
  console.log('\n' + table(rows));
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(
    join(root, 'bench/results/latest.json'),
    JSON.stringify({ at: new Date().toISOString(), rows }, null, 2),
  );
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
