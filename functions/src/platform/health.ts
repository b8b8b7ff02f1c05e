/**
 * GET /healthz: reachability of Firestore and Pub/Sub, each with its latency, and every runtime
 * settings document that does not parse (named with its field). The Firestore probe is the
 * settings read itself, so the check costs no extra round trip. A bad settings document does not
 * make the instance unhealthy (the dependencies are fine; the use cases that need it refuse), so
 * it is reported beside `ok`, not folded into it.
 */
import { SETTINGS_CATALOG } from '../settings-catalog.js';
import { DEAD_LETTER_TOPIC } from './catalog.js';
import type { Container } from './container.js';
import { checkSettings, type SettingsHealth } from './settings.js';

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

export async function checkHealth(app: Container, timeoutMs = 3000, specs = SETTINGS_CATALOG) {
  let settings: SettingsHealth[] = [];
  const [firestore, pubsub] = await Promise.all([
    probe(async () => {
      if (specs.length) settings = await checkSettings(app.db, specs);
      else await app.db.collection('control').doc('health').get();
    }, timeoutMs),
    probe(() => app.pubsub.topic(DEAD_LETTER_TOPIC).exists(), timeoutMs),
  ]);
  const invalidSettings = settings.filter((s) => !s.ok).map(({ path, error }) => ({ path, error }));
  for (const bad of invalidSettings)
    app.log.warn('settings document does not parse', { path: bad.path, error: bad.error });
  return { ok: firestore.ok && pubsub.ok, project: app.config.projectId, firestore, pubsub, invalidSettings };
}
