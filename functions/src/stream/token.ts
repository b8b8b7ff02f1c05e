/**
 * Stream tokens: short-lived, HMAC-SHA256 signed with the server secret (STREAM_TOKEN_SECRET).
 * Format: `<payload>.<signature>`, both base64url; the payload is JSON `{ sub, exp }` with `exp`
 * in seconds since the epoch. Stateless, so any instance verifies any token, and short-lived so a
 * leaked link (the banner prints one) stops working soon.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const MAX_TOKEN_TTL_SECONDS = 24 * 3600;

export type TokenCheck =
  | { ok: true; subject: string; expiresAt: Date }
  | { ok: false; reason: 'missing' | 'malformed' | 'bad_signature' | 'expired' };

const sign = (secret: string, payload: string) =>
  createHmac('sha256', secret).update(payload).digest('base64url');

/** Issues a token for `subject` valid for `ttlSeconds` from `now`. */
export function issueStreamToken(
  secret: string,
  opts: { subject: string; ttlSeconds: number },
  now: Date,
): string {
  if (!secret) throw new Error('a stream token secret is required');
  if (!Number.isInteger(opts.ttlSeconds) || opts.ttlSeconds < 1 || opts.ttlSeconds > MAX_TOKEN_TTL_SECONDS)
    throw new RangeError(`ttlSeconds must be an integer from 1 to ${MAX_TOKEN_TTL_SECONDS}`);
  const exp = Math.floor(now.getTime() / 1000) + opts.ttlSeconds;
  const payload = Buffer.from(JSON.stringify({ sub: opts.subject, exp })).toString('base64url');
  return `${payload}.${sign(secret, payload)}`;
}

/** Verifies a token's signature and expiry. Never throws. */
export function verifyStreamToken(secret: string, token: string | null | undefined, now: Date): TokenCheck {
  if (!token) return { ok: false, reason: 'missing' };
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return { ok: false, reason: 'malformed' };
  const payload = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = Buffer.from(sign(secret, payload), 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'bad_signature' };
  let claims: { sub?: unknown; exp?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number')
    return { ok: false, reason: 'malformed' };
  if (claims.exp * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, subject: claims.sub, expiresAt: new Date(claims.exp * 1000) };
}
