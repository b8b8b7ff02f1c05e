/**
 * Pieces of Cloud Storage's wire format the local server needs: CRC32C (the checksum the client
 * library validates every upload and download against), multipart/related bodies (the JSON API's
 * single-request upload), and V4 signed-URL verification (the canonical request the signer built,
 * checked against the signing key's public half).
 */
import { createHash, createVerify, type KeyObject } from 'node:crypto';

const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC32C (Castagnoli) as Cloud Storage reports it: the big-endian 4 bytes, base64. */
export function crc32cBase64(bytes: Uint8Array): string {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC32C_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((c ^ 0xffffffff) >>> 0);
  return out.toString('base64');
}

export const md5Base64 = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('base64');

/** The parts of a multipart/related body, each with its content type; undefined when malformed. */
export function parseMultipart(
  body: Buffer,
  contentType: string,
): Array<{ type: string; body: Buffer }> | undefined {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Array<{ type: string; body: Buffer }> = [];
  let at = body.indexOf(delimiter);
  if (at < 0) return undefined;
  for (;;) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) return undefined;
    const part = body.subarray(start, next);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) return undefined;
    const headers = part.subarray(0, headerEnd).toString('utf8');
    let content = part.subarray(headerEnd + 4);
    if (content.subarray(-2).toString() === '\r\n') content = content.subarray(0, -2);
    parts.push({ type: /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim() ?? '', body: content });
    at = next;
  }
  return parts;
}

/** The client library's URI encoding for signing: everything but `A-Za-z0-9-._~` is escaped. */
const strictEncode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export type SignedUrlProblem = { status: 400 | 403; code: string; message: string };

/**
 * Checks a V4 signed GET (GOOG4-RSA-SHA256, host the only signed header, unsigned payload) the way
 * Cloud Storage does: all parameters present, not expired at `now`, signed by `clientEmail` with
 * the key whose public half is `publicKey`. Returns the problem, or undefined when the URL is good.
 */
export function checkSignedUrl(
  o: { method: string; path: string; query: URLSearchParams; host: string },
  signer: { clientEmail: string; publicKey: KeyObject },
  now: number,
): SignedUrlProblem | undefined {
  const q = o.query;
  const need = [
    'X-Goog-Algorithm',
    'X-Goog-Credential',
    'X-Goog-Date',
    'X-Goog-Expires',
    'X-Goog-SignedHeaders',
    'X-Goog-Signature',
  ];
  const missing = need.filter((k) => !q.get(k));
  if (missing.length)
    return { status: 400, code: 'InvalidArgument', message: `missing ${missing.join(', ')}` };
  if (q.get('X-Goog-Algorithm') !== 'GOOG4-RSA-SHA256')
    return { status: 400, code: 'InvalidArgument', message: 'unsupported X-Goog-Algorithm' };
  const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(q.get('X-Goog-Date') ?? '');
  const expires = Number(q.get('X-Goog-Expires'));
  if (!date || !Number.isInteger(expires) || expires < 1 || expires > 604800)
    return { status: 400, code: 'InvalidArgument', message: 'bad X-Goog-Date or X-Goog-Expires' };
  const [, y, mo, d, h, mi, s] = date.map(Number) as number[];
  const signedAt = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
  if (now < signedAt - 60_000)
    return { status: 400, code: 'InvalidArgument', message: 'the URL is not valid yet' };
  if (now > signedAt + expires * 1000)
    return { status: 400, code: 'ExpiredToken', message: 'Invalid argument: the signed URL has expired' };
  const credential = q.get('X-Goog-Credential') ?? '';
  const scope = `${q.get('X-Goog-Date')?.slice(0, 8)}/auto/storage/goog4_request`;
  if (credential !== `${signer.clientEmail}/${scope}`)
    return { status: 403, code: 'AccessDenied', message: `unknown credential ${credential}` };
  if (q.get('X-Goog-SignedHeaders') !== 'host')
    return { status: 400, code: 'InvalidArgument', message: 'only the host header may be signed here' };

  const canonicalQuery = [...q.entries()]
    .filter(([k]) => k !== 'X-Goog-Signature')
    .map(([k, v]) => [strictEncode(k), strictEncode(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalRequest = [
    o.method,
    o.path,
    canonicalQuery,
    `host:${o.host}\n`,
    'host',
    'UNSIGNED-PAYLOAD',
  ].join('\n');
  const stringToSign = [
    'GOOG4-RSA-SHA256',
    q.get('X-Goog-Date'),
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  const signature = Buffer.from(q.get('X-Goog-Signature') ?? '', 'hex');
  const ok = createVerify('RSA-SHA256').update(stringToSign).verify(signer.publicKey, signature);
  return ok
    ? undefined
    : { status: 403, code: 'SignatureDoesNotMatch', message: 'the signature does not match' };
}
