/**
 * Trend tick persistence. Intents are written with batched writes (500 per batch, several batches
 * in flight): a tick that finds thousands of topics commits them at the emulator's ~13,000 docs/s
 * instead of 1.7 ms per single set. De-duplication state lives in 32 shard documents
 * (`trendTopics/{00..31}`, a map topic key -> last intent), so checking 10,000 topics is 32 reads,
 * not 10,000. Ticks run one at a time (the scan lock), which makes the shards' read-modify-write safe.
 */
import type { Firestore } from '@google-cloud/firestore';
import type { Candidate, RecentIntent } from './core/candidates.js';

export const INTENTS = 'intents';
export const TICKS = 'trendTicks';
export const TOPIC_SHARDS = 'trendTopics';
export const SHARD_COUNT = 32;
const BATCH = 500;
const IN_FLIGHT = 8;

export type IntentStatus = 'new' | 'funded' | 'unfunded' | 'producing' | 'published' | 'failed';

/** An `intents` document. */
export interface IntentDoc {
  id: string;
  topic: string;
  normalizedTopic: string;
  vvs: number;
  status: IntentStatus;
  reason?: string;
  estimatedCost?: number;
  createdAt: Date;
  tickId: string;
  sources: string[];
  mentions: number;
  engagement: number;
}

export const intentId = (tickId: string, key: string) => `${tickId}~${key}`;

/** Stable shard of a topic key (FNV-1a). */
export function shardOf(key: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return String((h >>> 0) % SHARD_COUNT).padStart(2, '0');
}

type Shards = Map<string, Record<string, RecentIntent>>;

export async function readTopicShards(db: Firestore): Promise<Shards> {
  const refs = Array.from({ length: SHARD_COUNT }, (_, i) =>
    db.collection(TOPIC_SHARDS).doc(String(i).padStart(2, '0')),
  );
  const snaps = await db.getAll(...refs);
  return new Map(
    snaps.map((s) => [s.id, (s.get('topics') as Record<string, RecentIntent> | undefined) ?? {}]),
  );
}

export function recentFromShards(shards: Shards): Map<string, RecentIntent> {
  const out = new Map<string, RecentIntent>();
  for (const topics of shards.values()) for (const [k, v] of Object.entries(topics)) out.set(k, v);
  return out;
}

/** Runs write batches of up to 500 operations with a few in flight at once. */
async function commitInBatches<T>(
  db: Firestore,
  items: readonly T[],
  write: (b: FirebaseFirestore.WriteBatch, item: T) => void,
) {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH) chunks.push(items.slice(i, i + BATCH));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++]!;
      const batch = db.batch();
      for (const item of chunk) write(batch, item);
      await batch.commit();
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, chunks.length) }, worker));
}

/** Intent ids among `ids` that already exist (a retried tick must not overwrite advanced intents). */
export async function existingIntents(db: Firestore, ids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const snaps = await db.getAll(...ids.slice(i, i + 500).map((id) => db.collection(INTENTS).doc(id)));
    for (const s of snaps) if (s.exists) found.add(s.id);
  }
  return found;
}

export async function writeIntents(db: Firestore, intents: readonly IntentDoc[]): Promise<void> {
  await commitInBatches(db, intents, (b, doc) => b.set(db.collection(INTENTS).doc(doc.id), doc));
}

/** Records the new intents in the de-dupe shards, dropping entries older than the window. */
export async function writeTopicShards(
  db: Firestore,
  shards: Shards,
  created: ReadonlyArray<Pick<Candidate, 'key'> & { intentId: string }>,
  nowMs: number,
  windowMs: number,
): Promise<void> {
  const touched = new Map<string, Record<string, RecentIntent>>();
  for (const c of created) {
    const id = shardOf(c.key);
    let topics = touched.get(id);
    if (!topics) {
      topics = Object.fromEntries(
        Object.entries(shards.get(id) ?? {}).filter(([, v]) => nowMs - v.at < windowMs),
      );
      touched.set(id, topics);
    }
    topics[c.key] = { intentId: c.intentId, at: nowMs };
  }
  await commitInBatches(db, [...touched], (b, [id, topics]) =>
    b.set(db.collection(TOPIC_SHARDS).doc(id), { topics }),
  );
}
