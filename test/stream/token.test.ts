import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SignJWT } from 'jose';
import {
  issueStreamToken,
  STREAM_TOKEN_AUDIENCE,
  verifyStreamToken,
} from '../../functions/src/stream/token.js';

const secret = 'a-secret-of-enough-length';
const now = new Date('2026-03-01T12:00:00Z');
const key = new TextEncoder().encode(secret);
const nowSeconds = Math.floor(now.getTime() / 1000);

test('a good token is a JWT that verifies with its subject and expiry', async () => {
  const t = await issueStreamToken(secret, { subject: 'apikey:k1', ttlSeconds: 60 }, now);
  const [header, payload] = t
    .split('.')
    .slice(0, 2)
    .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()) as unknown);
  assert.deepEqual(header, { alg: 'HS256', typ: 'JWT' });
  assert.deepEqual(payload, {
    sub: 'apikey:k1',
    aud: STREAM_TOKEN_AUDIENCE,
    iat: nowSeconds,
    exp: nowSeconds + 60,
  });
  const check = await verifyStreamToken(secret, t, new Date(now.getTime() + 59_000));
  assert.deepEqual(check, { ok: true, subject: 'apikey:k1', expiresAt: new Date('2026-03-01T12:01:00Z') });
});

test('an expired token is refused', async () => {
  const t = await issueStreamToken(secret, { subject: 's', ttlSeconds: 60 }, now);
  assert.deepEqual(await verifyStreamToken(secret, t, new Date(now.getTime() + 60_000)), {
    ok: false,
    reason: 'expired',
  });
});

test('bad tokens are refused: wrong secret, tampered payload, garbage, missing', async () => {
  const t = await issueStreamToken(secret, { subject: 's', ttlSeconds: 60 }, now);
  assert.deepEqual(await verifyStreamToken('another-secret-entirely', t, now), {
    ok: false,
    reason: 'bad_signature',
  });
  const [header, payload, sig] = t.split('.') as [string, string, string];
  const forged = Buffer.from(
    JSON.stringify({ sub: 's', aud: STREAM_TOKEN_AUDIENCE, exp: 9_999_999_999 }),
  ).toString('base64url');
  assert.deepEqual(await verifyStreamToken(secret, `${header}.${forged}.${sig}`, now), {
    ok: false,
    reason: 'bad_signature',
  });
  assert.deepEqual(await verifyStreamToken(secret, `${header}.${payload}.`, now), {
    ok: false,
    reason: 'bad_signature',
  });
  const unsigned = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
  assert.deepEqual(await verifyStreamToken(secret, `${unsigned}.${payload}.`, now), {
    ok: false,
    reason: 'bad_signature',
  });
  assert.deepEqual(await verifyStreamToken(secret, 'nonsense', now), { ok: false, reason: 'malformed' });
  assert.deepEqual(await verifyStreamToken(secret, 'a.b.c', now), { ok: false, reason: 'malformed' });
  assert.deepEqual(await verifyStreamToken(secret, '', now), { ok: false, reason: 'missing' });
  assert.deepEqual(await verifyStreamToken(secret, null, now), { ok: false, reason: 'missing' });
});

test('a JWT signed with the same secret but for another audience, or without a subject, is refused', async () => {
  const other = await new SignJWT({ sub: 's' })
    .setProtectedHeader({ alg: 'HS256' })
    .setAudience('something-else')
    .setExpirationTime(nowSeconds + 60)
    .sign(key);
  assert.deepEqual(await verifyStreamToken(secret, other, now), { ok: false, reason: 'wrong_audience' });
  const noSubject = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setAudience(STREAM_TOKEN_AUDIENCE)
    .setExpirationTime(nowSeconds + 60)
    .sign(key);
  assert.deepEqual(await verifyStreamToken(secret, noSubject, now), { ok: false, reason: 'malformed' });
  const noExpiry = await new SignJWT({ sub: 's' })
    .setProtectedHeader({ alg: 'HS256' })
    .setAudience(STREAM_TOKEN_AUDIENCE)
    .sign(key);
  assert.deepEqual(await verifyStreamToken(secret, noExpiry, now), { ok: false, reason: 'malformed' });
});

test('ttl is bounded', async () => {
  await assert.rejects(issueStreamToken(secret, { subject: 's', ttlSeconds: 0 }, now), RangeError);
  await assert.rejects(issueStreamToken(secret, { subject: 's', ttlSeconds: 1e9 }, now), RangeError);
});
