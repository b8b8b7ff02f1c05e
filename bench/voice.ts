/**
 * Voice benchmark: voice sessions with the local live model over a real loopback WebSocket, the
 * server and the talking clients in two child processes, so the server's CPU and memory are its own.
 * At 1, 10 and 50 concurrent sessions, each client talks in turns (about 1.2 s of speech streamed in
 * real time, `audio_end`, the whole answer, a breath):
 *
 *   - end of speech (`audio_end` sent) to the answer's first audio frame, p50 and p99;
 *   - server CPU per session (share of one core over a 10 s window, after 2 s of warm-up);
 *   - server memory per session (RSS and JS heap + external after GC, minus the idle server).
 *
 *   npx tsx bench/voice.ts
 */
import { loadavg } from 'node:os';
import { forkBenchChild, type Msg } from './children.js';
import { percentile, round, type BenchRow } from './rows.js';

/** Sessions, and how long they are measured: one session takes longer to give enough turns. */
const LEVELS: Array<[number, number]> = [
  [1, 40_000],
  [10, 10_000],
  [50, 10_000],
];
const WARMUP_MS = 2000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Level {
  n: number;
  p50: number;
  p99: number;
  turns: number;
  errors: number;
  cpuPerSession: number;
  rssPerSessionKiB: number;
  heapPerSessionKiB: number;
}

async function runLevel(n: number, windowMs: number): Promise<Level> {
  const server = forkBenchChild('voice-server.ts');
  const clients = forkBenchChild('voice-clients.ts');
  try {
    const [ready] = await Promise.all([
      server.ask({ cmd: 'none' }, 'ready'),
      clients.ask({ cmd: 'none' }, 'up'),
    ]);
    const url = `ws://127.0.0.1:${String(ready.port)}`;
    // One session's turn first, so what every process pays once (compiling, the synthesiser's
    // tables) is in the idle baseline and not counted per session.
    await clients.ask({ cmd: 'talk', url, n: 1, ms: 500 }, 'talked');
    await sleep(300);
    const idle = await server.ask({ cmd: 'usage' }, 'usage');
    const talked = clients.ask({ cmd: 'talk', url, n, ms: WARMUP_MS + windowMs + 2000 }, 'talked');
    await sleep(WARMUP_MS);
    const a = await server.ask({ cmd: 'usage' }, 'usage');
    await sleep(windowMs);
    const b = await server.ask({ cmd: 'usage' }, 'usage');
    // Memory after the CPU window (a GC would count in it), while every session still talks: the
    // mean of three samples, since what is in flight at one instant varies.
    const mem = [b];
    for (let i = 0; i < 2; i++) {
      await sleep(400);
      mem.push(await server.ask({ cmd: 'usage' }, 'usage'));
    }
    const mean = (k: string) => mem.reduce((t, m) => t + (m[k] as number), 0) / mem.length;
    const done = await talked;
    const from = (done.startedAt as number) + WARMUP_MS;
    const lat = (done.latencies as Array<[number, number]>)
      .filter(([at]) => at >= from)
      .map(([, ms]) => ms)
      .sort((x, y) => x - y);
    const num = (m: Msg, k: string) => m[k] as number;
    const cpu = (num(b, 'cpuUs') - num(a, 'cpuUs')) / 1000 / (num(b, 'atMs') - num(a, 'atMs'));
    if (num(b, 'active') !== n) throw new Error(`voice bench: ${String(b.active)} of ${n} sessions active`);
    return {
      n,
      p50: percentile(lat, 50),
      p99: percentile(lat, 99),
      turns: lat.length,
      errors: (done.errors as string[]).length,
      cpuPerSession: (cpu * 100) / n,
      rssPerSessionKiB: (mean('rss') - num(idle, 'rss')) / 1024 / n,
      heapPerSessionKiB:
        (mean('heapUsed') + mean('external') - num(idle, 'heapUsed') - num(idle, 'external')) / 1024 / n,
    };
  } finally {
    for (const c of [clients, server]) {
      c.proc.send({ cmd: 'exit' });
      if (c.proc.exitCode === null) await new Promise((r) => c.proc.once('exit', r));
    }
  }
}

export async function runVoiceBench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  console.log(
    `  load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} (2 cores)`,
  );
  const levels: Level[] = [];
  for (const [n, windowMs] of LEVELS) {
    const l = await runLevel(n, windowMs);
    levels.push(l);
    console.log(
      `  ${n} sessions: ${l.turns} turns, ${l.errors} errors, first audio p50 ${round(l.p50)} ms p99 ${round(l.p99)} ms, ` +
        `CPU ${round(l.cpuPerSession, 2)}% of a core and ${round(l.rssPerSessionKiB)} KiB RSS per session`,
    );
    if (l.errors) throw new Error(`voice bench: ${l.errors} voice_error frames at ${n} sessions`);
    rows.push(
      {
        name: `voice: end of speech → first audio byte, ${n} session(s), p99 of ${l.turns} turns`,
        value: round(l.p99),
        unit: 'ms',
        limit: 100,
        ratio: round(l.p99 / 100, 2),
        goal: '≤ 100 ms',
        pass: l.p99 <= 100,
      },
      {
        name: `voice: end of speech → first audio byte, ${n} session(s), p50`,
        value: round(l.p50),
        unit: 'ms',
      },
      {
        name: `voice: server CPU per session at ${n}`,
        value: round(l.cpuPerSession, 2),
        unit: '% core',
        limit: 2,
        ratio: round(l.cpuPerSession / 2, 2),
        goal: '≤ 2% of a core',
        pass: l.cpuPerSession <= 2,
      },
      // One session's RSS delta is within the allocator's noise (pages kept or returned); the
      // per-session figure that sizes an instance is the one at 50.
      {
        name: `voice: server memory per session at ${n} (RSS)`,
        value: round(l.rssPerSessionKiB),
        unit: 'KiB',
        ...(n === 50 ? { limit: 1024, goal: '≤ 1 MiB', pass: l.rssPerSessionKiB <= 1024 } : {}),
      },
      {
        name: `voice: server heap + external per session at ${n}`,
        value: round(l.heapPerSessionKiB),
        unit: 'KiB',
      },
    );
  }
  // What one more session costs, free of each process's fixed part: the slope from 10 to 50.
  const [, ten, fifty] = levels;
  if (ten && fifty) {
    const slope = (k: 'rssPerSessionKiB' | 'heapPerSessionKiB') => (fifty[k] * 50 - ten[k] * 10) / 40;
    rows.push(
      {
        name: 'voice: server memory per added session, 10 → 50 (RSS)',
        value: round(slope('rssPerSessionKiB')),
        unit: 'KiB',
        limit: 1024,
        goal: '≤ 1 MiB',
        pass: slope('rssPerSessionKiB') <= 1024,
      },
      {
        name: 'voice: heap + external per added session, 10 → 50',
        value: round(slope('heapPerSessionKiB')),
        unit: 'KiB',
      },
    );
  }
  console.log(
    `  load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} (2 cores)`,
  );
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await runVoiceBench();
  console.table(rows);
}
