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
import type { GoogleGenAI } from '@google/genai';
import { isRetryableStatus } from './core/retry-policy.js';
import { vertexClientOptions, vertexRetryOptions, type VertexConnection } from './vertex-client.js';
import { fromGenerateResponse, toGenerateParams, toModelError } from './gemini-wire.js';
import {
  ModelError,
  type ModelPort,
  type ModelPurpose,
  type ModelRequest,
  type ModelResponse,
} from './port.js';

export interface GeminiOptions extends VertexConnection {
  /** Model id, e.g. `gemini-2.5-flash`. Also the name used for pricing. */
  model: string;
  /** Attempts per call, the first included. Default 4. */
  maxAttempts?: number;
  /** Per-attempt timeout in ms. Default 60 000. */
  timeoutMs?: number;
  /** First backoff step in ms (doubles per attempt, jittered up to 2x). Default 500. */
  baseDelayMs?: number;
  /** Longest backoff in ms. Default 8 000. */
  maxDelayMs?: number;
  /** Context caching for a large static system prompt (the identity Bible); see `GeminiCacheOptions`. */
  cache?: GeminiCacheOptions;
  /** For tests: the clock for cache expiry (default Date.now). */
  now?: () => number;
}

/**
 * Gemini context caching: a system instruction is uploaded once as a CachedContent, and every call
 * whose `system` is (or, with a fixed `systemInstruction`, starts with) it refers to the cache
 * instead of resending it (cached input tokens bill at a fraction of the normal rate). Two modes:
 * - a fixed `systemInstruction`: one cache for that prefix, any purpose;
 * - per context (no `systemInstruction`): the `system` of each call whose purpose is in `purposes`
 *   is its own cache. Production's system instruction is the identity Bible rendered, so a new Bible
 *   version is a new text and gets a new cache; the superseded one is deleted (best effort).
 * Vertex accepts no tools alongside a cache here, so calls with tools send the system prompt inline.
 * A cache is re-created shortly before it expires, and at once when Vertex says it is gone (404):
 * that call is sent again inline. Vertex refuses caches under its minimum size (about 1,024-4,096
 * tokens by model); a refusal turns caching off for the instance, reported through `onError`, and
 * calls carry on inline.
 */
export interface GeminiCacheOptions {
  /** A fixed cached prefix. Unset: each production context (see `purposes`) is cached. */
  systemInstruction?: string;
  /** Per-context mode: the purposes whose `system` is cached. Default: every purpose. */
  purposes?: readonly ModelPurpose[];
  /** Cache lifetime. Default 3 600 s. */
  ttlSeconds?: number;
  displayName?: string;
  /** Told when a cache cannot be created or was lost (the call itself still goes through). */
  onError?: (err: ModelError) => void;
}

