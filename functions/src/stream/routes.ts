/**
 * Token issuance for the live stream: `POST /v1/stream/tokens` (scope `read`). An authenticated API
 * caller gets a short-lived token and the ready-made stream and status-page paths carrying it.
 */
import { z } from 'zod';
import { route, type Route } from '../platform/http/route.js';
import { streamOf } from '../wiring/stream.js';

export const DEFAULT_TOKEN_TTL_SECONDS = 15 * 60;

const body = z
  .object({ ttlSeconds: z.number().int().min(30).max(3600).default(DEFAULT_TOKEN_TTL_SECONDS) })
  .default({ ttlSeconds: DEFAULT_TOKEN_TTL_SECONDS });

export const streamRoutes: Route[] = [
  route({
    method: 'POST',
    path: '/v1/stream/tokens',
    scope: 'read',
    body,
    handle: async ({ body: { ttlSeconds }, caller, app }) => ({
      status: 201,
      body: await streamOf(app).issueToken(`apikey:${caller.keyId}`, ttlSeconds),
    }),
  }),
];
