/**
 * Live stream benchmark: 5,000 real `ws` clients in a separate child process on loopback, against
 * the real stream server and against a naive broadcast (JSON.stringify + ws.send per client, no
 * buffer cap), each in its own server child, in the same run.
 *
 *   - one status change: p50/p99 delivery latency to all 5,000 clients (median of 5 rounds);
 *   - server memory per idle connection (RSS after GC, 5,000 connections vs none);
 *   - server memory (JS heap + external, where socket backlogs live) while one client reads
 *     nothing and 100 healthy clients read ~1 MB/s each, with the number of healthy clients closed.
 *
 *   npx tsx bench/stream.ts            (needs ~10,000 file descriptors: ulimit -n 20000 here)
 */
import { issueStreamToken } from '../functions/src/stream/token.js';

import { forkBenchChild } from './children.js';
import type { BenchRow } from './rows.js';

export type { BenchRow };

const CLIENTS = 5000;
const ROUNDS = 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

interface ModeResult {
  p50: number;
  p99: number;
  missing: number;
  bytesPerConn: number;
  heapPerConn: number;
  slowPeakMiB: number;
  slowEndMiB: number;
  healthyClosed: number;
  slowClosed: number;
}

async function runMode(mode: 'prefram' | 'naive', secret: string): Promise<ModeResult> {
  const server = forkBenchChild('stream-server.ts', [mode, secret], ['--max-old-space-size=2048']);
  const clients = forkBenchChild('stream-clients.ts', [], ['--max-old-space-size=2048']);
  try {
    const [ready] = await Promise.all([
      server.ask({ cmd: 'none' }, 'ready'),
      clients.ask({ cmd: 'none' }, 'up'),
    ]);
    const token = await issueStreamToken(secret, { subject: 'bench', ttlSeconds: 3600 }, new Date());
    const url = `ws://127.0.0.1:${String(ready.port)}/stream/muse-status?token=${token}`;

    const before = await server.ask({ cmd: 'mem' }, 'mem');
    const connected = await clients.ask({ cmd: 'connect', url, n: CLIENTS }, 'connected');
    if (connected.n !== CLIENTS)
      throw new Error(`${mode}: only ${String(connected.n)} of ${CLIENTS} connected`);
    const afterConn = await server.ask({ cmd: 'mem' }, 'mem');
    const bytesPerConn = ((afterConn.rss as number) - (before.rss as number)) / CLIENTS;
    const heapPerConn =
      ((afterConn.heapUsed as number) +
        (afterConn.external as number) -
        (before.heapUsed as number) -
        (before.external as number)) /
      CLIENTS;

    const p50s: number[] = [];
    const p99s: number[] = [];
    let missing = 0;
    for (let r = 0; r < ROUNDS; r++) {
      await clients.ask({ cmd: 'arm' }, 'armed');
      const pub = await server.ask({ cmd: 'publish', payloadBytes: 2000 }, 'published');
      const lat = await clients.ask({ cmd: 'collect', t0: pub.t0 }, 'latencies');
      const ms = lat.ms as number[];
      missing += lat.missing as number;
      p50s.push(pct(ms, 50));
      p99s.push(pct(ms, 99));
      await new Promise((res) => setTimeout(res, 300));
    }

    await clients.ask({ cmd: 'slow', url, keep: 100 }, 'slowReady');
    const streamed = await server.ask(
      { cmd: 'stream', bytesPerSec: 1_000_000, payloadBytes: 16 * 1024, ms: 25_000 },
      'streamed',
    );
    const report = await clients.ask({ cmd: 'report' }, 'report');
    const samples = streamed.samples as number[];
    const base = samples[0]!;
    const mib = (b: number) => b / (1024 * 1024);
    const stats = streamed.stats as { closedSlow?: number };
    return {
      p50: median(p50s),
      p99: median(p99s),
      missing,
      bytesPerConn,
      heapPerConn,
      slowPeakMiB: mib(Math.max(...samples) - base),
      slowEndMiB: mib((streamed.end as number) - base),
      healthyClosed: report.healthyClosed as number,
      slowClosed: stats.closedSlow ?? 0,
    };
  } finally {
    clients.proc.send({ cmd: 'exit' });
    server.proc.send({ cmd: 'exit' });
    await Promise.all(
      [clients.proc, server.proc].map((p) =>
        p.exitCode === null ? new Promise((r) => p.once('exit', r)) : Promise.resolve(),
      ),
    );
  }
}

/** Runs the benchmark and returns its rows. */
export async function runStreamBench(): Promise<BenchRow[]> {
  const secret = 'bench-stream-secret-0123456789';
  const naive = await runMode('naive', secret);
  const fast = await runMode('prefram', secret);
  const r2 = (x: number) => Math.round(x * 100) / 100;
  const low = (name: string, value: number, unit: string, limit?: number): BenchRow => ({
    name,
    value: r2(value),
    unit,
    ...(limit !== undefined ? { limit, ratio: r2(value / limit) } : {}),
  });
  const speedup = fast.p99 > 0 ? naive.p99 / fast.p99 : Infinity;
  return [
    low('stream: p50 delivery, 5,000 clients', fast.p50, 'ms'),
    low('stream: p99 delivery, 5,000 clients', fast.p99, 'ms', 100),
    low('naive broadcast: p50 delivery, 5,000 clients', naive.p50, 'ms'),
    low('naive broadcast: p99 delivery, 5,000 clients', naive.p99, 'ms'),
    {
      name: 'stream: p99 speed-up over naive',
      value: r2(speedup),
      unit: 'x',
      limit: 1.5,
      ratio: r2(1.5 / speedup),
    },
    low('stream: frames not delivered', fast.missing, 'frames', 0),
    low('stream: server memory per idle connection (RSS)', fast.bytesPerConn / 1024, 'KiB', 10),
    low('stream: server JS heap + external per idle connection', fast.heapPerConn / 1024, 'KiB'),
    low('naive broadcast: server memory per idle connection (RSS)', naive.bytesPerConn / 1024, 'KiB'),
    low(
      'stream: memory growth, peak, one client reading nothing (25 s at 1 MB/s)',
      fast.slowPeakMiB,
      'MiB',
      16,
    ),
    low('stream: memory growth at the end, one client reading nothing', fast.slowEndMiB, 'MiB', 8),
    low('naive broadcast: memory growth, peak, one client reading nothing', naive.slowPeakMiB, 'MiB'),
    low('naive broadcast: memory growth at the end', naive.slowEndMiB, 'MiB'),
    low('stream: healthy clients closed (of 100 reading ~1 MB/s)', fast.healthyClosed, 'clients', 0),
    { name: 'stream: slow client closed', value: fast.slowClosed, unit: 'clients' },
    { name: 'naive broadcast: healthy clients closed', value: naive.healthyClosed, unit: 'clients' },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runStreamBench().then(
    (rows) => {
      console.table(rows);
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
