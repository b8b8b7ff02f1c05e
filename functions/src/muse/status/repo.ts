/**
 * The muse status document, `muse/status`: the one view Slack, the API and the live stream show
 * (wallet, breaker, loop, last tick, intents, trend sources, safe mode, productions, last
 * verdict). This module is its only writer: each part of the muse reports what changed through a
 * named function here, inside the transaction of the change it reports, and each function merges
 * only its own fields. Nothing else in the product names the document.
 */
import {
  FieldValue,
  type DocumentData,
  type DocumentReference,
  type Firestore,
  type PartialWithFieldValue,
  type SetOptions,
  type Transaction,
} from '@google-cloud/firestore';
import { typedCollection } from '../../platform/firestore/typed.js';
import type { Actor } from '../../shared/ports.js';
import type { SourceHealth } from '../trends/core/source-health.js';
import { INTENT_STATUS_OF, upsertProduction, type StatusProduction } from './core/productions.js';

const MUSE = 'muse';
const STATUS = 'status';

export interface StatusIntent {
  id: string;
  status: string;
  topic?: string;
  [k: string]: unknown;
}

export interface SafeModeMirror {
  active: boolean;
  consecutiveRejections: number;
  since?: Date | null;
  exitedBy?: { actor: Actor; at: Date | null; rationale: string } | null;
}

export interface LoopState {
  state: 'running' | 'paused';
  reason?: string;
}

export interface LastVerdict {
  runId: string;
  drift: number;
  pass: boolean;
  notes: string;
  at: Date;
}

export interface LastTick {
  id: string;
  at: Date;
  status: string;
  reason?: string;
  sourcesOk: number;
  sourcesFailed: number;
  candidates: number;
  intents: number;
  durationMs: number;
}

export interface MuseStatusDoc {
  wallet?: {
    balance?: number;
    reserved?: number;
    available?: number;
    currency?: string;
    burnRatePerHour?: number;
  };
  breaker?: {
    tripped: boolean;
    reason?: string;
    trippedAt?: Date;
    override?: { by: Actor; rationale: string; at: Date };
  };
  loop?: LoopState;
  lastTick?: LastTick;
  intents?: StatusIntent[];
  trendSources?: SourceHealth[];
  safeMode?: SafeModeMirror;
  runs?: StatusProduction[];
  lastVerdict?: LastVerdict | null;
  updatedAt?: Date;
}

/** Anything that writes a document: a transaction, a batch, the wallet's group recorder. */
export interface DocWriter {
  set<A, D extends DocumentData>(
    ref: DocumentReference<A, D>,
    data: PartialWithFieldValue<A>,
    options: SetOptions,
  ): unknown;
}

const statusRef = (db: Firestore) => typedCollection<MuseStatusDoc>(db, MUSE).doc(STATUS);

function merge(db: Firestore, w: DocWriter, fields: PartialWithFieldValue<MuseStatusDoc>, at: Date): void {
  w.set(statusRef(db), { ...(fields as object), updatedAt: at }, { merge: true });
}

/** The whole document as stored (every part's fields). */
export async function readStatus(db: Firestore): Promise<MuseStatusDoc> {
  return (await statusRef(db).get()).data() ?? {};
}

/** Listens to the document (the live stream's status view). */
export function watchStatus(
  db: Firestore,
  next: (status: MuseStatusDoc) => void,
  fail: (err: Error) => void,
): () => void {
  return statusRef(db).onSnapshot((snap) => next(snap.data() ?? {}), fail);
}

/** What a transaction read of the document, for the updates below that build on it. */
export interface StatusRead {
  productions: StatusProduction[];
  intents: StatusIntent[] | undefined;
  trendSources: SourceHealth[];
}

