/**
 * Gemini on Vertex AI through @google/genai with `vertexai: true` (the generative module of
 * @google-cloud/vertexai was removed on 2026-06-24). The SDK is imported on the first call, not at
 * module load, so a cold instance that never talks to the model pays nothing for it.
 *
 * Retries are the SDK's own (`httpOptions.retryOptions`, which it applies only when asked): 429,
 * 408, 5xx and per-attempt timeouts are retried with exponential backoff and jitter, up to
 * `maxAttempts`; other 4xx fail at once. They are set per model call, not on the client, so cache
 * creation keeps its single attempt (a failure there falls back to the inline prompt at once).
 * One hand-written piece stays: see `retryableNetworkErrors`. A JSON answer that does not parse is
 * not retried here: it surfaces as a retryable ModelError with the raw text, and the caller's step
 * policy decides.
 */
import type { GoogleGenAI, GoogleGenAIOptions, HttpRetryOptions } from '@google/genai';
import { RETRYABLE_STATUSES, isRetryableStatus } from './core/retry-policy.js';
import { fromGenerateResponse, toGenerateParams, toModelError } from './gemini-wire.js';
import { ModelError, type ModelPort, type ModelRequest, type ModelResponse } from './port.js';

export interface GeminiOptions {
  project: string;
  location: string;
  /** Model id, e.g. `gemini-2.5-flash`. Also the name used for pricing. */
  model: string;
  /** Endpoint override (a regional endpoint, a proxy, or a local wire-format server in tests). */
  baseUrl?: string;
  /** Vertex API version; `v1` unless set. */
  apiVersion?: string;
  /** Attempts per call, the first included. Default 4. */
  maxAttempts?: number;
  /** Per-attempt timeout in ms. Default 60 000. */
  timeoutMs?: number;
  /** First backoff step in ms (doubles per attempt, jittered up to 2x). Default 500. */
  baseDelayMs?: number;
  /** Longest backoff in ms. Default 8 000. */
  maxDelayMs?: number;
  /**
   * google-auth-library options. Unset means Application Default Credentials (the function's
   * service account in the cloud). Tests pass `{ apiKey, projectId }`, which never reaches a token
   * endpoint or the metadata server.
   */
  auth?: GoogleGenAIOptions['googleAuthOptions'];
  /** Context caching for a large static system prompt (the identity Bible); see `GeminiCacheOptions`. */
  cache?: GeminiCacheOptions;
  /** For tests: the clock for cache expiry (default Date.now). */
  now?: () => number;
}

/**
 * Gemini context caching: the `systemInstruction` is uploaded once as a CachedContent, and every
 * call whose `system` starts with it refers to the cache instead of resending it (cached input
 * tokens bill at a fraction of the normal rate). Vertex accepts no tools alongside a cache here,
 * so calls with tools send the system prompt inline. The cache is re-created shortly before it
 * expires. Vertex refuses caches under its minimum size (about 1,024-4,096 tokens by model); a
 * refusal turns caching off for the instance, reported through `onError`, and calls carry on inline.
 */
export interface GeminiCacheOptions {
  systemInstruction: string;
  /** Cache lifetime. Default 3 600 s. */
  ttlSeconds?: number;
  displayName?: string;
  /** Told when a cache cannot be created (the call itself still goes through, uncached). */
  onError?: (err: ModelError) => void;
}

/** A network failure (refused, reset) under a name the SDK's retry treats as transient. */
class NetworkError extends Error {
  override name = 'NetworkError';
}

/**
 * The hand-written piece the SDK does not cover: its retry (p-retry 4) gives up at once on any
 * `TypeError` except browsers' network messages, and Node's fetch reports a refused or reset
 * connection as `TypeError: fetch failed`. Re-labelled, the SDK retries it like a 503, within the
 * same attempts and backoff. `onAttempt` counts attempts for the error message.
 */
function retryableNetworkErrors(onAttempt: () => void): typeof fetch {
  return (input, init) => {
    onAttempt();
    return fetch(input, init).catch((err: unknown) => {
      throw err instanceof TypeError ? new NetworkError(err.message, { cause: err }) : err;
    });
  };
}

