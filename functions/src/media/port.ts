/**
 * The media store port: immutable objects named by the sha256 of their bytes. `put` writes once
 * (a second put of the same bytes finds them there; nothing can replace them), `get` and `list`
 * read, and `signedUrl` lends a short-lived read link for the status page and Slack, since the
 * bucket itself is never public. One adapter: Cloud Storage (locally, the same client against
 * `scripts/lib/gcs-server.ts`).
 */
import type { MediaType } from './core/names.js';

export type { MediaType };

export interface MediaRef {
  /** The object name, `{prefix}/{folder}/{sha256}.{ext}`: what an asset records. */
  name: string;
  sha256: string;
  contentType: MediaType;
  size: number;
}

export interface MediaStore {
  /**
   * Stores bytes under their hash in `folder` (default `drafts`). `created` is false when the same
   * bytes were already there. Throws MediaError `conflict` if other bytes hold the name.
   */
  put(
    bytes: Uint8Array,
    contentType: string,
    opts?: { folder?: string },
  ): Promise<MediaRef & { created: boolean }>;
  /** The object's bytes. Throws MediaError `not-found` or `bad-name`. */
  get(name: string): Promise<{ ref: MediaRef; bytes: Uint8Array }>;
  /** The objects in a folder (default: all under the prefix), by name. */
  list(folder?: string): Promise<MediaRef[]>;
  /** A V4 signed GET URL valid `ttlSeconds` (default the store's, at most 7 days). */
  signedUrl(name: string, opts?: { ttlSeconds?: number }): Promise<{ url: string; expiresAt: Date }>;
}

export type MediaErrorCode = 'bad-name' | 'bad-type' | 'not-found' | 'conflict' | 'refused' | 'unavailable';

/** HTTP status a route answers for each code. */
export const MEDIA_ERROR_STATUS: Record<MediaErrorCode, number> = {
  'bad-name': 400,
  'bad-type': 415,
  'not-found': 404,
  conflict: 409,
  refused: 500,
  unavailable: 503,
};

/**
 * A store failure with a stable code; `unavailable` is transient (retry), the others are not.
 * `refused` is Cloud Storage saying no (403, 400): a misconfiguration, not the caller's input.
 */
export class MediaError extends Error {
  constructor(
    readonly code: MediaErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MediaError';
  }
  get retryable(): boolean {
    return this.code === 'unavailable';
  }
}
