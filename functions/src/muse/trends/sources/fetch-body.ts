/**
 * Reads a source body over http(s) with a timeout and a size limit. Failures throw SourceError with
 * a reason people can read in the tick summary and the source's health. Only http(s): the deployed
 * code reads no file (locally the bundled fixtures are served by a feed server).
 */

export class SourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceError';
  }
}

export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
}

export const DEFAULT_LIMITS: FetchLimits = { timeoutMs: 5000, maxBytes: 2 * 1024 * 1024 };

const USER_AGENT = 'muse-ops-trendscout/0.1 (+https://github.com/muse-ops)';

export async function fetchBody(url: string, limits: FetchLimits = DEFAULT_LIMITS): Promise<string> {
  if (!/^https?:/.test(url)) throw new SourceError(`unsupported URL scheme in ${url}`);
  const signal = AbortSignal.timeout(limits.timeoutMs);
  try {
    const res = await fetch(url, { signal, headers: { 'user-agent': USER_AGENT, accept: '*/*' } });
    if (!res.ok) {
      await res.body?.cancel();
      throw new SourceError(`HTTP ${res.status} ${res.statusText}`.trim());
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > limits.maxBytes) {
      await res.body?.cancel();
      throw new SourceError(`body of ${declared} bytes is over the limit of ${limits.maxBytes}`);
    }
    if (!res.body) return '';
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limits.maxBytes) {
        await reader.cancel();
        throw new SourceError(`body is over the limit of ${limits.maxBytes} bytes`);
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks).toString('utf8');
  } catch (err) {
    if (err instanceof SourceError) throw err;
    if (signal.aborted) throw new SourceError(`timed out after ${limits.timeoutMs} ms`);
    throw new SourceError(
      `fetch failed: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}`,
    );
  }
}
