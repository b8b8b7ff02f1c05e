/**
 * What the code cache's writer (code-cache-write.ts) runs before it asks V8 for the cache: every
 * module app.cjs serves (the triggers, the API's router and docs), the container with both SDKs,
 * and every workflow, so the cache holds their compiled module code, not only the bundle's top
 * level. No network call is made: the cache is written at build time, where nothing is reachable.
 */
import { getApp } from '../wiring/app.js';
import { engineOf } from '../wiring/engine.js';

type Modules = Record<string, () => Promise<unknown>>;

/** Returns what could not be loaded (left out of the cache, compiled on first use instead). */
export async function warmForCodeCache(modules: Modules): Promise<string[]> {
  const failed: string[] = [];
  const attempt = async (what: string, load: () => Promise<unknown>) => {
    try {
      await load();
    } catch (err) {
      failed.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  for (const [key, load] of Object.entries(modules)) await attempt(key, load);
  await attempt('the container', async () => {
    const app = await getApp();
    void app.bus; // loads Pub/Sub
    app.db.collection('control').doc('health');
    await engineOf(app).workflows.ready();
  });
  return failed;
}
