/** Ids of SCMS records: readable prefixes over full UUIDs. */
import { randomUUID } from 'node:crypto';

/** A random id with a readable prefix: a full UUID (122 random bits), e.g. `mem-0b7e…`, never truncated. */
export const newId = (prefix: string) => `${prefix}-${randomUUID()}`;

/**
 * A timestamp session id, as the manual's "Start Session" sets: `S-20260101T000000Z-<uuid>`. The
 * full UUID keeps two sessions started in the same second apart (16 bits did not).
 */
export const sessionId = (at: Date) =>
  `S-${at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomUUID()}`;
