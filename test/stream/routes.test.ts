import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../functions/src/config.js';
import type { Container } from '../../functions/src/platform/container.js';
import { manualClock } from '../helpers/manual-clock.js';
import { streamLinks } from '../../functions/src/stream/links.js';
import { streamRoutes } from '../../functions/src/stream/routes.js';
import { verifyStreamToken } from '../../functions/src/stream/token.js';

const secret = 'route-test-secret-0123456789';

test('POST /v1/stream/tokens (scope read) issues a short-lived token and ready links', async () => {
  const [r] = streamRoutes;
  assert.deepEqual([r!.method, r!.path, r!.scope], ['POST', '/v1/stream/tokens', 'read']);
  const clock = manualClock('2026-02-01T00:00:00Z');
  const config = loadConfig({
    GOOGLE_CLOUD_PROJECT: 'muse-test',
    STREAM_TOKEN_SECRET: secret,
    PUBLIC_BASE_URL: 'https://muse.example.com',
  });
  const body = r!.body!.parse({ ttlSeconds: 120 });
  const res = await r!.handle({
    params: {},
    query: {},
    body,
    caller: { keyId: 'k1', name: 'ci', scopes: ['read'] },
    actor: { kind: 'apikey', id: 'k1', name: 'ci' },
    app: { config, clock } as unknown as Container,
  });
  const out = res.body as { token: string; expiresAt: string; stream: string; page: string };
  assert.equal(res.status, 201);
  assert.equal(out.expiresAt, '2026-02-01T00:02:00.000Z');
  const check = await verifyStreamToken(secret, out.token, clock.now());
  assert.ok(check.ok && check.subject === 'apikey:k1');
  assert.ok(out.stream.startsWith('wss://muse.example.com/stream/muse-status?token='));
  assert.ok(out.page.startsWith('https://muse.example.com/status?token='));
  assert.equal(r!.body!.safeParse({ ttlSeconds: 999_999 }).success, false);
  assert.deepEqual(r!.body!.parse(undefined), { ttlSeconds: 900 });
});

test('stream links use ws: for http bases', () => {
  assert.deepEqual(streamLinks('http://localhost:8080', 'a.b'), {
    stream: 'ws://localhost:8080/stream/muse-status?token=a.b',
    page: 'http://localhost:8080/status?token=a.b',
  });
});
