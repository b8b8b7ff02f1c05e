/**
 * The OpenAPI document describes every /v1 route with the very schemas the router validates with:
 * a route missing from the document, a body or query schema that differs from the route's, a
 * handler that reads query values it never declared, or a document the OpenAPI validator refuses
 * fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import SwaggerParser from '@apidevtools/swagger-parser';
import { z } from 'zod';
import { ALL_ROUTES } from '../../functions/src/routes.js';
import { renderDocsPage } from '../../functions/src/platform/http/docs-page.js';
import { buildOpenApi, openApiPath, OPENAPI_PATH } from '../../functions/src/platform/http/openapi.js';

interface Param {
  name: string;
  in: string;
  required: boolean;
  schema: unknown;
}
interface Op {
  operationId: string;
  'x-scope': string;
  description: string;
  parameters?: Param[];
  requestBody?: { content: { 'application/json': { schema: unknown } } };
  responses: Record<string, unknown>;
  security: unknown[];
}

const doc = buildOpenApi(ALL_ROUTES) as {
  openapi: string;
  paths: Record<string, Record<string, Op>>;
  components: { securitySchemes: Record<string, { type: string; scheme: string }> };
};

/** What the route accepts, as JSON Schema, computed here independently of the generator. */
const accepted = (s: z.ZodType) => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
  return rest as { properties?: Record<string, unknown>; required?: string[] };
};
const opOf = (method: string, path: string) => doc.paths[openApiPath(path)]?.[method.toLowerCase()];

test('every route is in the document, with its scope, path parameters and error answers', () => {
  assert.ok(ALL_ROUTES.length > 100);
  for (const r of ALL_ROUTES) {
    const op = opOf(r.method, r.path);
    assert.ok(op, `${r.method} ${r.path} is not in the OpenAPI document`);
    assert.equal(op['x-scope'], r.scope, `${r.method} ${r.path}: scope`);
    assert.match(op.description, new RegExp(`\`${r.scope}\` scope`));
    assert.deepEqual(op.security, [{ apiKey: [] }]);
    const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
    assert.deepEqual(
      pathParams,
      [...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]),
      `${r.method} ${r.path}: path parameters`,
    );
    for (const status of ['400', '401', '403', '404', '405', '409', '413', '422', '429'])
      assert.ok(op.responses[status], `${r.method} ${r.path}: no ${status} answer`);
  }
  const documented = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
  assert.equal(documented, ALL_ROUTES.length + 1, 'the routes plus the document itself, nothing else');
  assert.deepEqual(doc.components.securitySchemes.apiKey, {
    ...doc.components.securitySchemes.apiKey,
    type: 'http',
    scheme: 'bearer',
  });
});

test("each request body in the document is the route's own zod schema", () => {
  for (const r of ALL_ROUTES) {
    const body = opOf(r.method, r.path)!.requestBody?.content['application/json'].schema;
    if (!r.body) assert.equal(body, undefined, `${r.method} ${r.path} takes no body`);
    else assert.deepEqual(body, accepted(r.body), `${r.method} ${r.path}: body schema differs`);
  }
  const decision = opOf('POST', '/v1/pipeline-runs/:id/decision')!.requestBody!.content['application/json']
    .schema as { properties: Record<string, unknown> };
  assert.ok(decision.properties.outcome, 'the decision body documents its outcome field');
});

test("each query parameter in the document is the route's own query schema", () => {
  for (const r of ALL_ROUTES) {
    const params = (opOf(r.method, r.path)!.parameters ?? []).filter((p) => p.in === 'query');
    const expected = r.query ? accepted(r.query) : { properties: {} };
    assert.deepEqual(
      params.map((p) => [p.name, p.schema, p.required]),
      Object.entries(expected.properties ?? {}).map(([name, s]) => [
        name,
        s,
        expected.required?.includes(name) ?? false,
      ]),
      `${r.method} ${r.path}: query parameters differ`,
    );
  }
  const events = opOf('GET', '/v1/events')!.parameters!.map((p) => p.name);
  assert.deepEqual(events, ['after', 'limit']);
});

test('a handler that reads query values declares them (so the document lists them)', () => {
  for (const r of ALL_ROUTES) {
    const readsQuery = /\bquery\b/.test(r.handle.toString());
    if (readsQuery) assert.ok(r.query, `${r.method} ${r.path} reads ctx.query without declaring \`query\``);
  }
});

test('operation ids are unique and the document passes the OpenAPI 3.1 validator', async () => {
  const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((o) => o.operationId));
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(doc.openapi, '3.1.0');
  await SwaggerParser.validate(structuredClone(doc) as never);
});

test('the validator refuses a broken document (the lint step can fail)', async () => {
  const broken = structuredClone(doc);
  broken.paths[openApiPath('/v1/runs')]!.get!.parameters!.push({
    name: 'x',
    in: 'nowhere',
    required: false,
    schema: {},
  });
  await assert.rejects(SwaggerParser.validate(broken as never), /validation failed/);
});

test('the /docs page shows every operation and links the document, with no external resource', () => {
  const page = renderDocsPage(doc);
  for (const r of ALL_ROUTES) assert.ok(page.includes(`<code>${openApiPath(r.path)}</code>`), r.path);
  assert.ok(page.includes(`href="${OPENAPI_PATH}"`));
  assert.doesNotMatch(page, /<script|src="http|href="http/);
});