/** Creates the Gemini adapter. Synchronous and cheap: the SDK loads on the first `generate`. */
export function createGeminiModel(opts: GeminiOptions): ModelPort {
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 4);
  const baseDelayMs = opts.baseDelayMs ?? 500;
  const retryOptions: HttpRetryOptions = {
    attempts: maxAttempts,
    initialDelay: baseDelayMs / 1000,
    maxDelay: Math.max(baseDelayMs, opts.maxDelayMs ?? 8000) / 1000,
    expBase: 2,
    jitter: 1,
    httpStatusCodes: [...RETRYABLE_STATUSES],
  };
  let client: Promise<GoogleGenAI> | undefined;

  const getClient = () =>
    (client ??= import('@google/genai').then(
      ({ GoogleGenAI }) =>
        new GoogleGenAI({
          vertexai: true,
          project: opts.project,
          location: opts.location,
          apiVersion: opts.apiVersion ?? 'v1',
          ...(opts.auth ? { googleAuthOptions: opts.auth } : {}),
          httpOptions: {
            ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
            timeout: opts.timeoutMs ?? 60_000,
          },
        }),
    ));
  const cache = opts.cache ? createCacheKeeper(opts, opts.cache, getClient) : undefined;

  async function call(req: ModelRequest, onAttempt: () => void): Promise<ModelResponse> {
    const ai = await getClient();
    const cached =
      cache && !req.tools?.length && req.system?.startsWith(opts.cache?.systemInstruction ?? '\0')
        ? await cache.name()
        : undefined;
    const params = toGenerateParams(
      opts.model,
      req,
      cached && opts.cache ? { name: cached, systemInstruction: opts.cache.systemInstruction } : undefined,
    );
    params.config = {
      ...params.config,
      httpOptions: { retryOptions, fetch: retryableNetworkErrors(onAttempt) },
    };
    const res = await ai.models.generateContent(params).catch((err: unknown) => {
      throw toModelError(err, isRetryableStatus);
    });
    return fromGenerateResponse(opts.model, req, res);
  }

  return {
    model: opts.model,
    async generate(req) {
      let attempts = 0;
      try {
        return await call(req, () => attempts++);
      } catch (err) {
        const e = toModelError(err, isRetryableStatus);
        // Unparseable JSON has `raw`: the caller's policy retries it, not the transport.
        if (e.retryable && e.raw === undefined && attempts > 1)
          throw new ModelError(`${e.message} (after ${attempts} attempts)`, true, e.status);
        throw e;
      }
    },
  };
}

/**
 * Keeps one CachedContent alive for the instance. Creation is shared by concurrent callers; a
 * transient failure is retried on the next call, a refusal (4xx) disables caching.
 */
function createCacheKeeper(
  opts: GeminiOptions,
  cacheOpts: GeminiCacheOptions,
  getClient: () => Promise<GoogleGenAI>,
) {
  const now = opts.now ?? Date.now;
  const ttlSeconds = cacheOpts.ttlSeconds ?? 3600;
  // Refresh a minute early so no call races the expiry.
  const marginMs = Math.min(60_000, (ttlSeconds * 1000) / 10);
  let current: Promise<{ name: string; expiresAt: number } | undefined> | undefined;
  let disabled = false;

  async function create(): Promise<{ name: string; expiresAt: number } | undefined> {
    try {
      const ai = await getClient();
      const created = await ai.caches.create({
        model: opts.model,
        config: {
          systemInstruction: cacheOpts.systemInstruction,
          ttl: `${ttlSeconds}s`,
          ...(cacheOpts.displayName ? { displayName: cacheOpts.displayName } : {}),
        },
      });
      if (!created.name) throw new ModelError('Gemini created a cache without a name', true);
      const expiresAt = created.expireTime ? Date.parse(created.expireTime) : now() + ttlSeconds * 1000;
      return {
        name: created.name,
        expiresAt: Number.isNaN(expiresAt) ? now() + ttlSeconds * 1000 : expiresAt,
      };
    } catch (err) {
      const e = toModelError(err, isRetryableStatus);
      if (!e.retryable) disabled = true;
      current = undefined;
      cacheOpts.onError?.(e);
      return undefined;
    }
  }

  return {
    async name(): Promise<string | undefined> {
      if (disabled) return undefined;
      const held = await (current ??= create());
      if (held && held.expiresAt - marginMs > now()) return held.name;
      if (held) current = undefined;
      return held ? (await (current ??= create()))?.name : undefined;
    },
  };
}
