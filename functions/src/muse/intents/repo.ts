/**
 * Intents (`intents/{id}`) and the trend loop's de-dupe memory of them (`trendTopics/{00..31}`, 32
 * shard documents mapping a topic key to its last intent, so checking 10,000 topics is 32 reads).
 * The trend tick creates intents, a person or a Level 4 brief may ask for one, production moves
 * their status along; every read and write of either collection is here.
 *
 * Intents are written with batched writes (500 per batch, several batches in flight): a tick that
 * finds thousands of topics commits them at the emulator's ~13,000 docs/s instead of 1.7 ms per
 * single set. Ticks run one at a time (the scan lock), which makes the shards' read-modify-write safe.
 */
import type { Firestore, Transaction, WriteBatch } from '@google-cloud/firestore';
import { typedCollection } from '../../platform/firestore/typed.js';
import { notFound } from '../../shared/errors.js';
import type { Actor } from '../../shared/ports.js';
import type { RecentIntent } from '../trends/core/candidates.js';

const INTENTS = 'intents';
const TOPIC_SHARDS = 'trendTopics';
export const SHARD_COUNT = 32;
const BATCH = 500;
const IN_FLIGHT = 8;

export type IntentStatus = 'new' | 'funded' | 'unfunded' | 'producing' | 'published' | 'failed';

/** An `intents` document. */
export interface IntentDoc {
  id: string;
  topic: string;
  normalizedTopic: string;
  /** Absent on an intent a person asked for; null on a Level 4 brief's. */
  vvs?: number | null;
  status: IntentStatus;
  reason?: string | null;
  estimatedCost?: number | null;
  createdAt: Date;
  tickId?: string | null;
  sources: string[];
  mentions?: number;
  engagement?: number;
  origin?: 'request';
  requestedBy?: Actor;
  profile?: string;
  runId?: string;
  productionAttempts?: number;
  assetId?: string;
  actualCost?: number;
  failure?: { runId: string; step: string; error: string; raw: string | null; at: Date };
}

/** Production's progress on an intent (merged into the document). */
export type IntentProgress = Partial<
  Pick<
    IntentDoc,
    | 'status'
    | 'reason'
    | 'estimatedCost'
    | 'runId'
    | 'productionAttempts'
    | 'assetId'
    | 'actualCost'
    | 'failure'
  >
>;

const intents = (db: Firestore) => typedCollection<IntentDoc>(db, INTENTS, 'id');
const shardsOf = (db: Firestore) =>
  typedCollection<{ topics: Record<string, RecentIntent> }>(db, TOPIC_SHARDS);

export const intentId = (tickId: string, key: string) => `${tickId}~${key}`;

export async function findIntent(db: Firestore, id: string): Promise<IntentDoc | undefined> {
  return (await intents(db).doc(id).get()).data();
}

export async function getIntent(db: Firestore, id: string): Promise<IntentDoc> {
  const intent = await findIntent(db, id);
  if (!intent) throw notFound(`intent ${id} does not exist`);
  return intent;
}

export async function readIntentInTx(
  db: Firestore,
  tx: Transaction,
  id: string,
): Promise<IntentDoc | undefined> {
  return (await tx.get(intents(db).doc(id))).data();
}

/** Creates an intent inside the caller's transaction (fails if it exists). */
export function createIntentInTx(db: Firestore, tx: Transaction, doc: IntentDoc): void {
  tx.create(intents(db).doc(doc.id), doc);
}

/** Records production's progress on an intent, in the caller's transaction or on its own. */
export function recordProgressInTx(db: Firestore, tx: Transaction, id: string, p: IntentProgress): void {
  tx.set(intents(db).doc(id), p, { merge: true });
}

export async function recordProgress(db: Firestore, id: string, p: IntentProgress): Promise<void> {
  await intents(db).doc(id).set(p, { merge: true });
}

/** Newest first; filtering on status in memory avoids a composite index for a small page. */
export async function listIntents(
  db: Firestore,
  q: { status?: IntentStatus; limit: number },
): Promise<IntentDoc[]> {
  const snap = await intents(db)
    .orderBy('createdAt', 'desc')
    .limit(q.status ? 500 : q.limit)
    .get();
  return snap.docs
    .map((d) => d.data())
    .filter((i) => !q.status || i.status === q.status)
    .slice(0, q.limit);
}

/** Intent ids among `ids` that already exist (a retried tick must not overwrite advanced intents). */
export async function existingIntents(db: Firestore, ids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const snaps = await db.getAll(...ids.slice(i, i + 500).map((id) => intents(db).doc(id)));
    for (const s of snaps) if (s.exists) found.add(s.id);
  }
  return found;
}

/** Runs write batches of up to 500 operations with a few in flight at once. */
async function commitInBatches<T>(
  db: Firestore,
  items: readonly T[],
  write: (b: WriteBatch, item: T) => void,
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

export async function writeIntents(db: Firestore, docs: readonly IntentDoc[]): Promise<void> {
  await commitInBatches(db, docs, (b, doc) => b.set(intents(db).doc(doc.id), doc));
}

// --- the de-dupe shards ---

/** Stable shard of a topic key (FNV-1a). */
export function shardOf(key: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return String((h >>> 0) % SHARD_COUNT).padStart(2, '0');
}

export type Shards = Map<string, Record<string, RecentIntent>>;

export async function readTopicShards(db: Firestore): Promise<Shards> {
  const refs = Array.from({ length: SHARD_COUNT }, (_, i) => shardsOf(db).doc(String(i).padStart(2, '0')));
  const snaps = await db.getAll(...refs);
  return new Map(snaps.map((s) => [s.id, s.data()?.topics ?? {}]));
}

export function recentFromShards(shards: Shards): Map<string, RecentIntent> {
  const out = new Map<string, RecentIntent>();
  for (const topics of shards.values()) for (const [k, v] of Object.entries(topics)) out.set(k, v);
  return out;
}

/** Records the new intents in the de-dupe shards, dropping entries older than the window. */
export async function writeTopicShards(
  db: Firestore,
  shards: Shards,
  created: ReadonlyArray<{ key: string; intentId: string }>,
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
  await commitInBatches(db, [...touched], (b, [id, topics]) => b.set(shardsOf(db).doc(id), { topics }));
}

/** The next tick treats a requested topic as recently produced (its de-dupe window). */
export function rememberTopicInTx(
  db: Firestore,
  tx: Transaction,
  key: string,
  intentId: string,
  at: Date,
): void {
  tx.set(
    shardsOf(db).doc(shardOf(key)),
    { topics: { [key]: { intentId, at: at.getTime() } } },
    { merge: true },
  );
}
