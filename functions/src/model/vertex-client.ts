/**
 * The one way the product reaches Vertex AI through `@google/genai`: the client's options (project,
 * location, API version, credentials, an endpoint override for the local wire-format servers) and
 * the SDK's own retry options (429, 5xx with jittered backoff). Text, media and live adapters each
 * say only what differs: their timeout and their retry budget.
 */
import type { GoogleGenAIOptions, HttpRetryOptions } from '@google/genai';
import { RETRYABLE_STATUSES } from './core/retry-policy.js';

/** Where and as whom a Vertex adapter calls. */
export interface VertexConnection {
  project: string;
  location: string;
  /** Endpoint override (a regional endpoint, a proxy, or a local wire-format server in tests). */
  baseUrl?: string;
  /** Vertex API version; `v1` unless set. */
  apiVersion?: string;
  /**
   * google-auth-library options. Unset means Application Default Credentials (the function's
   * service account in the cloud). Tests pass `{ apiKey, projectId }`, which never reaches a token
   * endpoint or the metadata server.
   */
  auth?: GoogleGenAIOptions['googleAuthOptions'];
}

/** The client's options; `timeoutMs` per HTTP request (the live socket takes none). */
export function vertexClientOptions(c: VertexConnection, timeoutMs?: number): GoogleGenAIOptions {
  const httpOptions = {
    ...(c.baseUrl ? { baseUrl: c.baseUrl } : {}),
    ...(timeoutMs !== undefined ? { timeout: timeoutMs } : {}),
  };
  return {
    vertexai: true,
    project: c.project,
    location: c.location,
    apiVersion: c.apiVersion ?? 'v1',
    ...(c.auth ? { googleAuthOptions: c.auth } : {}),
    ...(Object.keys(httpOptions).length ? { httpOptions } : {}),
  };
}

/** The SDK's retries: `attempts` in all (the first included), doubling from `baseDelayMs`, jittered. */
export function vertexRetryOptions(p: {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}): HttpRetryOptions {
  return {
    attempts: Math.max(1, p.attempts),
    initialDelay: p.baseDelayMs / 1000,
    maxDelay: Math.max(p.baseDelayMs, p.maxDelayMs) / 1000,
    expBase: 2,
    jitter: 1,
    httpStatusCodes: [...RETRYABLE_STATUSES],
  };
}
