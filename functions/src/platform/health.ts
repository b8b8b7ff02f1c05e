/** Reachability of Firestore and Pub/Sub, each with its latency, for GET /healthz. */
import { DEAD_LETTER_TOPIC } from './catalog.js';
import type { Container } from './container.js';

export interface DependencyHealth {
  ok: boolean;
  ms: number;
  error?: string;
}

async function probe(fn: () => Promise<unknown>, timeoutMs: number): Promise<DependencyHealth> {
  const t0 = performance.now();
  try {
    await Promise.race([
      fn(),
      new Promise((_, rej) =>
        setTimeout(() => rej(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs).unref(),
      ),
    ]);
    return { ok: true, ms: Math.round(performance.now() - t0) };
  } catch (err) {
    return {
      ok: false,
      ms: Math.round(performance.now() - t0),
      error: err instanceof Error ? err.message : String(err),
    };
  }
}

export async function checkHealth(app: Container, timeoutMs = 3000) {
  const [firestore, pubsub] = await Promise.all([
    probe(() => app.db.collection('control').doc('health').get(), timeoutMs),
    probe(() => app.pubsub.topic(DEAD_LETTER_TOPIC).exists(), timeoutMs),
  ]);
  return { ok: firestore.ok && pubsub.ok, project: app.config.projectId, firestore, pubsub };
}
