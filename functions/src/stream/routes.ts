/**
 * Token issuance for the live stream: `POST /v1/stream/tokens` (scope `read`). An authenticated API
 * caller gets a short-lived token and the ready-made stream and status-page paths carrying it.
 */
import { z } from 'zod';
import { requireSecret } from '../config.js';
import { route, type Route } from '../platform/http/route.js';
import { issueStreamToken } from './token.js';

export const STREAM_PATH = '/stream/muse-status';
export const STATUS_PAGE_PATH = '/status';
export const DEFAULT_TOKEN_TTL_SECONDS = 15 * 60;

const body = z
  .object({ ttlSeconds: z.number().int().min(30).max(3600).default(DEFAULT_TOKEN_TTL_SECONDS) })
  .default({ ttlSeconds: DEFAULT_TOKEN_TTL_SECONDS });

/** Builds the ws:// (or wss://) stream URL and the status page URL for a base URL and token. */
export function streamLinks(baseUrl: string, token: string): { stream: string; page: string } {
  const base = new URL(baseUrl);
  const q = `?token=${encodeURIComponent(token)}`;
  const ws = new URL(STREAM_PATH + q, base);
  ws.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
  return { stream: ws.toString(), page: new URL(STATUS_PAGE_PATH + q, base).toString() };
}

export const streamRoutes: Route[] = [
  route({
    method: 'POST',
    path: '/v1/stream/tokens',
    scope: 'read',
    body,
    async handle({ body: { ttlSeconds }, caller, app }) {
      const now = app.clock.now();
      const token = await issueStreamToken(
        requireSecret(app.config, 'streamTokenSecret'),
        { subject: `apikey:${caller.keyId}`, ttlSeconds },
        now,
      );
      const expiresAt = new Date(now.getTime() + ttlSeconds * 1000).toISOString();
      return {
        status: 201,
        body: { token, expiresAt, path: STREAM_PATH, ...streamLinks(app.config.streamPublicUrl, token) },
      };
    },
  }),
];
