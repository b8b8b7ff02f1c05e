/**
 * Serves the API's description without an API key: the OpenAPI document at /v1/openapi.json and
 * its readable page at /docs. Both are built once per instance from ALL_ROUTES, so they describe
 * exactly the routes this deployment serves.
 */
import type { Request, Response } from '@google-cloud/functions-framework';
import { ALL_ROUTES } from '../../routes.js';
import { renderDocsPage } from '../../platform/http/docs-page.js';
import { buildOpenApi, OPENAPI_PATH } from '../../platform/http/openapi.js';

let doc: Record<string, unknown> | undefined;
let page: string | undefined;

export function serveDocs(req: Request, res: Response): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    res.status(405).json({
      error: { code: 'method_not_allowed', message: `${req.method} is not allowed on ${req.path}` },
    });
    return;
  }
  doc ??= buildOpenApi(ALL_ROUTES);
  if (req.path === OPENAPI_PATH) {
    res.status(200).json(doc);
    return;
  }
  page ??= renderDocsPage(doc);
  res.status(200).type('text/html; charset=utf-8').send(page);
}