/** Caches held at once (per-context mode): a production context and a critic context, with room. */
const MAX_CONTEXTS = 4;

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
  const retryOptions = vertexRetryOptions({
    attempts: maxAttempts,
    baseDelayMs: opts.baseDelayMs ?? 500,
    maxDelayMs: opts.maxDelayMs ?? 8000,
  });
  let client: Promise<GoogleGenAI> | undefined;

  const getClient = () =>
    (client ??= import('@google/genai').then(
      ({ GoogleGenAI }) => new GoogleGenAI(vertexClientOptions(opts, opts.timeoutMs ?? 60_000)),
    ));
  const cache = opts.cache ? createCacheKeeper(opts, opts.cache, getClient) : undefined;

  async function send(
    ai: GoogleGenAI,
    req: ModelRequest,
    onAttempt: () => void,
    cached?: { name: string; systemInstruction: string },
  ): Promise<ModelResponse> {
    const params = toGenerateParams(opts.model, req, cached);
    params.config = {
      ...params.config,
      httpOptions: { retryOptions, fetch: retryableNetworkErrors(onAttempt) },
    };
    const res = await ai.models.generateContent(params).catch((err: unknown) => {
      throw toModelError(err, isRetryableStatus);
    });
    return fromGenerateResponse(opts.model, req, res);
  }

  async function call(req: ModelRequest, onAttempt: () => void): Promise<ModelResponse> {
    const ai = await getClient();
    const instruction = cache?.instructionFor(req);
    const name = instruction !== undefined ? await cache?.name(instruction) : undefined;
    if (!name || instruction === undefined) return send(ai, req, onAttempt);
    try {
      return await send(ai, req, onAttempt, { name, systemInstruction: instruction });
    } catch (err) {
      // Expired early or deleted: forget it (the next call re-creates it) and send this one inline.
      if (!(err instanceof ModelError) || !cacheGone(err)) throw err;
      cache?.lost(instruction, name, err);
      return send(ai, req, onAttempt);
    }
  }

  return {
    model: opts.model,
    async prepare(context) {
      await getClient();
      const instruction = cache?.instructionFor({
        purpose: context.purpose,
        system: context.system,
        prompt: '',
      });
      const name = instruction !== undefined ? await cache?.name(instruction) : undefined;
      return { sdk: 'loaded', ...(name ? { cachedContent: name } : {}) };
    },
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

/** Vertex answers 404 (or a 400 naming the cache) for a cachedContent that expired or was deleted. */
function cacheGone(err: ModelError): boolean {
  return err.status === 404 || (err.status === 400 && /cached ?content/i.test(err.message));
}

interface Held {
  name: string;
  expiresAt: number;
}

/**
 * Keeps the instance's CachedContents alive, one per cached instruction. Creation is shared by
 * concurrent callers; a transient failure is retried on the next call, a refusal (4xx) disables
 * caching; the least recently used context beyond `MAX_CONTEXTS` is deleted.
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
  const held = new Map<string, Promise<Held | undefined>>();
  /** The name each held instruction resolved to, to tell a lost cache from its replacement. */
  const names = new Map<string, string>();
  let disabled = false;

  async function create(instruction: string): Promise<Held | undefined> {
    try {
      const ai = await getClient();
      const created = await ai.caches.create({
        model: opts.model,
        config: {
          systemInstruction: instruction,
          ttl: `${ttlSeconds}s`,
          ...(cacheOpts.displayName ? { displayName: cacheOpts.displayName } : {}),
        },
      });
      if (!created.name) throw new ModelError('Gemini created a cache without a name', true);
      const expiresAt = created.expireTime ? Date.parse(created.expireTime) : now() + ttlSeconds * 1000;
      names.set(instruction, created.name);
      return {
        name: created.name,
        expiresAt: Number.isNaN(expiresAt) ? now() + ttlSeconds * 1000 : expiresAt,
      };
    } catch (err) {
      const e = toModelError(err, isRetryableStatus);
      if (!e.retryable) disabled = true;
      held.delete(instruction);
      cacheOpts.onError?.(e);
      return undefined;
    }
  }

  /** Deletes a cache nobody refers to any more; a failure only leaves it to expire. */
  function drop(entry: Promise<Held | undefined> | undefined): void {
    void entry
      ?.then(async (h) => {
        if (h && h.expiresAt > now()) await (await getClient()).caches.delete({ name: h.name });
      })
      .catch(() => undefined);
  }

  /** The instruction each purpose uses now: one no purpose uses any more (an old Bible) is deleted. */
  const current = new Map<ModelPurpose, string>();
  function supersede(purpose: ModelPurpose, instruction: string): void {
    const old = current.get(purpose);
    current.set(purpose, instruction);
    if (old === undefined || old === instruction || [...current.values()].includes(old)) return;
    const entry = held.get(old);
    held.delete(old);
    names.delete(old);
    drop(entry);
  }

  function start(instruction: string): Promise<Held | undefined> {
    const entry = create(instruction);
    held.set(instruction, entry);
    for (const [key, old] of held) {
      if (held.size <= MAX_CONTEXTS) break;
      held.delete(key);
      names.delete(key);
      drop(old);
    }
    return entry;
  }

  return {
    /** What of `req.system` would be cached, if anything. */
    instructionFor(req: ModelRequest): string | undefined {
      if (disabled || req.tools?.length || !req.system) return undefined;
      if (cacheOpts.systemInstruction !== undefined)
        return req.system.startsWith(cacheOpts.systemInstruction) ? cacheOpts.systemInstruction : undefined;
      if (cacheOpts.purposes && !cacheOpts.purposes.includes(req.purpose)) return undefined;
      supersede(req.purpose, req.system);
      return req.system;
    },
    async name(instruction: string): Promise<string | undefined> {
      if (disabled) return undefined;
      const existing = held.get(instruction);
      if (existing) {
        held.delete(instruction); // re-inserted: the map's order is the order of use
        held.set(instruction, existing);
      }
      const h = await (existing ?? start(instruction));
      if (!existing || !h || h.expiresAt - marginMs > now()) return h?.name;
      // Near its expiry: a new one (the old one expires by itself).
      if (held.get(instruction) === existing) held.delete(instruction);
      return (await (held.get(instruction) ?? start(instruction)))?.name;
    },
    lost(instruction: string, name: string, err: ModelError): void {
      if (names.get(instruction) === name) {
        held.delete(instruction);
        names.delete(instruction);
      }
      cacheOpts.onError?.(new ModelError(`context cache ${name} is gone: ${err.message}`, true, err.status));
    },
  };
}
