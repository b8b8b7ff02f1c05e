/**
 * Stream tokens: short-lived JWTs (HS256, signed and checked by `jose`) with the server secret
 * (STREAM_TOKEN_SECRET). Claims: `sub` (who asked), `aud` (`muse-ops/stream`, so a JWT minted for
 * something else with the same secret is refused), `iat` and `exp` in seconds since the epoch.
 * Stateless, so any instance verifies any token, and short-lived so a leaked link (the banner
 * prints one) stops working soon.
 */
import { errors, jwtVerify, SignJWT } from 'jose';

export const MAX_TOKEN_TTL_SECONDS = 24 * 3600;
export const STREAM_TOKEN_AUDIENCE = 'muse-ops/stream';

export type TokenRefusal = 'missing' | 'malformed' | 'bad_signature' | 'expired' | 'wrong_audience';
export type TokenCheck = { ok: true; subject: string; expiresAt: Date } | { ok: false; reason: TokenRefusal };

const keyOf = (secret: string) => new TextEncoder().encode(secret);

/** Issues a token for `subject` valid for `ttlSeconds` from `now`. */
export async function issueStreamToken(
  secret: string,
  opts: { subject: string; ttlSeconds: number },
  now: Date,
): Promise<string> {
  if (!secret) throw new Error('a stream token secret is required');
  if (!Number.isInteger(opts.ttlSeconds) || opts.ttlSeconds < 1 || opts.ttlSeconds > MAX_TOKEN_TTL_SECONDS)
    throw new RangeError(`ttlSeconds must be an integer from 1 to ${MAX_TOKEN_TTL_SECONDS}`);
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT()
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(opts.subject)
    .setAudience(STREAM_TOKEN_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + opts.ttlSeconds)
    .sign(keyOf(secret));
}

/** Verifies a token's signature, audience and expiry. Never rejects. */
export async function verifyStreamToken(
  secret: string,
  token: string | null | undefined,
  now: Date,
): Promise<TokenCheck> {
  if (!token) return { ok: false, reason: 'missing' };
  try {
    const { payload } = await jwtVerify(token, keyOf(secret), {
      algorithms: ['HS256'],
      audience: STREAM_TOKEN_AUDIENCE,
      currentDate: now,
      requiredClaims: ['sub', 'exp'],
    });
    if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number')
      return { ok: false, reason: 'malformed' };
    return { ok: true, subject: payload.sub, expiresAt: new Date(payload.exp * 1000) };
  } catch (err) {
    return { ok: false, reason: refusalOf(err) };
  }
}

function refusalOf(err: unknown): TokenRefusal {
  if (err instanceof errors.JWTExpired) return 'expired';
  // A token signed some other way (another key, another algorithm, `none`) is not ours.
  if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JOSEAlgNotAllowed)
    return 'bad_signature';
  if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'aud') return 'wrong_audience';
  return 'malformed';
}
