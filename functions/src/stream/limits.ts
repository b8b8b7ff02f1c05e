/**
 * The stream's bounds, in one place. Defaults are the production values; tests and the benchmark
 * pass overrides. Each is explained where it is enforced.
 */
export interface StreamLimits {
  /** Largest client frame; ws closes the connection with 1009 above it. */
  maxPayloadBytes: number;
  /** Connections per instance; upgrades above it get HTTP 503. */
  maxConnections: number;
  /** Slow-consumer rule (core/slow-consumer.ts): soft line held for a window, and a hard cap. */
  softBufferedBytes: number;
  hardBufferedBytes: number;
  slowWindowMs: number;
  /** How often buffered bytes are sampled for the slow-consumer rule. */
  slowCheckMs: number;
  /** Token bucket on client frames: burst and refill per second. */
  frameBurst: number;
  framesPerSecond: number;
  /** Ping/pong sweep: a peer that did not answer the previous ping is terminated. */
  pingIntervalMs: number;
  /** Resume window: events kept for resume, by age and by count. */
  retentionMs: number;
  retentionItems: number;
  /** After a close frame to a slow client, how long before the socket is destroyed anyway. */
  closeGraceMs: number;
  /** On shutdown, how long clients get to answer the close frame before being terminated. */
  shutdownGraceMs: number;
}

export const DEFAULT_LIMITS: StreamLimits = Object.freeze({
  maxPayloadBytes: 16 * 1024,
  maxConnections: 10_000,
  // A client reading 1 MB/s drains 1 MiB in about a second; staying above it for 5 s straight
  // means the client is not keeping up. 4 MiB (four times the cap that once cut healthy clients
  // on a spike) bounds the memory one stuck client can hold.
  softBufferedBytes: 1024 * 1024,
  hardBufferedBytes: 4 * 1024 * 1024,
  slowWindowMs: 5000,
  slowCheckMs: 1000,
  frameBurst: 10,
  framesPerSecond: 2,
  pingIntervalMs: 30_000,
  retentionMs: 5 * 60_000,
  retentionItems: 5000,
  closeGraceMs: 2000,
  shutdownGraceMs: 5000,
});
