/**
 * The muse status document, `muse/status`, shared with the wallet and trend loop (they own the
 * wallet, breaker and tick fields). This module owns `safeMode`, `runs` and `lastVerdict`, and
 * writes them with merge so the other fields are never touched. Every write goes inside the
 * transaction of the change it reports.
 */
import type { DocumentReference, Firestore, Transaction } from '@google-cloud/firestore';
import type { Container } from '../../platform/container.js';
import { readTrendConfig } from '../trends/settings-store.js';
import { upsertRun, type StatusRun } from './core/runs.js';

export const MUSE = 'muse';
export const STATUS_DOC = 'status';

export const statusRef = (db: Firestore): DocumentReference => db.collection(MUSE).doc(STATUS_DOC);

/** The fields this module writes into `muse/status`. */
export interface MuseStatusFields {
  safeMode?: { active: boolean; consecutiveRejections: number; since?: Date | null; exitedBy?: unknown };
  runs?: StatusRun[];
  lastVerdict?: { runId: string; drift: number; pass: boolean; notes: string; at: Date };
  /** The trend tick's latest intents, with their status advanced as production moves. */
  intents?: Array<{ id: string; status: string; [k: string]: unknown }>;
}

/** Turns Firestore Timestamps (anything with toDate) back into Dates, deeply. */
export function fromFirestore(value: unknown): unknown {
  if (value instanceof Date) return value; // already converted (safe to call twice)
  if (value && typeof value === 'object') {
    if (typeof (value as { toDate?: unknown }).toDate === 'function')
      return (value as { toDate(): Date }).toDate();
    if (Array.isArray(value)) return value.map(fromFirestore);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromFirestore(v)]));
  }
  return value;
}

/** Reads the current runs list inside a transaction (a read: call before any write). */
export async function readStatusRuns(db: Firestore, tx: Transaction): Promise<StatusRun[]> {
  const snap = await tx.get(statusRef(db));
  const runs = fromFirestore(snap.get('runs')) as StatusRun[] | undefined;
  const list = Array.isArray(runs) ? runs : [];
  const intents = fromFirestore(snap.get('intents')) as StatusIntent[] | undefined;
  // Remembered with the runs read, so writeRunStatus can move the intent's status along in the same
  // write: the trend tick lists the intents, production advances them.
  if (Array.isArray(intents)) intentsReadWith.set(list, intents);
  return list;
}

interface StatusIntent {
  id: string;
  status: string;
  [k: string]: unknown;
}

const intentsReadWith = new WeakMap<readonly StatusRun[], StatusIntent[]>();

const INTENT_STATUS: Record<StatusRun['state'], string> = {
  queued: 'producing',
  running: 'producing',
  unfunded: 'unfunded',
  published: 'published',
  rejected: 'failed',
  failed: 'failed',
};

function advanceIntents(
  runs: readonly StatusRun[],
  entry: Pick<StatusRun, 'intentId' | 'state'>,
): StatusIntent[] | undefined {
  const intents = intentsReadWith.get(runs);
  if (!intents?.some((i) => i.id === entry.intentId)) return undefined;
  return intents.map((i) => (i.id === entry.intentId ? { ...i, status: INTENT_STATUS[entry.state] } : i));
}

/** Merges this module's fields into the status document. */
export function writeStatus(db: Firestore, tx: Transaction, fields: MuseStatusFields, at: Date): void {
  tx.set(statusRef(db), { ...fields, updatedAt: at }, { merge: true });
}

/** Updates one run's entry in the status document (given the runs read earlier in the transaction). */
export function writeRunStatus(
  db: Firestore,
  tx: Transaction,
  runs: readonly StatusRun[],
  entry: Omit<StatusRun, 'updatedAt'>,
  at: Date,
  extra: MuseStatusFields = {},
): void {
  const intents = advanceIntents(runs, entry);
  writeStatus(
    db,
    tx,
    { ...extra, runs: upsertRun(runs, { ...entry, updatedAt: at }), ...(intents ? { intents } : {}) },
    at,
  );
}

/**
 * Records a run's progress in its own transaction (for places with no step transaction).
 * `ifAbsent` adds the entry only when the run has none yet, so a late "queued" never hides the
 * progress its first step already reported.
 */
export async function recordRunStatus(
  app: Pick<Container, 'db' | 'clock'>,
  entry: Omit<StatusRun, 'updatedAt'>,
  opts: { ifAbsent?: boolean } = {},
): Promise<void> {
  const at = app.clock.now();
  await app.db.runTransaction(async (tx) => {
    const runs = await readStatusRuns(app.db, tx);
    if (opts.ifAbsent && runs.some((r) => r.runId === entry.runId)) return;
    writeRunStatus(app.db, tx, runs, entry, at);
  });
}

/**
 * The whole status document (every owner's fields), for Slack, the API and the live stream, with
 * whether the trend settings documents parse (read live: a broken one names its field here before
 * the next tick fails on it).
 */
export async function getMuseStatus(app: Pick<Container, 'db'>): Promise<Record<string, unknown>> {
  const [snap, config] = await Promise.all([statusRef(app.db).get(), readTrendConfig(app.db)]);
  const data = (fromFirestore(snap.data() ?? {}) as Record<string, unknown>) ?? {};
  const check = (c: { ok: boolean; origin: string; error?: string }) =>
    c.ok ? { ok: true, origin: c.origin } : { ok: false, origin: c.origin, error: c.error };
  return {
    safeMode: { active: false, consecutiveRejections: 0 },
    runs: [],
    lastVerdict: null,
    trendSources: [],
    ...data,
    trendSettings: { sources: check(config.sources), tick: check(config.tick) },
  };
}
