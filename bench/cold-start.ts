/**
 * Cold start of the functions entry, beside a bare functions-framework hello, in the same run:
 * process start to the first answered request of a path that needs no SDK (/livez), and to the
 * first answered request that does need the SDKs (/healthz: Firestore and Pub/Sub).
 * NODE_EXTRA_CA_CERTS is removed from the children's environment: on these machines it adds about
 * 135 ms to every Node start, whatever the program.
 * Needs `npm run build` first (the deployed code is the compiled JavaScript in functions/lib).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../scripts/lib/emulators.js';
import { median, round, type BenchRow } from './rows.js';

const root = join(import.meta.dirname, '..');
const ffMain = join(root, 'node_modules/@google-cloud/functions-framework/build/src/main.js');

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

async function once(
  source: string,
  target: string,
  path: string,
  sdkPath?: string,
): Promise<{ first: number; sdk?: number }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    METADATA_SERVER_DETECTION: 'none',
    GOOGLE_CLOUD_PROJECT: 'bench-cold-start',
    MUSE_ENV: 'test',
    LOG_LEVEL: 'error',
  };
  delete env.NODE_EXTRA_CA_CERTS;
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [ffMain, `--target=${target}`, `--source=${source}`, `--port=${port}`],
    { env, stdio: 'ignore' },
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

export async function runColdStartBench(runs = 7): Promise<BenchRow[]> {
  if (!existsSync(join(root, 'functions/lib/index.js')))
    throw new Error('run `npm run build` before the cold-start bench');
  const hello: number[] = [];
  const entry: number[] = [];
  const sdk: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Interleaved, so both see the same machine load.
    hello.push((await once(join(root, 'bench/fixtures/hello'), 'hello', '/')).first);
    const r = await once(root, 'api', '/livez', '/healthz');
    entry.push(r.first);
    sdk.push(r.sdk!);
  }
  const h = median(hello);
  const e = median(entry);
  const s = median(sdk);
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
  ];
}
