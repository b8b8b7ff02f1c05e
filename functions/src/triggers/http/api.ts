/**
 * Trigger: the HTTP API. /livez answers without loading any SDK (liveness and the cold-start
 * figure); /readyz answers 200 once this instance's warm start (the Bible, the model context) is
 * loaded, and 503 naming what is still loading before (it starts the warm-up if nothing did); /healthz loads only the container; /v1/openapi.json and /docs only the routes; everything else loads the router, which builds the
 * container on first use.
 */
import type { Request, Response } from '@google-cloud/functions-framework';

type Router = { dispatchApiRequest(req: Request, res: Response): Promise<void> };
let router: Promise<Router> | undefined;

export async function handle(req: Request, res: Response): Promise<void> {
  if (req.path === '/livez') {
    res.status(200).json({ ok: true });
    return;
  }
  if (req.path === '/readyz') {
    const warm = (await import('../../wiring/warm.js')).instanceWarmUp();
    void warm.start();
    const r = warm.readiness();
    res.status(r.ready ? 200 : 503).json(r);
    return;
  }
  if (req.path === '/healthz') {
    // Health needs the container, not the router and every route module behind it.
    const [{ getContainer }, { checkHealth }] = await Promise.all([
      import('../../platform/container.js'),
      import('../../platform/health.js'),
    ]);
    const health = await checkHealth(await getContainer());
    res.status(health.ok ? 200 : 503).json(health);
    return;
  }
  if (req.path === '/v1/openapi.json' || req.path === '/docs') {
    // The API's description needs no key and no container: only the route modules.
    (await import('./api-docs.js')).serveDocs(req, res);
    return;
  }
  router ??= import('./api-router.js');
  await (await router).dispatchApiRequest(req, res);
}
