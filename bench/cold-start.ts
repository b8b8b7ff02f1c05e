/**
 * Cold start of the functions entry in its deployed form (the framework's CLI with `--source` at
 * the package, whose `main` is the esbuild bundle), beside two baselines, all in the same run and
 * interleaved so they see the same machine load:
 * - a bare functions-framework hello, for the first answer of a path that needs no SDK (/livez);
 * - a bare Node program that only loads the Firestore and Pub/Sub SDKs and makes one call each
 *   against the emulators (bench/fixtures/sdk-baseline): the physical limit for the first answer
 *   that needs them (/healthz makes the same two calls).
 * The unbundled compiled entry (functions/lib) is measured too, to show what the bundle changes.
 * NODE_EXTRA_CA_CERTS is removed from the children's environment: on these machines it adds about
 * 135 ms to every Node start, whatever the program.
 * Needs `npm run build` first (scripts/bench.ts runs it).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../scripts/lib/emulators.js';
import { median, round, type BenchRow } from './rows.js';

const root = join(import.meta.dirname, '..');
const ffMain = join(root, 'node_modules/@google-cloud/functions-framework/build/src/main.js');
const GOAL = 1.15;

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    METADATA_SERVER_DETECTION: 'none',
    GOOGLE_CLOUD_PROJECT: 'bench-cold-start',
    MUSE_ENV: 'test',
    LOG_LEVEL: 'error',
  };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

async function firstAnswer(url: string, deadline: number): Promise<number> {
  for (;;) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status < 500) return performance.now();
    } catch {
      /* not listening yet */
    }
    if (performance.now() > deadline) throw new Error(`no answer from ${url}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Process start to the first answer of `path` (then of `sdkPath`) from one framework target. */
async function once(
  source: string,
  target: string,
  path: string,
  sdkPath?: string,
): Promise<{ first: number; sdk?: number }> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [ffMain, `--target=${target}`, `--source=${source}`, `--port=${port}`],
    { env: childEnv(), stdio: 'ignore' },
  );
  try {
    const first = (await firstAnswer(`http://127.0.0.1:${port}${path}`, t0 + 20_000)) - t0;
    const sdk = sdkPath
      ? (await firstAnswer(`http://127.0.0.1:${port}${sdkPath}`, t0 + 20_000)) - t0
      : undefined;
    return { first, ...(sdk !== undefined ? { sdk } : {}) };
  } finally {
    child.kill('SIGKILL');
  }
}

/** Process start to the bare SDK program's "done" (both calls answered). */
async function sdkBaseline(): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(root, 'bench/fixtures/sdk-baseline/index.js')], {
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  try {
    return await new Promise<number>((resolve, reject) => {
      child.stdout!.on('data', (c: Buffer) => {
        if (c.toString().includes('done')) resolve(performance.now() - t0);
      });
      child.on('exit', (code) => reject(new Error(`the SDK baseline exited ${code}: ${out.slice(0, 500)}`)));
      setTimeout(() => reject(new Error('the SDK baseline did not finish in 20 s')), 20_000).unref();
    });
  } finally {
    child.kill('SIGKILL');
  }
}

export async function runColdStartBench(runs = 7): Promise<BenchRow[]> {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string };
  for (const f of [pkg.main, 'functions/lib/index.js'])
    if (!existsSync(join(root, f)))
      throw new Error(`run \`npm run build\` before the cold-start bench (${f})`);
  const hello: number[] = [];
  const bare: number[] = [];
  const entry: number[] = [];
  const sdk: number[] = [];
  const unbundled: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Interleaved, so all of them see the same machine load.
    hello.push((await once(join(root, 'bench/fixtures/hello'), 'hello', '/')).first);
    bare.push(await sdkBaseline());
    const r = await once(root, 'api', '/livez', '/healthz'); // the deployed form: package main
    entry.push(r.first);
    sdk.push(r.sdk!);
    unbundled.push((await once(join(root, 'functions/lib/index.js'), 'api', '/healthz')).first);
  }
  const h = median(hello);
  const b = median(bare);
  const e = median(entry);
  const s = median(sdk);
  const u = median(unbundled);
  return [
    { name: 'cold start: bare functions-framework hello (baseline)', value: round(h, 0), unit: 'ms' },
    {
      name: 'cold start: functions entry to first /livez answer',
      value: round(e, 0),
      unit: 'ms',
      limit: round(h, 0),
      ratio: round(e / h, 2),
      goal: 'within 1.15x of the bare hello',
      pass: e / h <= 1.15,
    },
    {
      name: 'cold start: process start to first SDK-using answer (/healthz)',
      value: round(s, 0),
      unit: 'ms',
      limit: 700,
      ratio: round(s / 700, 2),
      goal: 'within 700 ms of process start',
      pass: s <= 700,
    },
    {
      name: 'cold start: bare Node program, Firestore + Pub/Sub loaded and one call each (baseline)',
      value: round(b, 0),
      unit: 'ms',
    },
    {
      name: 'cold start: first SDK-using answer (/healthz, bundle) against the bare SDK program',
      value: round(s, 0),
      unit: 'ms',
      limit: round(b, 0),
      ratio: round(s / b, 2),
      goal: `within ${GOAL}x of the bare SDK program`,
      pass: s / b <= GOAL,
    },
    {
      name: 'cold start: first SDK-using answer (/healthz) from the unbundled functions/lib (reference)',
      value: round(u, 0),
      unit: 'ms',
      limit: round(b, 0),
      ratio: round(u / b, 2),
    },
  ];
}
