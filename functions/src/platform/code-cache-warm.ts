/**
 * What the code cache's writer (code-cache-write.ts) runs before it asks V8 for the cache: every
 * trigger module, the container with both SDKs, the API's router and docs, and every workflow, so
 * the cache holds their compiled module code, not only the bundle's top level. No network call is
 * made: the cache is written at build time, where nothing is reachable.
 */
import { getContainer } from './container.js';

type Triggers = Record<string, () => Promise<unknown>>;

/** Returns what could not be loaded (left out of the cache, compiled on first use instead). */
export async function warmForCodeCache(triggers: Triggers): Promise<string[]> {
  const failed: string[] = [];
  const attempt = async (what: string, load: () => Promise<unknown>) => {
    try {
      await load();
    } catch (err) {
      failed.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  for (const [spec, load] of Object.entries(triggers)) await attempt(spec, load);
  await attempt('the container', async () => {
    const app = await getContainer();
    void app.bus; // loads Pub/Sub
    app.db.collection('control').doc('health');
    await app.workflows.ready();
  });
  await attempt('the API router', () => import('../triggers/http/api-router.js'));
  await attempt('the API docs', () => import('../triggers/http/api-docs.js'));
  return failed;
}
