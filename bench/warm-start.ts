/**
 * Warm start: the first production call (the narrative step of a production: the Bible, the
 * model's SDK and client, the context cache, one Gemini call through the real SDK against a local
 * Vertex wire server) of a fresh instance, a new process each time (bench/warm-start-proc.ts), with
 * the warm start (MUSE_WARM_START=on: loaded before the instance says ready) and without (off:
 * loaded on that call). Context caching is on in both. Runs are interleaved so both see the same
 * machine load, which is reported (1-minute load average, before and after). Under tsx, like the
 * other process benches: module loads include transpiling (cached after the first run).
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Firestore } from '@google-cloud/firestore';
import { loadBible } from '../functions/src/muse/production/bible-store.js';
import { narrativeRequest } from '../functions/src/muse/production/core/prompts.js';
import { createLocalModel } from '../functions/src/model/local.js';
import { jsonReply, startVertexServer } from '../test/helpers/vertex-server.js';
import { median, round, type BenchRow } from './rows.js';

interface Run {
  readyMs: number;
  firstCallMs: number;
}

async function once(env: NodeJS.ProcessEnv): Promise<Run> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'warm-start-proc.ts')],
    {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  try {
    return await new Promise<Run>((resolve, reject) => {
      let out = '';
      let readyMs = 0;
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const ready = /READY (\d+)/.exec(out);
        if (ready && !readyMs) {
          readyMs = Number(ready[1]);
          child.stdin.write('go\n');
        }
        const done = /DONE ([\d.]+) (\w+)/.exec(out);
        if (done) {
          if (done[2] !== 'done') reject(new Error(`the production call ended ${done[2]}`));
          resolve({ readyMs, firstCallMs: Number(done[1]) });
        }
      });
      child.on('exit', (code) => reject(new Error(`instance exited ${code}: ${err.slice(0, 800)}`)));
      setTimeout(() => reject(new Error('no answer in 60 s')), 60_000).unref();
    });
  } finally {
    child.kill('SIGKILL');
  }
}

export async function runWarmStartBench(runs = 5): Promise<BenchRow[]> {
  const vertex = await startVertexServer();
  const projectId = `bench-warm-${Date.now().toString(36)}`;
  const db = new Firestore({ projectId, ignoreUndefinedProperties: true });
  const bible = await loadBible(db, new Date()); // seeded once, so every instance only reads it
  await db.terminate();
  const answer = (await createLocalModel().generate(narrativeRequest(bible, 'rain gardens'))).json;
  const base: NodeJS.ProcessEnv = {
    ...process.env,
    GOOGLE_CLOUD_PROJECT: projectId,
    MUSE_ENV: 'test',
    METADATA_SERVER_DETECTION: 'none',
    LOG_LEVEL: 'error',
    MODEL_PROVIDER: 'gemini',
    GEMINI_BASE_URL: vertex.url,
    GEMINI_CONTEXT_CACHE: 'on',
  };
  const cold: Run[] = [];
  const warm: Run[] = [];
  const loadBefore = loadavg()[0]!;
  try {
    for (let i = 0; i < runs; i++) {
      for (const [mode, into] of [
        ['off', cold],
        ['on', warm],
      ] as const) {
        vertex.enqueue(jsonReply(answer));
        into.push(await once({ ...base, MUSE_WARM_START: mode }));
      }
    }
  } finally {
    await vertex.stop();
  }
  const loadAfter = loadavg()[0]!;
  const c = median(cold.map((r) => r.firstCallMs));
  const w = median(warm.map((r) => r.firstCallMs));
  return [
    {
      name: `warm start: first production call of a fresh instance, without (median of ${runs})`,
      value: round(c, 0),
      unit: 'ms',
    },
    {
      name: `warm start: first production call of a fresh instance, with (median of ${runs})`,
      value: round(w, 0),
      unit: 'ms',
      limit: round(c, 0),
      ratio: round(w / c, 2),
      goal: 'faster than without',
      pass: w < c,
    },
    {
      name: 'warm start: process start to ready, without (node + tsx + entry only)',
      value: round(median(cold.map((r) => r.readyMs)), 0),
      unit: 'ms',
    },
    {
      name: 'warm start: process start to ready, with (/readyz 200)',
      value: round(median(warm.map((r) => r.readyMs)), 0),
      unit: 'ms',
    },
    { name: 'warm start: load average (1 min) before the runs', value: round(loadBefore, 2), unit: '' },
    { name: 'warm start: load average (1 min) after the runs', value: round(loadAfter, 2), unit: '' },
  ];
}
