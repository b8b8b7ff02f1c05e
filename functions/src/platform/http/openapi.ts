/**
 * The OpenAPI 3.1 document of /v1, generated from the routes themselves: each route's path, scope,
 * body schema and query schema are the zod schemas the router validates with, turned into JSON
 * Schema by zod (`z.toJSONSchema`, input side: what a caller may send). One source of truth, so
 * the document cannot describe a route that accepts something else.
 */
import { z } from 'zod';
import type { Route } from './route.js';

export const OPENAPI_PATH = '/v1/openapi.json';

type Json = Record<string, unknown>;

/** A request schema as JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1), without `$schema`. */
export function requestSchema(schema: z.ZodType): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest;
}

/** The error answers every route may give, by status, all in one shape. */
const ERRORS: Record<string, string> = {
  '400': 'Invalid input: the message names the parameter or body field',
  '401': 'Missing, unknown or disabled API key',
  '403': 'The key lacks the scope this route needs',
  '404': 'No such endpoint or document',
  '405': 'The path exists, the method does not (see the Allow header)',
  '409': 'Conflict with the current state (e.g. already decided)',
  '413': 'The request body is too large',
  '422': 'A policy refused the request',
  '429': 'Rate limited',
};

const errorSchema: Json = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', examples: ['invalid_input'] },
        message: { type: 'string' },
        details: { description: 'Structured detail, e.g. the list of problems' },
      },
    },
  },
};

/** `/v1/runs/:id/gate` -> `/v1/runs/{id}/gate` */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');

/** `GET /v1/runs/:id/gate` -> `getRunsIdGate`: unique per route, stable across builds. */
function operationId(r: Route): string {
  const words = r.path
    .replace(/^\/v1\//, '')
    .split(/[/:._-]+/)
    .filter(Boolean);
  return r.method.toLowerCase() + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

function parameters(r: Route): Json[] {
  const params: Json[] = [...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  if (r.query) {
    const schema = requestSchema(r.query) as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, s] of Object.entries(schema.properties ?? {}))
      params.push({
        name,
        in: 'query',
        required: schema.required?.includes(name) ?? false,
        schema: s,
      });
  }
  return params;
}

function operation(r: Route): Json {
  const op: Json = {
    operationId: operationId(r),
    tags: [r.path.split('/')[2] ?? 'v1'],
    summary: `${r.method} ${r.path}`,
    description: `Needs an API key with the \`${r.scope}\` scope (\`admin\` implies every scope).`,
    'x-scope': r.scope,
    security: [{ apiKey: [] }],
    responses: {
      '200': { description: 'OK (201 when something was created, 202 when accepted for later)' },
      ...Object.fromEntries(Object.keys(ERRORS).map((s) => [s, { $ref: `#/components/responses/E${s}` }])),
    },
  };
  const params = parameters(r);
  if (params.length) op.parameters = params;
  if (r.body)
    op.requestBody = {
      required: true,
      content: { 'application/json': { schema: requestSchema(r.body) } },
    };
  return op;
}

/** Builds the document for `routes` (the product's ALL_ROUTES). */
export function buildOpenApi(routes: readonly Route[]): Json {
  const paths: Record<string, Json> = {
    [OPENAPI_PATH]: {
      get: {
        operationId: 'getOpenapiJson',
        tags: ['docs'],
        summary: `GET ${OPENAPI_PATH}`,
        description: 'This document. Needs no API key; a readable page of it is at /docs.',
        security: [],
        responses: { '200': { description: 'The OpenAPI 3.1 document' } },
      },
    },
  };
  for (const r of routes) {
    const p = (paths[openApiPath(r.path)] ??= {});
    p[r.method.toLowerCase()] = operation(r);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Muse Ops API',
      version: '1',
      description:
        'The /v1 API. Send an API key as `Authorization: Bearer <key>` (or `x-api-key`). Every error answers ' +
        '`{ "error": { "code", "message", "details"? } }`. Lists answer an object with a named array ' +
        '(e.g. `{ "runs": [...] }`). Generated from the zod schemas the routes validate with.',
    },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }],
    paths,
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key (`npm run apikey`, or POST /v1/api-keys); scopes decide what it may do',
        },
      },
      schemas: { Error: errorSchema },
      responses: Object.fromEntries(
        Object.entries(ERRORS).map(([s, description]) => [
          `E${s}`,
          {
            description,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
        ]),
      ),
    },
  };
}
