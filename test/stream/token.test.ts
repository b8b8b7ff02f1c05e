import assert from 'node:assert/strict';
import { test } from 'node:test';
import { issueStreamToken, verifyStreamToken } from '../../functions/src/stream/token.js';

const secret = 'a-secret-of-enough-length';
const now = new Date('2026-03-01T12:00:00Z');

test('a good token verifies with its subject and expiry', () => {
  const t = issueStreamToken(secret, { subject: 'apikey:k1', ttlSeconds: 60 }, now);
  const check = verifyStreamToken(secret, t, new Date(now.getTime() + 59_000));
  assert.deepEqual(check, { ok: true, subject: 'apikey:k1', expiresAt: new Date('2026-03-01T12:01:00Z') });
});

test('an expired token is refused', () => {
  const t = issueStreamToken(secret, { subject: 's', ttlSeconds: 60 }, now);
  assert.deepEqual(verifyStreamToken(secret, t, new Date(now.getTime() + 60_000)), {
    ok: false,
    reason: 'expired',
  });
});

test('bad tokens are refused: wrong secret, tampered payload, garbage, missing', () => {
  const t = issueStreamToken(secret, { subject: 's', ttlSeconds: 60 }, now);
  assert.equal(verifyStreamToken('another-secret-entirely', t, now).ok, false);
  const [payload, sig] = t.split('.') as [string, string];
  const forged = Buffer.from(JSON.stringify({ sub: 's', exp: 9_999_999_999 })).toString('base64url');
  assert.deepEqual(verifyStreamToken(secret, `${forged}.${sig}`, now), {
    ok: false,
    reason: 'bad_signature',
  });
  assert.deepEqual(verifyStreamToken(secret, `${payload}.`, now), { ok: false, reason: 'bad_signature' });
  assert.deepEqual(verifyStreamToken(secret, 'nonsense', now), { ok: false, reason: 'malformed' });
  assert.deepEqual(verifyStreamToken(secret, '', now), { ok: false, reason: 'missing' });
  assert.deepEqual(verifyStreamToken(secret, null, now), { ok: false, reason: 'missing' });
});

test('ttl is bounded', () => {
  assert.throws(() => issueStreamToken(secret, { subject: 's', ttlSeconds: 0 }, now), RangeError);
  assert.throws(() => issueStreamToken(secret, { subject: 's', ttlSeconds: 1e9 }, now), RangeError);
});
