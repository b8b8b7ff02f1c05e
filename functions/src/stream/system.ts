/**
 * The live stream's use case on the API: issuing short-lived stream tokens with the links that
 * carry them. The stream server itself runs as its own service (main.ts, server.ts).
 */
import type { Clock } from '../shared/ports.js';
import { STREAM_PATH, streamLinks } from './links.js';
import { issueStreamToken } from './token.js';

export interface StreamDeps {
  clock: Clock;
  /** STREAM_TOKEN_SECRET (throws when it is not configured). */
  tokenSecret: () => string;
  /** The stream service's public base URL. */
  streamPublicUrl: string;
}

export interface StreamTokenIssued {
  token: string;
  expiresAt: string;
  path: string;
  stream: string;
  page: string;
}

export interface Stream {
  issueToken(subject: string, ttlSeconds: number): Promise<StreamTokenIssued>;
}

export function createStream(deps: StreamDeps): Stream {
  return {
    async issueToken(subject, ttlSeconds) {
      const now = deps.clock.now();
      const token = await issueStreamToken(deps.tokenSecret(), { subject, ttlSeconds }, now);
      const expiresAt = new Date(now.getTime() + ttlSeconds * 1000).toISOString();
      return { token, expiresAt, path: STREAM_PATH, ...streamLinks(deps.streamPublicUrl, token) };
    },
  };
}