/** Reads the document inside a transaction (a read: call before any write). */
export async function readStatusInTx(db: Firestore, tx: Transaction): Promise<StatusRead> {
  const d = (await tx.get(statusRef(db))).data() ?? {};
  return {
    productions: Array.isArray(d.runs) ? d.runs : [],
    intents: Array.isArray(d.intents) ? d.intents : undefined,
    trendSources: Array.isArray(d.trendSources) ? d.trendSources : [],
  };
}

// --- the wallet's fields ---

export function recordWalletTotals(
  db: Firestore,
  w: DocWriter,
  wallet: { balance: number; reserved: number; available: number; currency: string },
  at: Date,
): void {
  merge(db, w, { wallet }, at);
}

export function recordBurnRate(db: Firestore, w: DocWriter, burnRatePerHour: number, at: Date): void {
  merge(db, w, { wallet: { burnRatePerHour } }, at);
}

export function recordBreakerTripped(
  db: Firestore,
  w: DocWriter,
  p: { reason: string; trippedAt: Date; burnRatePerHour?: number },
): void {
  merge(
    db,
    w,
    {
      breaker: { tripped: true, reason: p.reason, trippedAt: p.trippedAt },
      loop: { state: 'paused', reason: `CFO circuit breaker: ${p.reason}` },
      ...(p.burnRatePerHour !== undefined ? { wallet: { burnRatePerHour: p.burnRatePerHour } } : {}),
    },
    p.trippedAt,
  );
}

export function recordBreakerOverridden(
  db: Firestore,
  w: DocWriter,
  override: { by: Actor; rationale: string; at: Date },
): void {
  merge(db, w, { breaker: { tripped: false, override } }, override.at);
}

/** The loop's state; a running loop's stale reason is removed. */
export async function recordLoop(db: Firestore, loop: LoopState, at: Date): Promise<void> {
  await statusRef(db).set(
    { loop: { state: loop.state, reason: loop.reason ?? FieldValue.delete() }, updatedAt: at },
    { merge: true },
  );
}

// --- the trend loop's fields ---

export function recordTickSkipped(db: Firestore, tx: Transaction, reason: string, at: Date): void {
  merge(db, tx, { loop: { state: 'paused', reason } }, at);
}

/** A finished tick: its summary, the newest intents, each source's health; the loop runs. */
export function recordTickFinished(
  db: Firestore,
  tx: Transaction,
  p: { lastTick: LastTick; intents: StatusIntent[]; trendSources: SourceHealth[] },
  at: Date,
): void {
  // A tick only finishes while nothing holds the pause switch: the loop is running.
  merge(db, tx, { ...p, loop: { state: 'running' } }, at);
}

/** An intent a person asked for, at the head of the list (given the list read earlier). */
export function recordRequestedIntent(
  db: Firestore,
  tx: Transaction,
  read: StatusRead,
  intent: StatusIntent,
  at: Date,
): void {
  merge(db, tx, { intents: [intent, ...(read.intents ?? [])].slice(0, 10) }, at);
}

// --- production's and the critic's fields ---

/**
 * One production's entry (given the list read earlier in the transaction), its intent's status
 * moved along with it, and the critic's fields when it reports a verdict.
 */
export function recordProduction(
  db: Firestore,
  tx: Transaction,
  read: StatusRead,
  entry: Omit<StatusProduction, 'updatedAt'>,
  at: Date,
  critic: { safeMode?: SafeModeMirror; lastVerdict?: LastVerdict } = {},
): void {
  const intents = read.intents?.some((i) => i.id === entry.intentId)
    ? read.intents.map((i) => (i.id === entry.intentId ? { ...i, status: INTENT_STATUS_OF[entry.state] } : i))
    : undefined;
  merge(
    db,
    tx,
    {
      ...critic,
      runs: upsertProduction(read.productions, { ...entry, updatedAt: at }),
      ...(intents ? { intents } : {}),
    },
    at,
  );
}

export function recordSafeMode(db: Firestore, tx: Transaction, safeMode: SafeModeMirror, at: Date): void {
  merge(db, tx, { safeMode }, at);
}
